// `sc-sim compare a.json b.json [c.json …]`: what runs are compared on (key strategy, rate, p99,
// skew, hottest partition overall and per second, max consumer lag, time to drain, verification),
// taken from saved reports. Pure data; src/render/compare.ts lays it out.
import type { ConsumerSimReport } from '../consume/report.js';
import type { VerificationSection } from '../verify/section.js';
import type { RunReport } from './types.js';

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
  /** Key strategies other than the entity's (`promotion.impression: compound`), or `entity`. */
  keyStrategy: string | null;
  /** The run's time mode (`live`, `live ×60`, `backfill 7d`). */
  timeMode: string | null;
  /** The focus topic's hottest partition share per second: median and maximum over the measured seconds. */
  perSecondShareP50: number | null;
  perSecondShareMax: number | null;
  /** The focus topic's partition holding the largest share of it. */
  hottestPartition: string | null;
  hottestPartitionShare: number | null;
  /** On a cluster (report.brokers): the broker with the largest share of all acked events, its id. */
  hottestBroker: number | null;
  hottestBrokerShare: number | null;
  /** Leader changes seen during the run (null without a per-broker section). */
  leaderChanges: number | null;
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

export interface CompareResult {
  /** Every side, in the order given (two or more). */
  sides: CompareSide[];
  /** The first two sides (kept for two-way comparisons and their JSON readers). */
  a: CompareSide;
  b: CompareSide;
}

function describeKeys(run: RunReport | null): string | null {
  if (!run) return null;
  const named = (run.keys ?? []).filter((k) => k.strategy !== 'entity');
  return named.length === 0 ? 'entity' : named.map((k) => `${k.appliesTo.join(',')}: ${k.strategy}`).join('; ');
}

function describeTime(run: RunReport | null): string | null {
  const t = run?.run.time;
  if (!t) return null;
  if (t.mode === 'backfill') return `backfill ${Math.round((t.history?.durationMs ?? 0) / 3_600_000)}h`;
  return t.timeScale === 1 ? 'live' : `live ×${t.timeScale}`;
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
  const hotBroker = (run?.brokers?.brokers ?? []).reduce<{ nodeId: number; shareOfEvents: number } | null>(
    (best, b) => (best === null || b.shareOfEvents > best.shareOfEvents ? b : best),
    null,
  );
  return {
    label: input.label,
    scenario: run?.run.scenario ?? null,
    keyStrategy: describeKeys(run),
    timeMode: describeTime(run),
    perSecondShareP50: focus?.perSecondShare?.p50 ?? null,
    perSecondShareMax: focus?.perSecondShare?.max ?? null,
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
    hottestBroker: hotBroker?.nodeId ?? null,
    hottestBrokerShare: hotBroker?.shareOfEvents ?? null,
    leaderChanges: run?.brokers ? run.brokers.leaderChanges.length : null,
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

/** Two or more sides, compared in the order given. */
export function compare(...inputs: CompareInput[]): CompareResult {
  if (inputs.length < 2) throw new RangeError('compare needs at least two sides');
  const sides = inputs.map(sideOf);
  return { sides, a: sides[0]!, b: sides[1]! };
}
