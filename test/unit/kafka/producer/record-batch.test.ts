import { createRequire } from 'node:module';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  BATCH,
  encodeProduceRequest,
  groupByPartition,
  stampBatches,
  type ProduceRecord,
} from '../../../../src/kafka/producer/record-batch.js';
import { crc32cJs } from '../../../../src/kafka/producer/crc32c.js';

// kafkajs's own encoder is the reference: the same fields must give the same bytes.
const require = createRequire(import.meta.url);
type KafkajsRecordBatch = (o: Record<string, unknown>) => Promise<{ buffer: Buffer }>;
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as { RecordBatch: KafkajsRecordBatch };
const KafkajsRecord = require('kafkajs/src/protocol/recordBatch/record/v0') as (o: Record<string, unknown>) => unknown;
const Long = require('kafkajs/src/utils/long') as { fromString(s: string): unknown };

const NOW_MS = 1_700_000_000_000;

/** Records with the awkward cases: null keys and values, empty and 8000+ byte values, multi-byte UTF-8, long headers. */
function awkwardRecords(count: number, timestamps: (i: number) => number | undefined): ProduceRecord[] {
  const sizes = [0, 5, 63, 64, 100, 500, 8_000, 9_000, 70_000];
  return Array.from({ length: count }, (_, i) => ({
    topic: 't',
    partition: 3,
    key: i % 17 === 0 ? null : Buffer.from(`key-${i}-${'é'.repeat(i % 3)}`),
    value: i % 13 === 0 ? null : Buffer.alloc(sizes[i % sizes.length]!, i),
    headers:
      i % 5 === 0
        ? {}
        : {
            'sc-event-type': 'order.created',
            'sc-run-id': 'run-x',
            'sc-sequence': String(i),
            ...(i % 7 === 0 ? { ['h'.repeat(70)]: 'ü'.repeat(40) } : {}),
          },
    timestampMs: timestamps(i),
  }));
}

async function ourBatch(records: ProduceRecord[]): Promise<Buffer> {
  const req = await encodeProduceRequest(records, groupByPartition(records), {
    acks: -1,
    timeoutMs: 30_000,
    compression: 'none',
    nowMs: NOW_MS,
  });
  stampBatches(req, 1234567890123n, 7, () => 42);
  expect(req.batches).toHaveLength(1);
  const b = req.batches[0]!;
  return req.buffer.subarray(b.start, b.end);
}

async function kafkajsBatch(records: ProduceRecord[]): Promise<Buffer> {
  const times = records.map((r) => r.timestampMs ?? NOW_MS);
  const first = times[0]!;
  const ref = await RecordBatch({
    firstTimestamp: first,
    maxTimestamp: Math.max(...times),
    partitionLeaderEpoch: -1,
    producerId: Long.fromString('1234567890123'),
    producerEpoch: 7,
    firstSequence: 42,
    lastOffsetDelta: records.length - 1,
    records: records.map((r, i) =>
      KafkajsRecord({
        key: r.key,
        value: r.value,
        headers: r.headers,
        offsetDelta: i,
        timestampDelta: times[i]! - first,
      }),
    ),
  });
  return ref.buffer;
}

