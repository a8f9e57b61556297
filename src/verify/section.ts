// The `verification` section a run report gains (`run --verify`, `verify --report`): the anomaly
// names and counts, the producer's ordering guarantees stated plainly, hot keys, and its console form.
import { renderTable } from '../render/table.js';
import type { ProducerMode } from '../sinks/types.js';
import type { TopicHotKeys } from './hot-keys.js';
import { COMPOUND_NOTE, FAILING_ANOMALIES, type VerificationResult } from './verifier.js';

export interface ProducerOrdering {
  idempotent: boolean;
  maxInFlightRequests: number | null;
  /** True when a retried request can overtake a later one (several in flight, no idempotence). */
  reorderingOnRetryPossible: boolean;
  note: string;
}

export interface ReadBackSummary {
  records: number;
  foreign: number;
  undecodable: number;
  tookMs: number;
}

export interface VerificationSection {
  /** lost, duplicate and reordered are all zero. */
  passed: boolean;
  failing: string[];
  /** How the producer sent (null when unknown, e.g. a report without producer settings). */
  producer: ProducerOrdering | null;
  readBack: ReadBackSummary;
  result: VerificationResult;
  hotKeys: TopicHotKeys[];
}

/** What the producer settings promise about order and duplicates, in one sentence. */
export function describeOrdering(mode: Pick<ProducerMode, 'idempotent' | 'maxInFlightRequests'>): ProducerOrdering {
  const inFlight = mode.maxInFlightRequests;
  if (mode.idempotent) {
    return {
      idempotent: true,
      maxInFlightRequests: inFlight,
      reorderingOnRetryPossible: false,
      note: 'idempotent producer: the broker drops retried duplicates and keeps order per partition (kafkajs serialises requests per broker)',
    };
  }
  if (inFlight === 1) {
    return {
      idempotent: false,
      maxInFlightRequests: 1,
      reorderingOnRetryPossible: false,
      note: 'one request in flight: order is kept, but a retry after a lost ack can write a duplicate',
    };
  }
  return {
    idempotent: false,
    maxInFlightRequests: inFlight,
    reorderingOnRetryPossible: true,
    // Measured with kafkajs 2.2.4: concurrent batches reordered ~1,100 records at the start of a
    // run even with no retry at all, so this is not only a retry hazard.
    note: `reordering possible: ${inFlight === null ? 'unbounded' : inFlight} requests in flight without idempotence — concurrent batches can land out of order (seen with kafkajs even without retries), and a retry can also duplicate`,
  };
}

export function buildVerificationSection(input: {
  result: VerificationResult;
  readBack: ReadBackSummary;
  producer: Pick<ProducerMode, 'idempotent' | 'maxInFlightRequests'> | null;
  hotKeys: TopicHotKeys[];
}): VerificationSection {
  const failing = FAILING_ANOMALIES.filter((k) => input.result.totals[k] > 0).map(
    (k) => `${k}: ${input.result.totals[k]}`,
  );
  return {
    passed: failing.length === 0,
    failing,
    producer: input.producer ? describeOrdering(input.producer) : null,
    readBack: input.readBack,
    result: input.result,
    hotKeys: input.hotKeys,
  };
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const pct = (share: number) => `${(share * 100).toFixed(1)}%`;

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
    `acked ${int(t.acked)}, read ${int(t.consumed)} — lost ${int(t.lost)}, duplicate ${int(t.duplicate)}, reordered ${int(t.reordered)}, gaps ${int(t.gaps)}, key→partition moves ${int(t.keyPartitionMoves)}, indeterminate ${int(t.indeterminate)} (${int(t.indeterminateRead)} of them read)`,
  );
  if (t.failedButRead > 0 || t.unexpected > 0 || t.redelivered > 0) {
    lines.push(
      `also: ${int(t.failedButRead)} failed sends found in the log, ${int(t.unexpected)} records no send accounts for, ${int(t.redelivered)} offsets delivered twice by the consumer (ignored)`,
    );
  }
  if (r.compoundKeys.records > 0) {
    const c = r.compoundKeys;
    lines.push(
      `compound keys: ${int(c.records)} records under ${int(c.keys)} keys of ${int(c.entities)} entities; ${int(c.entitiesOnSeveralPartitions)} entities spread over several partitions, ${int(c.entityOutOfOrder)} reads out of entity order — ${COMPOUND_NOTE}`,
    );
  }
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
        { header: 'KEY', value: (k) => k.key },
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
