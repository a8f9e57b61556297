// The closed set of load shapes (k6-style executors): each is a zod schema, a schedule that
// gives event i its absolute intended time, and one plan line that describes it back.
import { z } from 'zod';
import { ScSimError } from '../errors.js';
import { formatDurationMs } from './duration.js';
import { DurationSchema, PositiveDurationSchema } from './duration.js';

const RateSchema = z.number().positive().describe('events per second');

export const ConstantRateSchema = z
  .object({
    executor: z.literal('constant-rate'),
    /** Events per second. */
    rate: RateSchema,
    /** How long to run; give this or `count`. */
    duration: PositiveDurationSchema.optional(),
    /** How many events to send; give this or `duration`. */
    count: z.number().int().positive().optional(),
  })
  .strict()
  .superRefine(requireOneOf('duration', 'count'));

export const RampingStageSchema = z
  .object({
    /** Rate reached at the end of the stage (linear from the previous rate); 0s makes a step. */
    target: z.number().nonnegative(),
    duration: DurationSchema,
  })
  .strict();

export const RampingRateSchema = z
  .object({
    executor: z.literal('ramping-rate'),
    /** Rate at the start of the first stage (events per second). */
    startRate: z.number().nonnegative().default(0),
    stages: z.array(RampingStageSchema).min(1),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.stages.every((s) => s.target === 0) && v.startRate === 0) {
      ctx.addIssue({ code: 'custom', path: ['stages'], message: 'every stage has rate 0: nothing would be sent' });
    }
    if (v.stages.reduce((sum, s) => sum + s.duration, 0) === 0) {
      ctx.addIssue({ code: 'custom', path: ['stages'], message: 'the stages last 0 ms in total' });
    }
  });

export const UnthrottledSchema = z
  .object({
    executor: z.literal('unthrottled'),
    /** Stop after this many events; give this or `duration`. */
    count: z.number().int().positive().optional(),
    duration: PositiveDurationSchema.optional(),
  })
  .strict()
  .superRefine(requireOneOf('duration', 'count'));

export const ExecutorSchema = z.discriminatedUnion('executor', [
  ConstantRateSchema,
  RampingRateSchema,
  UnthrottledSchema,
]);

export type ExecutorConfig = z.output<typeof ExecutorSchema>;

function requireOneOf(a: string, b: string) {
  return (v: Record<string, unknown>, ctx: z.RefinementCtx) => {
    const has = [a, b].filter((k) => v[k] !== undefined);
    if (has.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: has.length === 0 ? [] : [b],
        message: has.length === 0 ? `give either \`${a}\` or \`${b}\`` : `give either \`${a}\` or \`${b}\`, not both`,
      });
    }
  };
}

/**
 * When each event is due. Paced schedules give every event an absolute intended time (offset from
 * the run's start), computed from its index — never accumulated from intervals, so no drift.
 */
export type Schedule = PacedSchedule | UnthrottledSchedule;

export interface PacedSchedule {
  readonly kind: 'paced';
  readonly totalEvents: number;
  readonly durationMs: number;
  /** Intended send time of event `index` (0-based), in ms after the start. */
  intendedOffsetMs(index: number): number;
  /** Target rate (events/s) at an offset into the run. */
  targetRateAt(offsetMs: number): number;
  /** Events due before an offset (the integral of the rate, not rounded). */
  eventsDueBefore(offsetMs: number): number;
}

export interface UnthrottledSchedule {
  readonly kind: 'unthrottled';
  readonly totalEvents: number | undefined;
  readonly durationMs: number | undefined;
}

interface Segment {
  startMs: number;
  durationMs: number;
  /** Rates in events per ms. */
  fromPerMs: number;
  toPerMs: number;
  eventsBefore: number;
  events: number;
}

/** A piecewise-linear rate profile; event i is due when the integrated rate reaches i. */
class RateProfile implements PacedSchedule {
  readonly kind = 'paced';
  readonly totalEvents: number;
  readonly durationMs: number;
  private readonly segments: Segment[];
  private cursor = 0;

  constructor(startRate: number, stages: { target: number; duration: number }[], exactCount?: number) {
    this.segments = [];
    let startMs = 0;
    let eventsBefore = 0;
    let from = startRate / 1_000;
    for (const stage of stages) {
      const to = stage.target / 1_000;
      const events = ((from + to) / 2) * stage.duration;
      if (stage.duration > 0) {
        this.segments.push({ startMs, durationMs: stage.duration, fromPerMs: from, toPerMs: to, eventsBefore, events });
      }
      startMs += stage.duration;
      eventsBefore += events;
      from = to;
    }
    this.durationMs = startMs;
    // Event i exists when it is due strictly before the end; the epsilon absorbs float error so
    // "100 ev/s for 10 s" is exactly 1000 events.
    this.totalEvents = exactCount ?? Math.max(0, Math.ceil(eventsBefore - 1e-9));
  }

