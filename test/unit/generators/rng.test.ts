import { describe, expect, it } from 'vitest';
import { Rng, deriveSeed32, hash128 } from '../../../src/generators/rng.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('Rng', () => {
  it('repeats the same sequence for the same (seed, stream) and differs across streams and seeds', () => {
    const draw = (r: Rng) => Array.from({ length: 8 }, () => r.u32());
    expect(draw(Rng.derive(7, 'family:user'))).toEqual(draw(Rng.derive(7, 'family:user')));
    expect(draw(Rng.derive(7, 'family:user'))).not.toEqual(draw(Rng.derive(7, 'family:order')));
    expect(draw(Rng.derive(7, 'family:user'))).not.toEqual(draw(Rng.derive(8, 'family:user')));
  });

  it('produces version-4 formatted UUIDs that do not repeat', () => {
    const r = Rng.derive(1, 'uuids');
    const seen = new Set<string>();
    let malformed = 0;
    for (let i = 0; i < 50_000; i++) {
      const id = r.uuid();
      if (!UUID_V4.test(id)) malformed++;
      seen.add(id);
    }
    expect(malformed).toBe(0);
    expect(seen.size).toBe(50_000);
  });

  it('formats UUIDs exactly as before they were built as flat strings (same seed, same ids)', () => {
    // The earlier formatting, hex pairs concatenated, kept here as the reference.
    const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
    const reference = (r: Rng) => {
      const [a, b, c, d] = [r.u32(), r.u32(), r.u32(), r.u32()];
      const h = (x: number) => HEX[x]!;
      return (
        h(a >>> 24) +
        h((a >>> 16) & 255) +
        h((a >>> 8) & 255) +
        h(a & 255) +
        '-' +
        h(b >>> 24) +
        h((b >>> 16) & 255) +
        '-' +
        h(((b >>> 8) & 15) | 64) +
        h(b & 255) +
        '-' +
        h(((c >>> 24) & 63) | 128) +
        h((c >>> 16) & 255) +
        '-' +
        h((c >>> 8) & 255) +
        h(c & 255) +
        h(d >>> 24) +
        h((d >>> 16) & 255) +
        h((d >>> 8) & 255) +
        h(d & 255)
      );
    };
    const actual = Rng.derive(9, 'uuid-format');
    const expected = Rng.derive(9, 'uuid-format');
    let different = 0;
    for (let i = 0; i < 20_000; i++) if (actual.uuid() !== reference(expected)) different++;
    expect(different).toBe(0);
  });

  it('draws floats in [0,1) and integers in range, roughly uniformly', () => {
    const r = Rng.derive(3, 'uniform');
    const buckets = new Array<number>(10).fill(0);
    let outOfRange = 0;
    for (let i = 0; i < 100_000; i++) {
      const f = r.float();
      if (f < 0 || f >= 1) outOfRange++;
      else buckets[Math.floor(f * 10)]!++;
      const k = r.range(2, 4);
      if (k < 2 || k > 4 || !Number.isInteger(k)) outOfRange++;
    }
    expect(outOfRange).toBe(0);
    for (const b of buckets) expect(Math.abs(b - 10_000)).toBeLessThan(600);
  });

  it('has exponential waiting times with the requested mean', () => {
    const r = Rng.derive(4, 'exp');
    let sum = 0;
    for (let i = 0; i < 100_000; i++) sum += r.exp(2000);
    expect(sum / 100_000).toBeGreaterThan(1950);
    expect(sum / 100_000).toBeLessThan(2050);
  });

  it('hashes strings to four 32-bit words and derives stable Faker seeds', () => {
    const h = hash128('42:pool:displayNames');
    expect(h).toHaveLength(4);
    for (const w of h) expect(w >>> 0).toBe(w);
    expect(deriveSeed32(42, 'pool:a')).toBe(deriveSeed32(42, 'pool:a'));
    expect(deriveSeed32(42, 'pool:a')).not.toBe(deriveSeed32(42, 'pool:b'));
    expect(Rng.derive(1, 'hex').hex(16)).toMatch(/^[0-9a-f]{16}$/);
  });
});
