// The console summary of a run report: a pure function of the report (autocannon's
// printResult habit), so `sc-sim report saved.json` prints exactly what the run printed.
import { formatBrokerLoad } from './brokers.js';
import { formatConsumerReport } from './consumer.js';
import { approxDuration, describeConnection, formatBytes, int, ms, pct, secs } from './format.js';
import { formatPerSecond } from './per-second.js';
import { formatVerification } from './verification.js';
import { formatGroupWatch } from './watch.js';
import { formatExpect } from './expect.js';
import { renderTable } from './table.js';
import type { LatencySummaryMs } from '../metrics/histogram.js';
import type { GapSummaryMs, SessionsSummary } from '../metrics/sessions.js';
import type { ProducerMode } from '../sinks/types.js';
import type { KeyReport, PartitionChange, RunReport, ThreadsReport, TimeReport, TopicReport } from '../report/types.js';

export function describeProducer(p: ProducerMode): string {
  const inflight = p.maxInFlightRequests === null ? 'unbounded' : String(p.maxInFlightRequests);
  return `acks ${p.acks}, ${p.idempotent ? 'idempotent' : 'not idempotent'}, max in-flight requests ${inflight}, compression ${p.compression}`;
}

function latencyRows(report: RunReport) {
  const row = (name: string, l: LatencySummaryMs) => ({ name, ...l });
  return renderTable(
    [
      row('ack (send → ack)', report.summary.ackLatencyMs),
      row('schedule delay (intended → send)', report.summary.scheduleDelayMs),
    ],
    [
      { header: 'LATENCY ms', value: (r) => r.name },
      { header: 'p50', value: (r) => ms(r.p50), align: 'right' },
      { header: 'p90', value: (r) => ms(r.p90), align: 'right' },
      { header: 'p99', value: (r) => ms(r.p99), align: 'right' },
      { header: 'p99.9', value: (r) => ms(r.p999), align: 'right' },
      { header: 'max', value: (r) => ms(r.max), align: 'right' },
    ],
  );
}

function topicTable(topics: TopicReport[]) {
  return renderTable(topics, [
    { header: 'TOPIC', value: (t) => t.physicalTopic },
    { header: 'ACKED', value: (t) => int(t.acked), align: 'right' },
    { header: 'FAILED', value: (t) => int(t.failed + t.indeterminate + (t.unsent ?? 0)), align: 'right' },
    { header: 'SHARE', value: (t) => pct(t.shareOfEvents), align: 'right' },
    { header: 'BYTES', value: (t) => formatBytes(t.bytes), align: 'right' },
    { header: 'EV/S', value: (t) => int(t.ratePerSec), align: 'right' },
    { header: 'ACK p99 ms', value: (t) => ms(t.ackLatencyMs.p99), align: 'right' },
    { header: 'SKEW max/mean', value: (t) => t.skew.toFixed(2), align: 'right' },
  ]);
}

/** Per topic, how its records spread over their keys (the hottest key shortened: ids are long). */
export function keySkewTable(topics: TopicReport[]): string | null {
  const rows = topics.filter((t) => t.keySkew && t.keySkew.distinctKeys > 0);
  if (rows.length === 0) return null;
  const short = (key: string) => (key.length > 14 ? `${key.slice(0, 13)}…` : key);
  return renderTable(rows, [
    { header: 'KEY SKEW', value: (t) => t.physicalTopic },
    {
      header: 'KEYS',
      value: (t) => `${int(t.keySkew!.distinctKeys)}${t.keySkew!.approximate ? '~' : ''}`,
      align: 'right',
    },
    { header: 'GINI', value: (t) => t.keySkew!.gini.toFixed(2), align: 'right' },
    { header: 'TOP 1%', value: (t) => pct(t.keySkew!.top1PctShare), align: 'right' },
    { header: 'TOP 10%', value: (t) => pct(t.keySkew!.top10PctShare), align: 'right' },
    {
      header: 'HOTTEST KEY',
      value: (t) => {
        const h = t.keySkew!.hottest[0];
        return h ? `${short(h.key)} ${pct(h.share)}` : '';
      },
    },
    {
      header: 'HOTTEST/s p50 max',
      value: (t) => {
        const p = t.keySkew!.perSecond;
        return p ? `${pct(p.p50)} ${pct(p.max)}` : '–';
      },
      align: 'right',
    },
  ]);
}

