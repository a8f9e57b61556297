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
  /** Counts one domain record encoded elsewhere (a generation thread): its event's instant and its timestamp. */
  count(occurredAtMs: number, timestampMs: number | undefined): void;
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

export function eventTimes(time: PreparedTime, wallClockStartMs: number): EventTimes {
  let firstMs: number | null = null;
  let lastMs: number | null = null;
  let clamped = 0;
  const count = (occurredAtMs: number, timestampMs: number | undefined) => {
    firstMs ??= occurredAtMs;
    lastMs = occurredAtMs;
    if (timestampMs !== occurredAtMs) clamped++;
  };
  return {
    at: eventClock(time, wallClockStartMs),
    tally: (encode) => (event) => {
      const record = encode(event);
      count(event.occurredAtMs, record.timestampMs);
      return record;
    },
    count,
    report() {
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