  private segmentForEvent(index: number): Segment {
    if (index < this.segments[this.cursor]!.eventsBefore) this.cursor = 0;
    while (
      this.cursor < this.segments.length - 1 &&
      index >= this.segments[this.cursor]!.eventsBefore + this.segments[this.cursor]!.events
    ) {
      this.cursor++;
    }
    return this.segments[this.cursor]!;
  }

  intendedOffsetMs(index: number): number {
    const seg = this.segmentForEvent(index);
    const k = index - seg.eventsBefore;
    if (k <= 0) return seg.startMs;
    const slope = (seg.toPerMs - seg.fromPerMs) / seg.durationMs;
    if (slope === 0) return seg.startMs + k / seg.fromPerMs;
    // Solves from·t + slope·t²/2 = k in the form that stays exact when slope is tiny or negative.
    const disc = Math.max(0, seg.fromPerMs * seg.fromPerMs + 2 * slope * k);
    return seg.startMs + (2 * k) / (seg.fromPerMs + Math.sqrt(disc));
  }

  private segmentAt(offsetMs: number): Segment | undefined {
    for (const seg of this.segments) if (offsetMs < seg.startMs + seg.durationMs) return seg;
    return undefined;
  }

  targetRateAt(offsetMs: number): number {
    const seg = this.segmentAt(Math.max(0, offsetMs));
    if (!seg) return 0;
    const f = (offsetMs - seg.startMs) / seg.durationMs;
    return (seg.fromPerMs + (seg.toPerMs - seg.fromPerMs) * f) * 1_000;
  }

  eventsDueBefore(offsetMs: number): number {
    if (offsetMs <= 0) return 0;
    const seg = this.segmentAt(offsetMs);
    if (!seg) return this.totalEvents;
    const t = offsetMs - seg.startMs;
    const slope = (seg.toPerMs - seg.fromPerMs) / seg.durationMs;
    return seg.eventsBefore + seg.fromPerMs * t + (slope * t * t) / 2;
  }
}

/** How long an executor runs (ms), without building its schedule; undefined for an unthrottled count. */
export function executorDurationMs(config: ExecutorConfig): number | undefined {
  switch (config.executor) {
    case 'constant-rate':
      return config.duration ?? ((config.count ?? 0) / config.rate) * 1_000;
    case 'ramping-rate':
      return config.stages.reduce((sum, s) => sum + s.duration, 0);
    case 'unthrottled':
      return config.duration;
  }
}

export function createSchedule(config: ExecutorConfig): Schedule {
  switch (config.executor) {
    case 'constant-rate': {
      const durationMs = config.duration ?? ((config.count ?? 0) / config.rate) * 1_000;
      return new RateProfile(config.rate, [{ target: config.rate, duration: durationMs }], config.count);
    }
    case 'ramping-rate':
      return new RateProfile(config.startRate, config.stages);
    case 'unthrottled':
      return { kind: 'unthrottled', totalEvents: config.count, durationMs: config.duration };
  }
}

const fmtRate = (r: number) => `${Number.isInteger(r) ? r : r.toFixed(1)}`;
const fmtCount = (n: number) => n.toLocaleString('en-US');

/**
 * One line saying what the executor will do, e.g. "ramp 500→5000 ev/s over 2m, then 5000 ev/s for
 * 5m"; a run passes the schedule it already built (event totals come from it).
 */
export function describeExecutor(config: ExecutorConfig, schedule: Schedule = createSchedule(config)): string {
  switch (config.executor) {
    case 'constant-rate': {
      const span =
        config.duration !== undefined
          ? `for ${formatDurationMs(config.duration)}`
          : `(${formatDurationMs(schedule.durationMs ?? 0)})`;
      return `${fmtRate(config.rate)} ev/s ${span}, ${fmtCount(schedule.totalEvents ?? 0)} events`;
    }
    case 'ramping-rate': {
      const parts: string[] = [];
      let from = config.startRate;
      for (const s of config.stages) {
        // A zero-length stage is a step: the next part's rate shows it ("300 ev/s …, then 3000 ev/s …").
        if (s.duration > 0) {
          parts.push(
            s.target === from
              ? `${fmtRate(s.target)} ev/s for ${formatDurationMs(s.duration)}`
              : `ramp ${fmtRate(from)}→${fmtRate(s.target)} ev/s over ${formatDurationMs(s.duration)}`,
          );
        }
        from = s.target;
      }
      return `${parts.join(', then ')}; ${fmtCount(schedule.totalEvents ?? 0)} events`;
    }
    case 'unthrottled':
      return config.count !== undefined
        ? `unthrottled: ${fmtCount(config.count)} events as fast as the sink acks`
        : `unthrottled for ${formatDurationMs(config.duration ?? 0)}, as fast as the sink acks`;
  }
}

