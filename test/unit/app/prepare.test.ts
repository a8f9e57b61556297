import { describe, expect, it, vi } from 'vitest';
import { createSchedule } from '../../../src/runner/executors.js';
import { newRunId, prepareRun } from '../../../src/app/prepare.js';
import { ScenarioSchema } from '../../../src/scenarios/schema.js';

// Counts schedule builds: a run must build its schedule once and describe it from that one.
vi.mock('../../../src/runner/executors.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../../src/runner/executors.js')>();
  return { ...actual, createSchedule: vi.fn(actual.createSchedule) };
});

const scenario = ScenarioSchema.parse({
  description: 'unit',
  world: { seed: 3 },
  load: { executor: 'ramping-rate', startRate: 10, stages: [{ target: 100, duration: '10s' }] },
  warmup: '2s',
});

describe('prepareRun', () => {
  it('makes sortable, distinct run ids', () => {
    const a = newRunId(new Date('2026-01-02T03:04:05.678Z'));
    expect(a).toMatch(/^run-20260102T030405-[0-9a-f]{6}$/);
    expect(newRunId()).not.toBe(newRunId());
  });

  it('builds the schedule once, overrides applied, and describes the run from it', () => {
    vi.mocked(createSchedule).mockClear();
    const p = prepareRun({ scenario: { name: 'ramp', scenario }, ratePerSec: 200, durationMs: 20_000, prefix: 'x.' });
    expect(createSchedule).toHaveBeenCalledTimes(1);
    expect(p.schedule.kind).toBe('paced');
    // Rate scaled to the 200 ev/s peak, stretched to 20 s: (20 + 200) / 2 * 20 = 2,200 events.
    expect(p.schedule.totalEvents).toBe(2_200);
    expect(p.plan).toMatch(
      /^ramp 20→200 ev\/s over 20s; 2,200 events; 7 topics; live time: occurred_at = the wall clock; warm-up 2s/,
    );
    expect(p.seed).toBe(3);
    expect(p.world.seed).toBe(3);
    expect(p.prefix).toBe('x.');
  });

  it('takes the seed override before the scenario seed', () => {
    expect(prepareRun({ scenario: { name: 'ramp', scenario }, seed: 99 }).world.seed).toBe(99);
  });

  it('refuses a duration no longer than the warm-up', () => {
    expect(() => prepareRun({ scenario: { name: 'ramp', scenario }, durationMs: 2_000 })).toThrow(
      expect.objectContaining({ code: 'E_USAGE' }),
    );
  });

  it('backfill: a history ending when the run starts (or at endAt), over the schedule’s events', () => {
    const backfill = ScenarioSchema.parse({
      description: 'b',
      load: { executor: 'unthrottled', count: 1_000 },
      time: { mode: 'backfill', history: '7d' },
    });
    const now = new Date('2026-12-01T12:00:00.000Z');
    const p = prepareRun({ scenario: { name: 'b', scenario: backfill } }, now);
    expect(p.time.window).toEqual({ startMs: now.getTime() - 7 * 86_400_000, endMs: now.getTime() });
    expect(p.time.totalEvents).toBe(1_000);
    expect(p.time.minTimestampMs).toBeUndefined();
    expect(p.plan).toContain('backfill 7d ending 2026-12-01T12:00:00.000Z, daily curve in UTC');
    // A duration override leaves no count to spread.
    expect(() => prepareRun({ scenario: { name: 'b', scenario: backfill }, durationMs: 5_000 }, now)).toThrow(
      expect.objectContaining({ code: 'E_USAGE' }),
    );
  });

  it('backfill pinned in the past: refused past retention, or clamped when asked', () => {
    const pinned = (beyondRetention: 'refuse' | 'clamp') =>
      ScenarioSchema.parse({
        description: 'b',
        load: { executor: 'unthrottled', count: 10 },
        time: { mode: 'backfill', history: '1d', endAt: '2026-11-01T00:00:00.000Z', beyondRetention },
      });
    const now = new Date('2026-12-01T12:00:00.000Z');
    expect(() => prepareRun({ scenario: { name: 'r', scenario: pinned('refuse') } }, now)).toThrow(
      expect.objectContaining({
        code: 'E_CONFIG',
        message: expect.stringMatching(/past sc\.domain\.community's 14d retention/),
      }),
    );
    const p = prepareRun({ scenario: { name: 'c', scenario: pinned('clamp') } }, now);
    expect(p.time.minTimestampMs?.get('sc.domain.order')).toBe(now.getTime() - 30 * 86_400_000 + 3_600_000);
    expect(p.time.timeScale).toBe(1);
  });

  it('live: the scenario’s timeScale reaches the world', () => {
    const live = ScenarioSchema.parse({
      description: 'l',
      load: { executor: 'constant-rate', rate: 10, count: 10 },
      time: { mode: 'live', timeScale: 60 },
    });
    const p = prepareRun({ scenario: { name: 'l', scenario: live } });
    expect(p.time).toMatchObject({ window: null, timeScale: 60 });
    expect(p.plan).toContain('live time, timeScale 60');
  });
});
