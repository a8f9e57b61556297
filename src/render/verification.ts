// The verification section for the console: anomaly counts, the producer's guarantees, examples,
// latency and the hottest keys. A pure function of the section.
import type { VerificationSection } from '../verify/section.js';
import { COMPOUND_NOTE, UNKEYED_NOTE, type MovedKeys } from '../verify/verifier.js';
import { int, pct } from './format.js';
import { renderTable } from './table.js';

export function formatVerification(s: VerificationSection): string {
  const r = s.result;
  const t = r.totals;
  const lines: string[] = [];
  lines.push(`verification: ${s.passed ? 'PASSED' : `FAILED (${s.failing.join(', ')})`}`);
  if (s.producer) lines.push(`producer: ${s.producer.note}`);
  lines.push(
    `read back ${int(s.readBack.records)} records of this run in ${(s.readBack.tookMs / 1000).toFixed(1)} s` +
      (s.readBack.foreign > 0 ? `, skipped ${int(s.readBack.foreign)} of other runs` : '') +
      (s.readBack.undecodable > 0 ? `, ${int(s.readBack.undecodable)} undecodable` : ''),
  );
  lines.push(
    `acked ${int(t.acked)}, read ${int(t.consumed)} — lost ${int(t.lost)}, duplicate ${int(t.duplicate)}, reordered ${int(t.reordered)}, gaps ${int(t.gaps)}, key→partition moves ${int(t.keyPartitionMoves)}, indeterminate ${int(t.indeterminate)} (${int(t.indeterminateRead)} of them read), not delivered ${int(t.undelivered ?? 0)} (failed or never sent: not anomalies, and the sequence holes they leave are not gaps)`,
  );
  if (t.failedButRead > 0 || t.unexpected > 0 || t.redelivered > 0) {
    lines.push(
      `also: ${int(t.failedButRead)} failed sends found in the log, ${int(t.unexpected)} records no send accounts for, ${int(t.redelivered)} offsets delivered twice by the consumer (ignored)`,
    );
  }
  if (r.derived !== undefined && r.derived.records > 0) {
    const d = r.derived;
    lines.push(
      `projections and analytics: ${int(d.records)} records — keys not the catalog key ${int(d.keyMismatches)}, out of source order ${int(d.sourceReordered)}`,
    );
  }
  const pathologies = Object.entries(s.readBack.pathologies ?? {});
  if (pathologies.length > 0) {
    lines.push(
      `pathologies (opt-in, labelled sc-pathology, not anomalies): ${pathologies.map(([k, n]) => `${k} ${int(n)}`).join(', ')}`,
    );
  }
  if (r.compoundKeys.records > 0) {
    const c = r.compoundKeys;
    lines.push(
      `compound/salted keys: ${int(c.records)} records under ${int(c.keys)} keys of ${int(c.entities)} entities; ${int(c.entitiesOnSeveralPartitions)} entities spread over several partitions, ${int(c.entityOutOfOrder)} reads out of entity order — ${COMPOUND_NOTE}`,
    );
  }
  // Older saved reports have no unkeyed view.
  const u = r.unkeyed as typeof r.unkeyed | undefined;
  if (u && u.records > 0) {
    lines.push(
      `no key: ${int(u.records)} records of ${int(u.entities)} entities; ${int(u.entitiesOnSeveralPartitions)} entities spread over several partitions, ${int(u.entityOutOfOrder)} reads out of entity order — ${UNKEYED_NOTE}`,
    );
  }
  for (const m of s.movedKeys ?? []) lines.push(describeMovedKeys(m));
  const bad = r.partitions.filter((p) => p.lost + p.duplicate + p.reordered + p.gaps + p.keyPartitionMoves > 0);
  if (bad.length > 0) {
    lines.push(
      '',
      renderTable(bad, [
        { header: 'TOPIC', value: (p) => p.topic },
        { header: 'PARTITION', value: (p) => p.partition, align: 'right' },
        { header: 'ACKED', value: (p) => int(p.acked), align: 'right' },
        { header: 'READ', value: (p) => int(p.consumed), align: 'right' },
        { header: 'LOST', value: (p) => int(p.lost), align: 'right' },
        { header: 'DUPLICATE', value: (p) => int(p.duplicate), align: 'right' },
        { header: 'REORDERED', value: (p) => int(p.reordered), align: 'right' },
        { header: 'GAPS', value: (p) => int(p.gaps), align: 'right' },
        { header: 'MOVES', value: (p) => int(p.keyPartitionMoves), align: 'right' },
      ]),
    );
  }
  if (r.examples.length > 0) {
    lines.push('', 'examples:');
    for (const e of r.examples.slice(0, 20)) {
      lines.push(
        `  ${e.kind}: ${e.topic}[${e.partition}]${e.offset === undefined ? '' : `@${e.offset}`} key ${e.key}: ${e.detail}`,
      );
    }
  }
  if (r.latency) {
    const l = r.latency;
    // Read back after the run (counts mode), the figure is the records' age when read, not a pipeline latency.
    const what =
      r.mode === 'counts' ? 'age when read back after the run (send → read)' : 'end-to-end latency (send → read)';
    lines.push(
      `${what}: p50 ${l.p50.toFixed(1)} ms, p99 ${l.p99.toFixed(1)} ms, max ${l.max.toFixed(1)} ms (${int(l.count)} records)`,
    );
  }
  const hot = s.hotKeys.filter((h) => h.hottest.length > 0 && h.events > 0);
  if (hot.length > 0) {
    // The top key of every topic; up to three where one key holds a notable share (>= 10%).
    const rows = hot.flatMap((h) =>
      h.hottest.filter((k, i) => i === 0 || (i < 3 && k.share >= 0.1)).map((k) => ({ topic: h.topic, ...k })),
    );
    lines.push(
      '',
      'hottest keys (predicted partition = murmur2(key) % partitions):',
      renderTable(rows, [
        { header: 'TOPIC', value: (k) => k.topic },
        { header: 'KEY', value: (k) => (k.key === '' ? '(no key)' : k.key) },
        { header: 'EVENTS', value: (k) => int(k.events), align: 'right' },
        { header: 'SHARE', value: (k) => pct(k.share), align: 'right' },
        {
          header: 'PREDICTED',
          value: (k) => (k.predictedPartition === null ? '-' : k.predictedPartition),
          align: 'right',
        },
        { header: 'SENT TO', value: (k) => k.producedPartitions.join(',') || '-' },
        { header: 'READ FROM', value: (k) => k.observedPartitions.join(',') || '-' },
        { header: 'MATCH', value: (k) => (k.matchesPrediction === null ? '?' : k.matchesPrediction ? 'yes' : 'NO') },
      ]),
    );
  }
  return lines.join('\n');
}

/** One topic's keys read on several partitions, and what the raised count explains of it. */
export function describeMovedKeys(m: MovedKeys): string {
  const other = m.keys - m.explainedByRaise;
  const example = m.examples[0];
  return (
    `keys moved partition on ${m.topic}: ${int(m.keys)} keys, ${int(m.explainedByRaise)} of them by the raised partition count (read only where murmur2(key) % each count put them)` +
    (other > 0 ? `, ${int(other)} NOT explained by it` : '') +
    (example ? `, e.g. ${example.key} on ${example.partitions.join(' then ')}` : '') +
    ' — not a failure (every record was delivered), but a consumer group sees such a key on two partitions: its newer events can be processed before older ones still queued on the old partition'
  );
}
