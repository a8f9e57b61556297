// The shape of traffic over the day and the week: per-hour multipliers of the local time of day and
// per-weekday multipliers, in a time zone. A backfill places its events by this intensity (a busy
// hour gets more of the history's events than a quiet one), so the history has days and nights.
import { z } from 'zod';

/**
 * Default hourly multipliers (local time 00..23, mean 1): a night trough near 0.2 around 04:00, a
 * morning rise, a lunchtime bump and the evening peak near 1.8 at 20:00-21:00, the shape published
 * diurnal curves of web and e-commerce traffic share (README "How realistic is it": a judgment).
 */
export const DEFAULT_HOURLY: readonly number[] = [
  0.55, 0.38, 0.27, 0.21, 0.2, 0.24, 0.38, 0.6, 0.83, 0.98, 1.05, 1.12, 1.2, 1.15, 1.08, 1.06, 1.1, 1.22, 1.42, 1.65,
  1.8, 1.78, 1.48, 1.01,
];

/** Default weekday multipliers, Monday..Sunday: weekends about 15% busier (a judgment, see README). */
export const DEFAULT_WEEKLY: readonly number[] = [0.95, 0.94, 0.95, 0.96, 1.0, 1.1, 1.1];

export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const positiveSum = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) > 0;

export const TimeShapeSchema = z.union([
  z.literal('flat').describe('every hour and day alike: events spread evenly'),
  z
    .object({
      timeZone: z
        .string()
        .default('UTC')
        .refine(isTimeZone, { message: 'not an IANA time zone (e.g. UTC, Europe/Berlin, America/New_York)' })
        .describe('the zone whose local hours and weekdays the multipliers are for'),
      hourly: z
        .array(z.number().min(0))
        .length(24)
        .refine(positiveSum, { message: 'at least one hour needs a multiplier > 0' })
        .default([...DEFAULT_HOURLY])
        .describe('24 multipliers, local hour 0 to 23'),
      weekly: z
        .array(z.number().min(0))
        .length(7)
        .refine(positiveSum, { message: 'at least one weekday needs a multiplier > 0' })
        .default([...DEFAULT_WEEKLY])
        .describe('7 multipliers, Monday to Sunday'),
    })
    .strict(),
]);
export type TimeShape = z.output<typeof TimeShapeSchema>;

/** The default shape: the default curves in UTC. */
export const DEFAULT_TIME_SHAPE: Exclude<TimeShape, 'flat'> = {
  timeZone: 'UTC',
  hourly: [...DEFAULT_HOURLY],
  weekly: [...DEFAULT_WEEKLY],
};

/** Local hour (0-23) and weekday (0 = Monday) of an instant in a time zone. */
export interface LocalTime {
  hour: number;
  weekday: number;
}

const WEEKDAY_INDEX: Readonly<Record<string, number>> = Object.fromEntries(WEEKDAYS.map((d, i) => [d, i]));

/** A function from instant to local hour and weekday (Intl, so daylight-saving changes are followed). */
export function localTimeIn(timeZone: string): (ms: number) => LocalTime {
  const format = new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', hourCycle: 'h23', weekday: 'short' });
  return (ms) => {
    let hour = 0;
    let weekday = 0;
    for (const part of format.formatToParts(ms)) {
      if (part.type === 'hour') hour = Number(part.value) % 24;
      else if (part.type === 'weekday') weekday = WEEKDAY_INDEX[part.value] ?? 0;
    }
    return { hour, weekday };
  };
}

/** The shape's multiplier at an instant: hourly[local hour] × weekly[local weekday]. */
export function intensityAt(shape: Exclude<TimeShape, 'flat'>, local: LocalTime): number {
  return shape.hourly[local.hour]! * shape.weekly[local.weekday]!;
}

