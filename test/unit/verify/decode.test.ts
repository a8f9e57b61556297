import { describe, expect, it } from 'vitest';
import { decodeRecord } from '../../../src/verify/decode.js';

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
