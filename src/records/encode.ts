// SimEvent -> record: the key and partition (records/keys.ts: Java-compatible murmur2 of the key,
// or the unkeyed partitioner's choice, made here so the report knows every event's partition), the
// value (the envelope as JSON, serialized exactly once by records/serialize.ts), the timestamp (the event time) and the
// sc-* headers.
import { sessionActorOf } from '../catalog/events.js';
import { physicalTopicName, type DomainTopicName } from '../catalog/topics.js';
import { HEADER_EVENT_TYPE, HEADER_RUN_ID, HEADER_SEQUENCE, HEADER_SHARD } from '../envelope.js';
import type { SimEvent } from '../generators/index.js';
import type { SinkRecord } from '../sinks/types.js';
import { RecordPlacer, type KeyStrategies } from './keys.js';
import { serializeEnvelope } from './serialize.js';

export type { KeyStrategies, KeyStrategy } from './keys.js';

export interface EncoderOptions {
  runId: string;
  /** Namespace prefix of physical topic names. */
  prefix: string;
  /**
   * Partition count per logical topic (from the broker, or the catalog when nothing is sent). Read
   * for every record: a run that follows a raised count (app/partition-watch.ts) raises it here.
   */
  partitions: ReadonlyMap<string, number>;
  keys?: KeyStrategies;
  /**
   * Per logical topic, the earliest record timestamp the topic keeps (now − retention, plus a
   * margin): an older event time is clamped to it in the record's timestamp (occurred_at is kept),
   * so the broker does not delete it at once (backfill with `beyondRetention: clamp`).
   */
  minTimestampMs?: ReadonlyMap<string, number>;
  /** Shard `i/N` of a sharded run: sent as the sc-shard header. */
  shard?: { index: number; count: number };
}

export type Encoder = (event: SimEvent) => SinkRecord;

export function createEncoder(opts: EncoderOptions): Encoder {
  // Everything that is the same for many events is worked out once: strategies per event type
  // (in the placer) and physical names per topic. Counts are read per record (they can be raised).
  const placer = new RecordPlacer(opts.keys ?? {});
  const minTimestampMs = opts.minTimestampMs;
  const physicalNames = new Map<string, string>();
  const partitionsOf = (topic: DomainTopicName): number => {
    const partitions = opts.partitions.get(topic);
    if (partitions === undefined || partitions < 1) throw new Error(`encoder: no partition count for topic ${topic}`);
    return partitions;
  };
  const physicalOf = (topic: DomainTopicName): string => {
    let physical = physicalNames.get(topic);
    if (physical === undefined) physicalNames.set(topic, (physical = physicalTopicName(topic, opts.prefix)));
    return physical;
  };

  const shardHeader = opts.shard ? `${opts.shard.index}/${opts.shard.count}` : undefined;
  return (event: SimEvent): SinkRecord => {
    const env = event.envelope;
    const value = serializeEnvelope(env, event.idsPlain === true);
    const valueBytes = Buffer.byteLength(value, 'utf8');
    const physical = physicalOf(event.topic);
    const { key, keyText, partition } = placer.place(event, physical, partitionsOf(event.topic), valueBytes);
    const floorMs = minTimestampMs?.get(event.topic);
    return {
      topic: physical,
      logicalTopic: event.topic,
      partition,
      key,
      keyText: keyText ?? '',
      value,
      timestampMs: floorMs !== undefined && event.occurredAtMs < floorMs ? floorMs : event.occurredAtMs,
      // Two literal shapes, not a spread: the hot path keeps one hidden class per shape.
      headers: shardHeader
        ? {
            [HEADER_EVENT_TYPE]: env.event_type,
            [HEADER_RUN_ID]: opts.runId,
            [HEADER_SEQUENCE]: String(env.sequence),
            [HEADER_SHARD]: shardHeader,
          }
        : {
            [HEADER_EVENT_TYPE]: env.event_type,
            [HEADER_RUN_ID]: opts.runId,
            [HEADER_SEQUENCE]: String(env.sequence),
          },
      sizeBytes: (key?.length ?? 0) + valueBytes,
      eventType: env.event_type,
      actorId: sessionActorOf(env.event_type, env.payload),
      eventId: env.event_id,
      entityId: env.entity_id,
      sequence: env.sequence,
      intendedAtMs: 0,
    };
  };
}
