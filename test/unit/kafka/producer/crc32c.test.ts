import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { CRC32C_IMPL, crc32c, crc32cJs } from '../../../../src/kafka/producer/crc32c.js';

const native = (() => {
  try {
    return (createRequire(import.meta.url)('@node-rs/crc32') as { crc32c(b: Buffer): number }).crc32c;
  } catch {
    return undefined;
  }
})();

describe('CRC32C', () => {
  it('gives the check value of "123456789" (0xE3069283) in JS and in the chosen implementation', () => {
    const check = Buffer.from('123456789');
    expect(crc32cJs(check)).toBe(0xe3069283);
    expect(crc32c(check)).toBe(0xe3069283);
    expect(crc32cJs(Buffer.alloc(0))).toBe(0);
  });

  it('uses the native module where it installs', () => {
    expect(CRC32C_IMPL).toBe(native ? 'native' : 'js');
  });

  it('JS equals native on 2,000 slices with unaligned starts and odd lengths', () => {
    if (!native) return;
    const big = Buffer.alloc(70_000);
    for (let i = 0; i < big.length; i++) big[i] = (i * 2654435761) >>> 23;
    // A fixed LCG: the same slices every run.
    let seed = 12345;
    const next = (n: number) => (seed = (seed * 1103515245 + 12345) >>> 0) % n;
    for (let t = 0; t < 2_000; t++) {
      const start = next(1_000);
      const end = start + next(t < 1_500 ? 100 : 60_000);
      const want = native(big.subarray(start, end)) >>> 0;
      expect(crc32cJs(big, start, end)).toBe(want);
      expect(crc32cJs(big.subarray(start, end))).toBe(want);
      expect(crc32c(big, start, end)).toBe(want);
    }
  });
});
