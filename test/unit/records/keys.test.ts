import { describe, expect, it } from 'vitest';
import {
  describeKeys,
  describeKeyStrategy,
  keyStrategyTable,
  RecordPlacer,
  recordKey,
  saltOf,
  STICKY_BATCH_BYTES,
  KeyStrategySchema,
  type KeyStrategy,
} from '../../../src/records/keys.js';
import type { SimEvent } from '../../../src/generators/types.js';
import { partitionForKey } from '../../../src/partitioning/murmur2.js';

function impression(promotion: string, viewer: string, occurredAtMs: number, sequence = 1): SimEvent {
  return {
    topic: 'sc.domain.promotion',
    key: promotion,
    occurredAtMs,
    envelope: {
      event_id: `ev-${sequence}`,
      event_type: 'promotion.impression',
      event_version: 1,
      occurred_at: new Date(occurredAtMs).toISOString(),
      entity_type: 'promotion',
      entity_id: promotion,
      sequence,
      correlation_id: `ev-${sequence}`,
      causation_id: null,
      producer: 'sc-sim/test',
      run_id: 'r',
      payload: { promotion_id: promotion, feed_type: 'global', viewer_id: viewer },
    },
  };
}

const salted = KeyStrategySchema.parse({ strategy: 'salted', salts: 8 });

describe('record keys', () => {
  it('entity: the entity id; compound: the entity id and the occurred_at bucket', () => {
    const e = impression('p1', 'u1', 1_764_590_401_999);
    expect(recordKey(e, { strategy: 'entity' })).toBe('p1');
    expect(recordKey(e, { strategy: 'compound', bucket: 1_000 })).toBe('p1_1764590401');
    expect(recordKey(impression('p1', 'u1', 1_764_590_402_000), { strategy: 'compound', bucket: 1_000 })).toBe(
      'p1_1764590402',
    );
  });

  it('salted: the same viewer always gets the same salt, and viewers spread over every salt', () => {
    expect(salted).toEqual({ strategy: 'salted', salts: 8, by: 'viewer_id' });
    const keyOf = (viewer: string, t: number) => recordKey(impression('p1', viewer, t), salted);
    expect(keyOf('viewer-a', 0)).toBe(keyOf('viewer-a', 99_999));
    const salts = new Map<string, number>();
    for (let v = 0; v < 4_000; v++) {
      const k = keyOf(`viewer-${v}`, v)!;
      expect(k).toMatch(/^p1_[0-7]$/);
      salts.set(k, (salts.get(k) ?? 0) + 1);
    }
    expect(salts.size).toBe(8);
    // murmur2 spreads viewers evenly: every salt within 20% of the mean (500).
    for (const n of salts.values()) expect(Math.abs(n - 500)).toBeLessThan(100);
    expect(saltOf(impression('p1', 'x', 0), 'event_id', 8)).toBe(saltOf(impression('p2', 'y', 5), 'event_id', 8));
  });

  it('none: no key; sticky keeps a partition for a batch worth of bytes, round-robin moves every record', () => {
    const sticky = new RecordPlacer({ promotion: { strategy: 'none', partitioner: 'sticky' } });
    const placed = Array.from({ length: 200 }, (_, i) =>
      sticky.place(impression('p1', `u${i}`, i), 't.sc.domain.promotion', 3, 400),
    );
    expect(placed.every((p) => p.key === null && p.keyText === null)).toBe(true);
    const perBatch = Math.ceil(STICKY_BATCH_BYTES / 400);
    expect(placed.slice(0, perBatch).every((p) => p.partition === 0)).toBe(true);
    expect(placed[perBatch]!.partition).toBe(1);
    expect(new Set(placed.map((p) => p.partition))).toEqual(new Set([0, 1, 2]));

    const rr = new RecordPlacer({ 'promotion.impression': { strategy: 'none', partitioner: 'round-robin' } });
    const parts = Array.from({ length: 7 }, (_, i) => rr.place(impression('p1', 'u', i), 't', 3, 400).partition);
    expect(parts).toEqual([0, 1, 2, 0, 1, 2, 0]);
  });

  it('keyed records go to murmur2(key) mod partitions', () => {
    const placer = new RecordPlacer({ 'promotion.impression': salted });
    const p = placer.place(impression('p1', 'u9', 0), 't', 6, 100);
    expect(p.key!.toString()).toBe(p.keyText);
    expect(p.partition).toBe(partitionForKey(p.keyText!, 6));
  });

  it('states the ordering each strategy keeps and what a consumer must do', () => {
    const all: KeyStrategy[] = [
      { strategy: 'entity' },
      { strategy: 'compound', bucket: 1_000 },
      salted,
      { strategy: 'none', partitioner: 'sticky' },
    ];
    const infos = all.map(describeKeyStrategy);
    expect(infos.map((i) => i.key)).toEqual([
      '{entity}',
      '{entity}_{floor(occurred_at / 1s)}',
      '{entity}_{murmur2(viewer_id) mod 8}',
      'no key (sticky partitioner)',
    ]);
    expect(infos[0]!.orderingScope).toMatch(/total order per entity/);
    expect(infos[1]!.orderingScope).toMatch(/within one 1s bucket only/);
    expect(infos[2]!.orderingScope).toMatch(/per \(entity, salt\)/);
    expect(infos[3]!.orderingScope).toMatch(/^none/);
    for (const i of infos.slice(1)) expect(i.consumerRebuild).toMatch(/counts: .*order: /);
  });

  it('tables the strategies in use, the entity key last for everything else', () => {
    const table = keyStrategyTable({
      'promotion.impression': salted,
      'promotion.clicked': salted,
      order: { strategy: 'entity' },
    });
    expect(table.map((r) => [r.appliesTo, r.strategy])).toEqual([
      [['promotion.impression', 'promotion.clicked'], 'salted'],
      [['*'], 'entity'],
    ]);
    expect(describeKeys({ 'promotion.impression': { strategy: 'none', partitioner: 'round-robin' } })).toBe(
      'promotion.impression unkeyed (round-robin)',
    );
    expect(describeKeys({ order: { strategy: 'entity' } })).toBeUndefined();
  });
});
