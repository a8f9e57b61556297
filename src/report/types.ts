// The run report: the stable, documented JSON that `sc-sim run --json/--out` writes and
// `sc-sim report` re-renders. Additive changes keep schemaVersion; anything else bumps it.
import type { LatencySummaryMs } from '../metrics/histogram.js';
import type { Counters, MetricsSnapshot, SeriesPoint } from '../metrics/snapshot.js';
import type { ConnectionSummary } from '../config.js';
import type { ProducerMode, SinkDescription } from '../sinks/types.js';
import type { ThresholdResult } from './thresholds.js';
import type { VerificationSection } from '../verify/section.js';
import type { ConsumerSimReport } from '../consume/report.js';

/** 2: summary.totals counts cover the whole run (warm-up included); rates stay the measured window's. */
export const REPORT_SCHEMA_VERSION = 2;

export interface PartitionReport {
  partition: number;
  /** Acked events on this partition in the measured window. */
  events: number;
  bytes: number;
  ratePerSec: number;
  /** events / the topic's events (0..1). */
  shareOfTopic: number;
}

export interface TopicReport {
  /** Logical catalog name, e.g. sc.domain.order. */
  topic: string;
  /** Name on the broker (prefix applied). */
  physicalTopic: string;
  sent: number;
  acked: number;
  failed: number;
  indeterminate: number;
  late: number;
  bytes: number;
  ratePerSec: number;
  /** acked / all acked events of the run (0..1). */
  shareOfEvents: number;
  /** Most loaded partition / mean over all the topic's partitions (1 = perfectly even). */
  skew: number;
  ackLatencyMs: LatencySummaryMs;
  scheduleDelayMs: LatencySummaryMs;
  /** Every partition of the topic, including those that received nothing. */
  partitions: PartitionReport[];
}

/**
 * The run's counts, warm-up included (so no failure hides in the warm-up), with the measured
 * window's rates.
 */
export interface TotalsReport extends Counters {
  /** acked in the measured window / its duration (for paced runs: at least the scheduled duration, so on-time acks give exactly the target). */
  achievedRatePerSec: number;
  /** Events intended per second over the measured schedule; null for unthrottled runs. */
  targetRatePerSec: number | null;
  /** achieved / target; null without a target. */
  achievedRateRatio: number | null;
  bytesPerSec: number;
}

export interface OffsetsReport {
  /** Per logical topic: physical name and, per partition, end offsets before and after the run (decimal strings). */
  topics: Record<string, { physicalTopic: string; start: Record<string, string>; end: Record<string, string> }>;
}

export interface RunReport {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  /** e.g. sc-sim/0.1.0 */
  tool: string;
  run: {
    id: string;
    scenario: string;
    description: string;
    /** The scenario's plan line (after --rate/--duration overrides). */
    plan: string;
    seed: number;
    /** Wall-clock ISO-8601 times. */
    startedAt: string;
    endedAt: string;
    /** Start to last answered send, ms. */
    durationMs: number;
    /** Stopped by SIGINT/SIGTERM (after draining). */
    interrupted: boolean;
    /** Set when the run stopped because its sink could not go on (e.g. E_IO): the coded reason. */
    stoppedBy?: { code: string; message: string };
    warmupMs: number;
    lateThresholdMs: number;
  };
  sink: SinkDescription;
  /** Kafka runs: the security protocol, SASL mechanism and user (nothing else about the connection). */
  connection?: ConnectionSummary;
  /** How records were produced (null when nothing went to Kafka). */
  producer: ProducerMode | null;
  /** Namespace prefix of topic names ("" for none). */
  prefix: string;
  /** Broker end offsets around the run (Kafka sink only): what a verifier reads back. */
  offsets: OffsetsReport | null;
  /**
   * The measured window (after warm-up, until the last answered send, at least until the schedule's
   * end) for rates and latencies; `totals` counts and `errors` cover the whole run.
   */
  summary: {
    windowStartMs: number;
    windowEndMs: number;
    durationMs: number;
    totals: TotalsReport;
    ackLatencyMs: LatencySummaryMs;
    scheduleDelayMs: LatencySummaryMs;
    topics: TopicReport[];
    /** Send error messages and how many records each failed (whole run). */
    errors: Record<string, number>;
  };
  /** Warm-up counts (excluded from the summary); null without a warm-up. */
  warmup: { totals: Counters } | null;
  /** Per second of the whole run: `scheduled` is the target, `acked` the achieved rate. */
  series: (SeriesPoint & { warmup: boolean })[];
  thresholds: ThresholdResult[];
  /** True when every threshold passed (and there were none to fail). */
  passed: boolean;
  /** The raw, mergeable metrics (HdrHistograms as compressed base64). */
  metrics: MetricsSnapshot;
  /** `run --verify` / `verify --report … --out`: what was read back and the anomalies found. */
  verification?: VerificationSection;
  /** `run --consumer-ms`: the consumer-group simulator's lag per partition over time. */
  consumer?: ConsumerSimReport;
}
