// Builds the run report from what the runner recorded: the only place numbers are derived
// (rates, shares, skew, percentiles, thresholds); formatters only lay them out.
import { decodeHistogram, summarizeUs } from '../metrics/histogram.js';
import { hottestKeyPerSecond, keySkews } from '../metrics/key-skew.js';
import { summarizeSessions } from '../metrics/sessions.js';
import {
  mergePhases,
  type MetricsSnapshot,
  type PartitionSecondsSnapshot,
  type PhaseSnapshot,
} from '../metrics/snapshot.js';
import type { DeliverySnapshot } from '../metrics/delivery.js';
import { physicalTopicName } from '../catalog/topics.js';
import type { SinkDescription } from '../sinks/types.js';
import { evaluateThresholds, thresholdsOf, type RunThresholdMetric, type Thresholds } from './thresholds.js';
import {
  REPORT_SCHEMA_VERSION,
  type KeyReport,
  type OffsetsReport,
  type PerSecondShare,
  type PartitionReport,
  type RunReport,
  type TimeReport,
  type TopicKeySkew,
  type TopicReport,
  type TotalsReport,
} from './types.js';

export interface BuildReportInput {
  tool: string;
  runId: string;
  scenarioName: string;
  description: string;
  plan: string;
  seed: number;
  startedAt: Date;
  endedAt: Date;
  durationMs: number;
  interrupted: boolean;
  metrics: MetricsSnapshot;
  /** Offset (ms after start) at which scheduling ended: the planned end, or when it was stopped; null if unthrottled. */
  scheduleEndMs: number | null;
  sink: SinkDescription;
  prefix: string;
  /** Partition count per logical topic: every partition is listed, also those that got nothing. */
  partitions: ReadonlyMap<string, number>;
  offsets: OffsetsReport | null;
  thresholds: Thresholds;
  /** The time mode and what it wrote. */
  time?: TimeReport;
  /** Key strategies in use (records/keys.ts keyStrategyTable). */
  keys?: KeyReport[];
  /** The runner's delivery view (absent for callers that have none). */
  delivery?: DeliverySnapshot;
}

/** At most this many topics get the per-second picture (heat map, console table). */
export const MAX_HOT_TOPICS = 3;

/**
 * The topics the per-second picture is about, busiest first: those holding events of a key strategy
 * other than the entity's, and those where one partition took at least twice its fair share in the
 * median second (the max alone would flag any quiet topic: a few events per second are never even).
 */
export function hotTopics(topics: readonly TopicReport[], keys: readonly KeyReport[] | undefined): string[] {
  const keyed = new Set(
    (keys ?? [])
      .filter((k) => k.strategy !== 'entity')
      .flatMap((k) => k.appliesTo.map((name) => `sc.domain.${name.split('.')[0]!}`)),
  );
  return topics
    .filter((t) => t.acked > 0 && t.perSecondShare)
    .filter((t) => keyed.has(t.topic) || t.perSecondShare!.p50 >= 2 / Math.max(1, t.partitions.length))
    .sort((a, b) => b.acked - a.acked)
    .slice(0, MAX_HOT_TOPICS)
    .map((t) => t.topic);
}

/** A second counts for the per-second share when the topic acked at least this many events in it. */
export const PER_SECOND_MIN_EVENTS = 100;

/**
 * The hottest partition's share of `topic` per second, over the measured seconds (all, or those
 * starting at or after the warm-up) with at least PER_SECOND_MIN_EVENTS events: p50 and max.
 */
export function perSecondShare(
  ps: PartitionSecondsSnapshot | undefined,
  topic: string,
  warmupMs: number,
): PerSecondShare | null {
  const rows = ps?.topics[topic];
  if (!ps || !rows) return null;
  const shares: number[] = [];
  rows.forEach((row, s) => {
    if (warmupMs > 0 && ps.firstSecondOffsetMs + s * 1_000 < warmupMs) return;
    const total = row.reduce((a, b) => a + b, 0);
    if (total >= PER_SECOND_MIN_EVENTS) shares.push(Math.max(...row) / total);
  });
  if (shares.length === 0) return null;
  shares.sort((a, b) => a - b);
  const mid = shares.length / 2;
  const p50 = shares.length % 2 === 1 ? shares[Math.floor(mid)]! : (shares[mid - 1]! + shares[mid]!) / 2;
  return {
    p50: round(p50, 4),
    max: round(shares[shares.length - 1]!, 4),
    seconds: shares.length,
    minEvents: PER_SECOND_MIN_EVENTS,
  };
}

