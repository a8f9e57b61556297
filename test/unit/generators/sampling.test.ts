import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/generators/rng.js';
import { AliasTable, FenwickTree, fitZipfExponent, zipfWeights } from '../../../src/generators/sampling.js';

function histogram(n: number, picks: number, pick: () => number): Float64Array {
  const counts = new Float64Array(n);
  for (let i = 0; i < picks; i++) counts[pick()]!++;
  return counts;
}

/** Total-variation distance between observed counts and the weights' distribution. */
function tv(counts: ArrayLike<number>, weights: ArrayLike<number>): number {
  let c = 0;
  let w = 0;
  for (let i = 0; i < counts.length; i++) {
    c += counts[i]!;
    w += weights[i]!;
  }
  let d = 0;
  for (let i = 0; i < counts.length; i++) d += Math.abs(counts[i]! / c - weights[i]! / w);
  return d / 2;
}

describe('AliasTable', () => {
  it('a Zipf exponent fitted by maximum likelihood to 1,000,000 picks is within ±0.05 of the configured one', () => {
    for (const s of [0.8, 1.1, 1.5]) {
      const table = new AliasTable(zipfWeights(1_000, s));
      const rng = Rng.derive(17, `zipf-${s}`);
      const counts = histogram(1_000, 1_000_000, () => table.pick(rng));
      expect(Math.abs(fitZipfExponent(counts) - s)).toBeLessThan(0.05);
    }
  });

  it('never picks a zero weight and follows arbitrary weights', () => {
    const weights = [0, 5, 0, 1, 3, 0, 1];
    const table = new AliasTable(weights);
    const rng = Rng.derive(1, 'alias');
    const counts = histogram(weights.length, 200_000, () => table.pick(rng));
    expect([counts[0], counts[2], counts[5]]).toEqual([0, 0, 0]);
    expect(tv(counts, weights)).toBeLessThan(0.01);
  });

  it('rejects negative, non-finite and all-zero weights', () => {
    expect(() => new AliasTable([1, -1])).toThrow(RangeError);
    expect(() => new AliasTable([1, Number.NaN])).toThrow(RangeError);
    expect(() => new AliasTable([0, 0])).toThrow(RangeError);
  });
});

describe('fitZipfExponent', () => {
  it('recovers the exponent from exact expected counts, and is NaN without data', () => {
    for (const s of [0.5, 1, 2]) expect(fitZipfExponent(zipfWeights(500, s).map((w) => w * 1e6))).toBeCloseTo(s, 6);
    expect(fitZipfExponent([0, 0, 0])).toBeNaN();
  });
});

describe('FenwickTree', () => {
  it('keeps prefix sums through pushes, sets and pops, and picks in proportion to the weights', () => {
    const tree = new FenwickTree();
    const rng = Rng.derive(3, 'fenwick');
    const shadow: number[] = [];
    for (let step = 0; step < 20_000; step++) {
      const r = rng.float();
      if (r < 0.3 || shadow.length === 0) {
        const w = rng.int(4);
        tree.push(w);
        shadow.push(w);
      } else if (r < 0.7) {
        const i = rng.int(shadow.length);
        const w = rng.float() * 10;
        tree.set(i, w);
        shadow[i] = w;
      } else {
        tree.pop();
        shadow.pop();
      }
    }
    expect(tree.size).toBe(shadow.length);
    expect(shadow.length).toBeGreaterThan(20);
    const sum = shadow.reduce((a, b) => a + b, 0);
    expect(tree.total).toBeCloseTo(sum, 6);
    // find(r) lands on the index whose cumulative range holds r.
    let acc = 0;
    shadow.forEach((w, i) => {
      if (w > 0) expect(tree.find(acc + w / 2)).toBe(i);
      acc += w;
    });
    const counts = histogram(shadow.length, 300_000, () => tree.pick(rng));
    expect(tv(counts, shadow)).toBeLessThan(0.02);
    shadow.forEach((w, i) => {
      if (w === 0) expect(counts[i]).toBe(0);
    });
  });

  it('returns -1 when every weight is 0, and a positive index even where rounding lands on a zero', () => {
    const tree = new FenwickTree();
    for (const w of [0, 0, 0]) tree.push(w);
    expect(tree.pick(Rng.derive(1, 'x'))).toBe(-1);
    // A total that drifted above 0 over zero weights still finds nothing.
    expect(tree.find(0)).toBe(-1);
    tree.set(1, 2);
    expect(tree.find(0)).toBe(1);
    expect(tree.find(1.999999)).toBe(1);
    // Past the total (float drift): still the positive one, never a zero weight.
    expect(tree.find(5)).toBe(1);
  });

  it('stays exact over millions of increments and decrements (periodic rebuild)', () => {
    const tree = new FenwickTree();
    for (let i = 0; i < 100; i++) tree.push(0.1);
    for (let k = 0; k < 1_000_000; k++) tree.set(k % 100, k % 2 === 0 ? 0.3 : 0.1);
    // The last writes leave even indexes at 0.3 and odd ones at 0.1.
    expect(tree.total).toBeCloseTo(50 * 0.3 + 50 * 0.1, 9);
  });
});
