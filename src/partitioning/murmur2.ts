// Java-compatible murmur2 key partitioning (Kafka's DefaultPartitioner / kafkajs's default), so
// sc-sim can say which partition a key lands on before sending and confirm it after.

const SEED = 0x9747b28c;
const M = 0x5bd1e995;
const R = 24;

/** murmur2 over the bytes, as org.apache.kafka.common.utils.Utils.murmur2 (signed 32-bit result). */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = SEED ^ length;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i << 2;
    let k =
      (data[i4]! & 0xff) |
      ((data[i4 + 1]! & 0xff) << 8) |
      ((data[i4 + 2]! & 0xff) << 16) |
      ((data[i4 + 3]! & 0xff) << 24);
    k = Math.imul(k, M);
    k ^= k >>> R;
    k = Math.imul(k, M);
    h = Math.imul(h, M);
    h ^= k;
  }
  const tail = length4 << 2;
  // The Java switch falls through from 3 to 1; written as ifs to keep that explicit.
  const rest = length & 3;
  if (rest === 3) h ^= (data[tail + 2]! & 0xff) << 16;
  if (rest >= 2) h ^= (data[tail + 1]! & 0xff) << 8;
  if (rest >= 1) {
    h ^= data[tail]! & 0xff;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** Kafka's `toPositive(murmur2(key)) % numPartitions` for a UTF-8 string key. */
export function partitionForKey(key: string | Uint8Array, numPartitions: number): number {
  const bytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
  return (murmur2(bytes) & 0x7fffffff) % numPartitions;
}
