// The plain-JSON form of a run's metrics (autocannon style): counters, per-topic/partition
// tallies and encoded HdrHistograms, which merge exactly so sharded runs can be combined.
import { mergeSessions, type SessionsSnapshot } from './sessions.js';
import { mergeKeySeconds, mergeKeyTallies, type KeySecondsSnapshot, type KeyTallySnapshot } from './key-skew.js';
import { type EncodedHistogram, mergeEncodedHistograms } from './histogram.js';

/** Counts kept per topic (and in total). */
export interface TopicCounters {
  sent: number;
  acked: number;
  /** Sends that failed for sure (the broker said no). */
  failed: number;
  /** Sends whose outcome is unknown (timed out after leaving): reported apart from failed. */
  indeterminate: number;
  /** Generated but never handed to the broker (the run stopped first): neither acked nor failed. */
  unsent: number;
  bytesSent: number;
  bytesAcked: number;
  /** Sent more than the late threshold after their intended time. */
  late: number;
}

export interface Counters extends TopicCounters {
  /** Events whose intended time fell in this phase (sent or dropped). */
  scheduled: number;
  /** Not generated because the backlog was full (k6's dropped_iterations). */
  dropped: number;
}

/** Acked events and bytes on one partition. */
export interface PartitionCounters {
  events: number;
  bytes: number;
}

export interface TopicSnapshot extends TopicCounters {
  /** Keyed by partition number (as a string: JSON object keys). */
  partitions: Record<string, PartitionCounters>;
  ackLatencyUs: EncodedHistogram;
  scheduleDelayUs: EncodedHistogram;
}

/** Everything recorded in one phase (warm-up or measured). Times are ms after the run's start. */
export interface PhaseSnapshot {
  totals: Counters;
  /** Send → ack, µs. */
  ackLatencyUs: EncodedHistogram;
  /** Intended time → send, µs (the coordinated-omission-free view). */
  scheduleDelayUs: EncodedHistogram;
  /** Keyed by logical topic name. */
  topics: Record<string, TopicSnapshot>;
  /** Phase window: from its first intended event to its last completed send; null when empty. */
  firstIntendedMs: number | null;
  lastCompletedMs: number | null;
  /** Distinct send error messages with their record counts (bounded; the rest under "(other)"). */
  errors: Record<string, number>;
}

/** One second of the run (all phases), by the clock event that counts it. */
export interface SeriesPoint {
  /** Seconds after the run's start. */
  second: number;
  /** Events intended in this second: the target rate. */
  scheduled: number;
  sent: number;
  acked: number;
  /** Failed, indeterminate or unsent records completed in this second. */
  errors: number;
  late: number;
  dropped: number;
}

/** Acked events per second and partition, per topic (both phases): where the load went, second by second. */
export interface PartitionSecondsSnapshot {
  /**
   * Start of second 0: a whole wall-clock second (ms since the epoch) at or before the run's start,
   * the seconds a time-bucket key changes on; 0 when the run had no wall clock (seconds since start).
   */
  firstSecondAtMs: number;
  /** Start of second 0 relative to the run's start (-999..0 ms): places the warm-up boundary. */
  firstSecondOffsetMs: number;
  /** Per logical topic: acked events by intended second, then partition (`[second][partition]`). */
  topics: Record<string, number[][]>;
}

export interface MetricsSnapshot {
  warmupMs: number;
  lateThresholdMs: number;
  warmup: PhaseSnapshot;
  measured: PhaseSnapshot;
  series: SeriesPoint[];
  /** Absent in reports written before sc-sim kept it. */
  partitionSeconds?: PartitionSecondsSnapshot;
  /** Acked records per key, per topic, whole run (counts of counts + hottest keys); absent in older reports. */
  keys?: KeyTallySnapshot;
  /** Per topic and second: keyed events, distinct keys, the hottest key's events; absent in older reports. */
  keySeconds?: KeySecondsSnapshot;
  /** Sessions in the stream sent (login → impressions → clicks → order); null without any; absent in older reports. */
  sessions?: SessionsSnapshot | null;
}

export const MAX_DISTINCT_ERRORS = 20;
export const OTHER_ERRORS = '(other)';

function addCounters<T extends object>(a: T, b: T): T {
  const out = { ...a } as Record<string, number>;
  for (const [k, v] of Object.entries(b as Record<string, number>)) out[k] = (out[k] ?? 0) + v;
  return out as T;
}

const minOrNull = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.min(a, b));
const maxOrNull = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));

export function mergeErrorCounts(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = { ...a };
  for (const [msg, n] of Object.entries(b)) {
    const known = msg in out || Object.keys(out).length < MAX_DISTINCT_ERRORS;
    const key = known ? msg : OTHER_ERRORS;
    out[key] = (out[key] ?? 0) + n;
  }
  return out;
}

