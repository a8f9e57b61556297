import { describe, expect, it } from 'vitest';
import { backfillClock, TimeSchema } from '../../../src/runner/time-mode.js';
import {
  DEFAULT_HOURLY,
  DEFAULT_TIME_SHAPE,
  DEFAULT_WEEKLY,
  localTimeIn,
  shapedTimes,
  TimeShapeSchema,
} from '../../../src/runner/time-shape.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function pearson(xs: readonly number[], ys: readonly number[]): number {
  const mx = xs.reduce((s, x) => s + x, 0) / xs.length;
  const my = ys.reduce((s, y) => s + y, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  xs.forEach((x, i) => {
    sxy += (x - mx) * (ys[i]! - my);
    sxx += (x - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  });
  return sxy / Math.sqrt(sxx * syy);
}

/** Events per hour of a history placed by `at`. */
function hourlyCounts(startMs: number, hours: number, total: number, at: (i: number) => number): number[] {
  const counts = new Array<number>(hours).fill(0);
  for (let i = 0; i < total; i++) counts[Math.min(hours - 1, Math.floor((at(i) - startMs) / HOUR))]!++;
  return counts;
}

// Monday 2026-11-23 00:00 UTC: a week that starts on a Monday.
const MONDAY = Date.UTC(2026, 10, 23);

describe('a shaped backfill', () => {
  it("a 7-day backfill's hourly counts correlate >= 0.95 with the configured curve, weekends as configured", () => {
    const total = 100_000;
    const clock = backfillClock(MONDAY, MONDAY + 7 * DAY, total, DEFAULT_TIME_SHAPE);
    const counts = hourlyCounts(MONDAY, 7 * 24, total, (i) => clock(i, 0));
    const expected = counts.map((_, h) => DEFAULT_HOURLY[h % 24]! * DEFAULT_WEEKLY[Math.floor(h / 24)]!);
    expect(pearson(counts, expected)).toBeGreaterThanOrEqual(0.95);
    const perDay = Array.from({ length: 7 }, (_, d) => counts.slice(d * 24, d * 24 + 24).reduce((s, x) => s + x, 0));
    const weekday = perDay.slice(0, 5).reduce((s, x) => s + x, 0) / 5;
    const weekend = (perDay[5]! + perDay[6]!) / 2;
    const configured =
      (DEFAULT_WEEKLY[5]! + DEFAULT_WEEKLY[6]!) / 2 / (DEFAULT_WEEKLY.slice(0, 5).reduce((s, x) => s + x, 0) / 5);
    expect(weekend / weekday).toBeCloseTo(configured, 2);
  });

  it('keeps the first event at the start, the last at the end, and times never decreasing', () => {
    const at = shapedTimes(MONDAY + 1_234, MONDAY + 3 * DAY + 77, 5_000, DEFAULT_TIME_SHAPE);
    expect(at(0)).toBe(MONDAY + 1_234);
    expect(at(4_999)).toBe(MONDAY + 3 * DAY + 77);
    for (let i = 1; i < 5_000; i++) expect(at(i)).toBeGreaterThanOrEqual(at(i - 1));
  });

  it('follows the local hours of its time zone (New York is UTC-5 in winter), across a DST change too', () => {
    const shape = TimeShapeSchema.parse({ timeZone: 'America/New_York' });
    const total = 50_000;
    const at = shapedTimes(MONDAY, MONDAY + 7 * DAY, total, shape);
    const counts = hourlyCounts(MONDAY, 7 * 24, total, at);
    const byUtcHour = Array.from({ length: 24 }, (_, h) =>
      counts.filter((_, i) => i % 24 === h).reduce((s, x) => s + x, 0),
    );
    const peakUtc = byUtcHour.indexOf(Math.max(...byUtcHour));
    const peakLocal = DEFAULT_HOURLY.indexOf(Math.max(...DEFAULT_HOURLY));
    expect(peakUtc).toBe((peakLocal + 5) % 24);
    // Berlin leaves summer time on 2026-10-25 at 01:00 UTC: 04:00 local is 02:00 UTC before, 03:00 after.
    const local = localTimeIn('Europe/Berlin');
    expect(local(Date.UTC(2026, 9, 24, 2))).toEqual({ hour: 4, weekday: 5 });
    expect(local(Date.UTC(2026, 9, 26, 3))).toEqual({ hour: 4, weekday: 0 });
  });

  it('flat spreads evenly, as before', () => {
    const at = backfillClock(1_000, 1_000 + 7 * DAY, 20_000, 'flat');
    expect(at(1, 0) - at(0, 0)).toBe(Math.floor((7 * DAY) / 19_999));
    expect(at(19_999, 0)).toBe(1_000 + 7 * DAY);
  });

  it('is the default of a backfill, and rejects a bad zone or a curve of the wrong length', () => {
    const backfill = TimeSchema.parse({ mode: 'backfill', history: '7d' });
    expect(backfill.mode === 'backfill' && backfill.shape).toEqual(DEFAULT_TIME_SHAPE);
    expect(TimeShapeSchema.safeParse({ timeZone: 'Mars/Olympus' }).error?.issues[0]?.message).toMatch(/IANA time zone/);
    expect(TimeShapeSchema.safeParse({ hourly: [1, 2] }).success).toBe(false);
    expect(TimeShapeSchema.safeParse({ weekly: [0, 0, 0, 0, 0, 0, 0] }).error?.issues[0]?.message).toMatch(/weekday/);
  });
});
