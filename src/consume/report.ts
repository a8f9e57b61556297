// The consumer simulator's result as plain JSON (schema below, versioned); src/render/consumer.ts
// formats it.
import type { ConnectionSummary } from '../config.js';
import type { LatencySnapshot } from '../metrics/latency.js';
import type { LagSeriesData, LagSummary } from './lag-series.js';

export const CONSUMER_REPORT_KIND = 'sc-sim.consumer-report';
export const CONSUMER_REPORT_SCHEMA_VERSION = 1;

export interface ConsumerSimReport {
  kind: typeof CONSUMER_REPORT_KIND;
  schemaVersion: typeof CONSUMER_REPORT_SCHEMA_VERSION;
  groupId: string;
  /** Physical topic names. */
  topics: string[];
  /** The security protocol, SASL mechanism and user (nothing else about the connection). */
  connection?: ConnectionSummary;
  /** Simulated processing time per event (ms) and the number of partitions processed at once. */
  perEventMs: number;
  concurrency: number;
  /** A batch yields after this much simulated work (see src/consume/cost.ts). */
  sliceMs: number;
  /** ISO time the consumer joined its group. */
  startedAt: string;
  durationMs: number;
  stopReason: 'duration' | 'drained' | 'signal';
  processed: number;
  processedRatePerSec: number;
  /** Record CreateTime -> processed, ms summary with the µs histogram. */
  endToEndLatency: LatencySnapshot | null;
  lag: LagSeriesData;
  summary: LagSummary;
}

export function isConsumerReport(v: unknown): v is ConsumerSimReport {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === CONSUMER_REPORT_KIND;
}
