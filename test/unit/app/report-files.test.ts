import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readReportFile, writeReportFile } from '../../../src/app/report-files.js';
import { fixtureRun } from '../../support/run-fixture.js';

describe('report files', () => {
  it('saves and reads back a report; rejects what is not one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sc-sim-report-'));
    const { report: r } = await fixtureRun('seed-dev', { ratePerSec: 1_000, durationMs: 300 });
    writeReportFile(join(dir, 'r.json'), r);
    expect(readReportFile(join(dir, 'r.json'))).toEqual(r);
    writeFileSync(join(dir, 'bad.json'), '{"hello": 1}');
    expect(() => readReportFile(join(dir, 'bad.json'))).toThrow(/not an sc-sim run report/);
    writeFileSync(join(dir, 'v9.json'), JSON.stringify({ ...r, schemaVersion: 9 }));
    expect(() => readReportFile(join(dir, 'v9.json'))).toThrow(/schemaVersion 9/);
    expect(() => readReportFile(join(dir, 'missing.json'))).toThrow(/not found/);
    writeFileSync(join(dir, 'junk.json'), '{"truncated": ');
    expect(() => readReportFile(join(dir, 'junk.json'))).toThrow(/junk.json is not JSON/);
    // The generator threads line is read from the file (a fuzzed report once crashed its renderer).
    expect(r.run.threads?.generatorThreads).toEqual({ threads: 0, why: 'generator.threads: 0' });
    for (const generatorThreads of [{ threads: 2 }, { threads: -1, why: 'x' }, 'two']) {
      const odd = { ...r, run: { ...r.run, threads: { ...r.run.threads!, generatorThreads } } };
      writeFileSync(join(dir, 'odd.json'), JSON.stringify(odd));
      expect(() => readReportFile(join(dir, 'odd.json')), JSON.stringify(generatorThreads)).toThrow(
        expect.objectContaining({
          message: expect.stringContaining('is damaged'),
          details: [expect.stringContaining('run.threads.generatorThreads')],
        }),
      );
    }
    expect(() => writeReportFile(join(dir, 'no-such-dir', 'r.json'), r)).toThrow(
      expect.objectContaining({ code: 'E_IO', message: expect.stringContaining('no-such-dir') }),
    );
  });
});