/** The last k < count with sorted[k] <= value (0 when none is): a binary search over bucket starts. */
function lastAtOrBelow(sorted: readonly number[], value: number, count: number): number {
  let lo = 0;
  let hi = count - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (sorted[mid]! <= value) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Buckets of a quarter hour: local hours change on quarter hours in every zone (e.g. +05:45). */
const BUCKET_MS = 15 * 60_000;

/**
 * The instant of event `index` of `totalEvents` spread over [startMs, endMs] by the shape's
 * intensity: the inverse of the cumulative intensity at index / (totalEvents - 1), linear inside
 * each quarter hour. The first event is at startMs, the last at endMs; the times never decrease.
 */
export function shapedTimes(
  startMs: number,
  endMs: number,
  totalEvents: number,
  shape: TimeShape,
): (index: number) => number {
  const spanMs = endMs - startMs;
  if (shape === 'flat' || totalEvents <= 1 || spanMs <= 0) {
    const stepMs = totalEvents > 1 ? spanMs / (totalEvents - 1) : 0;
    return (index) => (index >= totalEvents - 1 ? endMs : startMs + Math.floor(index * stepMs));
  }
  const local = localTimeIn(shape.timeZone);
  // Bucket k covers [edges[k], edges[k+1]); cumulative[k] is the intensity mass before edges[k].
  const edges: number[] = [startMs];
  for (let t = Math.floor(startMs / BUCKET_MS) * BUCKET_MS + BUCKET_MS; t < endMs; t += BUCKET_MS) edges.push(t);
  edges.push(endMs);
  const rates: number[] = [];
  const cumulative: number[] = [0];
  for (let k = 0; k + 1 < edges.length; k++) {
    const rate = intensityAt(shape, local(edges[k]!));
    rates.push(rate);
    cumulative.push(cumulative[k]! + rate * (edges[k + 1]! - edges[k]!));
  }
  const mass = cumulative[cumulative.length - 1]!;
  // A window that falls only on hours with multiplier 0 has no shape to follow: spread it evenly.
  if (!(mass > 0)) return shapedTimes(startMs, endMs, totalEvents, 'flat');
  return (index) => {
    if (index >= totalEvents - 1) return endMs;
    const target = (index / (totalEvents - 1)) * mass;
    let lo = lastAtOrBelow(cumulative, target, rates.length);
    // Skip buckets with no intensity (their cumulative does not grow).
    while (rates[lo] === 0 && lo + 1 < rates.length) lo++;
    const rate = rates[lo]!;
    const inside = rate > 0 ? (target - cumulative[lo]!) / rate : 0;
    return Math.min(endMs, Math.floor(edges[lo]! + Math.max(0, inside)));
  };
}

/** The shape in words, for the plan line. */
export function describeShape(shape: TimeShape): string {
  if (shape === 'flat') return 'spread evenly';
  const peak = shape.hourly.indexOf(Math.max(...shape.hourly));
  const trough = shape.hourly.indexOf(Math.min(...shape.hourly));
  const weekdays = shape.weekly.slice(0, 5).reduce((s, x) => s + x, 0) / 5;
  const weekend = (shape.weekly[5]! + shape.weekly[6]!) / 2;
  const ratio = weekdays > 0 ? weekend / weekdays : Number.POSITIVE_INFINITY;
  return `daily curve in ${shape.timeZone} (peak ${peak}:00, trough ${trough}:00), weekends ×${ratio.toFixed(2)} weekdays`;
}

/** Above this many quarter hours of the curve, a shaped live run is refused (its schedule would be huge). */
export const MAX_SHAPED_QUARTER_HOURS = 200_000;

/** The rate plan of a live run a time shape drives: paced like the schedule it wraps. */
export interface RateShapedSchedule {
  readonly totalEvents: number;
  readonly durationMs: number;
  intendedOffsetMs(index: number): number;
  targetRateAt(offsetMs: number): number;
  eventsDueBefore(offsetMs: number): number;
}

/**
 * A live run's schedule with its rate shaped by the daily curve and weekly pattern: at offset t the
 * rate is the base schedule's rate × the shape's multiplier at the curve's local time, which starts
 * at `startMs` and runs `timeScale` times faster than the wall clock (timeScale 3600: one wall second
 * is one hour of the curve). The multipliers change on quarter hours of the curve's time; in between
 * the base schedule's own ramp is followed exactly, so event i is due when the shaped integral
 * reaches i. With a mean multiplier of 1 over the week the base rate is the week's mean rate.
 */
export function shapeRate(
  base: RateShapedSchedule,
  shape: Exclude<TimeShape, 'flat'>,
  startMs: number,
  timeScale: number,
): RateShapedSchedule {
  const local = localTimeIn(shape.timeZone);
  const curveAt = (offsetMs: number) => startMs + offsetMs * timeScale;
  // Bucket k covers run offsets [edges[k], edges[k+1]): one quarter hour of the curve (or part of one).
  const edges: number[] = [0];
  const firstEdge = Math.floor(startMs / BUCKET_MS) * BUCKET_MS + BUCKET_MS;
  for (let c = firstEdge; (c - startMs) / timeScale < base.durationMs; c += BUCKET_MS)
    edges.push((c - startMs) / timeScale);
  edges.push(base.durationMs);
  const multipliers: number[] = [];
  const baseBefore: number[] = [];
  const cumulative: number[] = [0];
  for (let k = 0; k + 1 < edges.length; k++) {
    const m = intensityAt(shape, local(curveAt(edges[k]!)));
    const b0 = base.eventsDueBefore(edges[k]!);
    multipliers.push(m);
    baseBefore.push(b0);
    cumulative.push(cumulative[k]! + m * (base.eventsDueBefore(edges[k + 1]!) - b0));
  }
  const total = cumulative[cumulative.length - 1]!;
  const bucketAt = (offsetMs: number): number => lastAtOrBelow(edges, offsetMs, multipliers.length);
  return {
    // As the base schedule counts: event i exists when it is due strictly before the end.
    totalEvents: Math.max(0, Math.ceil(total - 1e-9)),
    durationMs: base.durationMs,
    intendedOffsetMs(index) {
      // The last bucket that starts at or before `index` in the shaped count, skipping empty ones.
      let lo = lastAtOrBelow(cumulative, index, multipliers.length);
      while (multipliers[lo] === 0 && lo + 1 < multipliers.length) lo++;
      const m = multipliers[lo]!;
      if (m === 0) return base.durationMs;
      const offset = base.intendedOffsetMs(baseBefore[lo]! + Math.max(0, index - cumulative[lo]!) / m);
      return Math.min(Math.max(offset, edges[lo]!), base.durationMs);
    },
    targetRateAt(offsetMs) {
      if (offsetMs < 0 || offsetMs >= base.durationMs) return 0;
      return base.targetRateAt(offsetMs) * multipliers[bucketAt(offsetMs)]!;
    },
    eventsDueBefore(offsetMs) {
      if (offsetMs <= 0) return 0;
      if (offsetMs >= base.durationMs) return total;
      const k = bucketAt(offsetMs);
      return cumulative[k]! + multipliers[k]! * (base.eventsDueBefore(offsetMs) - baseBefore[k]!);
    },
  };
}

/** The local time of an instant in words, e.g. "Tue 18:30 in Europe/Berlin". */
export function describeLocal(ms: number, timeZone: string): string {
  const f = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  return `${f.format(ms).replace(',', '')} in ${timeZone}`;
}
