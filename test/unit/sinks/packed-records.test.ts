import { describe, expect, it } from 'vitest';
import {
  CARRIED,
  packRecords,
  packedCount,
  packedTransferList,
  unpackRecords,
} from '../../../src/sinks/packed-records.js';
import type { SinkRecord } from '../../../src/sinks/types.js';

function record(key: string | null, value: string | Buffer, extra: Partial<SinkRecord> = {}): SinkRecord {
  const valueBytes = typeof value === 'string' ? Buffer.byteLength(value) : value.length;
  return {
    topic: 'p.sc.domain.order',
    logicalTopic: 'sc.domain.order',
    partition: 3,
    key: key === null ? null : Buffer.from(key),
    keyText: key ?? '',
    value,
    headers: { 'sc-event-type': 'order.created', 'sc-sequence': '7' },
    timestampMs: 1_764_590_400_123,
    sizeBytes: (key === null ? 0 : Buffer.byteLength(key)) + valueBytes,
    eventType: 'order.created',
    eventId: 'e-1',
    entityId: 'o-1',
    sequence: 7,
    intendedAtMs: 0,
    ...extra,
  };
}

/** Packed with each record's timestamp as its event instant (NaN where it has none). */
/** Each record packed with its timestamp and its index as the numbers carried along. */
const pack = (rs: readonly SinkRecord[]) =>
  packRecords(
    rs,
    rs.flatMap((r, i) => [r.timestampMs ?? Number.NaN, i]),
  );

/** What a reader of a record sees, with keys and values as text. */
const view = (r: SinkRecord) => ({
  ...r,
  key: r.key === null ? null : r.key.toString('utf8'),
  value: Buffer.isBuffer(r.value) ? r.value.toString('utf8') : r.value,
  headers: { ...r.headers },
});

describe('packRecords / unpackRecords', () => {
  // Edges of what a generation thread hands over: ids starting with '-', empty and missing keys,
  // 1- to 4-byte characters in values and texts, an actor and none, no timestamp, no headers.
  const records = [
    record('-leading-dash', '{"a":"ü"}', { eventId: '-e', entityId: '-o', actorId: '-u' }),
    record(null, '{}', { keyText: '', timestampMs: undefined, headers: {} }),
    record('', 'x'.repeat(5_000), { actorId: '' }),
    record('naïve ✓ 𝄞', '{"t":"naïve ✓ 𝄞"}', {
      keyText: 'naïve ✓ 𝄞',
      headers: { 'sc-event-type': 'post.created', 'x-ünïcode ✓': '𝄞 value' },
      sequence: 2 ** 40,
    }),
    record('k', Buffer.from([0, 0xff, 0xfe, 0x7b]), { logicalTopic: 'sc.domain.user', topic: 'p.sc.domain.user' }),
  ];

  it('gives back every field of every record, in order (values and keys as bytes)', () => {
    const { records: out, carried } = unpackRecords(pack(records));
    expect(out.map(view)).toEqual(records.map(view));
    expect(Buffer.isBuffer(out[0]!.value) && Buffer.isBuffer(out[0]!.key)).toBe(true);
    expect(CARRIED).toBe(2);
    expect(Array.from(carried)).toEqual(records.flatMap((r, i) => [r.timestampMs ?? Number.NaN, i]));
  });

  it('keeps a missing key apart from an empty one, and an empty actor apart from none', () => {
    const { records: out } = unpackRecords(pack(records));
    expect(out[1]!.key).toBeNull();
    expect(out[2]!.key).toEqual(Buffer.alloc(0));
    expect(out[1]!.actorId).toBeUndefined();
    expect(out[2]!.actorId).toBe('');
    expect(out[1]!.timestampMs).toBeUndefined();
  });

  it('carries the caller’s numbers apart from the record’s own (timestamp, sequence)', () => {
    const r = record('k', '{}', { timestampMs: 2_000, sequence: 7 });
    const { records: out, carried } = unpackRecords(packRecords([r, r], [1_000, 3, Number.NaN, 4]));
    expect(out[0]!.timestampMs).toBe(2_000);
    expect(out[1]!.sequence).toBe(7);
    expect(carried[0]).toBe(1_000);
    expect(carried[1]).toBe(3);
    expect(carried[2]).toBeNaN();
    expect(carried[3]).toBe(4);
  });

  it('holds keys and values in one buffer of their size (and 4 bytes), each topic once, and transfers its arrays', () => {
    const packed = pack(records);
    expect(packed.bytes.byteLength).toBe(records.reduce((n, r) => n + r.sizeBytes, 0) + 4);
    expect(packed.topics).toEqual([
      { topic: 'p.sc.domain.order', logicalTopic: 'sc.domain.order' },
      { topic: 'p.sc.domain.user', logicalTopic: 'sc.domain.user' },
    ]);
    expect(packedCount(packed)).toBe(records.length);
    expect(packedTransferList(packed)).toEqual([
      packed.bytes,
      packed.meta.buffer,
      packed.numbers.buffer,
      packed.textLengths.buffer,
    ]);
  });

  it('refuses a record whose byte count is wrong instead of cutting its value', () => {
    // Counted short (last or not, by a little or a lot) and counted long.
    const ok = record('k', '{"b":1}');
    for (const [chunk, counted] of [
      [[record('k', '{"a":"ü"}', { sizeBytes: 10 })], 10],
      [[record('k', '{"a":"ü"}', { sizeBytes: 5 })], 5],
      [[record('k', '{"a":"ü"}', { sizeBytes: 2 }), ok], 2],
      [[ok, record('k', 'ü'.repeat(100), { sizeBytes: 150 })], 150],
      [[record('k', '{"a":"ü"}', { sizeBytes: 12 })], 12],
    ] as const) {
      expect(() => pack(chunk)).toThrow(`counts ${counted} bytes but holds`);
    }
  });

  it('refuses binary headers (dead letters are written on the main thread)', () => {
    const binary = record('k', '{}', { headers: { 'kafka_dlt-original-offset': Buffer.from([0, 1]) } });
    expect(() => pack([binary])).toThrow(/binary/);
  });

  it('round-trips an empty chunk', () => {
    const { records: out } = unpackRecords(pack([]));
    expect(out).toEqual([]);
  });
});
