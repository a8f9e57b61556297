import { describe, expect, it } from 'vitest';
import { pearson } from '../../support/stats.js';
import { backfillClock, TimeSchema } from '../../../src/runner/time-mode.js';
import {
  DEFAULT_HOURLY,
  DEFAULT_TIME_SHAPE,
  DEFAULT_WEEKLY,
  localTimeIn,
  shapedTimes,
  shapeRate,
  TimeShapeSchema,
} from '../../../src/runner/time-shape.js';
import { createSchedule, type PacedSchedule } from '../../../src/runner/executors.js';
import { ScenarioSchema } from '../../../src/scenarios/schema.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

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

describe('a live rate shaped by the daily curve', () => {
  const base = (ratePerSec: number, durationMs: number) =>
    createSchedule({ executor: 'constant-rate', rate: ratePerSec, duration: durationMs }) as PacedSchedule;

  it('at timeScale 3600 a day passes in 24 s: events per curve hour follow the curve, the mean rate is the base rate', () => {
    // Monday 00:00 UTC; one wall second = one hour of the curve.
    const s = shapeRate(base(1_000, 24_000), DEFAULT_TIME_SHAPE, MONDAY, 3_600);
    const perHour = new Array<number>(24).fill(0);
    for (let i = 0; i < s.totalEvents; i++) perHour[Math.min(23, Math.floor(s.intendedOffsetMs(i) / 1_000))]!++;
    const monday = DEFAULT_HOURLY.map((h) => h * DEFAULT_WEEKLY[0]!);
    expect(pearson(perHour, monday)).toBeGreaterThan(0.999);
    // Each wall second holds its hour's multiplier × 1,000 events, to within one event.
    perHour.forEach((n, h) => expect(Math.abs(n - 1_000 * monday[h]!), `hour ${h}`).toBeLessThanOrEqual(1));
    expect(s.totalEvents).toBe(Math.ceil(1_000 * monday.reduce((a, b) => a + b, 0) - 1e-9));
    expect(s.targetRateAt(20_500)).toBeCloseTo(1_000 * monday[20]!, 6);
    expect(s.targetRateAt(4_500)).toBeCloseTo(1_000 * monday[4]!, 6);
  });

  it('is a consistent schedule: times never decrease, and the events due before each time are the ones scheduled before it', () => {
    // A ramp, shaped from 18:37 Europe/Berlin on a Saturday at 1 s = 10 min of the curve.
    const ramp = createSchedule({
      executor: 'ramping-rate',
      startRate: 100,
      stages: [
        { target: 2_000, duration: 20_000 },
        { target: 500, duration: 10_000 },
      ],
    }) as PacedSchedule;
    const zone = { ...DEFAULT_TIME_SHAPE, timeZone: 'Europe/Berlin' };
    const start = Date.UTC(2026, 10, 28, 17, 37);
    const s = shapeRate(ramp, zone, start, 600);
    let last = -1;
    let backwards = 0;
    let outside = 0;
    for (let i = 0; i < s.totalEvents; i++) {
      const t = s.intendedOffsetMs(i);
      if (t < last) backwards++;
      if (t < 0 || t > 30_000) outside++;
      last = t;
    }
    expect({ backwards, outside }).toEqual({ backwards: 0, outside: 0 });
    for (const t of [1, 999, 5_000, 12_345, 29_999]) {
      const due = s.eventsDueBefore(t);
      expect(s.intendedOffsetMs(Math.ceil(due))).toBeGreaterThanOrEqual(t - 1e-6);
      if (due >= 1) expect(s.intendedOffsetMs(Math.ceil(due) - 1)).toBeLessThan(t + 1e-6);
    }
    expect(s.totalEvents).toBe(Math.ceil(s.eventsDueBefore(30_000) - 1e-9));
  });

  it('an hour with multiplier 0 sends nothing; a zone with a +05:45 offset changes multipliers on its quarter hours', () => {
    const hourly = DEFAULT_HOURLY.map((_, h) => (h === 1 ? 0 : 1));
    const shape = { timeZone: 'Asia/Kathmandu', hourly, weekly: [1, 1, 1, 1, 1, 1, 1] };
    // 00:00 Kathmandu = 18:15 UTC the day before; 3 hours of the curve in 3 s.
    const start = Date.UTC(2026, 10, 22, 18, 15);
    const s = shapeRate(base(1_000, 3_000), shape, start, 3_600);
    expect(s.totalEvents).toBe(2_000);
    for (let i = 0; i < s.totalEvents; i++) {
      const t = s.intendedOffsetMs(i);
      expect(t < 1_000 || t >= 2_000, `event ${i} at ${t} ms`).toBe(true);
    }
    expect(s.targetRateAt(1_500)).toBe(0);
  });

  it('the scenario schema takes it in live mode (flat by default) and refuses what it cannot shape', () => {
    expect(TimeSchema.parse({ mode: 'live' })).toEqual({ mode: 'live', timeScale: 1, shape: 'flat' });
    const bad = (load: object, time: object = { mode: 'live', shape: {} }) =>
      ScenarioSchema.safeParse({ description: 'x', load, time }).error?.issues.map(
        (i) => `${i.path.join('.')}: ${i.message}`,
      );
    expect(bad({ executor: 'unthrottled', count: 10 })).toEqual([
      'time.shape: an unthrottled load has no rate for the daily curve to shape: use constant-rate or ramping-rate',
    ]);
    expect(bad({ executor: 'constant-rate', rate: 10, count: 100 })).toEqual([
      'load.count: a rate shaped by the daily curve sends as many events as its hours call for: give a duration, not a count',
    ]);
    expect(
      bad(
        { executor: 'constant-rate', rate: 10, duration: '10m' },
        { mode: 'live', shape: {}, timeScale: 1_000_000 },
      )?.[0],
    ).toMatch(/^time.timeScale: the run would pass 666,667 quarter hours/);
    expect(
      bad(
        { executor: 'constant-rate', rate: 10, duration: '10m' },
        { mode: 'live', shape: 'flat', timeScale: 1_000_000 },
      ),
    ).toBeUndefined();
  });
});
