import { describe, expect, it } from 'vitest';
import {
  alternationOrder,
  median,
  medianOf,
  parseProcStatus,
  rssGrowth,
  type RssSample,
} from '../../../bench/stats.js';

describe('median', () => {
  it('takes the middle value of an odd count and the mean of the middle two of an even count', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });
  it('is NaN for no values and does not reorder its input', () => {
    expect(median([])).toBeNaN();
    const xs = [3, 1, 2];
    median(xs);
    expect(xs).toEqual([3, 1, 2]);
  });
});

describe('alternationOrder', () => {
  it('runs every side once per round, in the same order: A B A B A B', () => {
    expect(alternationOrder(['A', 'B'], 3).map((s) => `${s.side}${s.round}`)).toEqual([
      'A1',
      'B1',
      'A2',
      'B2',
      'A3',
      'B3',
    ]);
  });
  it('rejects fewer than one round', () => {
    expect(() => alternationOrder(['A', 'B'], 0)).toThrow(RangeError);
    expect(() => alternationOrder(['A', 'B'], 1.5)).toThrow(RangeError);
  });
});

describe('medianOf', () => {
  it('takes the median of each field separately', () => {
    const rounds = [
      { rate: 10, p99: 7 },
      { rate: 30, p99: 5 },
      { rate: 20, p99: 100 },
    ];
    expect(medianOf(rounds, ['rate', 'p99'])).toEqual({ rate: 20, p99: 7 });
  });
});

const samples = (rss: number[]): RssSample[] => rss.map((rssBytes, i) => ({ tMs: i * 1_000, rssBytes }));
const MiB = 1024 * 1024;

describe('rssGrowth', () => {
  it('a flat RSS does not grow', () => {
    const g = rssGrowth(samples([100, 102, 99, 101, 100, 100].map((m) => m * MiB)));
    expect(g.grows).toBe(false);
    expect(Math.abs(g.growthRatio)).toBeLessThan(0.02);
    expect(g.firstThirdMeanBytes).toBe(101 * MiB);
    expect(g.lastThirdMeanBytes).toBe(100 * MiB);
  });
  it('a steady climb grows, with a positive slope per minute', () => {
    const g = rssGrowth(samples([100, 120, 140, 160, 180, 200].map((m) => m * MiB)));
    expect(g.grows).toBe(true);
    expect(g.firstThirdMeanBytes).toBe(110 * MiB);
    expect(g.lastThirdMeanBytes).toBe(190 * MiB);
    // 20 MiB per 1 s sample = 1200 MiB per minute.
    expect(g.slopeBytesPerMin).toBe(1_200 * MiB);
  });
  it('a climb that levels off grows from the first third but is not still rising at the end', () => {
    const g = rssGrowth(samples([100, 140, 180, 182, 181, 183].map((m) => m * MiB)));
    expect(g.grows).toBe(true);
    expect(g.middleThirdMeanBytes).toBe(181 * MiB);
    expect(g.stillRising).toBe(false);
    // The steady climb above keeps rising to the end.
    expect(rssGrowth(samples([100, 120, 140, 160, 180, 200].map((m) => m * MiB))).stillRising).toBe(true);
  });
  it('growth within the tolerance (10 %, at least 16 MiB) is not growth', () => {
    expect(rssGrowth(samples([100, 100, 105, 105, 110, 110].map((m) => m * MiB))).grows).toBe(false);
    expect(
      rssGrowth(samples([100, 100, 105, 105, 110, 110].map((m) => m * MiB)), { ratio: 0.05, minBytes: 0 }).grows,
    ).toBe(true);
  });
  it('needs at least three samples', () => {
    expect(() => rssGrowth(samples([1, 2]))).toThrow(RangeError);
  });
});

describe('parseProcStatus', () => {
  it('reads VmRSS and VmHWM in bytes', () => {
    const text = 'Name:\tnode\nVmPeak:\t 1000 kB\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\nThreads:\t11\n';
    expect(parseProcStatus(text)).toEqual({ rssBytes: 100 * MiB, hwmBytes: 200 * MiB });
  });
  it('is undefined when the fields are missing (e.g. a zombie process)', () => {
    expect(parseProcStatus('Name:\tnode\nState:\tZ (zombie)\n')).toBeUndefined();
  });
});
