// What the produce path does after an error, as the Java producer does (pure: unit-tested): retry
// (and whether metadata must be refreshed first, and whether the records may have been written),
// start a new producer id (sequence state out of step), check whether the topic still exists,
// stop the run (not authorized), or fail this batch only.

/** Broker error codes the produce path treats specially (Kafka's Errors.java). */
export const CODE = {
  NONE: 0,
  UNKNOWN_TOPIC_OR_PARTITION: 3,
  LEADER_NOT_AVAILABLE: 5,
  NOT_LEADER_OR_FOLLOWER: 6,
  REQUEST_TIMED_OUT: 7,
  NETWORK_EXCEPTION: 13,
  NOT_ENOUGH_REPLICAS: 19,
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: 20,
  TOPIC_AUTHORIZATION_FAILED: 29,
  CLUSTER_AUTHORIZATION_FAILED: 31,
  OUT_OF_ORDER_SEQUENCE_NUMBER: 45,
  DUPLICATE_SEQUENCE_NUMBER: 46,
  INVALID_PRODUCER_EPOCH: 47,
  TRANSACTIONAL_ID_AUTHORIZATION_FAILED: 53,
  KAFKA_STORAGE_ERROR: 56,
  UNKNOWN_PRODUCER_ID: 59,
  FENCED_LEADER_EPOCH: 74,
  UNKNOWN_LEADER_EPOCH: 75,
  PRODUCER_FENCED: 90,
} as const;

export type Verdict =
  /**
   * Try again after a back-off; `unknownOutcome`: the records may have been written already.
   * `behindEarlier`: refused only because an earlier pipelined batch is missing — resent without
   * back-off once the sends before it have finished.
   */
  | { kind: 'retry'; refreshMetadata: boolean; unknownOutcome: boolean; behindEarlier?: true }
  /** The broker and we disagree on sequence numbers: take a new producer id, then retry. */
  | { kind: 'new-producer-id'; unknownOutcome: boolean }
  /** The broker does not know the topic or partition: check whether the topic still exists. */
  | { kind: 'check-topic' }
  /** Not allowed: nothing will change by retrying, the run stops. */
  | { kind: 'unauthorized' }
  /** This batch cannot be written (too large, invalid): it fails, the run goes on. */
  | { kind: 'fail' };

const RETRY = (refreshMetadata: boolean, unknownOutcome = false): Verdict => ({
  kind: 'retry',
  refreshMetadata,
  unknownOutcome,
});

/**
 * What to do about a partition's error code in a Produce response (0 and 46 are success).
 * `pipelined`: an earlier send was still unfinished when this batch took its sequence numbers.
 */
export function verdictForCode(code: number, retriable: boolean, pipelined = false): Verdict {
  // Behind an earlier batch still on the wire, a gap means that batch is to land first; with
  // nothing unfinished ahead, the sequence state is in doubt (below).
  if (pipelined && code === CODE.OUT_OF_ORDER_SEQUENCE_NUMBER)
    return { kind: 'retry', refreshMetadata: false, unknownOutcome: false, behindEarlier: true };
  switch (code) {
    case CODE.UNKNOWN_TOPIC_OR_PARTITION:
      return { kind: 'check-topic' };
    case CODE.TOPIC_AUTHORIZATION_FAILED:
    case CODE.CLUSTER_AUTHORIZATION_FAILED:
    case CODE.TRANSACTIONAL_ID_AUTHORIZATION_FAILED:
      return { kind: 'unauthorized' };
    case CODE.OUT_OF_ORDER_SEQUENCE_NUMBER:
    case CODE.UNKNOWN_PRODUCER_ID:
    case CODE.INVALID_PRODUCER_EPOCH:
    case CODE.PRODUCER_FENCED:
      // An earlier attempt's fate was misjudged: the batch may be in the log.
      return { kind: 'new-producer-id', unknownOutcome: true };
    case CODE.REQUEST_TIMED_OUT:
    case CODE.NOT_ENOUGH_REPLICAS_AFTER_APPEND:
    case CODE.NETWORK_EXCEPTION:
      // Written on the leader, maybe not replicated yet: retried, the broker de-duplicates.
      return RETRY(false, true);
    case CODE.LEADER_NOT_AVAILABLE:
    case CODE.NOT_LEADER_OR_FOLLOWER:
    case CODE.FENCED_LEADER_EPOCH:
    case CODE.UNKNOWN_LEADER_EPOCH:
    case CODE.KAFKA_STORAGE_ERROR:
      return RETRY(true);
    default:
      return retriable ? RETRY(false) : { kind: 'fail' };
  }
}

/** An error thrown on the way (connecting, metadata, the request itself). */
export interface ThrownError {
  name?: string;
  type?: string;
  code?: string | number;
  message?: string;
  retriable?: boolean;
  cause?: unknown;
}

/** Errors of the socket before any byte of the request was written. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** The innermost error kafkajs wrapped (KafkaJSNumberOfRetriesExceeded and friends keep a cause). */
export function rootCause(e: ThrownError): ThrownError {
  let cur = e;
  for (let depth = 0; depth < 5 && cur.cause && typeof cur.cause === 'object'; depth++) cur = cur.cause as ThrownError;
  return cur;
}

/**
 * What to do about an error thrown while connecting, refreshing metadata or sending.
 * `requestLeft`: it was thrown by the request itself, which may have reached the broker.
 */
export function verdictForThrown(err: unknown, requestLeft: boolean): Verdict {
  const e = rootCause((err ?? {}) as ThrownError);
  const outer = (err ?? {}) as ThrownError;
  if (e.name === 'KafkaJSProtocolError' || outer.name === 'KafkaJSProtocolError') {
    const p = e.name === 'KafkaJSProtocolError' ? e : outer;
    const code = typeof p.code === 'number' ? p.code : -1;
    if (code >= 0) {
      const v = verdictForCode(code, p.retriable === true);
      // A protocol error thrown (not a partition answer) comes from metadata or InitProducerId:
      // nothing of ours was written by it.
      return v.kind === 'retry' ? RETRY(true, false) : v;
    }
  }
  if (e.name === 'KafkaJSSASLAuthenticationError' || e.name === 'KafkaJSAuthorizationError')
    return { kind: 'unauthorized' };
  const name = e.name ?? outer.name ?? '';
  if (/^(RangeError|ReferenceError|SyntaxError|TypeError)$/.test(name)) return { kind: 'fail' };
  const code = typeof e.code === 'string' ? e.code : '';
  const notSent = !requestLeft || NOT_SENT_CODES.has(code) || /Not connected/.test(e.message ?? '');
  // Connection errors, request timeouts, lock timeouts, missing metadata: all retriable.
  return RETRY(true, !notSent);
}

/**
 * Back-off before retry number `attempt` (1, 2, …): 100 ms doubling up to 1 s with ±20 % jitter,
 * as the Java producer's retry.backoff.ms and retry.backoff.max.ms.
 */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(1_000, 100 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** Short text for an error: kafkajs's type (NOT_LEADER_OR_FOLLOWER) or its name and message. */
export function describeError(err: unknown): string {
  const e = (err ?? {}) as ThrownError;
  const root = rootCause(e);
  if (root.type) return `${root.name ?? 'Error'}: ${root.type}`;
  const message = root.message ?? e.message ?? String(err);
  return `${root.name ?? e.name ?? 'Error'}: ${message}`;
}
