import { describe, expect, it } from 'vitest';
import {
  backfillClock,
  describeTime,
  liveClock,
  RETENTION_MARGIN_MS,
  retentionFloors,
  TimeSchema,
  topicsBeyondRetention,
} from '../../../src/runner/time-mode.js';

const DAY = 86_400_000;

describe('time modes', () => {
  it('live: an event happens at the wall-clock start plus its intended offset, whole ms', () => {
    const at = liveClock(1_764_590_400_000.7);
    expect(at(0, 0)).toBe(1_764_590_400_000);
    expect(at(5, 2.5)).toBe(1_764_590_400_002);
    expect(at(2_000, 999.999)).toBe(1_764_590_400_999);
    expect(at(2_001, 1_000)).toBe(1_764_590_401_000);
  });

  it('backfill: the first event at the start of the history, the last at its end, evenly between', () => {
    const at = backfillClock(1_000, 1_000 + 7 * DAY, 20_000);
    expect(at(0, 0)).toBe(1_000);
    expect(at(19_999, 123)).toBe(1_000 + 7 * DAY);
    const times = Array.from({ length: 20_000 }, (_, i) => at(i, 0));
    for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThan(times[i - 1]!);
    expect(times[10_000]! - times[9_999]!).toBeCloseTo((7 * DAY) / 19_999, -1);
    expect(backfillClock(0, 500, 1)(0, 0)).toBe(500);
  });

  it("knows which topics a history reaches past the retention of (with the hour's margin)", () => {
    expect(topicsBeyondRetention(7 * DAY)).toEqual([]);
    expect(topicsBeyondRetention(14 * DAY - RETENTION_MARGIN_MS + 1).map((t) => t.topic)).toHaveLength(6);
    expect(topicsBeyondRetention(20 * DAY)[0]).toEqual({ topic: 'sc.domain.community', retentionMs: 14 * DAY });
    expect(topicsBeyondRetention(40 * DAY)).toHaveLength(7);
    expect(retentionFloors(100 * DAY).get('sc.domain.order')).toBe(70 * DAY + RETENTION_MARGIN_MS);
  });

  it('describes each mode for the plan line', () => {
    expect(describeTime(TimeSchema.parse({ mode: 'live' }))).toBe('live time: occurred_at = the wall clock');
    expect(describeTime(TimeSchema.parse({ mode: 'live', timeScale: 60 }))).toMatch(/timeScale 60: .*60× faster/);
    expect(describeTime(TimeSchema.parse({ mode: 'backfill', history: '7d' }))).toBe(
      'backfill 7d ending now, daily curve in UTC (peak 20:00, trough 4:00), weekends ×1.15 weekdays; within every topic’s retention',
    );
    expect(describeTime(TimeSchema.parse({ mode: 'backfill', history: '20d', beyondRetention: 'clamp' }), 0)).toMatch(
      /^backfill 20d ending 1970-01-01T00:00:00.000Z, daily curve in UTC .*; record timestamps older than sc.domain.community 14d, .* clamped to it \(occurred_at kept\)$/,
    );
    expect(describeTime(TimeSchema.parse({ mode: 'backfill', history: '20d' }))).toMatch(
      /refused: older than sc.domain.community's 14d retention/,
    );
  });
});
