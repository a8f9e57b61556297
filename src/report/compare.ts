// `sc-sim compare a.json b.json`: what two runs are compared on (rate, p99, skew, hottest
// partition, max consumer lag, time to drain, verification), taken from saved reports. Pure data;
// src/render/compare.ts lays it out.
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

export interface CompareResult {
  a: CompareSide;
  b: CompareSide;
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

export function compare(a: CompareInput, b: CompareInput): CompareResult {
  return { a: sideOf(a), b: sideOf(b) };
}
