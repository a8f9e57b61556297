// Everything a run decides before it touches the outside world, done once: the scenario (loaded
// and validated once), --rate/--duration applied, the schedule built, the time mode's window, the
// world config, the seed, the run id and the plan line that describes it all back.
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { ScSimError } from '../errors.js';
import type { WorldConfig } from '../generators/index.js';
import {
  applyOverrides,
  createSchedule,
  executorDurationMs,
  shardLoad,
  shardSchedule,
  type ExecutorConfig,
  type Schedule,
} from '../runner/executors.js';
import { formatDurationMs } from '../runner/duration.js';
import type { TopicName } from '../catalog/topics.js';
import {
  getScenario,
  loadScenarios,
  resolveScenariosPath,
  resolveTopics,
  planLine,
  type Scenario,
} from '../scenarios/index.js';
import { eventTimedTopics, retentionFloors, topicsBeyondRetention, type TimeSettings } from '../runner/time-mode.js';
import { describeLocal, shapeRate } from '../runner/time-shape.js';
import { DOMAIN_TOPICS } from '../catalog/topics.js';

export interface NamedScenario {
  name: string;
  scenario: Scenario;
}

/** What a run is made of, before any connection: the scenario and its overrides. */
export interface RunSettings {
  /** A scenario name from the scenarios file, or a scenario given directly (e.g. by the bench). */
  scenario: string | NamedScenario;
  /** Scenarios file (default ./scenarios.yaml, else the bundled one). */
  file?: string;
  /** Namespace prefix of topic names. */
  prefix?: string;
  /** Overrides the scenario's world.seed; without either, a random seed (reported). */
  seed?: number;
  ratePerSec?: number;
  durationMs?: number;
  /** This process's part of a sharded run (rates and counts divided, its own part of the world). */
  shard?: Shard;
  /** The start barrier: set-up happens first, then sending begins at this wall-clock instant. */
  startAt?: Date;
  /** The run id (shards of one run share it); default a fresh one, or one derived for a sharded run. */
  runId?: string;
  /** Overrides the scenario's producer.deliveryTimeout (--delivery-timeout). */
  deliveryTimeoutMs?: number;
  /** Overrides the scenario's producer.metadataMaxAge (--metadata-max-age). */
  metadataMaxAgeMs?: number;
  /** Overrides the scenario's generator.threads (--generator-threads). */
  generatorThreads?: number | 'auto';
}

/** One part of a sharded run: shard `index` (0-based) of `count`. */
export interface Shard {
  index: number;
  count: number;
}

/** The run's time mode, worked out once. */
export interface PreparedTime {
  settings: TimeSettings;
  /** Backfill: the history's first and last instants (ms since the epoch); null when live. */
  window: { startMs: number; endMs: number } | null;
  /** Backfill: how many events the history holds (the schedule's total). */
  totalEvents: number | null;
  /** Backfill with beyondRetention clamp: per logical topic, the earliest record timestamp. */
  minTimestampMs: ReadonlyMap<string, number> | undefined;
  /** How much faster world durations pass than the stream's clock (live timeScale; 1 for backfill). */
  timeScale: number;
  /** A shard's event i is the whole run's event i·count + index: its place in a backfill's history. */
  shard?: Shard;
}

export interface PreparedRun {
  name: string;
  /** The scenario with the overrides applied. */
  scenario: Scenario;
  /** Built once; the plan line and the runner use this one. */
  schedule: Schedule;
  /** What the schedule is built from (plain data): a generation thread builds the same one from it. */
  scheduleSpec: ScheduleSpec;
  plan: string;
  time: PreparedTime;
  seed: number;
  runId: string;
  prefix: string;
  /** The logical topics the run writes (the scenario's `topics`), in catalog order. */
  topics: TopicName[];
  /** The scenario's world (parsed with the scenario, not again) with the run's seed. */
  world: WorldConfig & { seed: number };
  shard: Shard | undefined;
  startAt: Date | undefined;
}