describe('RecordBatch v2 encoding', () => {
  it('writes the same bytes as kafkajs for the same records (null, empty, large, multi-byte, long headers)', async () => {
    const records = awkwardRecords(300, () => undefined);
    const ours = await ourBatch(records);
    expect(ours.length).toBeGreaterThan(1_000_000);
    expect(ours.equals(await kafkajsBatch(records))).toBe(true);
  });

  it('writes a text value as its UTF-8 bytes: the same batch as from Buffers (every length-prefix size, 1 to 4-byte characters)', async () => {
    // Lengths around the 2-byte length guess (64 and 8192 bytes) and characters of every UTF-8 width.
    const texts = [
      '',
      'a',
      '{"x":1}',
      'a'.repeat(63),
      'a'.repeat(64),
      'é'.repeat(40),
      '€'.repeat(2_731),
      'a'.repeat(8_191),
      'a'.repeat(8_192),
      '𝄞'.repeat(3_000),
      `{"t":"naïve ✓ 𝄞 ${'z'.repeat(70_000)}"}`,
    ];
    const asText = texts.map((value, i): ProduceRecord => ({
      topic: 't',
      partition: 0,
      key: Buffer.from(`k${i}`),
      value,
      headers: { h: 'v' },
    }));
    const asBytes = asText.map((r) => ({ ...r, value: Buffer.from(r.value as string, 'utf8') }));
    const ours = await ourBatch(asText);
    expect(ours.equals(await ourBatch(asBytes))).toBe(true);
    expect(ours.equals(await kafkajsBatch(asBytes))).toBe(true);
    // Counted bytes (as a SinkRecord carries them): the same batch, in room sized by the count.
    const counted = asText.map((r) => ({ ...r, sizeBytes: r.key!.length + Buffer.byteLength(r.value as string) }));
    expect((await ourBatch(counted)).equals(ours)).toBe(true);
    const request = (rs: ProduceRecord[]) =>
      encodeProduceRequest(rs, groupByPartition(rs), {
        acks: -1,
        timeoutMs: 1_000,
        compression: 'none',
        nowMs: NOW_MS,
      });
    const exact = await request(counted);
    const loose = await request(asText);
    // Both requests are large enough for a buffer of their own: its size is the bound they were given.
    expect(exact.buffer.buffer.byteLength).toBeLessThan(exact.buffer.length * 1.1);
    expect(loose.buffer.buffer.byteLength).toBeGreaterThan(loose.buffer.length * 1.5);
  });

  it('a text value whose counted bytes are wrong is refused, never cut short', async () => {
    const value = `{"t":"${'€'.repeat(100)}"}`;
    const wrong: ProduceRecord = { topic: 't', partition: 0, key: null, value, headers: {}, sizeBytes: value.length };
    await expect(
      encodeProduceRequest([wrong], groupByPartition([wrong]), { acks: -1, timeoutMs: 1_000, compression: 'none' }),
    ).rejects.toThrow(/a record value is 308 bytes of UTF-8, its record counted 108/);
  });

  it("writes each record's own CreateTime (earlier, later, days apart) and stamps the others with now", async () => {
    const day = 86_400_000;
    const records = awkwardRecords(60, (i) => (i % 4 === 0 ? undefined : NOW_MS + (i % 3 === 0 ? -7 * day : i * 37)));
    const ours = await ourBatch(records);
    expect(ours.equals(await kafkajsBatch(records))).toBe(true);
    expect(Number(ours.readBigInt64BE(BATCH.baseTimestamp))).toBe(NOW_MS);
    expect(Number(ours.readBigInt64BE(BATCH.maxTimestamp))).toBe(NOW_MS + 59 * 37);
  });

  it('stamps producer id, epoch and base sequence, and a CRC32C over attributes to the end', async () => {
    const ours = await ourBatch(awkwardRecords(10, () => undefined));
    expect(ours.readBigInt64BE(BATCH.producerId)).toBe(1234567890123n);
    expect(ours.readInt16BE(BATCH.producerEpoch)).toBe(7);
    expect(ours.readInt32BE(BATCH.baseSequence)).toBe(42);
    expect(ours.readUInt32BE(BATCH.crc)).toBe(crc32cJs(ours, BATCH.attributes, ours.length));
    expect(ours.readInt32BE(BATCH.length)).toBe(ours.length - 12);
  });

  it('gzip compresses only the records section, leaving count and offsets readable', async () => {
    const records = awkwardRecords(40, () => undefined);
    const req = await encodeProduceRequest(records, groupByPartition(records), {
      acks: -1,
      timeoutMs: 30_000,
      compression: 'gzip',
      nowMs: NOW_MS,
    });
    const b = req.batches[0]!;
    const batch = req.buffer.subarray(b.start, b.end);
    expect(batch.readInt16BE(BATCH.attributes) & 0x7).toBe(1);
    expect(batch.readInt32BE(BATCH.recordCount)).toBe(40);
    expect(batch.readInt32BE(BATCH.lastOffsetDelta)).toBe(39);
    const plain = await ourBatch(records);
    expect(gunzipSync(batch.subarray(BATCH.records)).equals(plain.subarray(BATCH.records))).toBe(true);
  });

  it('one batch per partition, topics and partitions in first-seen order, records in send order', async () => {
    const rec = (topic: string, partition: number, n: number): ProduceRecord => ({
      topic,
      partition,
      key: Buffer.from(`k${n}`),
      value: Buffer.from(`v${n}`),
      headers: {},
    });
    const records = [rec('b', 1, 0), rec('a', 0, 1), rec('b', 1, 2), rec('b', 0, 3), rec('a', 0, 4)];
    const groups = groupByPartition(records);
    expect(groups.map((g) => [g.topic, g.partition, g.indexes])).toEqual([
      ['b', 1, [0, 2]],
      ['a', 0, [1, 4]],
      ['b', 0, [3]],
    ]);
    const req = await encodeProduceRequest(records, groups, { acks: 1, timeoutMs: 1_000, compression: 'none' });
    // Header: transactional_id null, acks, timeout, then the topics.
    expect(req.buffer.readInt16BE(0)).toBe(-1);
    expect(req.buffer.readInt16BE(2)).toBe(1);
    expect(req.buffer.readInt32BE(4)).toBe(1_000);
    expect(req.buffer.readInt32BE(8)).toBe(2);
    expect(req.batches.map((b) => [b.group.topic, b.group.partition])).toEqual([
      ['b', 1],
      ['b', 0],
      ['a', 0],
    ]);
    expect(req.batches.at(-1)!.end).toBe(req.buffer.length);
    // Room left for the frame: the same body after it, batch offsets shifted into the buffer.
    const roomy = await encodeProduceRequest(records, groups, {
      acks: 1,
      timeoutMs: 1_000,
      compression: 'none',
      nowMs: 0,
      headerRoom: 19,
    });
    const plain = await encodeProduceRequest(records, groups, {
      acks: 1,
      timeoutMs: 1_000,
      compression: 'none',
      nowMs: 0,
    });
    // Unstamped, every byte is written (allocUnsafe's pool holds leftovers): no producer, CRC 0.
    for (const b of plain.batches) {
      expect(plain.buffer.readBigInt64BE(b.start + BATCH.producerId)).toBe(-1n);
      expect(plain.buffer.readInt16BE(b.start + BATCH.producerEpoch)).toBe(-1);
      expect(plain.buffer.readInt32BE(b.start + BATCH.baseSequence)).toBe(-1);
      expect(plain.buffer.readUInt32BE(b.start + BATCH.crc)).toBe(0);
    }
    expect(roomy.buffer.subarray(19).equals(plain.buffer)).toBe(true);
    expect(roomy.batches.map((b) => [b.start - 19, b.end - 19])).toEqual(plain.batches.map((b) => [b.start, b.end]));
  });
});
