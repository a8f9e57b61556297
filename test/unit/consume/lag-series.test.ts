import { describe, expect, it } from 'vitest';
import { LagSeries, MAX_SAMPLES, summarizeLag } from '../../../src/consume/lag-series.js';

const T = 'sc.domain.promotion';

describe('LagSeries', () => {
  it('records lag per partition, its peak, and the time to drain after production stops', () => {
    const s = new LagSeries(500);
    // Partition 0 is hot: production grows its end offset by 100 per sample, the consumer does 40.
    let end0 = 0;
    let pos0 = 0;
    let end1 = 0;
    for (let i = 1; i <= 10; i++) {
      end0 += 100;
      end1 += 10;
      pos0 += 40;
      s.record(i * 500, [
        { topic: T, partition: 0, endOffset: end0, position: pos0 },
        { topic: T, partition: 1, endOffset: end1, position: end1 },
      ]);
    }
    // Production stops at 5000 ms; the consumer drains 600 records at 100 per sample.
    for (let i = 11; pos0 < end0; i++) {
      pos0 = Math.min(end0, pos0 + 100);
      s.record(i * 500, [
        { topic: T, partition: 0, endOffset: end0, position: pos0 },
        { topic: T, partition: 1, endOffset: end1, position: end1 },
      ]);
    }
    s.addProcessed({ topic: T, partition: 0 }, 1000);
    const sum = s.summary();
    expect(sum.maxPartitionLag).toBe(600);
    expect(sum.maxPartitionLagAt).toEqual({ topic: T, partition: 0 });
    expect(sum.partitions[0]).toMatchObject({ maxLag: 600, maxLagAtMs: 5000, finalLag: 0, processed: 1000 });
    expect(sum.partitions[1]).toMatchObject({ maxLag: 0, finalLag: 0 });
    expect(sum.maxTotalLag).toBe(600);
    expect(sum.drained).toBe(true);
    expect(sum.timeToDrainMs).toBe(3000); // 6 samples of 500 ms after the last growth
    expect(sum.lagSkew).toBe(2); // 600 / mean(600, 0)
    expect(s.data().samples).toHaveLength(16);
  });

  it('never reports negative lag and gives null drain time while lag remains', () => {
    const s = new LagSeries(500);
    s.record(0, [{ topic: T, partition: 0, endOffset: 10, position: 12 }]);
    s.record(500, [{ topic: T, partition: 0, endOffset: 20, position: 12 }]);
    const sum = s.summary();
    expect(s.data().samples[0]!.lag).toEqual([0]);
    expect(sum.finalTotalLag).toBe(8);
    expect(sum.drained).toBe(false);
    expect(sum.timeToDrainMs).toBeNull();
  });

  it('stays bounded on long runs and keeps the peaks when it merges samples', () => {
    const s = new LagSeries(100);
    for (let i = 0; i < MAX_SAMPLES * 3; i++) {
      s.record(i * 100, [{ topic: T, partition: 0, endOffset: i === 4321 ? 999 : 5, position: 0 }]);
    }
    const d = s.data();
    expect(d.samples.length).toBeLessThanOrEqual(MAX_SAMPLES);
    expect(d.sampleIntervalMs).toBeGreaterThan(100);
    expect(summarizeLag(d).maxPartitionLag).toBe(999);
  });

  it('adds a partition seen late with zero lag before it appeared', () => {
    const s = new LagSeries(500);
    s.record(0, [{ topic: T, partition: 0, endOffset: 1, position: 0 }]);
    s.record(500, [
      { topic: T, partition: 0, endOffset: 1, position: 1 },
      { topic: T, partition: 2, endOffset: 7, position: 0 },
    ]);
    expect(s.data().samples.map((x) => x.lag)).toEqual([
      [1, 0],
      [0, 7],
    ]);
  });
});
