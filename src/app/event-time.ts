// Wires the runner's time to the world: each event is asked for at the instant the run's time mode
// gives it (live: the wall-clock instant it is due; backfill: its place in the history), encoded
// with that instant as its record timestamp, and tallied for the report's `time` section.
import type { Encoder } from '../records/encode.js';
import type { TimeReport } from '../report.js';
import { backfillClock, liveClock, type EventClock } from '../runner/time-mode.js';
import { describeShape } from '../runner/time-shape.js';
import type { PreparedTime } from './prepare.js';

export interface EventTimes {
  /** The instant of the event that fills schedule slot i (see RunnerOptions.nextRecord). */
  at: EventClock;
  /** The encoder, counting what was written for the report (first and last instants, clamps). */
  tally(encode: Encoder): Encoder;
  /**
   * What the tally has counted so far, read in place (no copy: a generation thread reads it after
   * every record it hands over).
   */
  readonly tallied: Readonly<Tallied>;
  /** Takes over a tally counted elsewhere (the generation threads'), in place of this one's. */
  adopt(t: Tallied): void;
  /** The time section of the report: the mode and what was written. */
  report(): TimeReport;
}

/** The instant of event i under the prepared time mode; `wallClockStartMs` is when the run started. */
export function eventClock(time: PreparedTime, wallClockStartMs: number): EventClock {
  if (!time.window || time.totalEvents === null) return liveClock(wallClockStartMs);
  const shape = time.settings.mode === 'backfill' ? time.settings.shape : 'flat';
  const whole = backfillClock(time.window.startMs, time.window.endMs, time.totalEvents, shape);
  const shard = time.shard;
  // Live offsets come from the (already strided) schedule; a backfill places events by index.
  return shard ? (i, offsetMs) => whole(i * shard.count + shard.index, offsetMs) : whole;
}

const LIVE_NOTE =
  "occurred_at is the wall-clock instant each event was due (its intended send time), and the record's CreateTime; the report's schedule delay is how long after it the record left";
const BACKFILL_NOTE =
  "occurred_at spreads the events over the history by its time shape (daily curve and weekly pattern, or evenly when flat), and each record's CreateTime is its occurred_at";

/** The events encoded so far: the first and last one's instants, and how many records were clamped. */
export interface Tallied {
  firstMs: number | null;
  lastMs: number | null;
  clamped: number;
}

export function eventTimes(time: PreparedTime, wallClockStartMs: number): EventTimes {
  const t: Tallied = { firstMs: null, lastMs: null, clamped: 0 };
  return {
    at: eventClock(time, wallClockStartMs),
    // Every event encoded, whether or not its own record is written (a derived-only run folds them).
    tally: (encode) => (event) => {
      const record = encode(event);
      t.firstMs ??= event.occurredAtMs;
      t.lastMs = event.occurredAtMs;
      if (record.timestampMs !== event.occurredAtMs) t.clamped++;
      return record;
    },
    tallied: t,
    adopt(other) {
      Object.assign(t, other);
    },
    report() {
      const { firstMs, lastMs, clamped } = t;
      const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
      const { settings, window } = time;
      return {
        mode: settings.mode,
        timeScale: time.timeScale,
        history: window && {
          startAt: new Date(window.startMs).toISOString(),
          endAt: new Date(window.endMs).toISOString(),
          durationMs: window.endMs - window.startMs,
        },
        beyondRetention: settings.mode === 'backfill' ? settings.beyondRetention : null,
        firstEventAt: iso(firstMs),
        lastEventAt: iso(lastMs),
        clampedRecords: clamped,
        note:
          settings.mode === 'backfill'
            ? BACKFILL_NOTE
            : settings.shape === 'flat'
              ? LIVE_NOTE
              : `${LIVE_NOTE}; the rate followed the ${describeShape(settings.shape)}, ${settings.timeScale}× faster than the wall clock`,
      };
    },
  };
}
