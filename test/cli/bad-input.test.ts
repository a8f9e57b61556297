// Bad input through the real CLI: a clear coded error on stderr, the documented exit code, no
// stack trace, and no waiting (none of these needs a broker).
import { describe, expect, it } from 'vitest';
import { hasStackTrace, runCli } from '../support/cli.js';

async function expectError(args: string[], code: string, exit: number, mention: string) {
  const r = await runCli(args, { timeoutMs: 30_000 });
  expect(r.stderr, r.stderr).toContain(`error[${code}]`);
  expect(r.stderr).toContain(mention);
  expect(r.code).toBe(exit);
  expect(hasStackTrace(r.stderr)).toBe(false);
  return r;
}

describe('unwritable paths', () => {
  it('an NDJSON sink in a missing directory: E_IO with the path, exit 1, at once', async () => {
    const r = await expectError(
      ['run', 'seed-dev', '--sink', 'ndjson:/nonexistent-dir/x.ndjson', '--quiet'],
      'E_IO',
      1,
      '/nonexistent-dir/x.ndjson',
    );
    expect(r.durationMs).toBeLessThan(10_000);
  });

  it('a full disk stops the run: E_IO, exit 1, the report still printed', async () => {
    const r = await expectError(['run', 'seed-dev', '--sink', 'ndjson:/dev/full', '--quiet'], 'E_IO', 1, '/dev/full');
    expect(r.stdout).toContain('result: FAILED — the run stopped early');
  });

  it('--out and --html in a missing directory fail before the run starts', async () => {
    await expectError(
      ['run', 'seed-dev', '--sink', 'ndjson:/dev/null', '--out', '/nonexistent-dir/r.json'],
      'E_IO',
      1,
      '/nonexistent-dir/r.json',
    );
    await expectError(
      ['run', 'seed-dev', '--sink', 'ndjson:/dev/null', '--html', '/nonexistent-dir/r.html'],
      'E_IO',
      1,
      '/nonexistent-dir/r.html',
    );
  });
});

describe('usage errors exit 2', () => {
  it('an unknown scenario lists the known ones', async () => {
    await expectError(['run', 'no-such-scenario', '--dry-run'], 'E_SCENARIO_UNKNOWN', 2, 'seed-dev');
  });

  it('an unknown event type names the closest ones', async () => {
    await expectError(['sample', 'order.craeted'], 'E_EVENT_TYPE_UNKNOWN', 2, 'order.created');
  });

  it('--consumer-topics without --consumer-ms', async () => {
    await expectError(
      ['run', 'seed-dev', '--consumer-topics', 'sc.domain.order', '--dry-run'],
      'E_USAGE',
      2,
      '--consumer-ms',
    );
  });

  it('a wrong flag value', async () => {
    const r = await runCli(['run', 'seed-dev', '--rate', 'fast']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--rate expects events per second');
  });
});
