import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../support/manual-clock.js';
import { MemorySink } from '../../support/memory-sink.js';
import { fakeRecords } from '../../support/fake-records.js';

describe('MemorySink', () => {
  it('answers after its latency on the clock, with offsets per partition', async () => {
    const clock = new ManualClock(100);
    const sink = new MemorySink({ clock, latencyMs: 7 });
    const source = fakeRecords();
    const result = await sink.send(Array.from({ length: 7 }, source.next));
    expect(clock.now()).toBe(107);
    // Records 0 and 6 share order/0.
    expect(result).toEqual({ ok: true, offsets: [0, 0, 0, 0, 0, 0, 1] });
    expect(sink.records).toHaveLength(7);
  });

  it('fails a batch when told to', async () => {
    const sink = new MemorySink({ failWhen: () => ({ error: 'nope', indeterminate: true }) });
    expect(await sink.send([fakeRecords().next()])).toEqual({ ok: false, error: 'nope', indeterminate: true });
    expect(sink.records).toHaveLength(0);
  });
});
