import { describe, expect, it } from 'vitest';
import {
  ExecutorSchema,
  applyOverrides,
  createSchedule,
  describeExecutor,
  shardLoad,
  shardSchedule,
  type ExecutorConfig,
  type PacedSchedule,
} from '../../../src/runner/executors.js';

const parse = (v: unknown) => ExecutorSchema.parse(v);
const paced = (c: ExecutorConfig) => createSchedule(c) as PacedSchedule;

describe('constant-rate', () => {
  it('gives event i the absolute time i/rate, for a duration', () => {
    const s = paced(parse({ executor: 'constant-rate', rate: 400, duration: '10s' }));
    expect(s.totalEvents).toBe(4_000);
    expect(s.durationMs).toBe(10_000);
    expect(s.intendedOffsetMs(0)).toBe(0);
    expect(s.intendedOffsetMs(1)).toBe(2.5);
    expect(s.intendedOffsetMs(3_999)).toBe(9_997.5);
    // Absolute, not accumulated: a late index is exactly i * 1000 / rate.
    expect(s.intendedOffsetMs(1_234)).toBe((1_234 * 1_000) / 400);
    expect(s.targetRateAt(5_000)).toBe(400);
  });

  it('runs for a count instead of a duration', () => {
    const s = paced(parse({ executor: 'constant-rate', rate: 3, count: 10 }));
    expect(s.totalEvents).toBe(10);
    expect(s.intendedOffsetMs(9)).toBeCloseTo(3_000, 9);
  });

  it('rejects both or neither of duration and count, and bad durations', () => {
    expect(ExecutorSchema.safeParse({ executor: 'constant-rate', rate: 1 }).success).toBe(false);
    expect(ExecutorSchema.safeParse({ executor: 'constant-rate', rate: 1, count: 5, duration: '1s' }).success).toBe(
      false,
    );
    expect(ExecutorSchema.safeParse({ executor: 'constant-rate', rate: 1, duration: '10 minutes' }).success).toBe(
      false,
    );
    expect(ExecutorSchema.safeParse({ executor: 'constant-rate', rate: 0, duration: '1s' }).success).toBe(false);
  });
});

describe('ramping-rate', () => {
  const ramp = parse({
    executor: 'ramping-rate',
    startRate: 0,
    stages: [
      { target: 100, duration: '2s' },
      { target: 100, duration: 1_000 },
    ],
  });

  it('places events by the inverse of the integrated rate', () => {
    const s = paced(ramp);
    // 0→100 ev/s over 2 s integrates to 25·t² events (t in s): event i is due at 200·√i ms.
    expect(s.totalEvents).toBe(100 + 100);
    for (const i of [0, 1, 25, 64, 99]) expect(s.intendedOffsetMs(i)).toBeCloseTo(200 * Math.sqrt(i), 6);
    // The hold stage: 100 ev/s from 2 s on.
    expect(s.intendedOffsetMs(100)).toBeCloseTo(2_000, 9);
    expect(s.intendedOffsetMs(150)).toBeCloseTo(2_500, 9);
    expect(s.targetRateAt(1_000)).toBeCloseTo(50, 9);
    expect(s.eventsDueBefore(1_000)).toBeCloseTo(25, 9);
  });

  it('is monotonic across a spike made of zero-length steps', () => {
    const s = paced(
      parse({
        executor: 'ramping-rate',
        startRate: 100,
        stages: [
          { target: 100, duration: '1s' },
          { target: 1_000, duration: 0 },
          { target: 1_000, duration: '1s' },
          { target: 100, duration: '0s' },
          { target: 100, duration: '1s' },
        ],
      }),
    );
    expect(s.totalEvents).toBe(100 + 1_000 + 100);
    let prev = -1;
    for (let i = 0; i < s.totalEvents; i++) {
      const t = s.intendedOffsetMs(i);
      expect(t).toBeGreaterThan(prev);
      prev = t;
    }
    expect(s.intendedOffsetMs(100)).toBeCloseTo(1_000, 9);
    expect(s.intendedOffsetMs(1_100)).toBeCloseTo(2_000, 9);
    expect(prev).toBeLessThan(3_000);
  });

  it('handles a ramp down to zero', () => {
    const s = paced(parse({ executor: 'ramping-rate', startRate: 100, stages: [{ target: 0, duration: '2s' }] }));
    expect(s.totalEvents).toBe(100);
    // N(t) = 100t − 25t²: the 75th event is due at t = 1 s.
    expect(s.intendedOffsetMs(75)).toBeCloseTo(1_000, 6);
    expect(s.intendedOffsetMs(99)).toBeLessThan(2_000);
  });

  it('rejects a ramp that sends nothing', () => {
    const r = ExecutorSchema.safeParse({ executor: 'ramping-rate', stages: [{ target: 0, duration: '1s' }] });
    expect(r.success).toBe(false);
  });
});