function partitionTable(topics: TopicReport[]) {
  const rows = topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.physicalTopic, ...p })));
  return renderTable(rows, [
    { header: 'TOPIC', value: (r) => r.topic },
    { header: 'PARTITION', value: (r) => r.partition, align: 'right' },
    { header: 'EVENTS', value: (r) => int(r.events), align: 'right' },
    { header: 'SHARE OF TOPIC', value: (r) => pct(r.shareOfTopic), align: 'right' },
    { header: 'BYTES', value: (r) => formatBytes(r.bytes), align: 'right' },
    { header: 'EV/S', value: (r) => int(r.ratePerSec), align: 'right' },
  ]);
}

/** Target vs achieved per second; long runs are grouped so the table stays under ~30 rows. */
function seriesTable(report: RunReport) {
  const series = report.series;
  const group = Math.max(1, Math.ceil(series.length / 30));
  const rows = [];
  for (let i = 0; i < series.length; i += group) {
    const slice = series.slice(i, i + group);
    const sum = (f: (p: (typeof slice)[number]) => number) => slice.reduce((s, p) => s + f(p), 0);
    const n = slice.length;
    rows.push({
      at: group === 1 ? `${slice[0]!.second}s` : `${slice[0]!.second}-${slice[n - 1]!.second + 1}s`,
      target: sum((p) => p.scheduled) / n,
      sent: sum((p) => p.sent) / n,
      acked: sum((p) => p.acked) / n,
      errors: sum((p) => p.errors),
      late: sum((p) => p.late),
      dropped: sum((p) => p.dropped),
      warmup: slice.every((p) => p.warmup),
    });
  }
  return renderTable(rows, [
    { header: 'TIME', value: (r) => r.at },
    { header: 'TARGET ev/s', value: (r) => int(r.target), align: 'right' },
    { header: 'SENT ev/s', value: (r) => int(r.sent), align: 'right' },
    { header: 'ACKED ev/s', value: (r) => int(r.acked), align: 'right' },
    { header: 'ERRORS', value: (r) => int(r.errors), align: 'right' },
    { header: 'LATE', value: (r) => int(r.late), align: 'right' },
    { header: 'DROPPED', value: (r) => int(r.dropped), align: 'right' },
    { header: '', value: (r) => (r.warmup ? 'warm-up' : '') },
  ]);
}

/** The time mode in one line: what occurred_at is and, for a backfill, the window written. */
export function describeTimeReport(t: TimeReport): string {
  if (t.mode === 'live') {
    const scale = t.timeScale === 1 ? '' : `, world durations ${t.timeScale}× faster (timeScale)`;
    return `time: live — occurred_at = the wall clock, record timestamp = occurred_at${scale}`;
  }
  const h = t.history!;
  const clamped = t.clampedRecords > 0 ? `; ${int(t.clampedRecords)} record timestamps clamped to retention` : '';
  return `time: backfill ${h.startAt} → ${h.endAt}; events ${t.firstEventAt ?? '-'} … ${t.lastEventAt ?? '-'}; record timestamp = occurred_at${clamped}`;
}

/** Each key strategy in use: the ordering it keeps and what a consumer must do about the rest. */
function keysSection(keys: readonly KeyReport[]): string {
  const out = ['KEYS (ordering kept, and what a consumer must do)'];
  for (const k of keys) {
    out.push(`  ${k.appliesTo.join(', ')}: ${k.strategy} ${k.key}`);
    out.push(`    ordering: ${k.orderingScope}`);
    out.push(`    consumer: ${k.consumerRebuild}`);
  }
  return out.join('\n');
}

/** The run summary, then the sections checks added (verification, consumer), if any. */
export function formatConsoleReport(report: RunReport): string {
  return `${formatRunSummary(report)}\n${formatChecks(report)}`;
}

/** The sections checks add, each set off by blank lines ('' when there are none). */
export function formatChecks(report: RunReport): string {
  const parts: string[] = [];
  if (report.verification) parts.push(formatVerification(report.verification));
  if (report.consumer) parts.push(formatConsumerReport(report.consumer));
  for (const w of report.watch ?? []) parts.push(formatGroupWatch(w));
  for (const e of report.expect ?? []) parts.push(formatExpect(e));
  return parts.map((p) => `\n${p}\n`).join('');
}

/** Undelivered entities shown on the console (the report lists more). */
const ENTITIES_SHOWN = 5;

