import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NODE_FLAGS } from '../../src/version.js';

const read = (file: string) => readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');

describe('NODE_FLAGS', () => {
  it('are the flags of the npm scripts, the bench and the bin (the container: test/cli/image.test.ts)', () => {
    const flags = NODE_FLAGS.join(' ');
    expect(flags).toMatch(/^--max-semi-space-size=\d+$/);
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['start']).toBe(`node ${flags} --import tsx src/cli.ts start`);
    expect(scripts['sc-sim']).toBe(`node ${flags} --import tsx src/cli.ts`);
    // The bench's generator phases run in its own process: measured as sc-sim runs.
    expect(scripts['bench']).toBe(`node ${flags} --import tsx bench/run.ts`);
    expect(read('bin/sc-sim.js').split('\n')[0]).toBe(`#!/usr/bin/env -S node ${flags}`);
  });
});