describe('plan lines', () => {
  it('describes each executor in one line', () => {
    expect(describeExecutor(parse({ executor: 'constant-rate', rate: 2_000, duration: '5m' }))).toBe(
      '2000 ev/s for 5m, 600,000 events',
    );
    expect(
      describeExecutor(
        parse({
          executor: 'ramping-rate',
          startRate: 500,
          stages: [
            { target: 5_000, duration: '2m' },
            { target: 5_000, duration: '5m' },
          ],
        }),
      ),
    ).toBe('ramp 500→5000 ev/s over 2m, then 5000 ev/s for 5m; 1,830,000 events');
    expect(describeExecutor(parse({ executor: 'unthrottled', count: 1_000_000 }))).toBe(
      'unthrottled: 1,000,000 events as fast as the sink acks',
    );
  });
});

describe('overrides', () => {
  it('--rate and --duration replace a constant rate and its length', () => {
    const c = applyOverrides(parse({ executor: 'constant-rate', rate: 10, count: 5 }), {
      ratePerSec: 500,
      durationMs: 10_000,
    });
    expect(paced(c).totalEvents).toBe(5_000);
  });

  it('scale a ramp to the given peak and length', () => {
    const c = applyOverrides(
      parse({ executor: 'ramping-rate', startRate: 100, stages: [{ target: 1_000, duration: '10s' }] }),
      { ratePerSec: 2_000, durationMs: 5_000 },
    );
    expect(c).toMatchObject({ startRate: 200, stages: [{ target: 2_000, duration: 5_000 }] });
  });

  it('refuse --rate on an unthrottled scenario', () => {
    expect(() => applyOverrides(parse({ executor: 'unthrottled', count: 10 }), { ratePerSec: 5 })).toThrow(
      /no rate to override/,
    );
  });
});

describe('shardLoad', () => {
  it('divides rates and splits counts so the shards add up exactly', () => {
    const constant = ExecutorSchema.parse({ executor: 'constant-rate', rate: 1_000, count: 10_003 });
    const parts = [0, 1, 2, 3].map((i) => shardLoad(constant, i, 4));
    expect(parts.map((p) => (p.executor === 'constant-rate' ? p.count : 0))).toEqual([2_501, 2_501, 2_501, 2_500]);
    expect(parts.every((p) => p.executor === 'constant-rate' && p.rate === 250)).toBe(true);
    const total = parts.reduce((s, p) => s + (createSchedule(p).totalEvents ?? 0), 0);
    expect(total).toBe(10_003);
    const ramp = ExecutorSchema.parse({
      executor: 'ramping-rate',
      startRate: 100,
      stages: [{ target: 1_000, duration: '10s' }],
    });
    const r = shardLoad(ramp, 0, 4);
    expect(r).toMatchObject({ startRate: 25, stages: [{ target: 250, duration: 10_000 }] });
    const unthrottled = ExecutorSchema.parse({ executor: 'unthrottled', count: 5 });
    expect(
      [0, 1, 2, 3, 4, 5]
        .map((i) => shardLoad(unthrottled, i, 6))
        .map((p) => (p.executor === 'unthrottled' ? p.count : -1)),
    ).toEqual([1, 1, 1, 1, 1, 0]);
  });
});

describe('shardSchedule', () => {
  it("takes every N-th event of the whole schedule, at the whole schedule's times", () => {
    const whole = paced(parse({ executor: 'ramping-rate', startRate: 100, stages: [{ target: 900, duration: '5s' }] }));
    const parts = [0, 1, 2].map((i) => shardSchedule(whole, i, 3) as PacedSchedule);
    expect(parts.reduce((s, p) => s + p.totalEvents, 0)).toBe(whole.totalEvents);
    const times = parts.flatMap((p, i) =>
      Array.from({ length: p.totalEvents }, (_, j) => [j * 3 + i, p.intendedOffsetMs(j)]),
    );
    for (const [k, t] of times) expect(t).toBe(whole.intendedOffsetMs(k!));
    expect(parts[1]!.targetRateAt(2_500)).toBeCloseTo(whole.targetRateAt(2_500) / 3);
  });
});
