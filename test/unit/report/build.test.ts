import { describe, expect, it } from 'vitest';
import { MetricsRecorder } from '../../../src/metrics/recorder.js';
import { keySkewTable } from '../../../src/render/console.js';
import { hotTopics, perSecondShare, topicKeySkew } from '../../../src/report/build.js';
import { fakeRecords } from '../../support/fake-records.js';
import type { KeyReport, TopicReport } from '../../../src/report/types.js';

const ps = {
  firstSecondAtMs: 60_000,
  firstSecondOffsetMs: -400,
  topics: {
    t: [
      [50, 50, 0], // starts before a 0.5 s warm-up
      [90, 5, 5],
      [10, 80, 10],
      [30, 30, 40],
      [60, 0, 0], // under 100 events: not counted
    ],
  },
};

describe('perSecondShare', () => {
  it('takes the hottest partition of each measured second with enough events: p50 and max', () => {
    expect(perSecondShare(ps, 't', 500)).toEqual({ p50: 0.8, max: 0.9, seconds: 3, minEvents: 100 });
    // Without a warm-up every second counts.
    expect(perSecondShare(ps, 't', 0)).toEqual({ p50: 0.65, max: 0.9, seconds: 4, minEvents: 100 });
    expect(perSecondShare(ps, 'other', 0)).toBeNull();
    expect(perSecondShare(undefined, 't', 0)).toBeNull();
  });
});

describe('hotTopics', () => {
  const topic = (name: string, acked: number, p50: number, partitions = 3) =>
    ({
      topic: name,
      acked,
      partitions: Array.from({ length: partitions }, (_, p) => ({ partition: p })),
      perSecondShare: { p50, max: p50, seconds: 10, minEvents: 100 },
    }) as unknown as TopicReport;
  const keys: KeyReport[] = [
    { appliesTo: ['promotion.impression'], strategy: 'salted', key: '', orderingScope: '', consumerRebuild: '' },
    { appliesTo: ['*'], strategy: 'entity', key: '', orderingScope: '', consumerRebuild: '' },
  ];

  it('names the topics of non-entity keys and those with twice the fair share in the median second, busiest first', () => {
    const topics = [
      topic('sc.domain.order', 500, 0.3, 6), // 0.3 < 2/6: even enough
      topic('sc.domain.user', 800, 0.7), // 0.7 >= 2/3: hot
      topic('sc.domain.promotion', 9_000, 0.38), // spread, but salted: shown
      topic('sc.domain.post', 0, 0.9), // nothing acked
    ];
    expect(hotTopics(topics, keys)).toEqual(['sc.domain.promotion', 'sc.domain.user']);
    expect(hotTopics(topics, undefined)).toEqual(['sc.domain.user']);
  });
});

describe('topicKeySkew', () => {
  it('reports distinct keys, Gini, top shares, the hottest keys and the hottest key per second, from acked records', () => {
    const rec = new MetricsRecorder({ startMs: 0, warmupMs: 0, lateThresholdMs: 100 });
    const source = fakeRecords();
    // 200 records in each of 3 seconds: half on one key, the rest on 100 keys; one failed batch.
    for (let second = 0; second < 3; second++) {
      const batch = Array.from({ length: 200 }, (_, i) => ({
        ...source.next(),
        logicalTopic: 'sc.domain.user' as const,
        keyText: i % 2 === 0 ? 'hot' : `k${i % 100}`,
        intendedAtMs: second * 1_000 + i,
      }));
      rec.completed(batch, { ok: true, offsets: undefined }, 0, 1);
    }
    const failed = [
      { ...source.next(), logicalTopic: 'sc.domain.user' as const, keyText: 'never-acked', intendedAtMs: 10 },
    ];
    rec.completed(failed, { ok: false, error: 'x', indeterminate: false }, 0, 1);
    const metrics = rec.snapshot();
    const topic = 'sc.domain.user';
    const skew = topicKeySkew(metrics, topic)!;
    expect(skew.distinctKeys).toBe(51);
    expect(skew.hottest[0]).toEqual({ key: 'hot', events: 300, share: 0.5 });
    expect(skew.hottest).toHaveLength(5);
    expect(skew.top1PctShare).toBe(0.5);
    expect(skew.perSecond).toEqual({ p50: 0.5, max: 0.5, distinctKeysP50: 51, seconds: 3, minEvents: 100 });
    expect(skew.gini).toBeGreaterThan(0.4);
    expect(topicKeySkew(metrics, 'sc.no.such.topic')).toBeNull();
    const table = keySkewTable([{ physicalTopic: topic, keySkew: skew } as TopicReport])!;
    expect(table).toContain('KEY SKEW');
    expect(table).toMatch(/hot\s+50\.0%/);
  });
});