/** The DELIVERY block: bound and peak of the backlog, retries, expired batches, undelivered entities. */
function deliveryLines(report: RunReport): string[] {
  const d = report.delivery!;
  const out = [`DELIVERY (delivery timeout ${secs(d.deliveryTimeoutMs)})`];
  out.push(
    `  backlog: peak ${int(d.backlog.peakEvents)} events (${formatBytes(d.backlog.peakBytes)}) of a ${int(d.backlog.limitEvents)}-event bound`,
  );
  if (d.retries.batches > 0 || Object.keys(d.retries.errors).length > 0) {
    const met = Object.entries(d.retries.errors)
      .sort(([, a], [, b]) => b - a)
      .slice(0, 3)
      .map(([e, n]) => `${e} ×${int(n)}`)
      .join('; ');
    out.push(
      `  retries: ${int(d.retries.batches)} batches needed ${int(d.retries.attempts)} more attempts (met: ${met})`,
    );
  }
  if (d.expired.batches > 0)
    out.push(
      `  expired: ${int(d.expired.batches)} batches (${int(d.expired.events)} events) ran out of delivery time before they could be sent`,
    );
  const u = d.undelivered;
  if (u.events > 0) {
    out.push(
      `  not delivered: ${int(u.events)} events of ${int(u.entities)} entities — their sequence numbers are missing from the log (not lost: never acked)`,
    );
    for (const e of u.listed.slice(0, ENTITIES_SHOWN)) {
      const how = (['failed', 'indeterminate', 'unsent'] as const).filter((k) => e[k] > 0).map((k) => `${k} ${e[k]}`);
      out.push(`    ${e.topic} ${e.entityId}: sequence ${e.sequences.join(', ')} (${how.join(', ')})`);
    }
    if (u.entities > ENTITIES_SHOWN)
      out.push(`    … ${int(u.entities - ENTITIES_SHOWN)} more entities (the JSON report lists ${u.listed.length})`);
  }
  return out;
}

function formatRunSummary(report: RunReport): string {
  const { run, summary } = report;
  const t = summary.totals;
  const out: string[] = [];
  out.push(`sc-sim run ${run.scenario} — ${run.description}`);
  out.push(
    `run ${run.id}, seed ${run.seed}, started ${run.startedAt}${run.interrupted ? ' (INTERRUPTED: stopped early, in-flight sends drained)' : ''}`,
  );
  out.push(`plan: ${run.plan}`);
  if (run.time) out.push(describeTimeReport(run.time));
  out.push(
    `sink: ${report.sink.kind} → ${report.sink.target}${report.producer ? ` (${describeProducer(report.producer)})` : ''}`,
  );
  if (report.connection) out.push(`connection: ${describeConnection(report.connection)}`);
  if (run.threads) out.push(`threads: ${describeThreads(run.threads)}`);
  if (report.prefix) out.push(`topic prefix: ${report.prefix}`);
  const warm = report.warmup
    ? `, after a ${secs(run.warmupMs)} warm-up (${int(report.warmup.totals.acked)} events excluded from rates and latencies)`
    : '';
  out.push(`duration ${secs(run.durationMs)}; measured ${secs(summary.durationMs)}${warm}`);
  out.push('');
  out.push(`TOTALS (whole run${report.warmup ? ', warm-up included' : ''})`);
  const unsent = t.unsent ?? 0;
  // Every event generated ends in exactly one of these; dropped ones were never generated.
  out.push(
    `  generated ${int(t.scheduled - t.dropped)} = acked ${int(t.acked)} + failed ${int(t.failed)} + indeterminate ${int(t.indeterminate)} + unsent ${int(unsent)};  dropped ${int(t.dropped)} (due, never generated)`,
  );
  out.push(`  sent ${int(t.sent)}  late ${int(t.late)} (> ${run.lateThresholdMs} ms)`);
  const target =
    t.targetRatePerSec === null
      ? 'unthrottled'
      : `target ${int(t.targetRatePerSec)} ev/s, ratio ${t.achievedRateRatio?.toFixed(3)}`;
  out.push(
    `  ${formatBytes(t.bytesAcked)} acked; measured ${int(t.achievedRatePerSec)} ev/s (${target}), ${formatBytes(t.bytesPerSec)}/s`,
  );
  for (const [message, count] of Object.entries(summary.errors)) out.push(`  error ×${int(count)}: ${message}`);
  if (report.partitionChanges) out.push(partitionChangesLine(report.partitionChanges));
  if (report.delivery) out.push('', ...deliveryLines(report));
  out.push('');
  out.push(latencyRows(report));
  out.push('');
  out.push(topicTable(summary.topics));
  out.push('');
  out.push(partitionTable(summary.topics));
  out.push('');
  const skew = keySkewTable(summary.topics);
  if (skew) out.push(skew, '');
  if (summary.sessions) out.push(sessionsLines(summary.sessions).join('\n'), '');
  const perSecond = formatPerSecond(report);
  if (perSecond) out.push(perSecond, '');
  if (report.brokers)
    out.push(formatBrokerLoad(report.brokers, report.metrics.partitionSeconds?.firstSecondAtMs ?? 0), '');
  if (report.keys && report.keys.length > 1) out.push(keysSection(report.keys), '');
  out.push(seriesTable(report));
  if (report.thresholds.length > 0) {
    out.push('');
    out.push('THRESHOLDS');
    for (const th of report.thresholds) {
      const actual = th.actual === null ? 'n/a' : String(th.actual);
      out.push(`  ${th.pass ? 'PASS' : 'FAIL'}  ${th.metric} ${th.condition}  (actual ${actual})`);
    }
  }
  out.push('');
  const failed = report.thresholds.filter((th) => !th.pass).length;
  if (run.stoppedBy) {
    out.push(`result: FAILED — the run stopped early: ${run.stoppedBy.message} (${run.stoppedBy.code})`);
    return out.join('\n');
  }
  out.push(
    failed > 0
      ? `result: FAIL — ${failed} of ${report.thresholds.length} thresholds failed`
      : `result: ${run.interrupted ? 'INTERRUPTED' : 'PASS'}${report.thresholds.length > 0 ? ` — ${report.thresholds.length} thresholds passed` : ''}`,
  );
  return out.join('\n');
}

