// Everything a run decides before it touches the outside world, done once: the scenario (loaded
// and validated once), --rate/--duration applied, the schedule built, the world config, the seed,
// the run id and the plan line that describes it all back.
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { ScSimError } from '../errors.js';
import type { WorldConfig } from '../generators/index.js';
import {
  applyOverrides,
  createSchedule,
  executorDurationMs,
  shardLoad,
  shardSchedule,
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
}

/** One part of a sharded run: shard `index` (0-based) of `count`. */
export interface Shard {
  index: number;
  count: number;
}

export interface PreparedRun {
  name: string;
  /** The scenario with the overrides applied. */
  scenario: Scenario;
  /** Built once; the plan line and the runner use this one. */
  schedule: Schedule;
  plan: string;
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
export function withOverrides(scenario: Scenario, o: Pick<RunSettings, 'ratePerSec' | 'durationMs'>): Scenario {
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

export function prepareRun(settings: RunSettings, now = new Date()): PreparedRun {
  const { name, scenario: base } = resolveScenario(settings.scenario, settings.file);
  const overridden = withOverrides(base, settings);
  const shard = settings.shard && settings.shard.count > 1 ? settings.shard : undefined;
  const scenario = shard ? { ...overridden, load: shardLoad(overridden.load, shard.index, shard.count) } : overridden;
  // A shard takes every N-th event of the whole run's schedule, so the shards add up exactly.
  const whole = createSchedule(overridden.load);
  const schedule = shard ? shardSchedule(whole, shard.index, shard.count) : whole;
  const seed = settings.seed ?? scenario.world.seed ?? randomInt(0, 0xffffffff);
  const shardNote = shard ? `; shard ${shard.index}/${shard.count}` : '';
  return {
    name,
    scenario,
    schedule,
    plan: planLine(scenario, schedule) + shardNote,
    seed,
    runId: settings.runId ?? (shard ? sharedRunId(name, seed, shard.count, settings.startAt) : newRunId(now)),
    prefix: settings.prefix ?? '',
    topics: resolveTopics(scenario.topics),
    world: { ...scenario.world, seed },
    shard,
    startAt: settings.startAt,
  };
}
