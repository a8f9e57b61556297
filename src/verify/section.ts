// The `verification` section a run report gains (`run --verify`, `verify --report`): the anomaly
// names and counts, the producer's ordering guarantees stated plainly, and hot keys (plain data;
// src/render/verification.ts formats it).
import type { ProducerMode } from '../sinks/types.js';
import type { TopicHotKeys } from './hot-keys.js';
import { FAILING_ANOMALIES, type MovedKeys, type VerificationResult } from './verifier.js';

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
  /** Records labelled with an opt-in pathology, per pathology: counted apart, never as anomalies. */
  pathologies?: Record<string, number>;
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
  /**
   * Keys read on more than one partition, per topic (a raised partition count moves keys). Not a
   * failure: Kafka delivered every record; what it costs a consumer is per-key order across the move.
   */
  movedKeys?: MovedKeys[];
}

/** What the producer settings promise about order and duplicates, in one sentence. */
export function describeOrdering(mode: Pick<ProducerMode, 'idempotent' | 'maxInFlightRequests'>): ProducerOrdering {
  const inFlight = mode.maxInFlightRequests;
  if (mode.idempotent) {
    return {
      idempotent: true,
      maxInFlightRequests: inFlight,
      reorderingOnRetryPossible: false,
      note: "idempotent producer: batches carry sequence numbers, so the broker drops retried duplicates and appends a partition's batches only in order, pipelined or not",
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
  movedKeys?: MovedKeys[];
}): VerificationSection {
  const failing = FAILING_ANOMALIES.filter((k) => input.result.totals[k] > 0).map(
    (k) => `${k}: ${input.result.totals[k]}`,
  );
  const d = input.result.derived;
  if (d && d.keyMismatches > 0) failing.push(`derived key mismatches: ${d.keyMismatches}`);
  if (d && d.sourceReordered > 0) failing.push(`derived out of source order: ${d.sourceReordered}`);
  return {
    passed: failing.length === 0,
    failing,
    producer: input.producer ? describeOrdering(input.producer) : null,
    readBack: input.readBack,
    result: input.result,
    hotKeys: input.hotKeys,
    ...(input.movedKeys && input.movedKeys.length > 0 ? { movedKeys: input.movedKeys } : {}),
  };
}
