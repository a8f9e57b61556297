import { describe, expect, it } from 'vitest';
import { hotTopics, perSecondShare } from '../../../src/report/build.js';
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
