// The run's time mode (a scenario's `time:` block): live, where every event happens at the wall-clock
// instant it is due, or backfill, a history of a chosen length that ends now. Each mode gives the
// instant event i happens at; the app hands it to the world, which never reads a clock itself.
import { z } from 'zod';
import { DERIVED_CATALOG } from '../catalog/derived.js';
import { DOMAIN_TOPICS, getTopic } from '../catalog/topics.js';
import { formatDurationMs, PositiveDurationSchema } from './duration.js';
import { DEFAULT_TIME_SHAPE, describeShape, shapedTimes, TimeShapeSchema, type TimeShape } from './time-shape.js';

/** Margin kept between a clamped record's timestamp and its topic's retention edge. */
export const RETENTION_MARGIN_MS = 3_600_000;

export const LiveTimeSchema = z
  .object({
    mode: z.literal('live'),
    timeScale: z
      .number()
      .positive()
      .max(1_000_000)
      .default(1)
      .describe(
        "world durations (lock-outs, suspensions, promotion schedules) and a shaped rate's curve pass this many times faster than the wall clock; occurred_at stays the wall clock's",
      ),
    shape: TimeShapeSchema.default('flat').describe(
      "`flat` (default): the load's rate as given. A daily curve and weekly pattern: the rate is multiplied by the curve's multiplier at its local time, which starts when the run does and runs timeScale× faster than the wall clock (timeScale 3600: a day in 24 s)",
    ),
  })
  .strict();

export const BackfillTimeSchema = z
  .object({
    mode: z.literal('backfill'),
    history: PositiveDurationSchema.describe('how far back the history reaches, e.g. 7d'),
    endAt: z.iso
      .datetime()
      .optional()
      .describe('where the history ends (ISO-8601); default: when the run starts, so it ends now'),
    beyondRetention: z
      .enum(['refuse', 'clamp'])
      .default('refuse')
      .describe(
        "an event older than its topic's retention would be deleted at once: refuse such a history, or clamp the record's timestamp to the retention edge (occurred_at is kept)",
      ),
    shape: TimeShapeSchema.default(DEFAULT_TIME_SHAPE).describe(
      'how the events spread over the history: a daily curve and weekly pattern in a time zone (default), or `flat`',
    ),
  })
  .strict();

export const TimeSchema = z.discriminatedUnion('mode', [LiveTimeSchema, BackfillTimeSchema]);
export type TimeSettings = z.output<typeof TimeSchema>;
export type BackfillSettings = z.output<typeof BackfillTimeSchema>;

export const LIVE_DEFAULT: TimeSettings = { mode: 'live', timeScale: 1, shape: 'flat' };

const EVENT_TIMED = new Set<string>([...DOMAIN_TOPICS, ...DERIVED_CATALOG.map((d) => d.topic)]);

/** Of the topics a run writes, those whose records carry event times (not dead letters, heartbeats). */
export const eventTimedTopics = (topics: readonly string[]): string[] => topics.filter((t) => EVENT_TIMED.has(t));

/**
 * The topics whose retention a history reaches past, shortest retention first: the domain topics,
 * or the topics a run writes with their events' times (projections and analytics carry their
 * source's; dead letters and heartbeats are stamped when sent).
 */
export function topicsBeyondRetention(
  historyMs: number,
  topics: readonly string[] = DOMAIN_TOPICS,
): { topic: string; retentionMs: number }[] {
  return topics
    .map((topic) => ({ topic, retentionMs: getTopic(topic)!.retentionMs }))
    .filter((t) => t.retentionMs < historyMs + RETENTION_MARGIN_MS)
    .sort((a, b) => a.retentionMs - b.retentionMs || a.topic.localeCompare(b.topic));
}

/** The time mode in words, for the plan line (`endMs` known once a run is prepared). */
export function describeTime(time: TimeSettings, endMs?: number): string {
  if (time.mode === 'live') {
    const base =
      time.timeScale === 1
        ? 'live time: occurred_at = the wall clock'
        : `live time, timeScale ${time.timeScale}: occurred_at = the wall clock, world durations ${time.timeScale}× faster`;
    return time.shape === 'flat' ? base : `${base}; rate shaped by the ${describeShape(time.shape)}`;
  }
  const end = time.endAt ?? (endMs === undefined ? 'now' : new Date(endMs).toISOString());
  const beyond = topicsBeyondRetention(time.history);
  const retention =
    beyond.length === 0
      ? 'within every topic’s retention'
      : time.beyondRetention === 'clamp'
        ? `record timestamps older than ${beyond.map((b) => `${b.topic} ${formatDurationMs(b.retentionMs)}`).join(', ')} retention clamped to it (occurred_at kept)`
        : `refused: older than ${beyond[0]!.topic}'s ${formatDurationMs(beyond[0]!.retentionMs)} retention`;
  return `backfill ${formatDurationMs(time.history)} ending ${end}, ${describeShape(time.shape)}; ${retention}`;
}

/** When each event happens (ms since the epoch), from its index and its intended offset into the run. */
export type EventClock = (index: number, intendedOffsetMs: number) => number;

/**
 * Live: event i happens at the wall-clock instant it is due (the run's wall-clock start plus its
 * intended offset, whole ms), so a 1 s bucket is one wall second. A deterministic function of the
 * schedule, so the same seed makes the same decisions however late the runner is; how far a record
 * left after its occurred_at is the run's schedule delay.
 */
export function liveClock(wallStartMs: number): EventClock {
  const start = Math.floor(wallStartMs);
  return (_index, intendedOffsetMs) => start + Math.floor(intendedOffsetMs);
}

/**
 * Backfill: the `totalEvents` events spread over [startMs, endMs] by the time shape (the daily curve
 * and weekly pattern; evenly when `flat`), the first at startMs and the last at endMs, whatever the
 * write rate.
 */
export function backfillClock(
  startMs: number,
  endMs: number,
  totalEvents: number,
  shape: TimeShape = 'flat',
): EventClock {
  const at = shapedTimes(startMs, endMs, totalEvents, shape);
  return (index) => at(index);
}

/** Per logical topic, the earliest timestamp a record may carry: now − retention + a margin. */
export function retentionFloors(nowMs: number, topics: readonly string[] = DOMAIN_TOPICS): Map<string, number> {
  return new Map(topics.map((t) => [t, nowMs - getTopic(t)!.retentionMs + RETENTION_MARGIN_MS]));
}