/** Partition counts raised under a run, and whether sc-sim followed them (then keys moved). */
export function partitionChangesLine(changes: readonly PartitionChange[]): string {
  return `  partitions changed during the run: ${changes.map(describePartitionChange).join('; ')}`;
}

/** `sc.domain.order 6 → 12, followed 12.3 s in: keys hash over the new count from then on`. */
export function describePartitionChange(c: PartitionChange): string {
  const followed = c.followedAfterMs ?? null;
  return followed === null
    ? `${c.topic} ${c.from} → ${c.to}, seen only after the run (within producer.metadataMaxAge of its end): no key moved, the new partitions got none of its records`
    : `${c.topic} ${c.from} → ${c.to}, followed ${(followed / 1000).toFixed(1)} s in: keys hash over the new count from then on, so most keys moved partition (see verification)`;
}

/** `main 83% busy (world, JSON, keys, runner, producer); the process kept 1.12 cores busy`. */
export function describeThreads(t: ThreadsReport): string {
  const list = t.threads.map((x) => `${x.thread} ${pct(x.busy)} busy (${x.does})`).join(', ');
  const g = t.generatorThreads;
  const generation =
    g && g.threads > 0
      ? `; the world generated on ${g.threads} worker thread(s) (${g.why})`
      : g?.why.startsWith('auto')
        ? `; the world generated on the main thread (${g.why})`
        : '';
  return `${list}; the process kept ${t.cpuCores.toFixed(2)} cores busy (GC and libuv's pool included)${generation}`;
}

/** The sessions in the stream: how many, the funnel, steps, length and the gaps (event time). */
export function sessionsLines(s: SessionsSummary): string[] {
  const f = s.funnel;
  const g = (x: GapSummaryMs) =>
    `p10 ${approxDuration(x.p10)}, p50 ${approxDuration(x.p50)}, p90 ${approxDuration(x.p90)}, max ${approxDuration(x.max)}`;
  const lines = [
    `SESSIONS (in the stream sent; a login starts one, event time)`,
    `  ${int(s.sessions)} sessions; funnel login 100% → impression ${pct(f.impression)} → click ${pct(f.click)} → order ${pct(f.order)}`,
    `  steps per session (login included): mean ${s.stepsPerSession.mean.toFixed(1)}, p50 ${s.stepsPerSession.p50}, p90 ${s.stepsPerSession.p90}, max ${s.stepsPerSession.max}`,
    `  length: ${g(s.lengthMs)}`,
    `  gap between steps: ${g(s.gapMs)}${s.gapLogSigma === null ? '' : `; σ of ln(gap) ≈ ${s.gapLogSigma.toFixed(2)}`}`,
    `  idle between sessions: ${s.idleMs.count > 0 ? g(s.idleMs) : 'no user logged in twice'}`,
  ];
  if (s.outsideSteps > 0 || s.untrackedSteps > 0)
    lines.push(
      `  ${int(s.outsideSteps)} step(s) by users not seen logging in during the run (sessions begun before it)${s.untrackedSteps > 0 ? `; ${int(s.untrackedSteps)} untracked (too many users)` : ''}`,
    );
  return lines;
}
