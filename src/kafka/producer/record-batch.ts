// Kafka's RecordBatch v2 (magic 2) and the Produce request body, written straight from the
// serialized keys, values and headers into one buffer per request: no object or Buffer per record,
// varints written in place. The idempotence fields (producer id, epoch, base sequence) and the CRC
// are stamped later (stampBatches), so a request can be encoded while the one before it is in flight.
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { crc32c } from './crc32c.js';

const gzip = promisify(gzipCallback);

/** What the producer needs of a record. */
export interface ProduceRecord {
  readonly topic: string;
  readonly partition: number;
  readonly key: Buffer | null;
  /** Bytes, or text written as UTF-8 straight into the batch (no Buffer per record in between). */
  readonly value: Buffer | string | null;
  /** Text headers, or raw bytes (Spring's dead-letter headers hold big-endian numbers). */
  readonly headers: Readonly<Record<string, string | Buffer>>;
  /** CreateTime in ms since the epoch; undefined: stamped when the request is encoded. */
  readonly timestampMs?: number | undefined;
  /**
   * Key + value bytes, when the caller counted them (a SinkRecord has): a text value's room in the
   * request is then exact instead of 3 bytes per character, and the count is checked as it is written.
   */
  readonly sizeBytes?: number;
}

export type Compression = 'none' | 'gzip';
const CODEC: Record<Compression, number> = { none: 0, gzip: 1 };

/** Byte offsets inside a RecordBatch, from its baseOffset field (Kafka's DefaultRecordBatch). */
export const BATCH = {
  baseOffset: 0,
  length: 8,
  leaderEpoch: 12,
  magic: 16,
  crc: 17,
  attributes: 21,
  lastOffsetDelta: 23,
  baseTimestamp: 27,
  maxTimestamp: 35,
  producerId: 43,
  producerEpoch: 51,
  baseSequence: 53,
  recordCount: 57,
  records: 61,
} as const;

/** One partition's records of a send: indexes into the send's record array, in send order. */
export interface PartitionGroup {
  readonly topic: string;
  readonly partition: number;
  readonly indexes: readonly number[];
}

/** Where one batch sits in an encoded request body (for stamping and for reading the response). */
export interface EncodedBatch {
  readonly group: PartitionGroup;
  /** Offset of the batch's baseOffset field in the body. */
  readonly start: number;
  readonly end: number;
}

export interface EncodedRequest {
  /**
   * `headerRoom` bytes left for the request's frame (size and header, written when it is sent),
   * then the Produce request body (v3 to v8 share it): transactional_id, acks, timeout, topic_data.
   * Batch offsets are into this buffer.
   */
  readonly buffer: Buffer;
  readonly headerRoom: number;
  readonly batches: readonly EncodedBatch[];
}

export interface RequestOptions {
  /** -1 (all), 1 (leader) or 0 (none). */
  acks: number;
  /** How long the broker may wait for the in-sync replicas (the request's timeout field). */
  timeoutMs: number;
  compression: Compression;
  /** Stamped on records without a timestamp (ms since the epoch); default Date.now(). */
  nowMs?: number;
  /** Bytes to leave before the body for the request's frame (kafkajs-internals.ts frameHeaderSize). */
  headerRoom?: number;
}

// Buffer#utf8Write is what buf.write(s, offset) ends in, minus its argument parsing (a hot path:
// three headers per record).
type Utf8Writable = Buffer & { utf8Write(s: string, offset: number): number };

/** Size of the zigzag varint of an int32. */
function varintSize(v: number): number {
  let z = ((v << 1) ^ (v >> 31)) >>> 0;
  let n = 1;
  while (z >= 0x80) {
    n++;
    z >>>= 7;
  }
  return n;
}

/** Writes the zigzag varint of an int32 at pos; returns the next position. */
function writeVarint(buf: Buffer, pos: number, v: number): number {
  let z = ((v << 1) ^ (v >> 31)) >>> 0;
  while (z >= 0x80) {
    buf[pos++] = (z & 0x7f) | 0x80;
    z >>>= 7;
  }
  buf[pos++] = z;
  return pos;
}

