// Builds the run report from what the runner recorded: the only place numbers are derived
// (rates, shares, skew, percentiles, thresholds); formatters only lay them out.
import { decodeHistogram, summarizeUs } from '../metrics/histogram.js';
import type { DeliverySnapshot } from '../metrics/delivery.js';
import { mergePhases, type MetricsSnapshot, type PhaseSnapshot } from '../metrics/snapshot.js';
import { physicalTopicName } from '../catalog/topics.js';
import type { SinkDescription } from '../sinks/types.js';
import { evaluateThresholds, type ThresholdMetric, type Thresholds } from './thresholds.js';
import {
  REPORT_SCHEMA_VERSION,
  type OffsetsReport,
  type PartitionReport,
  type RunReport,
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
  /** The runner's delivery view (absent for callers that have none). */
  delivery?: DeliverySnapshot;
}

const perSec = (count: number, durationMs: number) => (durationMs > 0 ? (count * 1_000) / durationMs : 0);
const round = (v: number, digits = 3) => Math.round(v * 10 ** digits) / 10 ** digits;

function topicReports(
  phase: PhaseSnapshot,
  durationMs: number,
  partitions: ReadonlyMap<string, number>,
  prefix: string,
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
  const ackLatencyMs = summarizeUs(decodeHistogram(phase.ackLatencyUs));
  const scheduleDelayMs = summarizeUs(decodeHistogram(phase.scheduleDelayUs));

  // Every event generated and not acked is an error: failed, unknown outcome, or never sent.
  const errors = whole.failed + whole.indeterminate + whole.unsent;
  const observed: Record<ThresholdMetric, number | null> = {
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
  const thresholds = evaluateThresholds(input.thresholds, observed);

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
    },
    sink: input.sink,
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
      topics: topicReports(phase, durationMs, input.partitions, input.prefix),
      errors: mergePhases(metrics.warmup, metrics.measured).errors,
    },
    warmup: metrics.warmupMs > 0 ? { totals: metrics.warmup.totals } : null,
    series: metrics.series.map((p) => ({ ...p, warmup: (p.second + 1) * 1_000 <= metrics.warmupMs })),
    thresholds,
    passed: thresholds.every((t) => t.pass),
    metrics,
    ...(input.delivery ? { delivery: input.delivery } : {}),
  };
}
