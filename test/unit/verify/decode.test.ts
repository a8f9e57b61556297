import { describe, expect, it } from 'vitest';
import { decodeRecord, runIdentity } from '../../../src/verify/decode.js';

const env = {
  event_id: 'e-1',
  entity_id: 'promo_1',
  sequence: 7,
  run_id: 'run-a',
  event_type: 'promotion.impression',
  payload: {},
};

describe('decodeRecord', () => {
  it('reads entity, sequence and event id from the envelope, and the record key and time', () => {
    const d = decodeRecord(
      't',
      2,
      {
        key: Buffer.from('promo_1_99'),
        value: Buffer.from(JSON.stringify(env)),
        offset: '41',
        timestamp: '1700000000000',
        headers: { 'sc-run-id': Buffer.from('run-a') },
      },
      'run-a',
      1700000000005,
    );
    expect(d).toEqual({
      kind: 'record',
      runId: 'run-a',
      record: {
        topic: 't',
        partition: 2,
        offset: 41,
        key: 'promo_1_99',
        entityId: 'promo_1',
        sequence: 7,
        eventId: 'e-1',
        consumedAtMs: 1700000000005,
        timestampMs: 1700000000000,
      },
    });
  });

  it('recognises another run by its header without parsing the value', () => {
    const d = decodeRecord(
      't',
      0,
      {
        key: null,
        value: Buffer.from('not json'),
        offset: '0',
        timestamp: '0',
        headers: { 'sc-run-id': Buffer.from('run-b') },
      },
      'run-a',
      0,
    );
    expect(d).toEqual({ kind: 'foreign', runId: 'run-b' });
  });

  it('says why a record cannot be checked', () => {
    expect(decodeRecord('t', 0, { key: null, value: null, offset: '0', timestamp: '0' }, undefined, 0)).toMatchObject({
      kind: 'undecodable',
      reason: 'record has no value',
    });
    expect(decodeRecord('t', 0, { key: null, value: '{', offset: '0', timestamp: '0' }, undefined, 0)).toMatchObject({
      kind: 'undecodable',
      reason: 'value is not JSON',
    });
    expect(
      decodeRecord('t', 0, { key: null, value: '{"a":1}', offset: '0', timestamp: '0' }, undefined, 0),
    ).toMatchObject({ kind: 'undecodable' });
  });
});

describe('run identity across shards', () => {
  const rec = (run: string, shard?: string) => ({
    key: 'k',
    value: JSON.stringify({ event_id: 'e', entity_id: 'k', sequence: 1, run_id: run }),
    offset: '0',
    timestamp: '0',
    headers: shard ? { 'sc-run-id': run, 'sc-shard': shard } : { 'sc-run-id': run },
  });

  it("a shard's verification owns its shard only; the run id alone owns every shard", () => {
    expect(runIdentity('run-1', undefined)).toBe('run-1');
    expect(runIdentity('run-1', '2/4')).toBe('run-1#2/4');
    expect(decodeRecord('t', 0, rec('run-1', '2/4'), 'run-1#2/4', 0).kind).toBe('record');
    expect(decodeRecord('t', 0, rec('run-1', '1/4'), 'run-1#2/4', 0)).toEqual({ kind: 'foreign', runId: 'run-1#1/4' });
    expect(decodeRecord('t', 0, rec('run-1', '1/4'), 'run-1', 0).kind).toBe('record');
    expect(decodeRecord('t', 0, rec('run-10', '1/4'), 'run-1', 0).kind).toBe('foreign');
    expect(decodeRecord('t', 0, rec('run-1'), 'run-1#0/4', 0).kind).toBe('foreign');
  });
});
