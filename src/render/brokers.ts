// The per-broker load of a run on a cluster (report.brokers): a console block and the numbers the
// HTML report's broker × second heat map is drawn from.
import type { BrokerLoad, BrokerLoadSection } from '../report/brokers.js';
import { formatBytes, int, pct } from './format.js';
import { renderTable } from './table.js';

/** Leader changes shown on the console (the JSON report has them all). */
const CHANGES_SHOWN = 8;

/** A leader change's wall-clock ms as seconds on the per-second scale. */
const changeAt = (atMs: number, firstSecondAtMs: number): string => `${((atMs - firstSecondAtMs) / 1000).toFixed(1)} s`;

export function formatBrokerLoad(b: BrokerLoadSection, firstSecondAtMs: number): string {
  const hottest = Math.max(...b.brokers.map((x) => x.shareOfEvents));
  const table = renderTable(b.brokers, [
    { header: 'BROKER', value: (x) => String(x.nodeId) },
    { header: 'ADDRESS', value: (x) => x.address },
    { header: 'LEADERS start→end', value: (x) => `${x.leadersAtStart}→${x.leadersAtEnd}`, align: 'right' },
    { header: 'EVENTS', value: (x) => int(x.events), align: 'right' },
    { header: 'SHARE', value: (x) => pct(x.shareOfEvents), align: 'right' },
    { header: 'BYTES', value: (x) => formatBytes(x.bytes), align: 'right' },
    { header: 'PEAK ev/s', value: (x) => int(x.peakEventsPerSec), align: 'right' },
    ...(b.brokers.some((x) => x.disk)
      ? [
          {
            header: 'ON DISK',
            value: (x: BrokerLoad) => (x.disk ? formatBytes(x.disk.bytes) : '-'),
            align: 'right' as const,
          },
          {
            header: 'LED',
            value: (x: BrokerLoad) => (x.disk ? formatBytes(x.disk.ledBytes) : '-'),
            align: 'right' as const,
          },
          {
            header: '+RUN',
            value: (x: BrokerLoad) => {
              const g = x.disk?.growthBytes;
              return g === null || g === undefined ? '-' : `${g < 0 ? '-' : '+'}${formatBytes(Math.abs(g))}`;
            },
            align: 'right' as const,
          },
        ]
      : []),
  ]);
  const hot = b.brokers.find((x) => x.shareOfEvents === hottest);
  const out = [`BROKERS (${b.note})`, table];
  if (b.logDirs) out.push(`on disk: ${b.logDirs.note}`);
  if (hot && hottest > 0) out.push(`hottest broker: ${hot.nodeId} (${pct(hottest)} of the events)`);
  if (b.leaderChanges.length === 0) out.push('leader changes: none');
  else {
    out.push(`leader changes: ${b.leaderChanges.length}`);
    for (const c of b.leaderChanges.slice(0, CHANGES_SHOWN))
      out.push(
        `  at ${changeAt(c.atMs, firstSecondAtMs)}: ${c.topic}[${c.partition}] ${c.from < 0 ? 'none' : c.from} → ${c.to < 0 ? 'none' : c.to}`,
      );
    if (b.leaderChanges.length > CHANGES_SHOWN)
      out.push(`  … ${b.leaderChanges.length - CHANGES_SHOWN} more (in the JSON report)`);
  }
  if (b.failedSamples > 0) out.push(`${b.failedSamples} metadata read(s) failed or timed out (a broker was away)`);
  return out.join('\n');
}

/** Each broker's share of every second's events, seconds grouped to at most `maxColumns`. */
export function brokerSecondShares(
  b: BrokerLoadSection,
  maxColumns: number,
): { columns: { fromSecond: number; events: number }[]; shares: (number | null)[][] } {
  const group = Math.max(1, Math.ceil(b.seconds.length / maxColumns));
  const columns: { fromSecond: number; events: number[] }[] = [];
  for (let i = 0; i < b.seconds.length; i += group) {
    const events = b.brokers.map((_, j) => b.seconds.slice(i, i + group).reduce((n, s) => n + (s.events[j] ?? 0), 0));
    columns.push({ fromSecond: b.seconds[i]!.second, events });
  }
  const shares = b.brokers.map((_, j) =>
    columns.map((c) => {
      const total = c.events.reduce((a, x) => a + x, 0);
      return total === 0 ? null : c.events[j]! / total;
    }),
  );
  return {
    columns: columns.map((c) => ({ fromSecond: c.fromSecond, events: c.events.reduce((a, x) => a + x, 0) })),
    shares,
  };
}
