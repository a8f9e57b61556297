import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEncoder } from '../../../src/records/encode.js';
import { keyStrategyFor } from '../../../src/records/keys.js';
import { HEADER_EVENT_TYPE, HEADER_RUN_ID, HEADER_SEQUENCE, type Envelope } from '../../../src/envelope.js';
import type { SimEvent } from '../../../src/generators/types.js';
import { partitionForKey } from '../../../src/partitioning/murmur2.js';

function event(type: string, entityId: string, occurredAtMs: number, sequence = 1): SimEvent {
  const family = type.slice(0, type.indexOf('.'));
  const envelope: Envelope = {
    event_id: `ev-${entityId}-${sequence}`,
    event_type: type,
    event_version: 1,
    occurred_at: new Date(occurredAtMs).toISOString(),
    entity_type: family as Envelope['entity_type'],
    entity_id: entityId,
    sequence,
    correlation_id: 'c1',
    causation_id: null,
    producer: 'sc-sim/test',
    run_id: 'run-1',
    payload: { [`${family}_id`]: entityId },
  };
  return { topic: `sc.domain.${family}` as SimEvent['topic'], key: entityId, occurredAtMs, envelope };
}

const partitions = new Map([
  ['sc.domain.promotion', 3],
  ['sc.domain.order', 6],
]);

describe('createEncoder', () => {
  afterEach(() => vi.restoreAllMocks());

  it('keys by entity, picks the murmur2 partition and namespaces the topic', () => {
    const encode = createEncoder({ runId: 'run-1', prefix: 't1.', partitions });
    const r = encode(event('order.created', 'ord-42', 1_000, 3));
    expect(r.topic).toBe('t1.sc.domain.order');
    expect(r.logicalTopic).toBe('sc.domain.order');
    expect(r.keyText).toBe('ord-42');
    expect(r.key!.toString()).toBe('ord-42');
    expect(r.partition).toBe(partitionForKey('ord-42', 6));
    expect(JSON.parse(r.value.toString())).toMatchObject({ event_type: 'order.created', sequence: 3 });
    expect(r.headers).toEqual({
      [HEADER_EVENT_TYPE]: 'order.created',
      [HEADER_RUN_ID]: 'run-1',
      [HEADER_SEQUENCE]: '3',
    });
    expect(r.sizeBytes).toBe(r.key!.length + r.value.length);
    expect(r).toMatchObject({ eventType: 'order.created', entityId: 'ord-42', sequence: 3, eventId: 'ev-ord-42-3' });
  });

  it('uses `${key}_${bucket}` for compound keys, by event type before family', () => {
    const encode = createEncoder({
      runId: 'r',
      prefix: '',
      partitions,
      keys: { 'promotion.impression': { strategy: 'compound', bucket: 1_000 }, promotion: { strategy: 'entity' } },
    });
    const a = encode(event('promotion.impression', 'promo-1', 5_999));
    const b = encode(event('promotion.impression', 'promo-1', 6_000));
    const c = encode(event('promotion.clicked', 'promo-1', 6_000));
    expect(a.keyText).toBe('promo-1_5');
    expect(b.keyText).toBe('promo-1_6');
    expect(b.partition).toBe(partitionForKey('promo-1_6', 3));
    expect(c.keyText).toBe('promo-1');
    // The entity id stays the envelope's, whatever the record key.
    expect(a.entityId).toBe('promo-1');
  });

  it('serializes each event exactly once', () => {
    const spy = vi.spyOn(JSON, 'stringify');
    const encode = createEncoder({ runId: 'r', prefix: '', partitions });
    for (let i = 0; i < 10; i++) encode(event('order.created', `o${i}`, i));
    expect(spy).toHaveBeenCalledTimes(10);
  });

  it('resolves strategies: type, then family, then entity', () => {
    const keys = { promotion: { strategy: 'compound', bucket: 60_000 } } as const;
    expect(keyStrategyFor('promotion.clicked', keys)).toEqual({ strategy: 'compound', bucket: 60_000 });
    expect(keyStrategyFor('order.created', keys)).toEqual({ strategy: 'entity' });
  });
});

describe('createEncoder: record timestamps', () => {
  it("stamps each record with its event time (the record's CreateTime)", () => {
    const encode = createEncoder({ runId: 'r', prefix: '', partitions });
    expect(encode(event('order.created', 'o1', 1_764_590_400_123)).timestampMs).toBe(1_764_590_400_123);
  });

  it("clamps a timestamp older than its topic's floor, keeping occurred_at", () => {
    const encode = createEncoder({
      runId: 'r',
      prefix: '',
      partitions,
      minTimestampMs: new Map([['sc.domain.order', 50_000]]),
    });
    const old = encode(event('order.created', 'o1', 10_000));
    expect(old.timestampMs).toBe(50_000);
    expect(JSON.parse(old.value.toString()).occurred_at).toBe(new Date(10_000).toISOString());
    expect(encode(event('order.created', 'o2', 60_000)).timestampMs).toBe(60_000);
    // Another topic has no floor.
    expect(encode(event('promotion.impression', 'p1', 10_000)).timestampMs).toBe(10_000);
  });

  it('sends unkeyed records with no key and still names their partition', () => {
    const encode = createEncoder({
      runId: 'r',
      prefix: '',
      partitions,
      keys: { 'promotion.impression': { strategy: 'none', partitioner: 'round-robin' } },
    });
    const records = [1, 2, 3, 4].map((i) => encode(event('promotion.impression', 'p1', i, i)));
    expect(records.map((r) => [r.key, r.keyText, r.partition])).toEqual([
      [null, '', 0],
      [null, '', 1],
      [null, '', 2],
      [null, '', 0],
    ]);
    expect(records[0]!.sizeBytes).toBe(records[0]!.value.length);
  });
});
