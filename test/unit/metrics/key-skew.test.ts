import { describe, expect, it } from 'vitest';
import {
  giniOfCounts,
  hottestKeyPerSecond,
  keySkews,
  KeySeconds,
  KeyTally,
  mergeKeySeconds,
  mergeKeyTallies,
} from '../../../src/metrics/key-skew.js';

/** Gini by the textbook definition: mean absolute difference over twice the mean. */
function giniDirect(xs: number[]): number {
  let diff = 0;
  for (const a of xs) for (const b of xs) diff += Math.abs(a - b);
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  return diff / (2 * xs.length * xs.length * mean);
}

describe('key skew', () => {
  it('Gini from counts of counts equals the textbook Gini', () => {
    const xs = [1, 1, 1, 2, 2, 5, 9, 9, 30];
    const byCount = new Map<number, number>();
    for (const x of xs) byCount.set(x, (byCount.get(x) ?? 0) + 1);
    expect(giniOfCounts([...byCount.entries()])).toBeCloseTo(giniDirect(xs), 12);
    expect(giniOfCounts([[4, 10]])).toBeCloseTo(0, 12);
    expect(giniOfCounts([])).toBe(0);
  });

  it('counts events per key and topic: distinct keys, top shares, hottest keys; unkeyed records are left out', () => {
    const tally = new KeyTally();
    // 100 keys: k0 has 100 events, k1..k9 10 each, k10..k99 1 each.
    for (let i = 0; i < 100; i++) for (let n = i === 0 ? 100 : i < 10 ? 10 : 1; n > 0; n--) tally.add('t', `k${i}`);
    tally.add('t', '');
    const [s] = keySkews(tally.snapshot());
    expect(s).toMatchObject({ topic: 't', events: 280, distinctKeys: 100, approximate: false });
    expect(s!.top1PctShare).toBeCloseTo(100 / 280, 12);
    expect(s!.top10PctShare).toBeCloseTo(190 / 280, 12);
    expect(s!.hottest[0]).toEqual({ key: 'k0', events: 100, share: 100 / 280 });
    expect(s!.hottest).toHaveLength(10);
  });

  it('merges the tallies of disjoint shards as if one tally had seen both', () => {
    const one = new KeyTally();
    const a = new KeyTally();
    const b = new KeyTally();
    for (let i = 0; i < 500; i++) {
      const key = `k${(i * 7) % 37}`;
      one.add('t', key);
      (((i * 7) % 37) % 2 === 0 ? a : b).add('t', key);
    }
    expect(keySkews(mergeKeyTallies(a.snapshot(), b.snapshot()))).toEqual(keySkews(one.snapshot()));
  });

  it('stays bounded past its capacity: the coldest keys are folded and the result says it is approximate', () => {
    const tally = new KeyTally(100);
    for (let i = 0; i < 1000; i++) tally.add('t', `k${i}`);
    for (let i = 0; i < 50; i++) tally.add('t', 'hot');
    const snap = tally.snapshot()['t']!;
    expect(snap.events).toBe(1050);
    expect(snap.distinctKeys).toBe(1001);
    expect(snap.approximate).toBe(true);
    expect(snap.hottest[0]).toEqual({ key: 'hot', events: 50 });
    expect(snap.countsOfCounts.reduce((s, [n, k]) => s + n * k, 0)).toBe(1050);
  });
});

describe('key skew per second', () => {
  it('keeps per second the keyed events, distinct keys and the hottest key, with stragglers in an open second', () => {
    const ks = new KeySeconds();
    for (let i = 0; i < 10; i++) ks.add('t', i < 8 ? 'hot' : `k${i}`, 0);
    for (let i = 0; i < 4; i++) ks.add('t', `k${i}`, 1);
    ks.add('t', '', 1);
    for (let s = 2; s < 8; s++) ks.add('t', 'x', s);
    // Second 1 is closed by now (second 7 arrived): a straggler for it counts in the oldest open second.
    ks.add('t', 'late', 1);
    const rows = ks.snapshot()['t']!;
    expect(rows.slice(0, 2)).toEqual([
      [0, 10, 3, 8],
      [1, 4, 4, 1],
    ]);
    expect(rows.reduce((n, r) => n + r[1], 0)).toBe(10 + 4 + 6 + 1);
    const p = hottestKeyPerSecond(rows, 4)!;
    expect(p).toMatchObject({ max: 0.8, seconds: 2, minEvents: 4 });
    expect(p.p50).toBeCloseTo((0.8 + 0.25) / 2, 12);
    expect(hottestKeyPerSecond(rows, 1_000)).toBeNull();
  });

  it('merges disjoint shards second by second: events and keys add, the hottest is the larger', () => {
    const a = new KeySeconds();
    const b = new KeySeconds();
    for (let i = 0; i < 5; i++) a.add('t', 'a-hot', 3);
    for (let i = 0; i < 3; i++) b.add('t', `b${i}`, 3);
    b.add('t', 'b0', 4);
    expect(mergeKeySeconds(a.snapshot(), b.snapshot())).toEqual({
      t: [
        [3, 8, 4, 5],
        [4, 1, 1, 1],
      ],
    });
  });
});
