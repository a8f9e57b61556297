// The container image's contents, without Docker (this machine has no engine): the files the
// Dockerfile copies, with production dependencies only (`npm ci --omit=dev`), run the CLI.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/cli.js';
import { NODE_FLAGS } from '../../src/version.js';

const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'sc-sim-image-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the container image', () => {
  it('is Node 20 slim, production dependencies only, with the CLI as its entry point', () => {
    expect(dockerfile).toMatch(/^FROM node:20-slim$/m);
    expect(dockerfile).toMatch(/^RUN npm ci --omit=dev/m);
    // With the node flags every sc-sim process starts with (src/version.ts).
    const entrypoint = ['node', ...NODE_FLAGS, 'bin/sc-sim.js'].map((a) => JSON.stringify(a)).join(', ');
    expect(dockerfile.split('\n')).toContain(`ENTRYPOINT [${entrypoint}]`);
    expect(dockerfile).toMatch(/^USER node$/m);
  });

  it('runs sc-sim from exactly what it copies, with production dependencies only', () => {
    const copies = [...dockerfile.matchAll(/^COPY (.+) (\S+)$/gm)].flatMap((m) => m[1]!.split(/\s+/));
    expect(copies).toContain('src');
    for (const path of copies) cpSync(join(REPO_ROOT, path), join(dir, path), { recursive: true });
    execFileSync('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: dir,
      stdio: 'pipe',
    });
    const run = (args: string[]) =>
      spawnSync(process.execPath, [...NODE_FLAGS, 'bin/sc-sim.js', ...args], { cwd: dir, encoding: 'utf8' });
    const version = run(['--version']);
    expect(version.status, version.stderr).toBe(0);
    const dry = run(['run', 'seed-dev', '--dry-run', '--seed', '1']);
    expect(dry.status, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/^# plan: /m);
    expect(
      dry.stdout
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('{')),
    ).toHaveLength(5);
  }, 180_000);
});
