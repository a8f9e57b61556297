import { describe, expect, it } from 'vitest';
import { steadyStateSamples } from '../../../bench/memory.js';

const samples = Array.from({ length: 10 }, (_, i) => ({ tMs: i * 1_000, rssBytes: 100 + i }));

describe('steadyStateSamples', () => {
  it('keeps the samples after the run started and its warm-up ended', () => {
    expect(steadyStateSamples(samples, 2_000, 3_000).map((s) => s.tMs)).toEqual([5_000, 6_000, 7_000, 8_000, 9_000]);
  });
  it('counts from the process start when the run start was not seen', () => {
    expect(steadyStateSamples(samples, undefined, 7_000).map((s) => s.tMs)).toEqual([7_000, 8_000, 9_000]);
  });
  it('falls back to every sample when fewer than three are left (a very short run)', () => {
    expect(steadyStateSamples(samples, 5_000, 4_000)).toHaveLength(10);
  });
});
