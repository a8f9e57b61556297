// Record keys: which key each event type is sent under (the catalog's entity key, or a compound
// key that spreads a hot entity over partitions), chosen per event type or family in a scenario.
import { z } from 'zod';
import type { SimEvent } from '../generators/index.js';
import { PositiveDurationSchema } from '../runner/duration.js';

export const KeyStrategySchema = z.discriminatedUnion('strategy', [
  /** The catalog key: the entity id (order_id, promotion_id, …). Per-entity order on one partition. */
  z.object({ strategy: z.literal('entity') }).strict(),
  /**
   * `${entityId}_${bucket}` with bucket = floor(occurredAtMs / bucket width) (spec §4): spreads a
   * hot entity over partitions, giving up its ordering across buckets.
   */
  z.object({ strategy: z.literal('compound'), bucket: PositiveDurationSchema }).strict(),
]);
export type KeyStrategy = z.output<typeof KeyStrategySchema>;

/** Key strategies by event type (`promotion.impression`) or family (`promotion`); the rest use `entity`. */
export type KeyStrategies = Readonly<Partial<Record<string, KeyStrategy>>>;

const ENTITY: KeyStrategy = { strategy: 'entity' };

/** The strategy for one event type: its own entry, else its family's, else `entity`. */
export function keyStrategyFor(eventType: string, keys: KeyStrategies): KeyStrategy {
  const family = eventType.slice(0, eventType.indexOf('.'));
  return keys[eventType] ?? keys[family] ?? ENTITY;
}

export function recordKey(event: SimEvent, strategy: KeyStrategy): string {
  return strategy.strategy === 'compound'
    ? `${event.key}_${Math.floor(event.occurredAtMs / strategy.bucket)}`
    : event.key;
}
