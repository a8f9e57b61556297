// Record keys and partitions: which key each event type is sent under (the catalog's entity key, the
// spec's time-bucket compound key, a salted key, or none), chosen per event type or family in a
// scenario, and what each strategy keeps of the entity's ordering (stated in plans and reports).
import { z } from 'zod';
import type { SimEvent } from '../generators/index.js';
import { murmur2, partitionForKey } from '../partitioning/murmur2.js';
import { formatDurationMs, PositiveDurationSchema } from '../runner/duration.js';

/** Kafka's default batch.size: a sticky partitioner moves on once this many bytes went to one partition. */
export const STICKY_BATCH_BYTES = 16_384;

export const KeyStrategySchema = z.discriminatedUnion('strategy', [
  /** The catalog key: the entity id (order_id, promotion_id, …). Per-entity order on one partition. */
  z.object({ strategy: z.literal('entity') }).strict(),
  /**
   * `${entityId}_${bucket}` with bucket = floor(occurred_at / bucket width) (spec §4): spreads a
   * hot entity over partitions bucket by bucket, giving up its ordering across buckets.
   */
  z.object({ strategy: z.literal('compound'), bucket: PositiveDurationSchema }).strict(),
  /**
   * `${entityId}_${n}` with n = murmur2(payload[by]) mod salts: every bucket of time spreads over
   * up to `salts` keys, and one viewer's events of one entity keep their order.
   */
  z
    .object({
      strategy: z.literal('salted'),
      salts: z.number().int().min(2).max(1_024).describe('how many keys one entity is spread over'),
      by: z
        .string()
        .min(1)
        .default('viewer_id')
        .describe('the payload field hashed to pick the salt (default viewer_id), or event_id'),
    })
    .strict(),
  /** No key: the record's partition is the producer's choice (sticky per batch, or round-robin). */
  z
    .object({
      strategy: z.literal('none'),
      partitioner: z
        .enum(['sticky', 'round-robin'])
        .default('sticky')
        .describe(
          "sticky: one partition per 16 KiB batch (Kafka's default for null keys); round-robin: the next partition for every record",
        ),
    })
    .strict(),
]);
export type KeyStrategy = z.output<typeof KeyStrategySchema>;
export type KeyStrategyName = KeyStrategy['strategy'];

/** Key strategies by event type (`promotion.impression`) or family (`promotion`); the rest use `entity`. */
export type KeyStrategies = Readonly<Partial<Record<string, KeyStrategy>>>;

const ENTITY: KeyStrategy = { strategy: 'entity' };

/** The strategy for one event type: its own entry, else its family's, else `entity`. */
export function keyStrategyFor(eventType: string, keys: KeyStrategies): KeyStrategy {
  const family = eventType.slice(0, eventType.indexOf('.'));
  return keys[eventType] ?? keys[family] ?? ENTITY;
}

/** murmur2 of text, as a non-negative 32-bit number (Kafka's toPositive). */
function hashText(text: string): number {
  return murmur2(Buffer.from(text, 'utf8')) & 0x7fffffff;
}

/** The salt of an event: a stable hash of its `by` field (the envelope's event_id, or a payload field). */
export function saltOf(event: SimEvent, by: string, salts: number): number {
  const value = by === 'event_id' ? event.envelope.event_id : event.envelope.payload[by];
  return hashText(value === undefined || value === null ? '' : String(value)) % salts;
}

/** The record key as text; null for strategy none. */
export function recordKey(event: SimEvent, strategy: KeyStrategy): string | null {
  switch (strategy.strategy) {
    case 'entity':
      return event.key;
    case 'compound':
      return `${event.key}_${Math.floor(event.occurredAtMs / strategy.bucket)}`;
    case 'salted':
      return `${event.key}_${saltOf(event, strategy.by, strategy.salts)}`;
    case 'none':
      return null;
  }
}

/** Where a record without a key goes: the producer's choice, made here so the report knows it. */
class UnkeyedPartitioner {
  /** Per physical topic: the current partition and the bytes sent to it (sticky). */
  private readonly state = new Map<string, { partition: number; bytes: number }>();

  next(topic: string, partitions: number, sizeBytes: number, mode: 'sticky' | 'round-robin'): number {
    let s = this.state.get(topic);
    if (!s) this.state.set(topic, (s = { partition: 0, bytes: 0 }));
    if (mode === 'round-robin') {
      const p = s.partition;
      s.partition = (p + 1) % partitions;
      return p;
    }
    // Sticky: a partition takes records until a batch's worth of bytes went there, then the next.
    if (s.bytes >= STICKY_BATCH_BYTES) {
      s.partition = (s.partition + 1) % partitions;
      s.bytes = 0;
    }
    s.bytes += sizeBytes;
    return s.partition;
  }
}

/** A record's key (null: none), as text and bytes, and its partition. */
export interface Placement {
  keyText: string | null;
  key: Buffer | null;
  partition: number;
}

