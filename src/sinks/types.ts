// The contract between the runner and wherever events go (Kafka, a file, memory): the runner
// hands over batches of encoded records and learns each record's outcome; it never sees a client.
import type { TopicName } from '../catalog/topics.js';
import type { ErrorCode } from '../errors.js';

/** One encoded event, ready to send. Serialized once (by src/encode.ts); sinks never re-encode. */
export interface SinkRecord {
  /** Physical topic (namespace prefix applied). */
  readonly topic: string;
  readonly logicalTopic: TopicName;
  /** Chosen before sending with the Java-compatible murmur2 partitioner, and sent explicitly. */
  readonly partition: number;
  /** null: no key (the heartbeat; key strategy `none`, whose partition is still chosen before sending). */
  readonly key: Buffer | null;
  /** The key as text: the entity id, a compound or salted key (records/keys.ts); '' when there is no key. */
  readonly keyText: string;
  /**
   * JSON of the envelope, as text (written as UTF-8 straight into the request), or bytes (a DLQ
   * record's copy of a failed record, possibly malformed).
   */
  readonly value: string | Buffer;
  /** Text headers; binary ones (DLQ positions, big-endian integers as Spring Kafka writes them) as Buffers. */
  readonly headers: Record<string, string | Buffer>;
  /**
   * The record's timestamp (Kafka CreateTime), ms since the epoch; undefined lets the producer
   * stamp it when it sends.
   */
  readonly timestampMs?: number;
  /** key + value bytes (headers and protocol overhead excluded). */
  readonly sizeBytes: number;
  readonly eventType: string;
  /** The user who acted, for a session step (catalog SESSION_STEPS: login, impression, click, order). */
  readonly actorId?: string | undefined;
  readonly eventId: string;
  readonly entityId: string;
  readonly sequence: number;
  /** Intended send time on the runner's clock (ms); set by the runner when the event is scheduled. */
  intendedAtMs: number;
}

/** How one record of a send ended: every generated record ends in exactly one of these. */
export type RecordOutcome = 'acked' | 'failed' | 'indeterminate' | 'unsent';

/** What a send met on its way: attempts after the first, and the errors attempts got (per partition). */
export interface RetryInfo {
  retries: number;
  errors: Record<string, number>;
}

/**
 * Outcome of one send, for every record of the batch. `offsets[i]` is record i's offset when the
 * sink knows it (undefined with acks=0); offsets are numbers (exact below 2^53, i.e. always in practice).
 */
export type SendResult =
  | { ok: true; offsets: readonly number[] | undefined; retried?: RetryInfo }
  | {
      ok: false;
      /** Why the records that are not acked were not (the first reason when there are several). */
      error: string;
      /** The outcome is unknown (e.g. a timeout after the request left): neither acked nor surely lost. */
      indeterminate: boolean;
      /** Set when the sink cannot go on (its file cannot be written, its producer thread died): the run stops. */
      fatal?: SinkFatal;
      /** Never handed to the broker (the run or the sink had stopped): the records are `unsent`, not failed. */
      unsent?: boolean;
      /**
       * When the records did not all end alike (some partitions were acked before the others gave
       * up): each record's outcome, and the offsets of the acked ones.
       */
      perRecord?: { outcomes: readonly RecordOutcome[]; offsets: readonly (number | undefined)[] };
      retried?: RetryInfo;
    };

/** Record i's outcome in a send's result. */
export function recordOutcome(result: SendResult, i: number): RecordOutcome {
  if (result.ok) return 'acked';
  if (result.perRecord) return result.perRecord.outcomes[i] ?? 'failed';
  if (result.unsent) return 'unsent';
  return result.indeterminate ? 'indeterminate' : 'failed';
}

/** Record i's offset when it was acked and the sink knows it. */
export function recordOffset(result: SendResult, i: number): number | undefined {
  if (result.ok) return result.offsets?.[i];
  return result.perRecord?.offsets[i];
}

/** What the runner tells the sink about a send. */
export interface SendOptions {
  /**
   * How long the sink may keep trying (retrying retriable errors) before it gives the records up:
   * what is left of their delivery timeout. Sinks that cannot fail transiently ignore it.
   */
  timeoutMs?: number;
}

/** Why a sink cannot take more records, as the user should read it. */
export interface SinkFatal {
  code: ErrorCode;
  message: string;
  hint?: string;
}

/** How records are produced: stated in the report (and needed to judge ordering guarantees). */
export interface ProducerMode {
  acks: 'all' | 'leader' | 'none';
  idempotent: boolean;
  maxInFlightRequests: number | null;
  compression: 'none' | 'gzip';
}

export interface SinkDescription {
  kind: 'kafka' | 'ndjson' | 'memory';
  /** Where the records went: broker list, file path or "stdout". */
  target: string;
  producer?: ProducerMode;
}

/** One thread's event loop so far: cumulative active and idle ms. */
export interface ThreadClock {
  activeMs: number;
  idleMs: number;
}

export interface Sink {
  readonly description: SinkDescription;
  /** Sends one batch; resolves with the outcome for all its records (never rejects for broker errors). */
  send(batch: readonly SinkRecord[], options?: SendOptions): Promise<SendResult>;
  close(): Promise<void>;
  /** A sink that produces on a thread of its own: that thread's event loop so far (null once it is gone). */
  producerThread?(): ThreadClock | null;
}

/** A record value's bytes (a copy, when it is text). */
export function valueBytes(value: string | Buffer): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
}
