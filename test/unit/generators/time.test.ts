import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/generators/rng.js';
import { isoUtc } from '../../../src/generators/time.js';

describe('isoUtc', () => {
  it('matches Date#toISOString for random instants and for a walking clock', () => {
    const r = Rng.derive(9, 'time');
    const mismatches: string[] = [];
    for (let i = 0; i < 50_000; i++) {
      const ms = Math.floor(r.float() * 4_102_444_800_000); // 1970..2100
      if (isoUtc(ms) !== new Date(ms).toISOString()) mismatches.push(isoUtc(ms));
    }
    let ms = Date.parse('2026-12-31T23:59:58.000Z');
    for (let i = 0; i < 50_000; i++) {
      ms += r.int(1500);
      if (isoUtc(ms) !== new Date(ms).toISOString()) mismatches.push(isoUtc(ms));
    }
    expect(mismatches).toEqual([]);
  });

  it('handles day, month, year and leap-day boundaries', () => {
    for (const text of [
      '2028-02-29T23:59:59.999Z',
      '2028-03-01T00:00:00.000Z',
      '2099-12-31T23:59:59.001Z',
      '1970-01-01T00:00:00.000Z',
    ]) {
      expect(isoUtc(Date.parse(text))).toBe(text);
    }
  });
});
