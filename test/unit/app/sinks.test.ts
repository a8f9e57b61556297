import { describe, expect, it } from 'vitest';
import { parseSinkChoice, producerModeOf } from '../../../src/app/sinks.js';
import { ProducerSchema } from '../../../src/scenarios/schema.js';

describe('parseSinkChoice', () => {
  it('parses --sink', () => {
    expect(parseSinkChoice(undefined)).toEqual({ kind: 'kafka' });
    expect(parseSinkChoice('ndjson')).toEqual({ kind: 'ndjson' });
    expect(parseSinkChoice('ndjson:out.ndjson')).toEqual({ kind: 'ndjson', file: 'out.ndjson' });
    expect(() => parseSinkChoice('kafka2')).toThrow(/not a sink/);
  });
});

describe('producerModeOf', () => {
  it('states the real in-flight bound: batches handed over, at most 5 on the wire when idempotent', () => {
    const mode = (p: Record<string, unknown>) => producerModeOf(ProducerSchema.parse(p));
    expect(mode({})).toEqual({ acks: 'all', idempotent: true, maxInFlightRequests: 5, compression: 'none' });
    expect(mode({ inFlightBatches: 8 }).maxInFlightRequests).toBe(5);
    expect(mode({ inFlightBatches: 2 }).maxInFlightRequests).toBe(2);
    expect(mode({ idempotent: false, acks: 'leader', inFlightBatches: 8 }).maxInFlightRequests).toBe(8);
    // A bound the scenario states is kept as stated.
    expect(mode({ idempotent: false, acks: 'leader', maxInFlightRequests: 1 }).maxInFlightRequests).toBe(1);
  });
});
