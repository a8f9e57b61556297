// Derived records -> records to send: projection/analytics envelopes keyed by their catalog key,
// DLQ records keyed by the failed event's id, and keyless heartbeats. Partitions are chosen with
// the same murmur2 as the domain records, so the report knows where each one went.
import { HEARTBEAT_RECORD_TYPE, HEARTBEAT_TOPIC, type HeartbeatPayload } from '../catalog/derived.js';
import { physicalTopicName, type TopicName } from '../catalog/topics.js';
import { HEADER_EVENT_TYPE, HEADER_RUN_ID, HEADER_SEQUENCE, HEADER_SHARD, type Envelope } from '../envelope.js';
import { partitionForKey } from '../partitioning/murmur2.js';
import { valueBytes, type SinkRecord } from '../sinks/types.js';
import { dlqHeaders, dlqValue, type DlqOrigin, type DlqPick } from './dlq.js';
import { derivedUuid } from './ids.js';
import type { DerivedRecord } from './projector.js';

export interface DerivedEncoderOptions {
  runId: string;
  prefix: string;
  /** Partition count per logical topic, read per record (a run may follow a raised count). */
  partitions: ReadonlyMap<string, number>;
  /** Shard `i/N` of a sharded run: its records carry the sc-shard header like the domain ones. */
  shard?: { index: number; count: number };
  /** Per logical topic, the earliest timestamp it keeps (backfill with `beyondRetention: clamp`). */
  minTimestampMs?: ReadonlyMap<string, number>;
}

/** What a DLQ or heartbeat record's identity is for the verifier: unique across all topics. */
export function dlqRecordId(physicalTopic: string, eventId: string): string {
  return `${physicalTopic}/${eventId}`;
}

export class DerivedEncoder {
  private readonly physicalNames = new Map<string, string>();
  private readonly shardHeader: Record<string, string>;

  constructor(private readonly opts: DerivedEncoderOptions) {
    this.shardHeader = opts.shard ? { [HEADER_SHARD]: `${opts.shard.index}/${opts.shard.count}` } : {};
  }

  private partitionsOf(topic: TopicName): number {
    const partitions = this.opts.partitions.get(topic);
    if (partitions === undefined || partitions < 1) throw new Error(`derived encoder: no partition count for ${topic}`);
    return partitions;
  }

  private physicalOf(topic: TopicName): string {
    let physical = this.physicalNames.get(topic);
    if (physical === undefined) this.physicalNames.set(topic, (physical = physicalTopicName(topic, this.opts.prefix)));
    return physical;
  }

  /** A projection or analytics record; its timestamp is its source record's (when that has one). */
  derived(r: DerivedRecord, sourceTimestampMs: number | undefined): SinkRecord {
    const physical = this.physicalOf(r.topic);
    // A projection may keep less history than its source: clamped to its own retention edge.
    const floorMs = this.opts.minTimestampMs?.get(r.topic);
    const timestampMs =
      sourceTimestampMs !== undefined && floorMs !== undefined
        ? Math.max(sourceTimestampMs, floorMs)
        : sourceTimestampMs;
    const key = Buffer.from(r.key, 'utf8');
    const value = Buffer.from(JSON.stringify(r.envelope), 'utf8');
    const env = r.envelope;
    return {
      topic: physical,
      logicalTopic: r.topic,
      partition: partitionForKey(key, this.partitionsOf(r.topic)),
      key,
      keyText: r.key,
      value,
      headers: {
        [HEADER_EVENT_TYPE]: env.event_type,
        [HEADER_RUN_ID]: this.opts.runId,
        [HEADER_SEQUENCE]: String(env.sequence),
        ...this.shardHeader,
      },
      ...(timestampMs === undefined ? {} : { timestampMs }),
      sizeBytes: key.length + value.length,
      eventType: env.event_type,
      // No session step: set anyway, so every SinkRecord has the encoder's shape (one hidden class).
      actorId: undefined,
      eventId: env.event_id,
      entityId: env.entity_id,
      sequence: env.sequence,
      intendedAtMs: 0,
    };
  }

  /** The dead-letter record of `original` (already acked at `origin`) for one failing consumer. */
  dlq(pick: DlqPick, env: Envelope, original: string | Buffer, origin: DlqOrigin): SinkRecord {
    const topic = pick.spec.topic;
    const physical = this.physicalOf(topic);
    const key = Buffer.from(env.event_id, 'utf8');
    const value = dlqValue(valueBytes(original), env, pick.failure);
    return {
      topic: physical,
      logicalTopic: topic,
      partition: partitionForKey(key, this.partitionsOf(topic)),
      key,
      keyText: env.event_id,
      value,
      headers: { ...dlqHeaders(pick, env, origin, value.length, this.opts.runId), ...this.shardHeader },
      sizeBytes: key.length + value.length,
      eventType: `dlq.${pick.failure}`,
      actorId: undefined,
      eventId: dlqRecordId(physical, env.event_id),
      entityId: env.event_id,
      sequence: 1,
      intendedAtMs: 0,
    };
  }

  /** A keyless heartbeat (partition 0 of the one-partition topic). */
  heartbeat(fields: Omit<HeartbeatPayload, 'heartbeat_id' | 'event_type'>): SinkRecord {
    const physical = this.physicalOf(HEARTBEAT_TOPIC);
    const payload: HeartbeatPayload = {
      heartbeat_id: derivedUuid('heartbeat', fields.instance_id, fields.run_id, String(fields.sequence)),
      event_type: HEARTBEAT_RECORD_TYPE,
      ...fields,
    };
    const value = Buffer.from(JSON.stringify(payload), 'utf8');
    return {
      topic: physical,
      logicalTopic: HEARTBEAT_TOPIC,
      partition: 0,
      key: null,
      keyText: '',
      value,
      headers: { [HEADER_EVENT_TYPE]: HEARTBEAT_RECORD_TYPE, [HEADER_RUN_ID]: this.opts.runId, ...this.shardHeader },
      sizeBytes: value.length,
      eventType: HEARTBEAT_RECORD_TYPE,
      actorId: undefined,
      eventId: payload.heartbeat_id,
      entityId: payload.instance_id,
      sequence: payload.sequence,
      intendedAtMs: 0,
    };
  }
}
