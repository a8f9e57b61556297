// Memory: peak RSS of a `steady` run at half the max rate, and whether RSS grows over the run
// (world state and metrics must be bounded). The run is its own process, sampled from /proc.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KafkaConnection } from '../src/config.js';
import type { RunReport } from '../src/report/types.js';
import { runScenarioChild } from './child.js';
import { BENCH_SEED, STEADY_SCENARIO } from './scenarios.js';
import { rssGrowth, type RssGrowth, type RssSample } from './stats.js';

export interface MemorySetup {
  connection: KafkaConnection;
  prefix: string;
  scenariosFile: string;
  workDir: string;
  ratePerSec: number;
  durationMs: number;
  warmupMs: number;
  sampleIntervalMs: number;
}

export interface MemoryResult {
  scenario: string;
  targetRatePerSec: number;
  achievedRatePerSec: number;
  achievedRateRatio: number | null;
  durationMs: number;
  warmupMs: number;
  acked: number;
  errors: number;
  dropped: number;
  ackLatencyP99Ms: number;
  /** VmHWM of the process: the most it ever held resident. */
  peakRssBytes: number;
  /** Judged over the samples after the warm-up (start-up and warm-up growth is expected). */
  growth: RssGrowth;
  /** When the run started sending, ms after the process started (module loading and connecting before). */
  runStartAtMs: number | null;
  samples: RssSample[];
}

/** The samples the growth verdict is taken from: after the run started and its warm-up ended. */
export function steadyStateSamples(
  samples: readonly RssSample[],
  runStartAtMs: number | undefined,
  warmupMs: number,
): RssSample[] {
  const from = (runStartAtMs ?? 0) + warmupMs;
  const after = samples.filter((s) => s.tMs >= from);
  return after.length >= 3 ? after : [...samples];
}

export async function measureMemory(setup: MemorySetup): Promise<MemoryResult> {
  const out = join(setup.workDir, 'steady.report.json');
  const r = await runScenarioChild({
    scenario: {
      scenario: STEADY_SCENARIO,
      file: setup.scenariosFile,
      connection: setup.connection,
      prefix: setup.prefix,
      seed: BENCH_SEED,
      ratePerSec: Math.round(setup.ratePerSec),
      durationMs: setup.durationMs,
      out,
      verbose: true,
    },
    rssSampleIntervalMs: setup.sampleIntervalMs,
    // runScenario logs this right before it connects the producer and starts the clock.
    stderrMarker: /topics ready on/,
    timeoutMs: setup.durationMs + 120_000,
  });
  if (r.exitCode !== 0 && r.exitCode !== 3)
    throw new Error(`scenario ${STEADY_SCENARIO} exited ${r.exitCode}:\n${r.stderr.slice(-2000)}`);
  const report = JSON.parse(readFileSync(out, 'utf8')) as RunReport;
  const t = report.summary.totals;
  return {
    scenario: STEADY_SCENARIO,
    targetRatePerSec: Math.round(setup.ratePerSec),
    achievedRatePerSec: t.achievedRatePerSec,
    achievedRateRatio: t.achievedRateRatio,
    durationMs: setup.durationMs,
    warmupMs: setup.warmupMs,
    acked: t.acked,
    errors: t.failed + t.indeterminate,
    dropped: t.dropped,
    ackLatencyP99Ms: report.summary.ackLatencyMs.p99,
    peakRssBytes: r.peakRssBytes ?? Math.max(0, ...r.rss.map((s) => s.rssBytes)),
    growth: rssGrowth(steadyStateSamples(r.rss, r.markerAtMs, setup.warmupMs)),
    runStartAtMs: r.markerAtMs ?? null,
    samples: r.rss,
  };
}
