import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BENCH_SEED,
  buildBenchScenarios,
  PRODUCE_SCENARIO,
  STEADY_SCENARIO,
  VERIFY_SCENARIO,
  writeScenariosFile,
} from '../../../bench/scenarios.js';
import { loadScenarios } from '../../../src/scenarios/loader.js';

const dir = mkdtempSync(join(tmpdir(), 'sc-sim-bench-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('buildBenchScenarios', () => {
  const bench = buildBenchScenarios({
    produceCount: 1234,
    verifyCount: 567,
    steadyDurationMs: 60_000,
    steadyWarmupMs: 15_000,
  });

  it('derives produce runs from the shipped throughput scenario: same producer, count and compression set', () => {
    for (const compression of ['none', 'gzip'] as const) {
      const s = bench.scenarios[PRODUCE_SCENARIO(compression)]!;
      expect(s.load).toEqual({ executor: 'unthrottled', count: 1234 });
      expect(s.producer).toEqual({ ...bench.throughput.producer, acks: 'all', compression });
      expect(s.world.seed).toBe(BENCH_SEED);
      expect(s.world.population).toEqual(bench.throughput.world.population);
    }
    const verify = bench.scenarios[VERIFY_SCENARIO]!;
    expect(verify.load).toEqual({ executor: 'unthrottled', count: 567 });
    // The verified run sends as the produce rounds do (idempotent, batches pipelined): their order is checked.
    expect(verify.producer).toEqual(bench.scenarios[PRODUCE_SCENARIO('none')]!.producer);
    expect(verify.producer.inFlightBatches).toBeGreaterThan(1);
  });

  it('derives the memory run from the shipped steady scenario with the bench length', () => {
    const s = bench.scenarios[STEADY_SCENARIO]!;
    expect(s.load).toMatchObject({ executor: 'constant-rate', duration: 60_000 });
    expect(s.warmup).toBe(15_000);
    expect(s.producer).toEqual(bench.steady.producer);
    expect(s.world.population).toEqual(bench.steady.world.population);
  });

  it('writes a scenarios file the loader reads back unchanged', () => {
    const file = join(dir, 'scenarios.yaml');
    writeScenariosFile(file, bench.scenarios);
    const loaded = loadScenarios(file);
    expect(Object.keys(loaded.scenarios).sort()).toEqual(Object.keys(bench.scenarios).sort());
    for (const [name, s] of Object.entries(bench.scenarios)) expect(loaded.scenarios[name]).toEqual(s);
  });
});
