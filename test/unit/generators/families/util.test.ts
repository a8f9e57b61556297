import { describe, expect, it } from 'vitest';
import { Bag } from '../../../../src/generators/bag.js';
import {
  actOnOne,
  ifCanGrow,
  ifCanShrink,
  nonNegativeDelta,
  priceCents,
  repriceCents,
  sample,
  slug,
  subset,
} from '../../../../src/generators/families/util.js';
import { Rng } from '../../../../src/generators/rng.js';
import type { Sim } from '../../../../src/generators/sim.js';
import { Population } from '../../../../src/generators/state.js';

interface Thing {
  readonly slots: number[];
  readonly n: number;
}

// actOnOne only hands the simulator through; these tests never touch it.
const sim = {} as Sim;

describe('actOnOne', () => {
  const bag = new Bag<Thing>(0, 'things', () => true);
  const stepped: Thing[] = [];
  const step = (_sim: Sim, _rng: Rng, t: Thing): void => void stepped.push(t);

  it('does nothing and reports false when there is no entity, or when `from` says not now', () => {
    const rng = Rng.derive(1, 'util');
    expect(actOnOne(() => bag, step)(sim, rng)).toBe(false);
    bag.add({ slots: [-1], n: 1 });
    expect(actOnOne(() => null, step)(sim, rng)).toBe(false);
    expect(stepped).toEqual([]);
  });

  it('applies the step to the picked entity only if it is eligible', () => {
    const rng = Rng.derive(2, 'util');
    expect(
      actOnOne(
        () => bag,
        step,
        (t) => t.n > 1,
      )(sim, rng),
    ).toBe(false);
    expect(stepped).toEqual([]);
    expect(
      actOnOne(
        () => bag,
        step,
        (t) => t.n === 1,
      )(sim, rng),
    ).toBe(true);
    expect(stepped.map((t) => t.n)).toEqual([1]);
  });

  it('is gated on the population band by ifCanGrow / ifCanShrink', () => {
    const family = { population: new Population(10) };
    family.population.live = 7;
    expect([ifCanGrow(family, bag), ifCanShrink(family, bag)]).toEqual([bag, null]);
    family.population.live = 13;
    expect([ifCanGrow(family, bag), ifCanShrink(family, bag)]).toEqual([null, bag]);
  });
});

describe('value helpers', () => {
  it('nonNegativeDelta keeps a counter at or above zero and never reports a change of 0', () => {
    expect(nonNegativeDelta(5, -3)).toBe(-3);
    expect(nonNegativeDelta(2, -3)).toBe(1);
    expect(nonNegativeDelta(2, 0)).toBe(1);
    expect(nonNegativeDelta(0, 4)).toBe(4);
  });

  it('subset is non-empty and in order; sample is distinct and at most `count` long', () => {
    const rng = Rng.derive(3, 'util');
    const values = ['a', 'b', 'c', 'd'] as const;
    for (let i = 0; i < 200; i++) {
      const s = subset(rng, values);
      expect(s.length).toBeGreaterThan(0);
      expect(s).toEqual(values.filter((v) => s.includes(v)));
      const picked = sample(rng, values, 2);
      expect(new Set(picked).size).toBe(2);
    }
    expect(sample(rng, values, 9)).toEqual([...values]);
  });

  it('prices end in 99 and a reprice always changes the price', () => {
    const rng = Rng.derive(4, 'util');
    for (let i = 0; i < 500; i++) {
      const cents = priceCents(rng);
      expect(cents % 100).toBe(99);
      expect(cents).toBeGreaterThanOrEqual(399);
      const next = repriceCents(rng, cents);
      expect([next % 100, next === cents, next >= 99]).toEqual([99, false, true]);
    }
  });

  it('slug makes URL-safe campaign names', () => {
    expect(slug('  Rustic Chair — Flash Sale! ')).toBe('rustic-chair-flash-sale');
  });
});
