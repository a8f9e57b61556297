// SimEvent -> record: the key (records/keys.ts), the partition (Java-compatible murmur2, chosen
// here so the report knows every event's partition), the value (the envelope as JSON, serialized
// exactly once by records/serialize.ts) and the sc-* headers.
import { physicalTopicName, type DomainTopicName } from '../catalog/topics.js';
import { HEADER_EVENT_TYPE, HEADER_RUN_ID, HEADER_SEQUENCE, HEADER_SHARD } from '../envelope.js';
import type { SimEvent } from '../generators/index.js';
import { partitionForKey } from '../partitioning/murmur2.js';
import type { SinkRecord } from '../sinks/types.js';
import { keyStrategyFor, recordKey, type KeyStrategies, type KeyStrategy } from './keys.js';
import { serializeEnvelope } from './serialize.js';

export type { KeyStrategies, KeyStrategy } from './keys.js';

export interface EncoderOptions {
  runId: string;
  /** Namespace prefix of physical topic names. */
  prefix: string;
  /** Partition count per logical topic (from the broker, or the catalog when nothing is sent). */
  partitions: ReadonlyMap<string, number>;
  keys?: KeyStrategies;
  /** Shard `i/N` of a sharded run: sent as the sc-shard header. */
  shard?: { index: number; count: number };
}

export type Encoder = (event: SimEvent) => SinkRecord;

export function createEncoder(opts: EncoderOptions): Encoder {
  const keys = opts.keys ?? {};
  // Everything that is the same for many events is worked out once: strategies per event type,
  // physical names and partition counts per topic.
  const strategies = new Map<string, KeyStrategy>();
  const topics = new Map<string, { physical: string; partitions: number }>();
  const topicInfo = (topic: DomainTopicName) => {
    let info = topics.get(topic);
    if (!info) {
      const partitions = opts.partitions.get(topic);
      if (partitions === undefined || partitions < 1) {
        throw new Error(`encoder: no partition count for topic ${topic}`);
      }
      info = { physical: physicalTopicName(topic, opts.prefix), partitions };
      topics.set(topic, info);
    }
    return info;
  };

  const shardHeader = opts.shard ? `${opts.shard.index}/${opts.shard.count}` : undefined;
  return (event: SimEvent): SinkRecord => {
    const env = event.envelope;
    let strategy = strategies.get(env.event_type);
    if (!strategy) {
      strategy = keyStrategyFor(env.event_type, keys);
      strategies.set(env.event_type, strategy);
    }
    const keyText = recordKey(event, strategy);
    const key = Buffer.from(keyText, 'utf8');
    const value = serializeEnvelope(env);
    const info = topicInfo(event.topic);
    return {
      topic: info.physical,
      logicalTopic: event.topic,
      partition: partitionForKey(key, info.partitions),
      key,
      keyText,
      value,
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
      sizeBytes: key.length + value.length,
      eventType: env.event_type,
      eventId: env.event_id,
      entityId: env.entity_id,
      sequence: env.sequence,
      intendedAtMs: 0,
    };
  };
}
