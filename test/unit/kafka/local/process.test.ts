import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  isAlive,
  isOurBroker,
  isOurBrokerCommandLine,
  readPidFile,
  stopProcess,
  writePidFile,
} from '../../../../src/kafka/local/process.js';

describe('isOurBrokerCommandLine', () => {
  const props = '/home/u/repo/.sc-sim/kafka/server.properties';

  it("accepts java running kafka.Kafka with this home's server.properties", () => {
    expect(isOurBrokerCommandLine(['java', '-Xmx1024m', '-cp', '/c/libs/*', 'kafka.Kafka', props], props)).toBe(true);
    expect(isOurBrokerCommandLine(['/usr/lib/jvm/bin/java', '-cp', 'x', 'kafka.Kafka', props], props)).toBe(true);
  });

  it('accepts the single joined line that `ps` gives on systems without /proc', () => {
    expect(isOurBrokerCommandLine([`java -cp /c/libs/* kafka.Kafka ${props}`], props)).toBe(true);
  });

  it('rejects a broker of another home, another main class, or a non-java process', () => {
    expect(isOurBrokerCommandLine(['java', '-cp', 'x', 'kafka.Kafka', '/other/server.properties'], props)).toBe(false);
    expect(isOurBrokerCommandLine(['java', '-cp', 'x', 'kafka.tools.StorageTool', 'format', '-c', props], props)).toBe(
      false,
    );
    expect(isOurBrokerCommandLine(['vim', 'kafka.Kafka', props], props)).toBe(false);
    expect(isOurBrokerCommandLine([], props)).toBe(false);
  });
});

describe('pid files and real processes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sc-sim-proc-'));
  const props = join(dir, 'server.properties');
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A stand-in for the broker: a script named `java` whose command line looks like ours. */
  // Resolves once the script has installed its TERM trap (it says so on stdout), so no signal races it.
  async function fakeBroker(onTerm: 'exit' | 'ignore'): Promise<ChildProcess> {
    const script = join(dir, `java-${onTerm}`, 'java');
    mkdirSync(dirname(script), { recursive: true });
    const trap = onTerm === 'exit' ? "trap 'exit 0' TERM" : "trap '' TERM";
    writeFileSync(script, `#!/bin/sh\n${trap}\necho ready\nwhile :; do sleep 0.1; done\n`);
    chmodSync(script, 0o755);
    const child = spawn(script, ['-cp', 'libs/*', 'kafka.Kafka', props], { stdio: ['ignore', 'pipe', 'ignore'] });
    children.push(child);
    await new Promise((r) => child.stdout!.once('data', r));
    return child;
  }

  it('round-trips the pid file and ignores garbage', async () => {
    const f = join(dir, 'kafka.pid');
    await writePidFile(f, 4242);
    expect(await readPidFile(f)).toBe(4242);
    writeFileSync(f, 'not a pid');
    expect(await readPidFile(f)).toBeUndefined();
    expect(await readPidFile(join(dir, 'missing.pid'))).toBeUndefined();
  });

  it('recognises a live broker of this home and not an unrelated live process', async () => {
    const broker = await fakeBroker('exit');
    const other = spawn('sleep', ['5'], { stdio: 'ignore' });
    children.push(other);
    expect(isOurBroker(broker.pid!, props)).toBe(true);
    expect(isAlive(other.pid!)).toBe(true);
    expect(isOurBroker(other.pid!, props)).toBe(false);
    expect(isOurBroker(broker.pid!, join(dir, 'elsewhere.properties'))).toBe(false);
  });

  it('stops with SIGTERM when the process honours it', async () => {
    const broker = await fakeBroker('exit');
    expect(await stopProcess(broker.pid!, props, 5_000)).toBe('terminated');
    expect(isOurBroker(broker.pid!, props)).toBe(false);
  });

  it('falls back to SIGKILL after the grace period', async () => {
    const broker = await fakeBroker('ignore');
    const t0 = Date.now();
    expect(await stopProcess(broker.pid!, props, 300)).toBe('killed');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(300);
    expect(isOurBroker(broker.pid!, props)).toBe(false);
  });

  it('never signals a pid that is not our broker', async () => {
    const other = spawn('sleep', ['5'], { stdio: 'ignore' });
    children.push(other);
    expect(await stopProcess(other.pid!, props, 100)).toBe('gone');
    expect(isAlive(other.pid!)).toBe(true);
  });
});
