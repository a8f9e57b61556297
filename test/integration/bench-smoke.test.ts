// Keeps `npm run bench` from rotting: its smoke mode runs every phase end to end against the test
// broker (figures from a smoke run are not benchmarks and are not asserted on).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { spawnTsx } from '../support/cli.js';

const brokers = inject('brokers');

describe('npm run bench -- --smoke', () => {
  it('runs all four phases against a real broker and writes its results file', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'sc-sim-bench-')), 'results.json');
    const child = spawnTsx('bench/run.ts', ['--smoke', '--brokers', brokers, '--out', out]);
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));

    expect(code, output.slice(-3000)).toBe(0);
    const results = JSON.parse(readFileSync(out, 'utf8'));
    expect(results.mode).toBe('smoke');
    expect(results.failures).toEqual([]);
    expect(results.generator.results.map((r: { mix: string }) => r.mix)).toEqual(['default', 'order-heavy']);
    const comparisons = results.produce.comparisons as { compression: string; ratio: number }[];
    expect(comparisons.map((c) => c.compression)).toEqual(['none', 'gzip']);
    for (const c of comparisons) expect(c.ratio).toBeGreaterThan(0);
    expect(results.verify.capacity.passed).toBe(true);
    expect(results.verify.capacity.verifiedPerSec).toBeGreaterThan(0);
    expect(results.memory.peakRssBytes).toBeGreaterThan(0);
    expect(output).toMatch(/ratio sc-sim \/ ProducerPerformance \(none\)/);
  }, 240_000);
});