/** `run-20260101T120000-a1b2c3`: sortable by time, unique enough to share a broker. */
export function newRunId(now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, '');
  return `run-${stamp}-${randomBytes(3).toString('hex')}`;
}

export function resolveScenario(ref: string | NamedScenario, file?: string): NamedScenario {
  if (typeof ref !== 'string') return ref;
  const loaded = loadScenarios(resolveScenariosPath(file));
  return { name: ref, scenario: getScenario(loaded, ref) };
}

/** The scenario with the rate/duration overrides applied to its load shape. */
export function withOverrides(
  base: Scenario,
  o: Pick<RunSettings, 'ratePerSec' | 'durationMs' | 'deliveryTimeoutMs' | 'metadataMaxAgeMs' | 'generatorThreads'>,
): Scenario {
  const threaded =
    o.generatorThreads === undefined
      ? base
      : { ...base, generator: { ...base.generator, threads: o.generatorThreads } };
  const scenario =
    o.deliveryTimeoutMs === undefined && o.metadataMaxAgeMs === undefined
      ? threaded
      : {
          ...threaded,
          producer: {
            ...base.producer,
            deliveryTimeout: o.deliveryTimeoutMs ?? base.producer.deliveryTimeout,
            metadataMaxAge: o.metadataMaxAgeMs ?? base.producer.metadataMaxAge,
          },
        };
  const load = applyOverrides(scenario.load, o);
  if (load === scenario.load) return scenario;
  const durationMs = executorDurationMs(load);
  if (scenario.warmup > 0 && durationMs !== undefined && durationMs <= scenario.warmup) {
    throw new ScSimError(
      'E_USAGE',
      `the run (${formatDurationMs(durationMs)}) is no longer than its warm-up (${formatDurationMs(scenario.warmup)}): nothing would be measured`,
      { hint: `give a duration longer than ${formatDurationMs(scenario.warmup)}` },
    );
  }
  return { ...scenario, load };
}

/**
 * The run id all shards of one sharded run agree on without talking to each other: derived from
 * what they share (scenario, seed, shard count, start time).
 */
export function sharedRunId(name: string, seed: number, count: number, startAt: Date | undefined): string {
  const stamp = (startAt ?? new Date(0))
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, '');
  const digest = createHash('sha256').update(`${name}\u0000${seed}\u0000${count}\u0000${startAt?.toISOString() ?? ''}`);
  return `run-${stamp}-${digest.digest('hex').slice(0, 6)}`;
}

/** The time mode's window and clamps; a backfill needs a known event count and (unless clamped) retention room. */
export function prepareTime(
  time: TimeSettings,
  schedule: Schedule,
  nowMs: number,
  topics: readonly string[] = DOMAIN_TOPICS,
): PreparedTime {
  if (time.mode === 'live') {
    return { settings: time, window: null, totalEvents: null, minTimestampMs: undefined, timeScale: time.timeScale };
  }
  const totalEvents = schedule.totalEvents;
  if (totalEvents === undefined) {
    throw new ScSimError('E_USAGE', 'a backfill spreads a known number of events over its history: this run has none', {
      hint: 'give the unthrottled load a count (not a duration), or drop --duration',
    });
  }
  const endMs = time.endAt === undefined ? nowMs : Date.parse(time.endAt);
  const startMs = endMs - time.history;
  // The broker deletes by age from now: a history pinned in the past can reach past retention too.
  const timed = eventTimedTopics(topics);
  const beyond = topicsBeyondRetention(nowMs - startMs, timed);
  if (beyond.length > 0 && time.beyondRetention === 'refuse') {
    const first = beyond[0]!;
    throw new ScSimError(
      'E_CONFIG',
      `the backfill reaches back to ${new Date(startMs).toISOString()}, past ${first.topic}'s ${formatDurationMs(first.retentionMs)} retention: its oldest events would be deleted at once`,
      { hint: 'shorten time.history, move time.endAt closer to now, or set time.beyondRetention: clamp' },
    );
  }
  return {
    settings: time,
    window: { startMs, endMs },
    totalEvents,
    minTimestampMs: time.beyondRetention === 'clamp' ? retentionFloors(nowMs, timed) : undefined,
    timeScale: 1,
  };
}

