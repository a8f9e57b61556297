// Shards of one world: disjoint ids, each entity in one shard, the same coverage as one process.
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../../src/catalog/events.js';
import { parseWorldConfig, shardConfig, shardSeed, worldFromConfig } from '../../../src/generators/world.js';
import type { SimEvent } from '../../../src/generators/types.js';

const config = parseWorldConfig({ seed: 42 });

function take(shard: { index: number; count: number } | undefined, n: number): SimEvent[] {
  const world = worldFromConfig(config, { runId: 'shard-test', ...(shard ? { shard } : {}) });
  return Array.from({ length: n }, () => world.next());
}

describe('a sharded world', () => {
  const shards = [0, 1, 2, 3].map((index) => take({ index, count: 4 }, 20_000));

  it('never draws the same id in two shards: events, entities, order numbers', () => {
    const owner = new Map<string, number>();
    const numbers = new Map<string, number>();
    shards.forEach((events, s) => {
      for (const e of events) {
        for (const id of [e.envelope.event_id, e.envelope.entity_id]) {
          const other = owner.get(id);
          if (other !== undefined && other !== s) throw new Error(`${id} in shards ${other} and ${s}`);
          owner.set(id, s);
        }
        const n = (e.envelope.payload as { order_number?: string }).order_number;
        if (e.envelope.event_type === 'order.created' && n !== undefined) {
          expect(numbers.has(n), n).toBe(false);
          numbers.set(n, s);
        }
      }
    });
    expect(owner.size).toBeGreaterThan(20_000);
    expect(numbers.size).toBeGreaterThan(100);
  });

  it('keeps each entity in one shard with gap-free sequences from 1', () => {
    for (const events of shards) {
      const last = new Map<string, number>();
      for (const e of events) {
        const seq = e.envelope.sequence;
        expect(seq).toBe((last.get(e.envelope.entity_id) ?? 0) + 1);
        last.set(e.envelope.entity_id, seq);
      }
    }
  });

  it('covers every event type in the union, as one process does over the same count', () => {
    const union = new Set(shards.flat().map((e) => e.envelope.event_type));
    const whole = new Set(take(undefined, 80_000).map((e) => e.envelope.event_type));
    expect([...whole].sort()).toEqual([...EVENT_TYPES].sort());
    expect([...union].sort()).toEqual([...whole].sort());
  });

  it('is reproducible per shard, and shard 0/1 is the unsharded world', () => {
    const again = take({ index: 2, count: 4 }, 2_000);
    expect(JSON.stringify(again)).toBe(JSON.stringify(shards[2]!.slice(0, 2_000)));
    expect(JSON.stringify(take({ index: 0, count: 1 }, 2_000))).toBe(JSON.stringify(take(undefined, 2_000)));
  });

  it('gives each shard its share of the population and a seed of its own', () => {
    const c = shardConfig(config, { index: 1, count: 4 });
    expect(c.population.users).toBe(Math.ceil(config.population.users / 4));
    expect(c.seed).toBe(shardSeed(42, { index: 1, count: 4 }));
    expect(shardSeed(42, { index: 0, count: 4 })).not.toBe(shardSeed(42, { index: 1, count: 4 }));
    expect(() => shardConfig(config, { index: 4, count: 4 })).toThrow(/not in 0..3/);
    expect(() => shardConfig(config, { index: 0, count: 0 })).toThrow(/1 to 65536/);
  });
});
