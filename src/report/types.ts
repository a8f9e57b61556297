// The run report: the stable, documented JSON that `sc-sim run --json/--out` writes and
// `sc-sim report` re-renders. Additive changes keep schemaVersion; anything else bumps it.
import type { DeliverySnapshot } from '../metrics/delivery.js';
import type { LatencySummaryMs } from '../metrics/histogram.js';
import type { KeySkew } from '../metrics/key-skew.js';
import type { SessionsSummary } from '../metrics/sessions.js';
import type { Counters, MetricsSnapshot, SeriesPoint } from '../metrics/snapshot.js';
import type { ConnectionSummary } from '../config.js';
import type { ProducerMode, SinkDescription } from '../sinks/types.js';
import type { ThresholdResult } from './thresholds.js';
import type { VerificationSection } from '../verify/section.js';
import type { ConsumerSimReport } from '../consume/report.js';
import type { GroupWatchReport } from '../watch/group-watch.js';
import type { ExpectSection } from '../watch/expect.js';
import type { BrokerLoadSection } from './brokers.js';

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
  /** Never handed to the broker (absent in older reports). */
  unsent?: number;
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
  /** The hottest partition's share per second (from metrics.partitionSeconds); absent in older reports. */
  perSecondShare?: PerSecondShare | null;
  /** How unevenly the topic's records spread over their keys (whole run); absent in older reports. */
  keySkew?: TopicKeySkew | null;
}

/**
 * A topic's key skew (from metrics.keys and metrics.keySeconds), warm-up included: the whole run's
 * figures (approximate when the key count passed the tracked capacity and the coldest keys were
 * folded), and per second.
 */
export interface TopicKeySkew extends Omit<KeySkew, 'topic' | 'events'> {
  /** The hottest key's share per second (p50, max) over seconds with enough records; null when none had. */
  perSecond: { p50: number; max: number; distinctKeysP50: number; seconds: number; minEvents: number } | null;
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

/** The run's time mode and what it wrote (run.time). */
export interface TimeReport {
  mode: 'live' | 'backfill';
  /** How much faster world durations (lock-outs, promotion schedules) passed than event time. */
  timeScale: number;
  /** Backfill: the requested history; null when live. */
  history: { startAt: string; endAt: string; durationMs: number } | null;
  /** Backfill: what happens to events older than their topic's retention; null when live. */
  beyondRetention: 'refuse' | 'clamp' | null;
  /** occurred_at of the first and last event generated (null when none was). */
  firstEventAt: string | null;
  lastEventAt: string | null;
  /** Records whose timestamp was clamped to their topic's retention edge. */
  clampedRecords: number;
  /** What occurred_at and the record timestamp mean in this mode, in a sentence. */
  note: string;
}

/** What a key strategy keeps of the entity's ordering, for the event types that use it (report.keys). */
export interface KeyReport {
  /** Event types and families with this strategy (`*` for every other event type: the entity key). */
  appliesTo: string[];
  strategy: string;
  key: string;
  orderingScope: string;
  consumerRebuild: string;
}

/** The hottest partition's share of a topic, second by second (seconds with enough events). */
export interface PerSecondShare {
  /** Median and maximum over the counted seconds of (hottest partition's events / topic's events). */
  p50: number;
  max: number;
  /** Seconds counted: measured seconds with at least `minEvents` acked events on the topic. */
  seconds: number;
  minEvents: number;
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
    /** This run is shard `index` of `count` of a sharded run (absent for a whole run). */
    shard?: { index: number; count: number };
    /** A merged report: the shards it was merged from (`sc-sim report merge`). */
    shards?: { index: number; count: number; runStartedAt: string }[];
    /** The start barrier the run waited for (`--start-at`), ISO-8601. */
    startAt?: string;
    warmupMs: number;
    lateThresholdMs: number;
    /** When scheduling ended, ms after the start (null for unthrottled runs): what rates are measured against. */
    scheduleEndMs?: number | null;
    /** The time mode (live or backfill) and what it wrote; absent in older reports. */
    time?: TimeReport;
    /** The threads the run used and how busy each was, and the cores the process kept busy. */
    threads?: ThreadsReport;
  };
  sink: SinkDescription;
  /** Kafka runs: the security protocol, SASL mechanism and user (nothing else about the connection). */
  connection?: ConnectionSummary;
  /** Key strategies in use, with the ordering each keeps and what consumers must do; absent in older reports. */
  keys?: KeyReport[];
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
    /**
     * Logical topics the per-second picture is about (key strategies other than the entity's, or a
     * partition with twice its fair share in the median second), busiest first; absent in older reports.
     */
    hotTopics?: string[];
    /** Send error messages and how many records each failed (whole run). */
    errors: Record<string, number>;
    /**
     * Sessions in the stream sent (whole run): a user's login starts one; their impressions, clicks
     * and orders until their next login belong to it. Null when the stream had no session step;
     * absent in older reports.
     */
    sessions?: SessionsSummary | null;
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
  /** `run --watch-group`: each watched consumer group (the user's own services) under the run's load. */
  watch?: GroupWatchReport[];
  /** `run --expect`: what the consumer under test wrote, against sc-sim's own derivation. */
  expect?: ExpectSection[];
  /**
   * How delivery went (whole run): the backlog buffer's bound and peak, retries and what they met,
   * batches out of delivery time, and the entities whose events were never delivered. Absent in
   * reports written before it existed.
   */
  delivery?: DeliverySnapshot;
  /**
   * On a multi-broker cluster: leaders per broker, and each broker's events and bytes per second
   * through the partitions it led (leader changes included). Absent for a single broker.
   */
  brokers?: BrokerLoadSection;
  /**
   * Topics whose partition count was raised while the run wrote. sc-sim reads the counts again every
   * producer.metadataMaxAge, as a producer refreshes its metadata, and hashes keys over the new count
   * from then on (keys move); absent when no count changed.
   */
  partitionChanges?: PartitionChange[];
}

export interface PartitionChange {
  topic: string;
  physicalTopic: string;
  /** The count at the start of the run. */
  from: number;
  /** The count after the run. */
  to: number;
  /**
   * When sc-sim began hashing keys over a raised count (ms after the run started), or null when the
   * raise was seen only after the run (less than metadataMaxAge before its end): then no key moved.
   */
  followedAfterMs: number | null;
}

/** How many threads a run used and how busy each was (app/threads.ts). */
export interface ThreadsReport {
  threads: { thread: string; does: string; busy: number }[];
  /** Worker threads that generated the world (0: the main thread did) and how that number was chosen. */
  generatorThreads?: { threads: number; why: string };
  /** Process CPU time (all threads, GC and libuv's pool included) over the wall clock. */
  cpuCores: number;
  note: string;
}
