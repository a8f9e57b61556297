import { describe, expect, it } from 'vitest';
import { packBatch, transferList, unpackBatch } from '../../../src/sinks/packed-batch.js';
import type { SinkRecord } from '../../../src/sinks/types.js';

function record(
  topic: string,
  partition: number,
  key: string,
  value: string,
  headers: Record<string, string>,
  extra: { noKey?: boolean; timestampMs?: number; text?: boolean } = {},
): SinkRecord {
  return {
    topic,
    logicalTopic: 'sc.domain.order',
    partition,
    key: extra.noKey ? null : Buffer.from(key),
    keyText: extra.noKey ? '' : key,
    ...(extra.timestampMs === undefined ? {} : { timestampMs: extra.timestampMs }),
    // The encoder's values are text (UTF-8 written later); DLQ copies are bytes.
    value: extra.text ? value : Buffer.from(value),
    headers,
    sizeBytes: Buffer.byteLength(key) + Buffer.byteLength(value),
    eventType: 'order.created',
    eventId: key,
    entityId: key,
    sequence: 1,
    intendedAtMs: 0,
  };
}

describe('packBatch / unpackBatch', () => {
  const batch = [
    record('p.sc.domain.order', 5, 'o-1', '{"a":"ü"}', { 'sc-event-type': 'order.created', 'sc-sequence': '1' }),
    record('p.sc.domain.user', 0, 'u-22', '{}', {}),
    record('p.sc.domain.order', 2, '', 'x'.repeat(1000), { 'sc-run-id': 'run-1' }),
    record('p.sc.domain.post', 1, 'p-3', '{"t":"naïve ✓ 𝄞"}', {}, { text: true }),
  ];

  it('gives back each record’s topic, partition, key, value and headers, in order', () => {
    const out = unpackBatch(packBatch(batch));
    expect(out.map((r) => [r.topic, r.partition, r.key!.toString(), r.value!.toString(), r.headers])).toEqual(
      batch.map((r) => [r.topic, r.partition, r.key!.toString(), r.value.toString(), r.headers]),
    );
    expect(Buffer.isBuffer(out[0]!.key) && Buffer.isBuffer(out[0]!.value)).toBe(true);
  });

  it('holds all keys and values in one buffer of exactly their size, topics once each', () => {
    const packed = packBatch(batch);
    // A text value takes its UTF-8 bytes ('naïve ✓ 𝄞': 1 + 2 + 3 + 4 bytes for its 4 odd characters).
    expect(packed.bytes.byteLength).toBe(batch.reduce((n, r) => n + r.sizeBytes, 0));
    expect(packed.topics).toEqual(['p.sc.domain.order', 'p.sc.domain.user', 'p.sc.domain.post']);
    expect(transferList(packed)).toEqual([packed.bytes, packed.meta.buffer, packed.timestamps.buffer]);
  });

  it('keeps a missing key apart from an empty one, and carries timestamps only where set', () => {
    const mixed = [
      record('p.sc.domain.promotion', 1, 'x', 'v1', {}, { noKey: true, timestampMs: 1_764_590_400_123 }),
      record('p.sc.domain.promotion', 2, '', 'v2', {}),
      record('p.sc.domain.promotion', 0, 'k', 'v3', {}, { timestampMs: 5 }),
    ];
    const out = unpackBatch(packBatch(mixed));
    expect(out.map((r) => r.key?.toString() ?? null)).toEqual([null, '', 'k']);
    expect(out.map((r) => r.timestampMs)).toEqual([1_764_590_400_123, undefined, 5]);
    expect(out.map((r) => r.value!.toString())).toEqual(['v1', 'v2', 'v3']);
  });

  it('carries a record’s own timestamp, and none where the producer is to stamp it', () => {
    const stamped = [{ ...batch[0]!, timestampMs: 1_700_000_000_123 }, batch[1]!];
    const out = unpackBatch(packBatch(stamped));
    expect(out[0]!.timestampMs).toBe(1_700_000_000_123);
    expect('timestampMs' in out[1]!).toBe(false);
  });

  it('survives a transfer to another thread (structured clone with the buffers moved)', () => {
    const packed = packBatch(batch);
    const moved = structuredClone(packed, { transfer: transferList(packed) });
    expect(packed.bytes.byteLength).toBe(0); // detached: moved, not copied
    expect(unpackBatch(moved).map((r) => r.value!.toString())).toEqual(batch.map((r) => r.value.toString()));
  });

  it('packs an empty batch', () => {
    expect(unpackBatch(packBatch([]))).toEqual([]);
  });
});