/** Hottest keys listed per topic in the report. */
export const REPORTED_HOT_KEYS = 5;

/** The key skew of `topic` (null when the run kept no key counts for it, e.g. an unkeyed topic). */
export function topicKeySkew(metrics: MetricsSnapshot, topic: string): TopicKeySkew | null {
  const tally = metrics.keys?.[topic];
  if (!tally) return null;
  const s = keySkews({ [topic]: tally })[0]!;
  const perSecond = hottestKeyPerSecond(metrics.keySeconds?.[topic], PER_SECOND_MIN_EVENTS);
  return {
    distinctKeys: s.distinctKeys,
    gini: round(s.gini, 4),
    top1PctShare: round(s.top1PctShare, 4),
    top10PctShare: round(s.top10PctShare, 4),
    hottest: s.hottest.slice(0, REPORTED_HOT_KEYS).map((h) => ({ ...h, share: round(h.share, 4) })),
    approximate: s.approximate,
    perSecond: perSecond
      ? {
          p50: round(perSecond.p50, 4),
          max: round(perSecond.max, 4),
          distinctKeysP50: perSecond.distinctKeysP50,
          seconds: perSecond.seconds,
          minEvents: perSecond.minEvents,
        }
      : null,
  };
}

const perSec = (count: number, durationMs: number) => (durationMs > 0 ? (count * 1_000) / durationMs : 0);
const round = (v: number, digits = 3) => Math.round(v * 10 ** digits) / 10 ** digits;

function topicReports(
  phase: PhaseSnapshot,
  durationMs: number,
  partitions: ReadonlyMap<string, number>,
  prefix: string,
  metrics: MetricsSnapshot,
): TopicReport[] {
  const names = [...new Set([...Object.keys(phase.topics), ...partitions.keys()])].sort();
  const totalAcked = phase.totals.acked;
  return names
    .filter((name) => phase.topics[name] !== undefined)
    .map((name) => {
      const t = phase.topics[name]!;
      const count = Math.max(partitions.get(name) ?? 0, ...Object.keys(t.partitions).map((p) => Number(p) + 1));
      const parts: PartitionReport[] = [];
      for (let p = 0; p < count; p++) {
        const c = t.partitions[String(p)] ?? { events: 0, bytes: 0 };
        parts.push({
          partition: p,
          events: c.events,
          bytes: c.bytes,
          ratePerSec: round(perSec(c.events, durationMs), 1),
          shareOfTopic: t.acked > 0 ? round(c.events / t.acked, 4) : 0,
        });
      }
      const mean = t.acked / Math.max(1, count);
      const max = Math.max(0, ...parts.map((p) => p.events));
      return {
        topic: name,
        physicalTopic: physicalTopicName(name, prefix),
        sent: t.sent,
        acked: t.acked,
        failed: t.failed,
        indeterminate: t.indeterminate,
        unsent: t.unsent,
        late: t.late,
        bytes: t.bytesAcked,
        ratePerSec: round(perSec(t.acked, durationMs), 1),
        shareOfEvents: totalAcked > 0 ? round(t.acked / totalAcked, 4) : 0,
        skew: mean > 0 ? round(max / mean, 3) : 0,
        ackLatencyMs: summarizeUs(decodeHistogram(t.ackLatencyUs)),
        scheduleDelayMs: summarizeUs(decodeHistogram(t.scheduleDelayUs)),
        partitions: parts,
        perSecondShare: perSecondShare(metrics.partitionSeconds, name, metrics.warmupMs),
        keySkew: topicKeySkew(metrics, name),
      };
    });
}