/** Writes the zigzag varlong of a safe integer (|v| < 2^52) at pos; returns the next position. */
function writeVarlong(buf: Buffer, pos: number, v: number): number {
  if (v === 0) {
    buf[pos] = 0;
    return pos + 1;
  }
  if (v >= -0x40000000 && v < 0x40000000) return writeVarint(buf, pos, v);
  let z = v >= 0 ? v * 2 : -v * 2 - 1;
  while (z >= 0x80) {
    buf[pos++] = (z % 0x80) | 0x80;
    z = Math.floor(z / 0x80);
  }
  buf[pos++] = z;
  return pos;
}

/** Upper bound of one record's encoded size, its length varint included. */
function recordBound(r: ProduceRecord): number {
  // length 5, attributes 1, timestampDelta 10, offsetDelta 5, key and value lengths 5 each, header count 5
  const value = r.value;
  const keyBytes = r.key?.length ?? 0;
  // Text: its counted bytes, or at most 3 UTF-8 bytes per UTF-16 unit.
  let n =
    36 +
    (value === null
      ? keyBytes
      : typeof value === 'string'
        ? (r.sizeBytes ?? keyBytes + 3 * value.length)
        : keyBytes + value.length);
  // Each header: two length varints and at most 3 UTF-8 bytes per UTF-16 unit.
  for (const name in r.headers) n += 10 + 3 * (name.length + r.headers[name]!.length);
  // (A Buffer's length is its byte count, so 3× is a loose bound for it too.)
  return n;
}

/** A header value's bytes after their zigzag varint length, at pos. */
function writeHeaderValue(buf: Buffer, pos: number, v: string | Buffer): number {
  if (typeof v === 'string') return writeVarString(buf, pos, v);
  pos = writeVarint(buf, pos, v.length);
  buf.set(v, pos);
  return pos + v.length;
}

/**
 * A record value's UTF-8 bytes after their zigzag varint length, at pos. Written after a 2-byte
 * length (values of 64 to 8191 bytes, every envelope but the largest); moved when that was wrong.
 * `expectedBytes`, when known, is checked: the room was sized by it, and a short count would have
 * cut the value (a Buffer's write stops silently at its end).
 */
function writeText(buf: Buffer, pos: number, s: string, expectedBytes: number | undefined): number {
  const n = (buf as Utf8Writable).utf8Write(s, pos + 2);
  if (expectedBytes !== undefined && n !== expectedBytes) {
    throw new RangeError(
      `a record value is ${Buffer.byteLength(s)} bytes of UTF-8, its record counted ${expectedBytes}`,
    );
  }
  const lengthBytes = varintSize(n);
  if (lengthBytes !== 2) buf.copyWithin(pos + lengthBytes, pos + 2, pos + 2 + n);
  writeVarint(buf, pos, n);
  return pos + lengthBytes + n;
}

/** A string's UTF-8 bytes after its zigzag varint length, at pos. */
function writeVarString(buf: Buffer, pos: number, s: string): number {
  // Written after a 1-byte length (true of every header sc-sim sends: < 64 bytes); a longer one
  // moves to make room for its longer length.
  const n = (buf as Utf8Writable).utf8Write(s, pos + 1);
  if (n < 64) {
    buf[pos] = n << 1;
    return pos + 1 + n;
  }
  const lengthBytes = varintSize(n);
  buf.copyWithin(pos + lengthBytes, pos + 1, pos + 1 + n);
  writeVarint(buf, pos, n);
  return pos + lengthBytes + n;
}

/**
 * Writes a group's records (offsetDelta 0..n-1, timestamps relative to baseTimestampMs) at pos;
 * returns the end position.
 */
