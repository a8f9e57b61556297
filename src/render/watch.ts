// A watched consumer group for the console: lag and time lag per partition, rebalances, the
// drain, end-to-end latency, and where lag built up with the hottest keys there.
import type { GroupWatchReport } from '../watch/group-watch.js';
import { fixed, int, secs } from './format.js';
import { renderTable } from './table.js';

const age = (ms: number | null) => (ms === null ? '-' : ms >= 10_000 ? `${fixed(ms / 1000, 1)} s` : `${int(ms)} ms`);

export function formatGroupWatch(w: GroupWatchReport): string {
  const s = w.summary;
  const lines: string[] = [];
  lines.push(
    `consumer group ${w.groupId}: watched ${secs(w.durationMs)} on ${w.topics.length} topic(s), every ${int(w.sampleIntervalMs)} ms (${w.stopReason})`,
  );
  const exact =
    s.maxTimeLagExact === null
      ? ''
      : s.maxTimeLagExact
        ? ' (exact: sent by this run)'
        : ' (estimated from end offsets)';
  lines.push(
    `max lag ${int(s.maxLag)}${s.maxLagAt ? ` on ${s.maxLagAt.topic}[${s.maxLagAt.partition}]` : ''}; max time lag ${age(s.maxTimeLagMs)}${exact}; ${int(s.meanCommittedPerSec)} offsets committed/s on average`,
  );
  const d = w.drain;
  lines.push(
    d.loadStoppedAtMs === null
      ? 'drain: the load did not stop while watched'
      : d.drained
        ? `drained ${secs(d.drainMs ?? 0)} after the load stopped`
        : `NOT drained ${secs(d.timeoutMs)} after the load stopped (drain timeout)`,
  );
  lines.push(
    s.rebalances === 0
      ? 'rebalances: none'
      : `rebalances: ${s.rebalances} — ${w.rebalances
          .map(
            (r) =>
              `at ${secs(r.startMs)} (${r.membersBefore}→${r.membersAfter} members${r.durationMs === null ? ', under one sample' : `, ${secs(r.durationMs)}`})`,
          )
          .join('; ')}`,
  );
  if (w.endToEndLatency) {
    const l = w.endToEndLatency;
    lines.push(
      `end-to-end (sent → committed): p50 ${fixed(l.p50, 1)} ms, p99 ${fixed(l.p99, 1)} ms, max ${fixed(l.max, 1)} ms (${int(l.count)} records)`,
    );
  }
  const last = w.samples.at(-1);
  const rows = w.partitions.map((p, i) => {
    let maxLag = 0;
    let maxAge: number | null = null;
    let exactAge = false;
    for (const smp of w.samples) {
      maxLag = Math.max(maxLag, smp.lag[i] ?? 0);
      const t = smp.timeLagMs[i] ?? null;
      if (t !== null && (maxAge === null || t > maxAge)) {
        maxAge = t;
        exactAge = smp.exact[i] ?? false;
      }
    }
    return { ...p, maxLag, maxAge, exactAge, final: last?.lag[i] ?? 0 };
  });
  lines.push(
    '',
    renderTable(
      rows.filter((r) => r.maxLag > 0 || rows.length <= 12),
      [
        { header: 'TOPIC', value: (r) => r.topic },
        { header: 'PARTITION', value: (r) => r.partition, align: 'right' },
        { header: 'MAX LAG', value: (r) => int(r.maxLag), align: 'right' },
        {
          header: 'MAX TIME LAG',
          value: (r) => `${age(r.maxAge)}${r.maxAge === null ? '' : r.exactAge ? '' : ' ~'}`,
          align: 'right',
        },
        { header: 'FINAL LAG', value: (r) => int(r.final), align: 'right' },
      ],
    ),
  );
  if (s.partitionsBuildingLag.length > 0) {
    lines.push('', 'lag built up on (hottest keys sent there):');
    for (const p of s.partitionsBuildingLag.slice(0, 10)) {
      const keys = (p.hottestKeys ?? []).map((k) => `${k.key} (${int(k.events)})`).join(', ');
      lines.push(`  ${p.topic}[${p.partition}]: max lag ${int(p.maxLag)}; ${keys || 'no key stands out'}`);
    }
  }
  if (w.index)
    lines.push(
      `send-time index: ${int(w.index.peakRuns)} runs at peak (~${int(w.index.approxBytes / 1024)} KiB), ${int(w.index.evicted)} evicted`,
    );
  lines.push('(~ marks a time lag estimated from the end offsets: a record this run did not send)');
  return lines.join('\n');
}
