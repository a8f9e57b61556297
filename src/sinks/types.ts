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
  /** JSON of the envelope (for DLQ records: the failed record's bytes, possibly malformed). */
  readonly value: Buffer;
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
  readonly eventId: string;
  readonly entityId: string;
  readonly sequence: number;
  /** Intended send time on the runner's clock (ms); set by the runner when the event is scheduled. */
  intendedAtMs: number;
}

/**
 * Outcome of one send, for every record of the batch. `offsets[i]` is record i's offset when the
 * sink knows it (undefined with acks=0); offsets are numbers (exact below 2^53, i.e. always in practice).
 */
export type SendResult =
  | { ok: true; offsets: readonly number[] | undefined }
  | {
      ok: false;
      error: string;
      /** The outcome is unknown (e.g. a timeout after the request left): neither acked nor surely lost. */
      indeterminate: boolean;
      /** Set when the sink cannot go on (its file cannot be written, its producer thread died): the run stops. */
      fatal?: SinkFatal;
    };

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

export interface Sink {
  readonly description: SinkDescription;
  /** Sends one batch; resolves with the outcome for all its records (never rejects for broker errors). */
  send(batch: readonly SinkRecord[]): Promise<SendResult>;
  close(): Promise<void>;
}