export function writeRecords(
  buf: Buffer,
  pos: number,
  records: readonly ProduceRecord[],
  indexes: readonly number[],
  baseTimestampMs: number,
  nowMs: number,
): number {
  for (let i = 0; i < indexes.length; i++) {
    const r = records[indexes[i]!]!;
    // The record's length comes first: 2 bytes are guessed (bodies of 64 to 8191 bytes) and the
    // body moves when the guess was wrong.
    const lengthAt = pos;
    let p = pos + 2;
    buf[p++] = 0; // attributes
    p = writeVarlong(buf, p, (r.timestampMs ?? nowMs) - baseTimestampMs);
    p = writeVarint(buf, p, i); // offsetDelta
    const key = r.key;
    if (key === null)
      buf[p++] = 1; // varint -1: null
    else {
      p = writeVarint(buf, p, key.length);
      buf.set(key, p);
      p += key.length;
    }
    const value = r.value;
    if (value === null) buf[p++] = 1;
    else if (typeof value === 'string')
      p = writeText(buf, p, value, r.sizeBytes === undefined ? undefined : r.sizeBytes - (key?.length ?? 0));
    else {
      p = writeVarint(buf, p, value.length);
      buf.set(value, p);
      p += value.length;
    }
    const countAt = p++;
    let headerCount = 0;
    const headers = r.headers;
    for (const name in headers) {
      p = writeVarString(buf, p, name);
      p = writeHeaderValue(buf, p, headers[name]!);
      headerCount++;
    }
    if (headerCount >= 64) throw new RangeError(`a record has ${headerCount} headers; at most 63 are supported`);
    buf[countAt] = headerCount << 1;
    const bodyLength = p - lengthAt - 2;
    const lengthBytes = varintSize(bodyLength);
    if (lengthBytes !== 2) {
      buf.copyWithin(lengthAt + lengthBytes, lengthAt + 2, p);
      p += lengthBytes - 2;
    }
    writeVarint(buf, lengthAt, bodyLength);
    pos = p;
  }
  return pos;
}

/** The first record's timestamp (the batch's base) and the largest one. */
function timestampRange(records: readonly ProduceRecord[], indexes: readonly number[], nowMs: number) {
  const baseMs = records[indexes[0]!]!.timestampMs ?? nowMs;
  let maxMs = baseMs;
  for (const i of indexes) {
    const t = records[i]!.timestampMs ?? nowMs;
    if (t > maxMs) maxMs = t;
  }
  return { baseMs, maxMs };
}

/**
 * A batch header. Producer fields read "no producer" (-1) and the CRC 0 until stampBatches sets
 * them: the buffer comes from allocUnsafe, so anything not written would be whatever the pool held.
 */
function writeBatchHeader(
  buf: Buffer,
  b: number,
  end: number,
  count: number,
  attributes: number,
  time: { baseMs: number; maxMs: number },
): void {
  buf.writeBigInt64BE(0n, b + BATCH.baseOffset);
  buf.writeInt32BE(end - b - 12, b + BATCH.length);
  buf.writeInt32BE(-1, b + BATCH.leaderEpoch); // the broker sets it
  buf[b + BATCH.magic] = 2;
  buf.writeUInt32BE(0, b + BATCH.crc);
  buf.writeInt16BE(attributes, b + BATCH.attributes);
  buf.writeInt32BE(count - 1, b + BATCH.lastOffsetDelta);
  buf.writeBigInt64BE(BigInt(time.baseMs), b + BATCH.baseTimestamp);
  buf.writeBigInt64BE(BigInt(time.maxMs), b + BATCH.maxTimestamp);
  buf.writeBigInt64BE(-1n, b + BATCH.producerId);
  buf.writeInt16BE(-1, b + BATCH.producerEpoch);
  buf.writeInt32BE(-1, b + BATCH.baseSequence);
  buf.writeInt32BE(count, b + BATCH.recordCount);
}

/**
 * Encodes one broker's Produce request body: topics in first-seen order, each with its partitions,
 * one RecordBatch per partition (the broker refuses two batches of one producer and partition in
 * one request). Producer fields and CRCs are blank until stampBatches.
 */
