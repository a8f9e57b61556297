// The consumer simulator's report for the console: lag per partition (peak, and over time), drain,
// end-to-end latency.
import type { ConsumerSimReport } from '../consume/report.js';
import { describeConnection, fixed } from './format.js';
import { renderTable } from './table.js';

/**
 * Lag over time as a compact table: the partitions that lagged (at most `maxRows`, worst first) by
 * columns of time (at most `maxColumns`), each cell the highest lag sampled in it.
 */
export function lagOverTime(r: ConsumerSimReport, maxColumns = 12, maxRows = 8): string {
  const { partitions, samples } = r.lag;
  const rows = partitions
    .map((p, i) => ({ p, i, max: Math.max(0, ...samples.map((x) => x.lag[i] ?? 0)) }))
    .filter((x) => x.max > 0)
    .sort((a, b) => b.max - a.max)
    .slice(0, maxRows);
  if (rows.length === 0 || samples.length === 0) return '';
  const group = Math.max(1, Math.ceil(samples.length / maxColumns));
  const columns: { label: string; from: number; to: number }[] = [];
  for (let i = 0; i < samples.length; i += group) {
    const to = Math.min(samples.length, i + group);
    columns.push({ label: `${fixed(samples[to - 1]!.tMs / 1000, 1)}s`, from: i, to });
  }
  return renderTable(rows, [
    { header: 'LAG BY TIME', value: (x) => `${x.p.topic.replace(/^.*?sc\./, 'sc.')}[${x.p.partition}]` },
    ...columns.map((c) => ({
      header: c.label,
      value: (x: (typeof rows)[number]) =>
        fixed(Math.max(...samples.slice(c.from, c.to).map((smp) => smp.lag[x.i] ?? 0))),
      align: 'right' as const,
    })),
  ]);
}

export function formatConsumerReport(r: ConsumerSimReport): string {
  const s = r.summary;
  const lines = [
    `consumer group ${r.groupId}: ${r.perEventMs} ms/event, ${r.concurrency} partition(s) at once, ${fixed(r.durationMs / 1000, 1)} s (${r.stopReason})`,
    `processed ${fixed(r.processed)} events (${fixed(r.processedRatePerSec, 1)} ev/s)`,
    ...(r.connection ? [`connection: ${describeConnection(r.connection)}`] : []),
    '',
    renderTable(
      [...s.partitions].sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1)),
      [
        { header: 'TOPIC', value: (p) => p.topic },
        { header: 'PARTITION', value: (p) => p.partition, align: 'right' },
        { header: 'PROCESSED', value: (p) => fixed(p.processed), align: 'right' },
        { header: 'MAX LAG', value: (p) => fixed(p.maxLag), align: 'right' },
        { header: 'AT', value: (p) => (p.maxLag > 0 ? `${fixed(p.maxLagAtMs / 1000, 1)} s` : '-'), align: 'right' },
        { header: 'FINAL LAG', value: (p) => fixed(p.finalLag), align: 'right' },
      ],
    ),
    '',
    ...(() => {
      const table = lagOverTime(r);
      return table ? [table, ''] : [];
    })(),
    `max lag: ${fixed(s.maxPartitionLag)} on ${s.maxPartitionLagAt ? `${s.maxPartitionLagAt.topic}[${s.maxPartitionLagAt.partition}]` : '-'}; max total lag ${fixed(s.maxTotalLag)}; lag skew ${s.lagSkew === null ? '-' : fixed(s.lagSkew, 2)}`,
    s.drained
      ? `drained: yes${s.timeToDrainMs === null ? '' : `, ${fixed(s.timeToDrainMs / 1000, 1)} s after production stopped`}`
      : `drained: no, ${fixed(s.finalTotalLag)} events still behind`,
  ];
  if (r.endToEndLatency) {
    const l = r.endToEndLatency;
    lines.push(
      `end-to-end (record time -> processed): p50 ${fixed(l.p50, 1)} ms, p99 ${fixed(l.p99, 1)} ms, max ${fixed(l.max, 1)} ms`,
    );
  }
  return lines.join('\n');
}
