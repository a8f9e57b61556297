// The consumer simulator's report for the console: lag per partition, drain, end-to-end latency.
import type { ConsumerSimReport } from '../consume/report.js';
import { describeConnection, fixed } from './format.js';
import { renderTable } from './table.js';

export function formatConsumerReport(r: ConsumerSimReport): string {
  const s = r.summary;
  const lines = [
    `consumer group ${r.groupId}: ${r.perEventMs} ms/event, ${r.concurrency} partition(s) at once, ${fixed(r.durationMs / 1000, 1)} s (${r.stopReason})`,
    `processed ${fixed(r.processed)} events (${fixed(r.processedRatePerSec, 1)} ev/s)`,
    ...(r.connection ? [`connection: ${describeConnection(r.connection)}`] : []),
    '',
    renderTable(
      [...s.partitions].sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1)),
      [
        { header: 'TOPIC', value: (p) => p.topic },
        { header: 'PARTITION', value: (p) => p.partition, align: 'right' },
        { header: 'PROCESSED', value: (p) => fixed(p.processed), align: 'right' },
        { header: 'MAX LAG', value: (p) => fixed(p.maxLag), align: 'right' },
        { header: 'AT', value: (p) => (p.maxLag > 0 ? `${fixed(p.maxLagAtMs / 1000, 1)} s` : '-'), align: 'right' },
        { header: 'FINAL LAG', value: (p) => fixed(p.finalLag), align: 'right' },
      ],
    ),
    '',
    `max lag: ${fixed(s.maxPartitionLag)} on ${s.maxPartitionLagAt ? `${s.maxPartitionLagAt.topic}[${s.maxPartitionLagAt.partition}]` : '-'}; max total lag ${fixed(s.maxTotalLag)}; lag skew ${s.lagSkew === null ? '-' : fixed(s.lagSkew, 2)}`,
    s.drained
      ? `drained: yes${s.timeToDrainMs === null ? '' : `, ${fixed(s.timeToDrainMs / 1000, 1)} s after production stopped`}`
      : `drained: no, ${fixed(s.finalTotalLag)} events still behind`,
  ];
  if (r.endToEndLatency) {
    const l = r.endToEndLatency;
    lines.push(
      `end-to-end (record time -> processed): p50 ${fixed(l.p50, 1)} ms, p99 ${fixed(l.p99, 1)} ms, max ${fixed(l.max, 1)} ms`,
    );
  }
  return lines.join('\n');
}
