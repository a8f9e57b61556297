// `npm run bench` flags and the sizes each mode runs with (pure: unit-tested).
import { parseArgs } from 'node:util';
import { ScSimError } from '../src/errors.js';
import type { BenchMode } from './results.js';

export const PHASES = ['generator', 'produce', 'verify', 'memory'] as const;
export type Phase = (typeof PHASES)[number];

export interface BenchOptions {
  mode: BenchMode;
  /** Use these brokers instead of starting the bench's own. */
  brokers: string[] | undefined;
  /** Kafka client properties file for a secured cluster (sc-sim and ProducerPerformance both read it). */
  commandConfig: string | undefined;
  phases: Phase[];
  /** Events per mix for the generator bench. */
  generatorEvents: number;
  /** Records per produce round (each side). */
  produceCount: number;
  /** Rounds per side per compression (A B A B …). */
  rounds: number;
  verifyCount: number;
  memoryDurationMs: number;
  /** Upper bound of the memory run's warm-up (the shipped steady scenario's, scaled down for short runs). */
  memoryWarmupMaxMs: number;
  rssSampleIntervalMs: number;
  /** Results file; undefined = the mode's default (bench/results/<date>.json, smoke: .sc-sim/bench/). */
  out: string | undefined;
  /** Pass --cpu-prof to the sc-sim produce rounds, profiles written here. */
  cpuProfDir: string | undefined;
  /** The memory run's rate when no produce figure is measured in this bench run (--only memory). */
  memoryRatePerSec: number | undefined;
}

const SIZES: Record<
  BenchMode,
  Omit<BenchOptions, 'mode' | 'brokers' | 'commandConfig' | 'phases' | 'out' | 'cpuProfDir' | 'memoryRatePerSec'>
> = {
  // Seconds, not minutes: keeps the bench from rotting in CI (plus the broker start when not given).
  smoke: {
    generatorEvents: 20_000,
    produceCount: 5_000,
    rounds: 1,
    verifyCount: 5_000,
    memoryDurationMs: 6_000,
    memoryWarmupMaxMs: 2_000,
    rssSampleIntervalMs: 250,
  },
  default: {
    generatorEvents: 300_000,
    produceCount: 200_000,
    rounds: 3,
    verifyCount: 200_000,
    memoryDurationMs: 60_000,
    memoryWarmupMaxMs: 15_000,
    rssSampleIntervalMs: 1_000,
  },
  full: {
    generatorEvents: 1_000_000,
    produceCount: 500_000,
    rounds: 5,
    verifyCount: 500_000,
    memoryDurationMs: 300_000,
    memoryWarmupMaxMs: 30_000,
    rssSampleIntervalMs: 1_000,
  },
};

export const USAGE = `usage: npm run bench -- [--smoke | --full] [--brokers host:port,...] [--command-config file] [--only phase,...]
                       [--rounds N] [--count N] [--out results.json] [--cpu-prof dir] [--memory-rate N]
  (default)   a few minutes: generator, produce side by side (3 rounds), verification, 60 s memory run
  --smoke     seconds: tiny counts, 1 round, 6 s memory run (for CI); results to .sc-sim/bench/results.smoke.json
  --full      the issue's lengths: 5 rounds of 500k records, 5-minute memory run
  --brokers   use this cluster instead of starting the bench broker (port 19192, .sc-sim/kafka-bench)
  --command-config  Kafka client properties file of a secured cluster (TLS, SASL); SC_SIM_* variables apply too
  --only      some of: ${PHASES.join(', ')}
  --rounds    rounds per side and compression; --count records per round
  --cpu-prof  write V8 CPU profiles of the sc-sim produce rounds into dir
  --memory-rate  ev/s of the memory run when the produce phase does not run (default: the shipped steady rate)`;

function positiveInt(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new ScSimError('E_USAGE', `${flag} expects a whole number >= 1, got "${raw}"`, { hint: USAGE });
  return n;
}

export function parseBenchArgs(argv: readonly string[]): BenchOptions & { help: boolean } {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        smoke: { type: 'boolean' },
        full: { type: 'boolean' },
        brokers: { type: 'string' },
        'command-config': { type: 'string' },
        only: { type: 'string' },
        rounds: { type: 'string' },
        count: { type: 'string' },
        out: { type: 'string' },
        'cpu-prof': { type: 'string' },
        'memory-rate': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new ScSimError('E_USAGE', err instanceof Error ? err.message : String(err), { hint: USAGE });
  }
  if (values.smoke && values.full)
    throw new ScSimError('E_USAGE', '--smoke and --full exclude each other', { hint: USAGE });
  const mode: BenchMode = values.smoke ? 'smoke' : values.full ? 'full' : 'default';
  let phases: Phase[] = [...PHASES];
  if (values.only !== undefined) {
    const asked = values.only
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const unknown = asked.filter((a) => !(PHASES as readonly string[]).includes(a));
    if (unknown.length > 0 || asked.length === 0) {
      throw new ScSimError('E_USAGE', `--only: unknown phase ${unknown.join(', ') || '(none given)'}`, {
        hint: `phases: ${PHASES.join(', ')}`,
      });
    }
    phases = PHASES.filter((p) => asked.includes(p));
  }
  const brokers = values.brokers
    ?.split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  if (brokers !== undefined && brokers.length === 0)
    throw new ScSimError('E_USAGE', '--brokers is empty', { hint: 'e.g. --brokers 127.0.0.1:9092' });
  const sizes = SIZES[mode];
  return {
    mode,
    brokers,
    commandConfig: values['command-config'],
    phases,
    ...sizes,
    rounds: positiveInt('--rounds', values.rounds) ?? sizes.rounds,
    produceCount: positiveInt('--count', values.count) ?? sizes.produceCount,
    out: values.out,
    cpuProfDir: values['cpu-prof'],
    memoryRatePerSec: positiveInt('--memory-rate', values['memory-rate']),
    help: values.help ?? false,
  };
}