function mergeTopic(a: TopicSnapshot | undefined, b: TopicSnapshot): TopicSnapshot {
  if (!a) return b;
  const { partitions: pa, ackLatencyUs: la, scheduleDelayUs: da, ...ca } = a;
  const { partitions: pb, ackLatencyUs: lb, scheduleDelayUs: db, ...cb } = b;
  const partitions: Record<string, PartitionCounters> = { ...pa };
  for (const [p, c] of Object.entries(pb)) partitions[p] = partitions[p] ? addCounters(partitions[p], c) : c;
  return {
    ...addCounters(ca, cb),
    partitions,
    ackLatencyUs: mergeEncodedHistograms(la, lb),
    scheduleDelayUs: mergeEncodedHistograms(da, db),
  };
}

export function mergePhases(a: PhaseSnapshot, b: PhaseSnapshot): PhaseSnapshot {
  const topics: Record<string, TopicSnapshot> = { ...a.topics };
  for (const [name, t] of Object.entries(b.topics)) topics[name] = mergeTopic(topics[name], t);
  return {
    totals: addCounters(a.totals, b.totals),
    ackLatencyUs: mergeEncodedHistograms(a.ackLatencyUs, b.ackLatencyUs),
    scheduleDelayUs: mergeEncodedHistograms(a.scheduleDelayUs, b.scheduleDelayUs),
    topics,
    firstIntendedMs: minOrNull(a.firstIntendedMs, b.firstIntendedMs),
    lastCompletedMs: maxOrNull(a.lastCompletedMs, b.lastCompletedMs),
    errors: mergeErrorCounts(a.errors, b.errors),
  };
}

export function mergeSeries(a: readonly SeriesPoint[], b: readonly SeriesPoint[]): SeriesPoint[] {
  const bySecond = new Map<number, SeriesPoint>();
  for (const p of [...a, ...b]) {
    const prev = bySecond.get(p.second);
    bySecond.set(p.second, prev ? addCounters(prev, { ...p, second: 0 }) : { ...p });
  }
  return [...bySecond.values()].sort((x, y) => x.second - y.second);
}

/** Adds per-second partition counts second by second on the same clock (aligned on their first second). */
export function mergePartitionSeconds(
  a: PartitionSecondsSnapshot,
  b: PartitionSecondsSnapshot,
): PartitionSecondsSnapshot {
  const first = a.firstSecondAtMs <= b.firstSecondAtMs ? a : b;
  const topics: Record<string, number[][]> = {};
  for (const side of [a, b]) {
    const shift = Math.round((side.firstSecondAtMs - first.firstSecondAtMs) / 1_000);
    for (const [name, rows] of Object.entries(side.topics)) {
      const out = (topics[name] ??= []);
      rows.forEach((row, s) => {
        while (out.length <= s + shift) out.push([]);
        const target = out[s + shift]!;
        row.forEach((n, p) => {
          while (target.length <= p) target.push(0);
          target[p]! += n;
        });
      });
    }
  }
  for (const rows of Object.values(topics)) {
    const width = Math.max(0, ...rows.map((r) => r.length));
    for (const r of rows) while (r.length < width) r.push(0);
  }
  return { firstSecondAtMs: first.firstSecondAtMs, firstSecondOffsetMs: first.firstSecondOffsetMs, topics };
}

/**
 * Combines two runs' metrics as if one recorder had seen both (e.g. shards of one run sharing a
 * start time): counters add, histograms merge bucket by bucket, series add second by second.
 */
export function mergeSnapshots(a: MetricsSnapshot, b: MetricsSnapshot): MetricsSnapshot {
  const merged: MetricsSnapshot = {
    warmupMs: Math.max(a.warmupMs, b.warmupMs),
    lateThresholdMs: a.lateThresholdMs,
    warmup: mergePhases(a.warmup, b.warmup),
    measured: mergePhases(a.measured, b.measured),
    series: mergeSeries(a.series, b.series),
  };
  const ps =
    a.partitionSeconds && b.partitionSeconds
      ? mergePartitionSeconds(a.partitionSeconds, b.partitionSeconds)
      : (a.partitionSeconds ?? b.partitionSeconds);
  if (ps) merged.partitionSeconds = ps;
  const keys = a.keys && b.keys ? mergeKeyTallies(a.keys, b.keys) : (a.keys ?? b.keys);
  if (keys) merged.keys = keys;
  const keySeconds =
    a.keySeconds && b.keySeconds ? mergeKeySeconds(a.keySeconds, b.keySeconds) : (a.keySeconds ?? b.keySeconds);
  if (keySeconds) merged.keySeconds = keySeconds;
  const sessions = a.sessions && b.sessions ? mergeSessions(a.sessions, b.sessions) : (a.sessions ?? b.sessions);
  if (sessions !== undefined) merged.sessions = sessions;
  return merged;
}
