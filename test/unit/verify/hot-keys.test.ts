import { describe, expect, it } from 'vitest';
import { HotKeyTracker } from '../../../src/verify/hot-keys.js';
import { partitionForKey } from '../../../src/partitioning/murmur2.js';

const T = 'x.sc.domain.promotion';

describe('HotKeyTracker', () => {
  it('ranks keys by events with their share, predicted and observed partitions', () => {
    const t = new HotKeyTracker(() => 3, { top: 2 });
    const hot = 'promo_hot';
    const hotP = partitionForKey(hot, 3);
    for (let i = 0; i < 90; i++) t.addProduced(T, hot, hotP);
    for (let i = 0; i < 10; i++) t.addProduced(T, `promo_${i}`, partitionForKey(`promo_${i}`, 3));
    t.observe(T, hot, hotP);
    const [topic] = t.result();
    expect(topic!.events).toBe(100);
    expect(topic!.distinctKeys).toBe(11);
    expect(topic!.hottest).toHaveLength(2);
    expect(topic!.hottest[0]).toEqual({
      key: hot,
      events: 90,
      share: 0.9,
      predictedPartition: hotP,
      producedPartitions: [hotP],
      observedPartitions: [hotP],
      matchesPrediction: true,
    });
    expect(topic!.hottestPartition?.partition).toBe(hotP);
    expect(topic!.hottestPartition!.share).toBeGreaterThanOrEqual(0.9);
    expect(topic!.eventsPerPartition.reduce((a, b) => a + b, 0)).toBe(100);
    expect(topic!.approximate).toBe(false);
  });

  it('flags a key read from a partition the prediction does not give', () => {
    const t = new HotKeyTracker(() => 6);
    const p = partitionForKey('order_1', 6);
    t.addProduced(T, 'order_1', p);
    t.observe(T, 'order_1', (p + 1) % 6);
    expect(t.result()[0]!.hottest[0]!.matchesPrediction).toBe(false);
  });

  it('stays bounded and keeps the hot key exact when keys exceed its capacity', () => {
    const t = new HotKeyTracker(() => 3, { capacity: 100, top: 1 });
    for (let i = 0; i < 10_000; i++) {
      t.addProduced(T, 'hot', 0);
      t.addProduced(T, `cold_${i}`, 1);
    }
    const [topic] = t.result();
    expect(topic!.approximate).toBe(true);
    expect(topic!.distinctKeys).toBeLessThanOrEqual(100);
    expect(topic!.hottest[0]).toMatchObject({ key: 'hot', events: 10_000, share: 0.5 });
    expect(topic!.errorBound).toBeGreaterThanOrEqual(1);
  });
});

describe('hot keys of a topic whose partition count was raised', () => {
  it('a key read on murmur2(key) mod the old count and then mod the new one matches; elsewhere it does not', () => {
    let key = 'k-0';
    for (let i = 0; partitionForKey(key, 3) === partitionForKey(key, 6); i++) key = `k-${i}`;
    const before = partitionForKey(key, 3);
    const after = partitionForKey(key, 6);
    const tracker = new HotKeyTracker(() => 6);
    for (const p of [before, before, after]) tracker.addProduced('t', key, p);
    const hot = (counts?: readonly number[]) => tracker.result(counts && (() => counts))[0]!.hottest[0]!;
    expect(hot().matchesPrediction).toBe(false);
    expect(hot([3, 6])).toMatchObject({ predictedPartition: after, matchesPrediction: true });
    const stray = [0, 1, 2, 3, 4, 5].find((p) => p !== before && p !== after)!;
    tracker.addProduced('t', key, stray);
    expect(hot([3, 6]).matchesPrediction).toBe(false);
  });
});