export function buildReport(input: BuildReportInput): RunReport {
  const { metrics } = input;
  const phase = metrics.measured;
  const windowStartMs = metrics.warmupMs;
  // A paced window lasts at least as long as its schedule: answers that come in on time give
  // exactly the target rate, a tail that drags past the end lowers it.
  const windowEndMs = Math.max(windowStartMs, phase.lastCompletedMs ?? windowStartMs, input.scheduleEndMs ?? 0);
  const durationMs = windowEndMs - windowStartMs;

  const scheduledMs = input.scheduleEndMs === null ? null : input.scheduleEndMs - windowStartMs;
  const targetRatePerSec = scheduledMs !== null && scheduledMs > 0 ? perSec(phase.totals.scheduled, scheduledMs) : null;
  const achievedRatePerSec = perSec(phase.totals.acked, durationMs);
  // Counts cover the whole run, warm-up included, so no failure can hide in it; rates and latencies
  // are the measured window's.
  const whole = mergePhases(metrics.warmup, metrics.measured).totals;
  const totals: TotalsReport = {
    ...whole,
    achievedRatePerSec: round(achievedRatePerSec, 1),
    targetRatePerSec: targetRatePerSec === null ? null : round(targetRatePerSec, 1),
    achievedRateRatio: targetRatePerSec ? round(achievedRatePerSec / targetRatePerSec, 4) : null,
    bytesPerSec: round(perSec(phase.totals.bytesAcked, durationMs), 0),
  };
  const topics = topicReports(phase, durationMs, input.partitions, input.prefix, metrics);
  const ackLatencyMs = summarizeUs(decodeHistogram(phase.ackLatencyUs));
  const scheduleDelayMs = summarizeUs(decodeHistogram(phase.scheduleDelayUs));

  // Every event generated and not acked is an error: failed, unknown outcome, or never sent.
  const errors = whole.failed + whole.indeterminate + whole.unsent;
  const observed: Record<RunThresholdMetric, number | null> = {
    ack_latency_p50_ms: ackLatencyMs.p50,
    ack_latency_p90_ms: ackLatencyMs.p90,
    ack_latency_p99_ms: ackLatencyMs.p99,
    ack_latency_p999_ms: ackLatencyMs.p999,
    ack_latency_max_ms: ackLatencyMs.max,
    schedule_delay_p50_ms: scheduleDelayMs.p50,
    schedule_delay_p99_ms: scheduleDelayMs.p99,
    schedule_delay_max_ms: scheduleDelayMs.max,
    errors,
    error_rate: whole.sent > 0 ? errors / whole.sent : 0,
    late: phase.totals.late,
    dropped: whole.dropped,
    achieved_rate_ratio: totals.achievedRateRatio,
    achieved_rate: totals.achievedRatePerSec,
  };
  // Thresholds on watched consumer groups are evaluated when the watch is over (app/checks.ts).
  const thresholds = evaluateThresholds(thresholdsOf(input.thresholds, false), observed);

  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: input.tool,
    run: {
      id: input.runId,
      scenario: input.scenarioName,
      description: input.description,
      plan: input.plan,
      seed: input.seed,
      startedAt: input.startedAt.toISOString(),
      endedAt: input.endedAt.toISOString(),
      durationMs: round(input.durationMs, 1),
      interrupted: input.interrupted,
      warmupMs: metrics.warmupMs,
      lateThresholdMs: metrics.lateThresholdMs,
      scheduleEndMs: input.scheduleEndMs,
      ...(input.time ? { time: input.time } : {}),
    },
    sink: input.sink,
    ...(input.keys ? { keys: input.keys } : {}),
    producer: input.sink.producer ?? null,
    prefix: input.prefix,
    offsets: input.offsets,
    summary: {
      windowStartMs: round(windowStartMs, 1),
      windowEndMs: round(windowEndMs, 1),
      durationMs: round(durationMs, 1),
      totals,
      ackLatencyMs,
      scheduleDelayMs,
      topics,
      hotTopics: hotTopics(topics, input.keys),
      errors: mergePhases(metrics.warmup, metrics.measured).errors,
      sessions: metrics.sessions ? summarizeSessions(metrics.sessions) : null,
    },
    warmup: metrics.warmupMs > 0 ? { totals: metrics.warmup.totals } : null,
    series: metrics.series.map((p) => ({ ...p, warmup: (p.second + 1) * 1_000 <= metrics.warmupMs })),
    thresholds,
    passed: thresholds.every((t) => t.pass),
    metrics,
    ...(input.delivery ? { delivery: input.delivery } : {}),
  };
}
