import { describe, expect, it } from 'vitest';
import { BagSet, BagUnion, pickFromBags } from '../../../src/generators/bag.js';
import { Rng } from '../../../src/generators/rng.js';

interface Thing {
  readonly slots: number[];
  readonly name: string;
  on: boolean;
}

describe('Bag / BagSet', () => {
  it('keeps entities in exactly the bags whose predicate holds, with O(1) removal bookkeeping', () => {
    const set = new BagSet<Thing>();
    const on = set.bag('on', (t) => t.on);
    const off = set.bag('off', (t) => !t.on);
    const things = Array.from({ length: 20 }, (_, i): Thing => ({
      slots: set.newSlots(),
      name: `t${i}`,
      on: i % 2 === 0,
    }));
    for (const t of things) set.refresh(t);
    expect([on.size, off.size]).toEqual([10, 10]);
    for (const t of things.slice(0, 6)) {
      t.on = !t.on;
      set.refresh(t);
    }
    expect([on.size, off.size]).toEqual([10, 10]);
    for (const t of things) {
      expect(on.has(t)).toBe(t.on);
      expect(off.has(t)).toBe(!t.on);
    }
    set.retire(things[0]!);
    expect(on.size + off.size).toBe(19);
    expect(things[0]!.slots).toEqual([-1, -1]);
    // Every remaining entity's slot still points at itself after the swaps.
    for (const t of things.slice(1)) {
      const bag = t.on ? on : off;
      expect(bag.at(t.slots[bag.id]!)).toBe(t);
    }
  });

  it('picks uniformly over several bags and returns undefined when all are empty', () => {
    const set = new BagSet<Thing>();
    const a = set.bag('a', (t) => t.on);
    const b = set.bag('b', (t) => !t.on);
    const rng = Rng.derive(1, 'bag');
    expect(pickFromBags(rng, [a, b])).toBeUndefined();
    const things = Array.from({ length: 4 }, (_, i): Thing => ({ slots: set.newSlots(), name: `t${i}`, on: i === 0 }));
    for (const t of things) set.refresh(t);
    const counts = new Map<string, number>();
    for (let i = 0; i < 8000; i++) {
      const t = pickFromBags(rng, [a, b])!;
      counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    }
    for (const t of things) expect(Math.abs(counts.get(t.name)! - 2000)).toBeLessThan(250);
  });

  it('BagUnion picks exactly what pickFromBags picks over the same bags, in the same order', () => {
    const set = new BagSet<Thing>();
    const a = set.bag('a', (t) => t.on);
    const b = set.bag('b', (t) => !t.on);
    const union = new BagUnion([a, b]);
    expect(union.pick(Rng.derive(2, 'bag'))).toBeUndefined();
    for (let i = 0; i < 7; i++) set.refresh({ slots: set.newSlots(), name: `t${i}`, on: i % 3 === 0 });
    const r1 = Rng.derive(3, 'bag');
    const r2 = Rng.derive(3, 'bag');
    for (let i = 0; i < 200; i++) expect(union.pick(r1)).toBe(pickFromBags(r2, [a, b]));
  });

  it('a weighted bag picks in proportion to weight, follows swap-removals and re-weighing, and skips zero weights', () => {
    interface W {
      readonly slots: number[];
      readonly name: string;
      on: boolean;
      w: number;
    }
    const set = new BagSet<W>();
    const bag = set.bag(
      'weighted',
      (t) => t.on,
      (t) => t.w,
    );
    const things = Array.from({ length: 6 }, (_, i): W => ({ slots: set.newSlots(), name: `t${i}`, on: true, w: i }));
    for (const t of things) set.refresh(t);
    // t1 leaves (t5 moves into its slot), t2 grows to weight 10.
    things[1]!.on = false;
    set.refresh(things[1]!);
    things[2]!.w = 10;
    set.reweigh(things[2]!);
    expect(bag.totalWeight).toBe(0 + 10 + 3 + 4 + 5);
    const rng = Rng.derive(4, 'weighted');
    const counts = new Map<string, number>();
    const picks = 110_000;
    for (let i = 0; i < picks; i++) {
      const t = bag.pick(rng)!;
      counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    }
    expect(counts.has('t0')).toBe(false);
    expect(counts.has('t1')).toBe(false);
    for (const [name, w] of [
      ['t2', 10],
      ['t3', 3],
      ['t4', 4],
      ['t5', 5],
    ] as const) {
      expect(Math.abs(counts.get(name)! / picks - w / 22)).toBeLessThan(0.01);
    }
    // Every weight 0: nothing to pick.
    for (const t of things) {
      t.w = 0;
      set.reweigh(t);
    }
    expect(bag.pick(rng)).toBeUndefined();
    expect(pickFromBags(rng, [bag])).toBeUndefined();
  });
});
