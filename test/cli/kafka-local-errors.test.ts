// Error mapping of `sc-sim kafka up` as a user sees it: the real CLI in a child process, with PATH
// pointed at directories that lack (or fake) java, mvn and docker. No broker is started here.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KAFKA_VERSION } from '../../src/kafka/local/index.js';
import { jarCachePaths } from '../../src/kafka/local/paths.js';
import { runCli, type CliResult } from '../support/cli.js';
import { freePortRun } from '../support/ports.js';

const root = mkdtempSync(join(tmpdir(), 'sc-sim-cli-errors-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function runKafkaCli(args: string[], pathDirs: string[], extraEnv: Record<string, string> = {}): Promise<CliResult> {
  return runCli(args, {
    env: { PATH: pathDirs.join(':'), SC_SIM_KAFKA_CACHE: join(root, 'empty-cache'), ...extraEnv },
    timeoutMs: 60_000,
  });
}

function binDir(name: string, scripts: Record<string, string> = {}, links: Record<string, string> = {}): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, body] of Object.entries(scripts)) {
    writeFileSync(join(dir, file), `#!/bin/sh\n${body}\n`);
    chmodSync(join(dir, file), 0o755);
  }
  for (const [file, target] of Object.entries(links)) symlinkSync(target, join(dir, file));
  return dir;
}

function realJava(): string | undefined {
  try {
    return realpathSync(execFileSync('sh', ['-c', 'command -v java'], { encoding: 'utf8' }).trim());
  } catch {
    return undefined;
  }
}

function expectCleanError(r: CliResult, code: string): void {
  expect(r.code, r.stderr).toBe(1);
  expect(r.stderr).toContain(`error[${code}]`);
  expect(r.stderr).toMatch(/^hint: /m);
  // No stack trace: our errors are rendered, never thrown at the user.
  expect(r.stderr).not.toMatch(/^\s+at /m);
}

// `kafka up` checks --port and the controller's --port + 1 before java or Maven: both must be free,
// or the run stops at E_PORT_IN_USE before the error under test. This file's own base, below the
// ephemeral range (test/support/ports.ts).
const freePorts = () => freePortRun(2, 21_000);

const NO_DOCKER = 'echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock" >&2; exit 1';
const java = realJava();

describe('sc-sim kafka up error mapping', { timeout: 60_000 }, () => {
  it('no java on PATH -> E_JAVA_MISSING with an install hint', async () => {
    const port = await freePorts();
    const r = await runKafkaCli(
      ['kafka', 'up', '--jvm', '--home', join(root, 'h1'), '--port', String(port)],
      [binDir('empty')],
    );
    expectCleanError(r, 'E_JAVA_MISSING');
    expect(r.stderr).toContain('JDK 17');
  });

  it('java older than 17 -> E_JAVA_MISSING naming the version found', async () => {
    const port = await freePorts();
    const bin = binDir('old-java', { java: `echo 'java version "1.8.0_392"' >&2` });
    const r = await runKafkaCli(['kafka', 'up', '--jvm', '--home', join(root, 'h2'), '--port', String(port)], [bin]);
    expectCleanError(r, 'E_JAVA_MISSING');
    expect(r.stderr).toContain('found Java 8');
  });

  it.skipIf(!java)('java but no mvn and an empty jar cache -> E_MAVEN_MISSING', async () => {
    const port = await freePorts();
    const bin = binDir('java-only', {}, { java: java! });
    const r = await runKafkaCli(['kafka', 'up', '--jvm', '--home', join(root, 'h3'), '--port', String(port)], [bin]);
    expectCleanError(r, 'E_MAVEN_MISSING');
  });

  it.skipIf(!java)("Maven fails -> E_MAVEN_FAILED with Maven's last lines", async () => {
    const port = await freePorts();
    const bin = binDir(
      'failing-mvn',
      { mvn: 'echo "[ERROR] Failed to execute goal: Could not resolve org.apache.kafka:kafka_2.13 (fake)"; exit 1' },
      { java: java! },
    );
    const r = await runKafkaCli(['kafka', 'up', '--jvm', '--home', join(root, 'h4'), '--port', String(port)], [bin]);
    expectCleanError(r, 'E_MAVEN_FAILED');
    expect(r.stderr).toContain('Could not resolve org.apache.kafka:kafka_2.13 (fake)');
    expect(r.stderr).toContain('downloading Apache Kafka');
  });

  it('a broker that exits at start -> E_BROKER_START_FAILED with the end of its log', async () => {
    const port = await freePorts();
    // A complete-looking jar cache, so the run goes straight to format and start.
    const cache = join(root, 'fake-cache');
    const p = jarCachePaths(cache, KAFKA_VERSION);
    mkdirSync(p.libsDir, { recursive: true });
    writeFileSync(p.markerFile, '{}\n');
    const bin = binDir('crashing-java', {
      java: [
        'case "$*" in',
        `  *-version*) echo 'openjdk version "17.0.9" 2023-10-17' >&2 ;;`,
        '  *StorageTool*) echo "Formatting metadata directory (fake)" ;;',
        '  *kafka.Kafka*) echo "ERROR Exiting Kafka due to fatal exception: fake broker failure"; exit 1 ;;',
        'esac',
      ].join('\n'),
    });
    const home = join(root, 'h5');
    const r = await runKafkaCli(['kafka', 'up', '--jvm', '--home', home, '--port', String(port)], [bin], {
      SC_SIM_KAFKA_CACHE: cache,
    });
    expectCleanError(r, 'E_BROKER_START_FAILED');
    expect(r.stderr).toContain('exited with code 1');
    expect(r.stderr).toContain('fake broker failure');
    expect(r.stderr).toContain(join(home, 'broker.log'));
  });

  it('--docker without a Docker engine -> E_DOCKER', async () => {
    const r = await runKafkaCli(
      ['kafka', 'up', '--docker', '--home', join(root, 'h6')],
      [binDir('no-engine', { docker: NO_DOCKER })],
    );
    expectCleanError(r, 'E_DOCKER');
    expect(r.stderr).toContain('docker info');
  });

  it('--docker with an engine but without the compose plugin -> E_DOCKER naming compose', async () => {
    const bin = binDir('engine-no-compose', {
      docker: [
        'case "$1" in',
        '  info) echo 28.2.2 ;;',
        '  *) echo "docker: unknown command: docker $1" >&2; exit 1 ;;',
        'esac',
      ].join('\n'),
    });
    const r = await runKafkaCli(['kafka', 'up', '--docker', '--home', join(root, 'h8')], [bin]);
    expectCleanError(r, 'E_DOCKER');
    expect(r.stderr).toContain('`docker compose` is not installed');
  });

  it('auto mode without a Docker engine falls back to the JVM path', async () => {
    const port = await freePorts();
    const bin = binDir('no-engine-no-java', { docker: NO_DOCKER });
    const r = await runKafkaCli(['kafka', 'up', '--home', join(root, 'h7'), '--port', String(port)], [bin]);
    expect(r.stderr).toContain('no Docker engine answers: running Kafka on the JVM');
    expectCleanError(r, 'E_JAVA_MISSING');
  });

  it('--jvm and --docker together are a usage error (exit 2)', async () => {
    const r = await runKafkaCli(['kafka', 'up', '--jvm', '--docker'], [binDir('empty')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("'--jvm' cannot be used with option '--docker'");
  });
});
