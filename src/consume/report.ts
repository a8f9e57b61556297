// The consumer simulator's result as plain JSON (schema below, versioned) and its console form.
import { renderTable } from '../render/table.js';
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

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function formatConsumerReport(r: ConsumerSimReport): string {
  const s = r.summary;
  const lines = [
    `consumer group ${r.groupId}: ${r.perEventMs} ms/event, ${r.concurrency} partition(s) at once, ${fmt(r.durationMs / 1000, 1)} s (${r.stopReason})`,
    `processed ${fmt(r.processed)} events (${fmt(r.processedRatePerSec, 1)} ev/s)`,
    '',
    renderTable(
      [...s.partitions].sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1)),
      [
        { header: 'TOPIC', value: (p) => p.topic },
        { header: 'PARTITION', value: (p) => p.partition, align: 'right' },
        { header: 'PROCESSED', value: (p) => fmt(p.processed), align: 'right' },
        { header: 'MAX LAG', value: (p) => fmt(p.maxLag), align: 'right' },
        { header: 'AT', value: (p) => (p.maxLag > 0 ? `${fmt(p.maxLagAtMs / 1000, 1)} s` : '-'), align: 'right' },
        { header: 'FINAL LAG', value: (p) => fmt(p.finalLag), align: 'right' },
      ],
    ),
    '',
    `max lag: ${fmt(s.maxPartitionLag)} on ${s.maxPartitionLagAt ? `${s.maxPartitionLagAt.topic}[${s.maxPartitionLagAt.partition}]` : '-'}; max total lag ${fmt(s.maxTotalLag)}; lag skew ${s.lagSkew === null ? '-' : fmt(s.lagSkew, 2)}`,
    s.drained
      ? `drained: yes${s.timeToDrainMs === null ? '' : `, ${fmt(s.timeToDrainMs / 1000, 1)} s after production stopped`}`
      : `drained: no, ${fmt(s.finalTotalLag)} events still behind`,
  ];
  if (r.endToEndLatency) {
    const l = r.endToEndLatency;
    lines.push(
      `end-to-end (record time -> processed): p50 ${fmt(l.p50, 1)} ms, p99 ${fmt(l.p99, 1)} ms, max ${fmt(l.max, 1)} ms`,
    );
  }
  return lines.join('\n');
}