/**
 * Chooses every record's key and partition: murmur2 of the key (Kafka's and kafkajs's default
 * partitioner), or for unkeyed records the sticky / round-robin choice. Deterministic: the same
 * stream gives the same placements.
 */
export class RecordPlacer {
  private readonly strategies = new Map<string, KeyStrategy>();
  private readonly unkeyed = new UnkeyedPartitioner();

  constructor(private readonly keys: KeyStrategies) {}

  strategyFor(eventType: string): KeyStrategy {
    let s = this.strategies.get(eventType);
    if (!s) this.strategies.set(eventType, (s = keyStrategyFor(eventType, this.keys)));
    return s;
  }

  place(event: SimEvent, topic: string, partitions: number, sizeBytes: number): Placement {
    const strategy = this.strategyFor(event.envelope.event_type);
    const keyText = recordKey(event, strategy);
    if (keyText !== null) {
      const key = Buffer.from(keyText, 'utf8');
      return { keyText, key, partition: partitionForKey(key, partitions) };
    }
    const mode = strategy.strategy === 'none' ? strategy.partitioner : 'sticky';
    return { keyText, key: null, partition: this.unkeyed.next(topic, partitions, sizeBytes, mode) };
  }
}

/** What a key strategy keeps and costs, as the plan and the report state it. */
export interface KeyStrategyInfo {
  strategy: KeyStrategyName;
  /** The key's shape, e.g. `{entity}_{floor(occurred_at / 1s)}`. */
  key: string;
  /** Where the entity's ordering survives. */
  orderingScope: string;
  /** What a consumer must do to rebuild per-entity counts and order. */
  consumerRebuild: string;
}

/** The ordering each strategy keeps and what consumers must do about the rest. */
export function describeKeyStrategy(s: KeyStrategy): KeyStrategyInfo {
  switch (s.strategy) {
    case 'entity':
      return {
        strategy: 'entity',
        key: '{entity}',
        orderingScope: 'total order per entity: all its events on one partition',
        consumerRebuild: 'nothing: per-entity counts and order come straight from one partition (which is the hot one)',
      };
    case 'compound': {
      const width = formatDurationMs(s.bucket);
      return {
        strategy: 'compound',
        key: `{entity}_{floor(occurred_at / ${width})}`,
        orderingScope: `order within one ${width} bucket only: an entity's buckets land on different partitions`,
        consumerRebuild: `counts: sum over the entity's bucket keys (strip the _bucket suffix); order: hold each bucket until every partition's watermark passes its end, then merge buckets in bucket order`,
      };
    }
    case 'salted':
      return {
        strategy: 'salted',
        key: `{entity}_{murmur2(${s.by}) mod ${s.salts}}`,
        orderingScope: `order per (entity, salt): one ${s.by}'s events of an entity stay in order; none across the ${s.salts} salts`,
        consumerRebuild: `counts: sum over the ${s.salts} salt keys (strip the _n suffix); order: merge the ${s.salts} salt streams by occurred_at once every partition's watermark has passed`,
      };
    case 'none':
      return {
        strategy: 'none',
        key: `no key (${s.partitioner} partitioner)`,
        orderingScope: 'none: an entity’s events are spread over every partition',
        consumerRebuild:
          'counts: group by the payload’s entity id across all partitions; order: re-sort by the envelope sequence per entity after a watermark; nothing to compact or join on by key',
      };
  }
}

/** For the plan: `promotion.impression keyed {entity}_{…}`; undefined when every key is the entity's. */
export function describeKeys(keys: KeyStrategies): string | undefined {
  const named = Object.entries(keys).filter(
    (e): e is [string, KeyStrategy] => e[1] !== undefined && e[1].strategy !== 'entity',
  );
  if (named.length === 0) return undefined;
  return named
    .map(([name, k]) =>
      k.strategy === 'none' ? `${name} unkeyed (${k.partitioner})` : `${name} keyed ${describeKeyStrategy(k).key}`,
    )
    .join(', ');
}

/**
 * Every strategy in use, with the event types and families it applies to: the named ones, then the
 * entity key for everything else (`*`). What the report states so consumers know what order they get.
 */
export function keyStrategyTable(keys: KeyStrategies): (KeyStrategyInfo & { appliesTo: string[] })[] {
  const rows = new Map<string, KeyStrategyInfo & { appliesTo: string[] }>();
  for (const [name, k] of Object.entries(keys)) {
    if (k === undefined || k.strategy === 'entity') continue;
    const info = describeKeyStrategy(k);
    const id = JSON.stringify(info);
    const row = rows.get(id);
    if (row) row.appliesTo.push(name);
    else rows.set(id, { ...info, appliesTo: [name] });
  }
  return [...rows.values(), { ...describeKeyStrategy(ENTITY), appliesTo: ['*'] }];
}
