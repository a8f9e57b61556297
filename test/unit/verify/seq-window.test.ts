import { describe, expect, it } from 'vitest';
import { SeqWindow } from '../../../src/verify/seq-window.js';

describe('SeqWindow', () => {
  it('tracks an in-order stream with a watermark only', () => {
    const w = new SeqWindow();
    for (let s = 1; s <= 1000; s++) expect(w.add(s)).toBe(true);
    expect(w.contiguous).toBe(1000);
    expect(w.missingCount()).toBe(0);
    expect(w.add(500)).toBe(false);
  });

  it('reports holes and fills them when late sequences arrive', () => {
    const w = new SeqWindow();
    for (const s of [1, 2, 5, 7, 4]) w.add(s);
    expect(w.missing(10)).toEqual([3, 6]);
    expect(w.missingCount()).toBe(2);
    expect(w.has(5)).toBe(true);
    expect(w.add(5)).toBe(false);
    w.add(3);
    expect(w.contiguous).toBe(5);
    w.add(6);
    expect(w.contiguous).toBe(7);
    expect(w.missingCount()).toBe(0);
  });

  it('stays exact across growth and compaction of its bitset around a long-lived hole', () => {
    const w = new SeqWindow();
    const seen = new Set<number>();
    // Hole at 10 for 5000 later events, then a second hole at 3000 that is never filled.
    for (let s = 1; s <= 6000; s++) {
      if (s === 10 || s === 3000) continue;
      expect(w.add(s)).toBe(true);
      seen.add(s);
    }
    expect(w.missing(5)).toEqual([10, 3000]);
    w.add(10);
    expect(w.contiguous).toBe(2999);
    expect(w.missingCount()).toBe(1);
    for (let s = 1; s <= 6000; s++) expect(w.has(s)).toBe(s !== 3000);
    // Duplicates below and above the remaining hole are still recognised after compaction.
    expect(w.add(11)).toBe(false);
    expect(w.add(5999)).toBe(false);
  });

  it('counts a missing first sequence as a hole', () => {
    const w = new SeqWindow();
    w.add(2);
    w.add(3);
    expect(w.missing(5)).toEqual([1]);
  });
});