export async function encodeProduceRequest(
  records: readonly ProduceRecord[],
  groups: readonly PartitionGroup[],
  o: RequestOptions,
): Promise<EncodedRequest> {
  const nowMs = o.nowMs ?? Date.now();
  const byTopic = new Map<string, PartitionGroup[]>();
  for (const g of groups) {
    let list = byTopic.get(g.topic);
    if (!list) byTopic.set(g.topic, (list = []));
    list.push(g);
  }
  const attributes = CODEC[o.compression];
  const times = new Map(groups.map((g) => [g, timestampRange(records, g.indexes, nowMs)]));

  // gzip: each batch's records section (everything after recordCount) is compressed on its own,
  // in the libuv pool and all partitions at once, then laid out like an uncompressed one.
  let compressed: Map<PartitionGroup, Buffer> | undefined;
  if (o.compression === 'gzip') {
    compressed = new Map();
    const out = compressed;
    await Promise.all(
      groups.map(async (g) => {
        let bound = 0;
        for (const i of g.indexes) bound += recordBound(records[i]!);
        const scratch = Buffer.allocUnsafe(bound);
        const end = writeRecords(scratch, 0, records, g.indexes, times.get(g)!.baseMs, nowMs);
        out.set(g, await gzip(scratch.subarray(0, end)));
      }),
    );
  }

  let bound = 2 + 2 + 4 + 4; // transactional_id (null), acks, timeout, topic count
  for (const [topic, list] of byTopic) {
    bound += 2 + Buffer.byteLength(topic) + 4;
    for (const g of list) {
      bound += 4 + 4 + BATCH.records;
      if (compressed) bound += compressed.get(g)!.length;
      else for (const i of g.indexes) bound += recordBound(records[i]!);
    }
  }
  const room = o.headerRoom ?? 0;
  const buf = Buffer.allocUnsafe(room + bound);
  let p = buf.writeInt16BE(-1, room); // no transactional id
  p = buf.writeInt16BE(o.acks, p);
  p = buf.writeInt32BE(o.timeoutMs, p);
  p = buf.writeInt32BE(byTopic.size, p);
  const batches: EncodedBatch[] = [];
  for (const [topic, list] of byTopic) {
    p = buf.writeInt16BE(Buffer.byteLength(topic), p);
    p += buf.write(topic, p);
    p = buf.writeInt32BE(list.length, p);
    for (const g of list) {
      p = buf.writeInt32BE(g.partition, p);
      const sizeAt = p;
      const b = p + 4;
      const time = times.get(g)!;
      let end: number;
      if (compressed) {
        const c = compressed.get(g)!;
        c.copy(buf, b + BATCH.records);
        end = b + BATCH.records + c.length;
      } else end = writeRecords(buf, b + BATCH.records, records, g.indexes, time.baseMs, nowMs);
      writeBatchHeader(buf, b, end, g.indexes.length, attributes, time);
      buf.writeInt32BE(end - b, sizeAt);
      batches.push({ group: g, start: b, end });
      p = end;
    }
  }
  return { buffer: buf.subarray(0, p), headerRoom: room, batches };
}

/**
 * Stamps producer id, epoch and each batch's base sequence, then its CRC32C, which covers them
 * (attributes to the end of the batch). Called in send order, right before the request goes out.
 */
export function stampBatches(
  req: EncodedRequest,
  producerId: bigint,
  producerEpoch: number,
  baseSequence: (b: EncodedBatch) => number,
): void {
  const buf = req.buffer;
  for (const b of req.batches) {
    buf.writeBigInt64BE(producerId, b.start + BATCH.producerId);
    buf.writeInt16BE(producerEpoch, b.start + BATCH.producerEpoch);
    buf.writeInt32BE(baseSequence(b), b.start + BATCH.baseSequence);
    buf.writeUInt32BE(crc32c(buf, b.start + BATCH.attributes, b.end), b.start + BATCH.crc);
  }
}

/** Groups a send's records by topic and partition, keeping their order (one pass). */
export function groupByPartition(records: readonly ProduceRecord[]): PartitionGroup[] {
  const groups: { topic: string; partition: number; indexes: number[] }[] = [];
  const byTopic = new Map<string, Map<number, (typeof groups)[number]>>();
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    let parts = byTopic.get(r.topic);
    if (!parts) byTopic.set(r.topic, (parts = new Map()));
    let g = parts.get(r.partition);
    if (!g) {
      parts.set(r.partition, (g = { topic: r.topic, partition: r.partition, indexes: [] }));
      groups.push(g);
    }
    g.indexes.push(i);
  }
  return groups;
}
