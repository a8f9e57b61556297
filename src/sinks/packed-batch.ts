// A batch of records as a few flat arrays, so it crosses to the sink's worker thread with a few
// transferred buffers (keys and values, numbers) instead of a structured clone of thousands of objects.
import type { ProduceRecord } from '../kafka/producer/producer.js';
import type { SinkRecord } from './types.js';

export type { ProduceRecord };

export interface PackedBatch {
  /** Keys and values back to back, in record order (transferred, not copied, to the worker). */
  bytes: ArrayBuffer;
  /** Per record: key length (-1: no key), value length, partition, topic index, header count. */
  meta: Int32Array;
  /** Per record: its CreateTime (ms since the epoch), NaN when the producer stamps it. */
  timestamps: Float64Array;
  /** Distinct topics of the batch; records refer to them by index. */
  topics: string[];
  /** Header names and values of all records, in record order (binary values cross as bytes). */
  headerKeys: string[];
  headerValues: (string | Uint8Array)[];
}

const FIELDS = 5;

export function packBatch(batch: readonly SinkRecord[]): PackedBatch {
  let size = 0;
  for (const r of batch)
    size += (r.key?.length ?? 0) + (typeof r.value === 'string' ? Buffer.byteLength(r.value, 'utf8') : r.value.length);
  // allocUnsafeSlow: a buffer of its own (not a slice of Node's shared pool), so it can be transferred.
  const bytes = Buffer.allocUnsafeSlow(size);
  const meta = new Int32Array(batch.length * FIELDS);
  const timestamps = new Float64Array(batch.length);
  const topics: string[] = [];
  const topicIndex = new Map<string, number>();
  const headerKeys: string[] = [];
  const headerValues: (string | Uint8Array)[] = [];
  let offset = 0;
  for (let i = 0; i < batch.length; i++) {
    const r = batch[i]!;
    if (r.key) offset += r.key.copy(bytes, offset);
    const v = r.value;
    const valueLength = typeof v === 'string' ? bytes.write(v, offset, 'utf8') : v.copy(bytes, offset);
    offset += valueLength;
    let t = topicIndex.get(r.topic);
    if (t === undefined) {
      t = topics.length;
      topics.push(r.topic);
      topicIndex.set(r.topic, t);
    }
    let headerCount = 0;
    for (const name in r.headers) {
      headerKeys.push(name);
      headerValues.push(r.headers[name]!);
      headerCount++;
    }
    const m = i * FIELDS;
    meta[m] = r.key ? r.key.length : -1;
    timestamps[i] = r.timestampMs ?? Number.NaN;
    meta[m + 1] = valueLength;
    meta[m + 2] = r.partition;
    meta[m + 3] = t;
    meta[m + 4] = headerCount;
    timestamps[i] = r.timestampMs ?? Number.NaN;
  }
  return { bytes: bytes.buffer as ArrayBuffer, meta, timestamps, topics, headerKeys, headerValues };
}

/** The records again, keys and values as views into the one buffer (no copies). */
export function unpackBatch(p: PackedBatch): ProduceRecord[] {
  const bytes = Buffer.from(p.bytes);
  const count = p.meta.length / FIELDS;
  const out = new Array<ProduceRecord>(count);
  let offset = 0;
  let h = 0;
  for (let i = 0; i < count; i++) {
    const m = i * FIELDS;
    const keyLength = p.meta[m]!;
    const valueLength = p.meta[m + 1]!;
    const key = keyLength < 0 ? null : bytes.subarray(offset, offset + keyLength);
    offset += Math.max(0, keyLength);
    const value = bytes.subarray(offset, offset + valueLength);
    offset += valueLength;
    const headers: Record<string, string | Buffer> = {};
    for (let end = h + p.meta[m + 4]!; h < end; h++) {
      const v = p.headerValues[h]!;
      headers[p.headerKeys[h]!] = typeof v === 'string' ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
    }
    const topic = p.topics[p.meta[m + 3]!]!;
    const partition = p.meta[m + 2]!;
    const timestampMs = p.timestamps[i]!;
    out[i] = Number.isNaN(timestampMs)
      ? { topic, partition, key, value, headers }
      : { topic, partition, key, value, headers, timestampMs };
  }
  return out;
}

/** The buffers postMessage should transfer rather than copy. */
export function transferList(p: PackedBatch): ArrayBuffer[] {
  return [p.bytes, p.meta.buffer as ArrayBuffer, p.timestamps.buffer as ArrayBuffer];
}
