// `verify`, `consume` and `compare` as a user calls them, in-process (their command modules): flags, errors and output
// that need no broker (the broker paths are covered in test/integration).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerConsume } from '../../../src/cli/consume.js';
import { registerReport } from '../../../src/cli/report.js';
import { registerVerify } from '../../../src/cli/verify.js';
import { isScSimError } from '../../../src/errors.js';
import { fixtureRun, STEADY_VIRAL } from '../../support/run-fixture.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sc-sim-cli-verify-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

async function run(args: string[]): Promise<{ stdout: string; stderr: string; error: unknown }> {
  let stdout = '';
  let stderr = '';
  const program = new Command('sc-sim')
    .exitOverride()
    .configureOutput({ writeOut: (s) => (stdout += s), writeErr: (s) => (stderr += s) });
  registerVerify(program);
  registerConsume(program);
  registerReport(program);
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  let error: unknown;
  try {
    await program.parseAsync(['node', 'sc-sim', ...args]);
  } catch (err) {
    error = err;
  }
  return { stdout, stderr, error };
}

describe('sc-sim consume', () => {
  it('rejects a negative processing cost, naming the flag', async () => {
    const r = await run(['consume', '--per-event-ms', '-1']);
    expect(r.error).toBeInstanceOf(CommanderError);
    expect(r.stderr).toContain('--per-event-ms expects a number >= 0, got "-1"');
  });

  it('rejects a topic that is not in the catalog before connecting anywhere', async () => {
    const r = await run(['consume', '--topics', 'sc.domain.nope', '--brokers', '127.0.0.1:1']);
    expect(isScSimError(r.error) && r.error.code).toBe('E_USAGE');
    expect((r.error as Error).message).toContain('not catalog topics: sc.domain.nope');
  });
});

describe('sc-sim verify', () => {
  it('refuses a report that recorded no offsets (not a Kafka run)', async () => {
    const { report } = await fixtureRun('seed-dev', { ratePerSec: 1_000, durationMs: 500 });
    const file = join(dir, 'ndjson-run.json');
    writeFileSync(file, JSON.stringify({ ...report, offsets: null }));
    const r = await run(['verify', '--report', file]);
    expect(isScSimError(r.error) && r.error.code).toBe('E_REPORT_FILE');
    expect((r.error as Error).message).toContain('records no offsets');
  });
});

describe('sc-sim compare', () => {
  it('prints the two runs side by side', async () => {
    const world = {
      population: { users: 100, suppliers: 5, communities: 4, products: 20, promotions: 5, posts: 10 },
      ...STEADY_VIRAL,
    };
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    writeFileSync(
      a,
      JSON.stringify(
        (await fixtureRun('viral-promotion-entity', { ratePerSec: 2_000, durationMs: 3_000, world })).report,
      ),
    );
    writeFileSync(
      b,
      JSON.stringify(
        (await fixtureRun('viral-promotion-bucketed', { ratePerSec: 2_000, durationMs: 3_000, world })).report,
      ),
    );
    const r = await run(['compare', a, b]);
    expect(r.error).toBeUndefined();
    expect(r.stdout).toContain(`A: ${a} (viral-promotion-entity)`);
    expect(r.stdout).toMatch(/hottest partition share\s+9\d\.\d% \[\d\]\s+\d\d\.\d% \[\d\]/);
    const json = await run(['compare', a, b, '--json']);
    expect(JSON.parse(json.stdout).a.scenario).toBe('viral-promotion-entity');
  });
});
