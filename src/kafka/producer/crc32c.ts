// CRC32C (Castagnoli), the checksum of Kafka's RecordBatch v2: native `@node-rs/crc32` when it
// loads (a prebuilt N-API binary that npm installs as an optional dependency), else slice-by-8 in
// JavaScript (about 8x slower, still 2x kafkajs's byte-wise table). Both return the unsigned value.
import { createRequire } from 'node:module';

const POLY = 0x82f63b78; // the reflected Castagnoli polynomial
const TABLE = new Int32Array(8 * 256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
  TABLE[n] = c;
}
for (let n = 0; n < 256; n++) {
  let c = TABLE[n]!;
  for (let k = 1; k < 8; k++) {
    c = TABLE[c & 0xff]! ^ (c >>> 8);
    TABLE[k * 256 + n] = c;
  }
}

/** Slice-by-8 CRC32C over buf[start, end). */
export function crc32cJs(buf: Uint8Array, start = 0, end = buf.length): number {
  const T = TABLE;
  let crc = -1;
  let i = start;
  // Single bytes until the position is 4-aligned in the underlying ArrayBuffer (an Int32Array view
  // needs it), then two 32-bit words per step (little-endian, as on every platform Node runs on).
  while (i < end && ((buf.byteOffset + i) & 3) !== 0) crc = T[(crc ^ buf[i++]!) & 0xff]! ^ (crc >>> 8);
  const pairs = (end - i) >>> 3;
  if (pairs > 0) {
    const w = new Int32Array(buf.buffer, buf.byteOffset + i, pairs * 2);
    for (let j = 0; j < w.length; j += 2) {
      const a = crc ^ w[j]!;
      const b = w[j + 1]!;
      crc =
        T[1792 + (a & 0xff)]! ^
        T[1536 + ((a >>> 8) & 0xff)]! ^
        T[1280 + ((a >>> 16) & 0xff)]! ^
        T[1024 + (a >>> 24)]! ^
        T[768 + (b & 0xff)]! ^
        T[512 + ((b >>> 8) & 0xff)]! ^
        T[256 + ((b >>> 16) & 0xff)]! ^
        T[b >>> 24]!;
    }
    i += pairs * 8;
  }
  for (; i < end; i++) crc = T[(crc ^ buf[i]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}

type NativeCrc = (buf: Buffer) => number;

/** The native implementation, when it loads and computes the check value of "123456789". */
function loadNative(): NativeCrc | undefined {
  if (process.env['SC_SIM_CRC32C'] === 'js') return undefined;
  try {
    const mod = createRequire(import.meta.url)('@node-rs/crc32') as { crc32c: NativeCrc };
    return mod.crc32c(Buffer.from('123456789')) === 0xe3069283 ? mod.crc32c : undefined;
  } catch {
    // Optional dependency missing (another platform, --no-optional): the JS version does the job.
    return undefined;
  }
}

const native = loadNative();

/** Which implementation computes the checksums (the bench records it). */
export const CRC32C_IMPL: 'native' | 'js' = native ? 'native' : 'js';

/** CRC32C of buf[start, end), native when available. */
export function crc32c(buf: Buffer, start = 0, end = buf.length): number {
  if (native) return native(start === 0 && end === buf.length ? buf : buf.subarray(start, end)) >>> 0;
  return crc32cJs(buf, start, end);
}
