import { describe, expect, it } from 'vitest';
import { decodeLatency, mergeLatency, newLatencyHistogram, snapshotLatency } from '../../../src/metrics/latency.js';

describe('latency snapshots', () => {
  it('merge exactly: merged == one histogram of all values', () => {
    const a = newLatencyHistogram();
    const b = newLatencyHistogram();
    const all = newLatencyHistogram();
    for (let i = 1; i <= 2000; i++) {
      const v = (i * 7919) % 100_000;
      (i % 2 ? a : b).recordValue(v);
      all.recordValue(v);
    }
    const merged = mergeLatency(snapshotLatency(a), snapshotLatency(b));
    const expected = snapshotLatency(all);
    expect(merged.count).toBe(2000);
    expect(merged.unit).toBe('ms');
    for (const k of ['p50', 'p90', 'p99', 'p999'] as const) expect(merged[k]).toBe(expected[k]);
    const h = decodeLatency(merged);
    for (const p of [1, 25, 50, 75, 99, 99.9, 100]) expect(h.getValueAtPercentile(p)).toBe(all.getValueAtPercentile(p));
  });
});
