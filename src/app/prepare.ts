// Everything a run decides before it touches the outside world, done once: the scenario (loaded
// and validated once), --rate/--duration applied, the schedule built, the world config, the seed,
// the run id and the plan line that describes it all back.
import { randomBytes, randomInt } from 'node:crypto';
import { ScSimError } from '../errors.js';
import type { WorldConfig } from '../generators/index.js';
import { applyOverrides, createSchedule, executorDurationMs, type Schedule } from '../runner/executors.js';
import { formatDurationMs } from '../runner/duration.js';
import { getScenario, loadScenarios, resolveScenariosPath, planLine, type Scenario } from '../scenarios/index.js';

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
  /** Overrides the scenario's producer.deliveryTimeout (--delivery-timeout). */
  deliveryTimeoutMs?: number;
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
  /** The scenario's world (parsed with the scenario, not again) with the run's seed. */
  world: WorldConfig & { seed: number };
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
  o: Pick<RunSettings, 'ratePerSec' | 'durationMs' | 'deliveryTimeoutMs'>,
): Scenario {
  const scenario =
    o.deliveryTimeoutMs === undefined
      ? base
      : { ...base, producer: { ...base.producer, deliveryTimeout: o.deliveryTimeoutMs } };
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

export function prepareRun(settings: RunSettings, now = new Date()): PreparedRun {
  const { name, scenario: base } = resolveScenario(settings.scenario, settings.file);
  const scenario = withOverrides(base, settings);
  const schedule = createSchedule(scenario.load);
  const seed = settings.seed ?? scenario.world.seed ?? randomInt(0, 0xffffffff);
  return {
    name,
    scenario,
    schedule,
    plan: planLine(scenario, schedule),
    seed,
    runId: newRunId(now),
    prefix: settings.prefix ?? '',
    world: { ...scenario.world, seed },
  };
}
