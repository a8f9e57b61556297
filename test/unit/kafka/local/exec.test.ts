import { describe, expect, it } from 'vitest';
import { exec, lastLines, stripAnsi } from '../../../../src/kafka/local/exec.js';

describe('exec', () => {
  it('collects output and the exit code', async () => {
    const r = await exec('sh', ['-c', 'echo out; echo err >&2; exit 3']);
    expect(r).toMatchObject({ exitCode: 3, missing: false, timedOut: false, stdout: 'out\n', stderr: 'err\n' });
  });

  it('reports a missing executable instead of throwing', async () => {
    const r = await exec('sc-sim-no-such-tool', []);
    expect(r.missing).toBe(true);
    expect(r.exitCode).toBeNull();
  });

  it('kills a tool that outlives its bound', async () => {
    const t0 = Date.now();
    const r = await exec('sleep', ['10'], { timeoutMs: 200 });
    expect(r.timedOut).toBe(true);
    expect(Date.now() - t0).toBeLessThan(5_000);
  });
});

describe('lastLines', () => {
  it('drops colour codes and blank lines, keeping the last N', () => {
    expect(stripAnsi('\x1b[1;31m[ERROR]\x1b[m boom')).toBe('[ERROR] boom');
    expect(lastLines('a\n\n\x1b[0mb\r\nc\n', 2)).toEqual(['b', 'c']);
  });
});
