import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { NdjsonSink } from '../../../src/sinks/ndjson.js';
import { fakeRecords } from '../../support/fake-records.js';

describe('NdjsonSink', () => {
  it('writes one JSON line per record, with per-partition offsets and the value spliced in as is', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (d: Buffer) => (text += d.toString()));
    const sink = new NdjsonSink(undefined, out);
    const source = fakeRecords();
    const batch = Array.from({ length: 14 }, () => {
      const r = source.next();
      return { ...r, value: Buffer.from(JSON.stringify({ n: r.keyText })) };
    });
    const result = await sink.send(batch);
    expect(result.ok).toBe(true);
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(14);
    expect(lines[0]).toEqual({
      topic: 'test.sc.domain.order',
      partition: 0,
      offset: 0,
      key: 'e0',
      headers: {},
      value: { n: 'e0' },
    });
    // Record 12 is the second one on order/0 (records 0, 6, 12 go there): offset 2.
    expect(lines[12]).toMatchObject({ partition: 0, offset: 2, key: 'e12' });
    if (result.ok) expect(result.offsets).toEqual(lines.map((l) => l.offset));
    expect(sink.description).toEqual({ kind: 'ndjson', target: 'stdout' });
  });
});