/** What a run's schedule is built from: the whole run's load, its time mode, and this process's shard. */
export interface ScheduleSpec {
  load: ExecutorConfig;
  time: TimeSettings;
  /** Where a live daily curve starts (the run's start barrier, or now). */
  curveStartMs: number;
  shard: Shard | undefined;
}

/** The whole run's schedule (every shard's events). */
function wholeSchedule(spec: ScheduleSpec): Schedule {
  return liveShaped(createSchedule(spec.load), spec.time, spec.curveStartMs);
}

/** This process's part of the whole run's schedule: all of it, or its shard's every N-th event. */
function ofShard(whole: Schedule, shard: Shard | undefined): Schedule {
  return shard ? shardSchedule(whole, shard.index, shard.count) : whole;
}

/** This process's schedule, built from its spec (as prepareRun builds it). */
export function buildSchedule(spec: ScheduleSpec): Schedule {
  return ofShard(wholeSchedule(spec), spec.shard);
}

/** A live run's schedule with its rate shaped by the scenario's daily curve (unchanged when flat). */
function liveShaped(schedule: Schedule, time: TimeSettings, curveStartMs: number): Schedule {
  if (time.mode !== 'live' || time.shape === 'flat') return schedule;
  if (schedule.kind !== 'paced') {
    throw new ScSimError('E_USAGE', 'an unthrottled load has no rate for the daily curve to shape', {
      hint: 'use a constant-rate or ramping-rate load, or set time.shape: flat',
    });
  }
  return { kind: 'paced', ...shapeRate(schedule, time.shape, curveStartMs, time.timeScale) };
}

/** Where on the curve a shaped live run starts, and how fast it moves along it. */
function curveNote(time: TimeSettings, curveStartMs: number): string {
  if (time.mode !== 'live' || time.shape === 'flat') return '';
  const pace =
    time.timeScale === 1
      ? 'at the wall clock’s pace'
      : `1 s = ${formatDurationMs(time.timeScale * 1_000)} of the curve`;
  return `; the curve from ${describeLocal(curveStartMs, time.shape.timeZone)}, ${pace}`;
}

export function prepareRun(settings: RunSettings, now = new Date()): PreparedRun {
  const { name, scenario: base } = resolveScenario(settings.scenario, settings.file);
  const overridden = withOverrides(base, settings);
  const shard = settings.shard && settings.shard.count > 1 ? settings.shard : undefined;
  const scenario = shard ? { ...overridden, load: shardLoad(overridden.load, shard.index, shard.count) } : overridden;
  // A shard takes every N-th event of the whole run's schedule, so the shards add up exactly; a live
  // rate shaped by the daily curve starts the curve where the run (every shard's barrier) starts.
  const curveStartMs = (settings.startAt ?? now).getTime();
  const scheduleSpec: ScheduleSpec = { load: overridden.load, time: overridden.time, curveStartMs, shard };
  const whole = wholeSchedule(scheduleSpec);
  const schedule = ofShard(whole, shard);
  const seed = settings.seed ?? scenario.world.seed ?? randomInt(0, 0xffffffff);
  const shardNote = shard ? `; shard ${shard.index}/${shard.count}` : '';
  // A backfill spreads the whole run's events over its history; shards agree on its end (the start barrier).
  const topics = resolveTopics(scenario.topics);
  const time = { ...prepareTime(scenario.time, whole, (settings.startAt ?? now).getTime(), topics), shard };
  return {
    name,
    scenario,
    schedule,
    scheduleSpec,
    plan: planLine(scenario, schedule, time.window?.endMs) + curveNote(scenario.time, curveStartMs) + shardNote,
    time,
    seed,
    runId: settings.runId ?? (shard ? sharedRunId(name, seed, shard.count, settings.startAt) : newRunId(now)),
    prefix: settings.prefix ?? '',
    topics,
    world: { ...scenario.world, seed },
    shard,
    startAt: settings.startAt,
  };
}
