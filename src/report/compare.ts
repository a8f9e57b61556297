// `sc-sim compare a.json b.json`: two runs side by side (rate, p99, skew, hottest partition, max
// consumer lag, time to drain, verification). Pure: saved reports in, a table (or JSON) out.
import type { ConsumerSimReport } from '../consume/report.js';
import { renderTable } from '../render/table.js';
import type { RunReport } from '../report.js';
import type { VerificationSection } from '../verify/section.js';

/** What one side of a comparison is made of: a run report and/or a consumer report. */
export interface CompareInput {
  label: string;
  run?: RunReport | null;
  consumer?: ConsumerSimReport | null;
  verification?: VerificationSection | null;
}

export interface CompareSide {
  label: string;
  scenario: string | null;
  targetRatePerSec: number | null;
  achievedRatePerSec: number | null;
  ackP99Ms: number | null;
  /** The topic compared: the busiest one the consumer read, else the busiest of the run. */
  focusTopic: string | null;
  focusShareOfEvents: number | null;
  /** The focus topic's skew (most loaded partition / mean). */
  skew: number | null;
  /** The highest skew of any topic, and which. */
  worstSkew: number | null;
  worstSkewTopic: string | null;
  /** The focus topic's partition holding the largest share of it. */
  hottestPartition: string | null;
  hottestPartitionShare: number | null;
  maxLag: number | null;
  maxLagPartition: string | null;
  lagSkew: number | null;
  timeToDrainMs: number | null;
  drained: boolean | null;
  consumerRatePerSec: number | null;
  consumerP99Ms: number | null;
  lost: number | null;
  duplicate: number | null;
  reordered: number | null;
}

export interface CompareRow {
  metric: string;
  a: string;
  b: string;
  /** b / a where both are numbers and a is not 0. */
  ratio: number | null;
}

export interface CompareResult {
  a: CompareSide;
  b: CompareSide;
  rows: CompareRow[];
}

export function sideOf(input: CompareInput): CompareSide {
  const run = input.run ?? null;
  const consumer = input.consumer ?? null;
  const verification = input.verification ?? null;
  const topics = (run?.summary.topics ?? []).filter((t) => t.acked > 0);
  // The topic the comparison is about: the busiest one the consumer read, else the busiest overall.
  const consumed = new Set(consumer?.topics ?? []);
  const candidates = topics.some((t) => consumed.has(t.physicalTopic))
    ? topics.filter((t) => consumed.has(t.physicalTopic))
    : topics;
  const focus = candidates.reduce<(typeof topics)[number] | null>(
    (best, t) => (best === null || t.acked > best.acked ? t : best),
    null,
  );
  let worst: (typeof topics)[number] | null = null;
  for (const t of topics) if (worst === null || t.skew > worst.skew) worst = t;
  let hottest: string | null = null;
  let hottestShare: number | null = null;
  for (const p of focus?.partitions ?? []) {
    if (hottestShare === null || p.shareOfTopic > hottestShare) {
      hottestShare = p.shareOfTopic;
      hottest = `${focus!.physicalTopic}[${p.partition}]`;
    }
  }
  const lagAt = consumer?.summary.maxPartitionLagAt ?? null;
  return {
    label: input.label,
    scenario: run?.run.scenario ?? null,
    targetRatePerSec: run?.summary.totals.targetRatePerSec ?? null,
    achievedRatePerSec: run?.summary.totals.achievedRatePerSec ?? null,
    ackP99Ms: run?.summary.ackLatencyMs.p99 ?? null,
    focusTopic: focus?.physicalTopic ?? null,
    focusShareOfEvents: focus?.shareOfEvents ?? null,
    skew: focus?.skew ?? null,
    worstSkew: worst?.skew ?? null,
    worstSkewTopic: worst?.physicalTopic ?? null,
    hottestPartition: hottest,
    hottestPartitionShare: hottestShare,
    maxLag: consumer?.summary.maxPartitionLag ?? null,
    maxLagPartition: lagAt ? `${lagAt.topic}[${lagAt.partition}]` : null,
    lagSkew: consumer?.summary.lagSkew ?? null,
    timeToDrainMs: consumer?.summary.timeToDrainMs ?? null,
    drained: consumer ? consumer.summary.drained : null,
    consumerRatePerSec: consumer?.processedRatePerSec ?? null,
    consumerP99Ms: consumer?.endToEndLatency?.p99 ?? null,
    lost: verification?.result.totals.lost ?? null,
    duplicate: verification?.result.totals.duplicate ?? null,
    reordered: verification?.result.totals.reordered ?? null,
  };
}

