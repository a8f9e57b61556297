// Wires the runner's time to the world: each event is asked for at the instant the run's time mode
// gives it (live: the wall-clock instant it is due; backfill: its place in the history), encoded
// with that instant as its record timestamp, and tallied for the report's `time` section.
import type { WorldStream } from '../generators/index.js';
import type { Encoder } from '../records/encode.js';
import type { TimeReport } from '../report.js';
import { backfillClock, liveClock, type EventClock } from '../runner/time-mode.js';
import type { SinkRecord } from '../sinks/types.js';
import type { PreparedTime } from './prepare.js';

export interface EventSource {
  /** What the runner calls for each event it sends (see RunnerOptions.nextRecord). */
  nextRecord(index: number, intendedOffsetMs: number): SinkRecord;
  /** The time section of the report: the mode and what was written. */
  report(): TimeReport;
}

/** The instant of event i under the prepared time mode; `wallClockStartMs` is when the run started. */
export function eventClock(time: PreparedTime, wallClockStartMs: number): EventClock {
  return time.window && time.totalEvents !== null
    ? backfillClock(time.window.startMs, time.window.endMs, time.totalEvents)
    : liveClock(wallClockStartMs);
}

const LIVE_NOTE =
  "occurred_at is the wall-clock instant each event was due (its intended send time), and the record's CreateTime; the report's schedule delay is how long after it the record left";
const BACKFILL_NOTE =
  "occurred_at spreads the events evenly over the history, and each record's CreateTime is its occurred_at";

export function eventSource(
  time: PreparedTime,
  world: WorldStream,
  encode: Encoder,
  wallClockStartMs: number,
): EventSource {
  const at = eventClock(time, wallClockStartMs);
  let firstMs: number | null = null;
  let lastMs: number | null = null;
  let clamped = 0;
  return {
    nextRecord(index, intendedOffsetMs) {
      const event = world.next(at(index, intendedOffsetMs));
      const record = encode(event);
      firstMs ??= event.occurredAtMs;
      lastMs = event.occurredAtMs;
      if (record.timestampMs !== event.occurredAtMs) clamped++;
      return record;
    },
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
        note: settings.mode === 'live' ? LIVE_NOTE : BACKFILL_NOTE,
      };
    },
  };
}
