import { describe, expect, it } from 'vitest';
import { parseSinkChoice } from '../../../src/app/sinks.js';

describe('parseSinkChoice', () => {
  it('parses --sink', () => {
    expect(parseSinkChoice(undefined)).toEqual({ kind: 'kafka' });
    expect(parseSinkChoice('ndjson')).toEqual({ kind: 'ndjson' });
    expect(parseSinkChoice('ndjson:out.ndjson')).toEqual({ kind: 'ndjson', file: 'out.ndjson' });
    expect(() => parseSinkChoice('kafka2')).toThrow(/not a sink/);
  });
});