const num = (v: number | null, digits = 0): string =>
  v === null ? '-' : v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export function compare(a: CompareInput, b: CompareInput): CompareResult {
  const A = sideOf(a);
  const B = sideOf(b);
  const rows: CompareRow[] = [];
  const row = (
    metric: string,
    pick: (s: CompareSide) => number | null,
    digits = 0,
    show?: (s: CompareSide) => string,
  ) => {
    const va = pick(A);
    const vb = pick(B);
    if (va === null && vb === null) return;
    rows.push({
      metric,
      a: show ? show(A) : num(va, digits),
      b: show ? show(B) : num(vb, digits),
      ratio: va !== null && vb !== null && va !== 0 ? vb / va : null,
    });
  };
  const text = (metric: string, pick: (s: CompareSide) => string | null) => {
    const va = pick(A);
    const vb = pick(B);
    if (va === null && vb === null) return;
    rows.push({ metric, a: va ?? '-', b: vb ?? '-', ratio: null });
  };
  text('scenario', (s) => s.scenario);
  row('target rate (ev/s)', (s) => s.targetRatePerSec);
  row('achieved rate (ev/s)', (s) => s.achievedRatePerSec);
  row('ack latency p99 (ms)', (s) => s.ackP99Ms, 2);
  text('topic', (s) =>
    s.focusTopic === null ? null : `${s.focusTopic} (${((s.focusShareOfEvents ?? 0) * 100).toFixed(1)}% of events)`,
  );
  row('skew max/mean', (s) => s.skew, 2);
  row(
    'hottest partition share',
    (s) => s.hottestPartitionShare,
    3,
    (s) =>
      s.hottestPartitionShare === null
        ? '-'
        : `${(s.hottestPartitionShare * 100).toFixed(1)}% [${s.hottestPartition?.replace(/^.*\[/, '').replace(']', '')}]`,
  );
  row(
    'worst skew, any topic',
    (s) => s.worstSkew,
    2,
    (s) => (s.worstSkew === null ? '-' : `${num(s.worstSkew, 2)} ${s.worstSkewTopic}`),
  );
  row(
    'consumer max lag (records)',
    (s) => s.maxLag,
    0,
    (s) =>
      s.maxLag === null
        ? '-'
        : `${num(s.maxLag)}${s.maxLagPartition && s.maxLag > 0 ? ` [${s.maxLagPartition.replace(/^.*\[/, '').replace(']', '')}]` : ''}`,
  );
  row('consumer lag skew', (s) => s.lagSkew, 2);
  row(
    'time to drain (s)',
    (s) => (s.timeToDrainMs === null ? null : s.timeToDrainMs / 1000),
    1,
    (s) => (s.drained === false ? 'not drained' : s.timeToDrainMs === null ? '-' : num(s.timeToDrainMs / 1000, 1)),
  );
  row('consumer rate (ev/s)', (s) => s.consumerRatePerSec, 1);
  row('consumer end-to-end p99 (ms)', (s) => s.consumerP99Ms, 1);
  row('lost', (s) => s.lost);
  row('duplicate', (s) => s.duplicate);
  row('reordered', (s) => s.reordered);
  return { a: A, b: B, rows };
}

export function formatCompare(r: CompareResult): string {
  return renderTable(r.rows, [
    { header: 'METRIC', value: (x) => x.metric },
    { header: r.a.label, value: (x) => x.a, align: 'right' },
    { header: r.b.label, value: (x) => x.b, align: 'right' },
    { header: 'B/A', value: (x) => (x.ratio === null ? '' : `${x.ratio.toFixed(2)}×`), align: 'right' },
  ]);
}
