// `sc-sim kafka up|status|logs|down` end to end: the real CLI in child processes starting a real
// broker on a temp home and a free port (next to the suite's own broker), with the shared jar cache.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  isBrokerAnswering,
  kafkaDown,
  KAFKA_VERSION,
  type KafkaStatus,
  type KafkaUpResult,
} from '../../src/kafka/local/index.js';
import { exec } from '../../src/kafka/local/exec.js';
import { ensureJars } from '../../src/kafka/local/jars.js';
import { LOG4J_CONFIG_PATH, resolveCacheRoot } from '../../src/kafka/local/paths.js';
import { isPortFree } from '../../src/kafka/local/ports.js';
import { formatJavaArgs, renderServerProperties } from '../../src/kafka/local/server-config.js';
import { runCli } from '../support/cli.js';
import { freePortRun } from '../support/ports.js';

const cli = (args: string[]) => runCli(args);

describe('sc-sim kafka (real broker on the JVM)', () => {
  const home = mkdtempSync(join(tmpdir(), 'sc-sim-kafka-it-'));
  let port = 0;
  let brokers: string[] = [];
  const homeArgs = () => ['--home', home];

  beforeAll(async () => {
    // The controller takes port + 1 by default: both free, below the ephemeral range, from this file's
    // own base (test/support/ports.ts).
    port = await freePortRun(2, 22_000);
    brokers = [`127.0.0.1:${port}`];
  });

  afterAll(async () => {
    // Also on failure: never leave a broker behind.
    await kafkaDown({ home });
    rmSync(home, { recursive: true, force: true });
  });

  it('up starts a broker that answers metadata requests after the CLI has exited', async () => {
    const r = await cli(['kafka', 'up', '--jvm', ...homeArgs(), '--port', String(port), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const up = JSON.parse(r.stdout) as KafkaUpResult;
    expect(up).toMatchObject({ status: 'started', brokers, version: KAFKA_VERSION, mode: 'jvm' });
    expect(r.stderr).toContain('waiting for the broker');
    expect(await isBrokerAnswering({ brokers }, 5_000)).toBe(true);
    process.stderr.write(`[kafka-local] up took ${up.tookMs} ms (downloaded: ${up.downloaded})\n`);
  });

  it('up again says already running and starts nothing', async () => {
    const r = await cli(['kafka', 'up', '--jvm', ...homeArgs()]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Kafka ${KAFKA_VERSION} is already running at 127.0.0.1:${port}`);
  });

  it('status reports running, the version, the address, the pid and the data size', async () => {
    const r = await cli(['kafka', 'status', ...homeArgs(), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as KafkaStatus;
    expect(s).toMatchObject({ running: true, mode: 'jvm', version: '4.4.0', brokers, home });
    expect(s.pid).toBeGreaterThan(0);
    expect(s.dataSizeBytes).toBeGreaterThan(0);

    const human = await cli(['kafka', 'status', ...homeArgs()]);
    expect(human.stdout).toMatch(/^status:\s+running \(pid \d+\)$/m);
    expect(human.stdout).toMatch(
      /^data:\s+\d+(\.\d)? (B|KiB|MiB|GiB) on disk \(\d+ bytes\)(; .* apparent \(sparse index files\))?$/m,
    );
    expect(human.stdout).toContain(`address: 127.0.0.1:${port}`);
  });

  it('logs prints the last N lines of the broker log', async () => {
    const r = await cli(['kafka', 'logs', ...homeArgs(), '-n', '5']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    const all = await cli(['kafka', 'logs', ...homeArgs(), '-n', '100000']);
    expect(all.stdout).toContain('Kafka Server started');
  });

  it('up on a port another process holds fails with E_PORT_IN_USE, exit 1, no stack trace', async () => {
    const busyPort = await freePortRun(1, port + 2);
    const server: Server = createServer();
    await new Promise<void>((r) => server.listen(busyPort, '127.0.0.1', r));
    const otherHome = mkdtempSync(join(tmpdir(), 'sc-sim-kafka-busy-'));
    try {
      const r = await cli(['kafka', 'up', '--jvm', '--home', otherHome, '--port', String(busyPort)]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('error[E_PORT_IN_USE]');
      expect(r.stderr).toContain(`port ${busyPort}`);
      expect(r.stderr).not.toMatch(/^\s+at /m);
    } finally {
      await new Promise((r) => server.close(r));
      rmSync(otherHome, { recursive: true, force: true });
    }
  });

  it('down stops the broker and frees its ports; a second down finds nothing to stop', async () => {
    const r = await cli(['kafka', 'down', ...homeArgs(), '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ status: 'stopped', mode: 'jvm' });
    expect(await isPortFree(port)).toBe(true);
    expect(await isPortFree(port + 1)).toBe(true);
    expect(await isBrokerAnswering({ brokers }, 2_000)).toBe(false);

    const status = JSON.parse((await cli(['kafka', 'status', ...homeArgs(), '--json'])).stdout) as KafkaStatus;
    expect(status.running).toBe(false);
    expect(status.pid).toBeUndefined();

    const again = await cli(['kafka', 'down', ...homeArgs()]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Kafka is not running');
  });
});

describe('formatting with a cluster id at the edge', () => {
  it("formats a data dir whose cluster id starts with '-' (passed as one --cluster-id= argument)", async () => {
    const home = mkdtempSync(join(tmpdir(), 'sc-sim-format-'));
    try {
      const jars = await ensureJars({ cacheRoot: resolveCacheRoot(undefined), version: KAFKA_VERSION });
      const dataDir = join(home, 'data');
      const props = join(home, 'server.properties');
      writeFileSync(props, renderServerProperties({ port: 1, controllerPort: 2, dataDir }));
      // Kafka never generates such an id (nor does sc-sim), but a command line must not read it as an option.
      const clusterId = '-0123456789abcdefABCDE';
      const r = await exec(
        'java',
        formatJavaArgs({
          libsDir: jars.libsDir,
          log4jConfigPath: LOG4J_CONFIG_PATH,
          serverPropertiesPath: props,
          clusterId,
        }),
        { timeoutMs: 120_000 },
      );
      expect(r.exitCode, r.stdout + r.stderr).toBe(0);
      expect(readFileSync(join(dataDir, 'meta.properties'), 'utf8')).toContain(`cluster.id=${clusterId}`);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
