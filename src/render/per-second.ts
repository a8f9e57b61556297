// The per-second picture of a hot topic, shared by the console table and the HTML heat map: each
// partition's share of the topic's acked events, second by second (grouped into at most a given
// number of columns). A pure function of the report.
import type { RunReport, TopicReport } from '../report/types.js';
import { pct } from './format.js';
import { renderTable } from './table.js';

export interface SecondsColumn {
  /** First and last second of the column, in seconds since the run's start (rounded). */
  fromSecond: number;
  toSecond: number;
  /** Acked events of the topic in the column. */
  events: number;
  /** Per partition: its share of the column's events (0..1; 0 when the column has none). */
  shares: number[];
  /** Starts before the warm-up ends (not a measured second: the summary's per-second share leaves it out). */
  warmup: boolean;
}

export interface PerSecondView {
  topic: TopicReport;
  partitions: number;
  columns: SecondsColumn[];
}

/** The view of one topic; null when the report has no per-second counts for it. */
export function perSecondView(report: RunReport, topicName: string, maxColumns: number): PerSecondView | null {
  const ps = report.metrics.partitionSeconds;
  const topic = report.summary.topics.find((t) => t.topic === topicName);
  const rows = ps?.topics[topicName];
  if (!ps || !topic || !rows || rows.length === 0) return null;
  const partitions = Math.max(topic.partitions.length, ...rows.map((r) => r.length));
  const group = Math.max(1, Math.ceil(rows.length / maxColumns));
  const startOf = (s: number) => (ps.firstSecondOffsetMs + s * 1_000) / 1_000;
  const columns: SecondsColumn[] = [];
  for (let s = 0; s < rows.length; s += group) {
    const slice = rows.slice(s, s + group);
    const sums = Array.from({ length: partitions }, (_, p) => slice.reduce((n, r) => n + (r[p] ?? 0), 0));
    const events = sums.reduce((a, b) => a + b, 0);
    columns.push({
      fromSecond: Math.round(startOf(s)),
      toSecond: Math.round(startOf(s + slice.length)),
      events,
      shares: sums.map((n) => (events > 0 ? n / events : 0)),
      warmup: report.run.warmupMs > 0 && startOf(s) * 1_000 < report.run.warmupMs,
    });
  }
  return { topic, partitions, columns };
}

/** The hottest partition's share per second, as one line: "hottest partition per second: p50 96.1%, max 99.0% (24 s)". */
export function describePerSecondShare(topic: TopicReport): string {
  const s = topic.perSecondShare;
  if (!s) return 'hottest partition per second: no second with enough events';
  return `hottest partition per second: p50 ${pct(s.p50)}, max ${pct(s.max)} (${s.seconds} measured s with ≥ ${s.minEvents} events)`;
}

/**
 * Console: per hot topic, each partition's share of every measured second (%), one column per
 * second — grouping seconds would blur exactly what this shows — for the first `maxSeconds` of them.
 */
export function formatPerSecond(report: RunReport, maxSeconds = 30): string {
  const out: string[] = [];
  for (const name of report.summary.hotTopics ?? []) {
    const view = perSecondView(report, name, Number.POSITIVE_INFINITY);
    if (!view) continue;
    const measured = view.columns.filter((c) => !c.warmup);
    const shown = measured.slice(0, maxSeconds);
    const more =
      measured.length > shown.length
        ? ` (the first ${shown.length} of ${measured.length} s; --html maps them all)`
        : '';
    out.push(`PER SECOND ${view.topic.physicalTopic}: each partition's share of the second's events, %${more}`);
    out.push(`  ${describePerSecondShare(view.topic)}`);
    const rows = Array.from({ length: view.partitions }, (_, p) => p);
    out.push(
      renderTable(rows, [
        { header: 'PARTITION', value: (p) => p, align: 'right' },
        ...shown.map((c) => ({
          header: `${c.fromSecond}s`,
          value: (p: number) => (c.events === 0 ? '-' : Math.round(c.shares[p]! * 100)),
          align: 'right' as const,
        })),
      ]),
    );
    out.push('');
  }
  return out.join('\n').trimEnd();
}
