// Fuzzed scenario files: 1,000 seeded mutations of the shipped scenarios.yaml (lines deleted or
// shuffled, values swapped for odd ones, truncation, binary junk, huge numbers). Each must end in
// exit 0, or in a coded error whose validation lines say file:line:col — never E_INTERNAL, a stack
// trace, or more than 5 s.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUNDLED_SCENARIOS_PATH } from '../../../src/scenarios/loader.js';
import { hasStackTrace } from '../../support/cli.js';
import { mutateText, seededRandom } from '../../support/fuzz.js';
import { runMain, type InProcessResult } from '../../support/in-process-cli.js';

const CASES = 1_000;
const dir = mkdtempSync(join(tmpdir(), 'sc-sim-fuzz-scenarios-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function check(r: InProcessResult, where: string): void {
  expect(r.durationMs, where).toBeLessThan(5_000);
  expect([0, 1, 2], `${where}: exit ${r.code}\n${r.stderr}`).toContain(r.code);
  expect(r.stderr, where).not.toContain('E_INTERNAL');
  expect(hasStackTrace(r.stderr), `${where}\n${r.stderr}`).toBe(false);
  if (r.code === 0) return;
  expect(r.stderr, where).toMatch(/^error\[E_[A-Z_]+\]: /m);
  if (r.stderr.includes('error[E_SCENARIO_INVALID]')) {
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('  '));
    expect(lines.length, where).toBeGreaterThan(0);
    for (const l of lines) expect(l, where).toMatch(/^ {2}\S+\.yaml:\d+:\d+ /);
  }
}

describe('fuzzed scenarios.yaml', () => {
  it(`${CASES} mutants: exit 0 or a coded error with file:line:col, never a crash`, async () => {
    const original = readFileSync(BUNDLED_SCENARIOS_PATH, 'utf8');
    const rnd = seededRandom(20261201);
    const outcomes = { ok: 0, invalid: 0, other: 0 };
    for (let i = 0; i < CASES; i++) {
      let text = original;
      for (let n = 1 + Math.floor(rnd() * 3); n > 0; n--) text = mutateText(text, rnd);
      const file = join(dir, `case-${i}.yaml`);
      writeFileSync(file, text, 'latin1');
      const listed = await runMain(['scenarios', '-f', file]);
      check(listed, `case ${i} (scenarios): ${file}`);
      if (listed.code !== 0) {
        outcomes[listed.stderr.includes('E_SCENARIO_INVALID') ? 'invalid' : 'other']++;
        continue;
      }
      outcomes.ok++;
      // What survives validation must also be runnable: the plan and a first few events.
      const name = /^(\S+)\s/m.exec(listed.stdout.split('\n')[2] ?? '')?.[1];
      if (name) check(await runMain(['run', name, '--dry-run', '--seed', '1', '-f', file]), `case ${i} (run ${name})`);
      rmSync(file);
    }
    process.stderr.write(`fuzzed scenarios: ${JSON.stringify(outcomes)}\n`);
    // The mutations must exercise both paths, or the test proves little.
    expect(outcomes.ok).toBeGreaterThan(50);
    expect(outcomes.invalid).toBeGreaterThan(300);
  }, 600_000);
});