export interface ExecutorOverrides {
  /** --rate: the constant rate, or a ramp's peak (every stage is scaled by the same factor). */
  ratePerSec?: number;
  /** --duration: the run's length (a ramp's stages are stretched proportionally). */
  durationMs?: number;
}

/**
 * Shard `index` of `count` of a schedule: events index, index + count, index + 2·count… of the
 * whole run's schedule, at the whole run's intended times. The shards' events interleave exactly
 * as one process would send them, and their counts add up to the whole run's.
 */
export function shardSchedule(schedule: Schedule, index: number, count: number): Schedule {
  const share = (total: number) => Math.floor(total / count) + (index < total % count ? 1 : 0);
  if (schedule.kind === 'unthrottled') {
    return { ...schedule, totalEvents: schedule.totalEvents === undefined ? undefined : share(schedule.totalEvents) };
  }
  return {
    kind: 'paced',
    totalEvents: share(schedule.totalEvents),
    durationMs: schedule.durationMs,
    intendedOffsetMs: (i) => schedule.intendedOffsetMs(i * count + index),
    targetRateAt: (offsetMs) => schedule.targetRateAt(offsetMs) / count,
    eventsDueBefore: (offsetMs) => Math.max(0, (schedule.eventsDueBefore(offsetMs) - index) / count),
  };
}

/**
 * Shard `index` of `count` of a load, as its plan line describes it: every rate divided by
 * `count`, and a fixed count split so the shards' counts add up to it exactly (the first
 * `count % shards` get one more). Durations stay.
 */
export function shardLoad(config: ExecutorConfig, index: number, count: number): ExecutorConfig {
  const share = (total: number) => Math.floor(total / count) + (index < total % count ? 1 : 0);
  switch (config.executor) {
    case 'constant-rate':
      return {
        ...config,
        rate: config.rate / count,
        ...(config.count !== undefined ? { count: share(config.count) } : {}),
      };
    case 'ramping-rate':
      return {
        ...config,
        startRate: config.startRate / count,
        stages: config.stages.map((s) => ({ ...s, target: s.target / count })),
      };
    case 'unthrottled':
      return config.count !== undefined ? { ...config, count: share(config.count) } : config;
  }
}

/** Applies --rate/--duration to a scenario's executor, keeping its shape. */
export function applyOverrides(config: ExecutorConfig, o: ExecutorOverrides): ExecutorConfig {
  if (o.ratePerSec === undefined && o.durationMs === undefined) return config;
  if (o.ratePerSec !== undefined && !(o.ratePerSec > 0)) {
    throw new ScSimError(
      'E_CONFIG',
      `a rate override must be a positive number of events per second, got ${o.ratePerSec}`,
    );
  }
  if (o.durationMs !== undefined && !(o.durationMs > 0)) {
    throw new ScSimError('E_CONFIG', `a duration override must be longer than 0 ms, got ${o.durationMs}`);
  }
  switch (config.executor) {
    case 'constant-rate': {
      const next = { ...config, rate: o.ratePerSec ?? config.rate };
      return o.durationMs !== undefined ? { ...next, duration: o.durationMs, count: undefined } : next;
    }
    case 'ramping-rate': {
      const peak = Math.max(config.startRate, ...config.stages.map((s) => s.target));
      const rateFactor = o.ratePerSec !== undefined ? o.ratePerSec / peak : 1;
      const totalMs = config.stages.reduce((sum, s) => sum + s.duration, 0);
      const timeFactor = o.durationMs !== undefined ? o.durationMs / totalMs : 1;
      return {
        ...config,
        startRate: config.startRate * rateFactor,
        stages: config.stages.map((s) => ({ target: s.target * rateFactor, duration: s.duration * timeFactor })),
      };
    }
    case 'unthrottled':
      if (o.ratePerSec !== undefined) {
        throw new ScSimError('E_USAGE', 'an unthrottled scenario has no rate to override: it sends as fast as it can', {
          hint: 'drop the rate override (--rate), or pick a paced scenario',
        });
      }
      return { ...config, duration: o.durationMs, count: undefined };
  }
}
