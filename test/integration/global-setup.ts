// Vitest globalSetup for the integration project: gives every test file a real broker address via
// inject('brokers'). Starts (and afterwards stops) a dedicated local broker unless
// SC_SIM_TEST_BROKERS points at one that is already running.
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { kafkaDown, kafkaUp } from '../../src/kafka/local/index.js';
import { REPO_ROOT } from '../../src/kafka/local/paths.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Comma-separated host:port list of the broker the integration tests talk to. */
    brokers: string;
  }
}

/** Its own home and port, so the test broker never touches a developer's `sc-sim kafka up` instance. */
export const TEST_KAFKA_HOME = join(REPO_ROOT, '.sc-sim', 'kafka-test');
// Below Linux's ephemeral port range (32768-60999): an outgoing connection can never be holding it.
// SC_SIM_TEST_KAFKA_PORT moves it, so several checkouts can run their suites side by side.
export const TEST_KAFKA_PORT = Number(process.env['SC_SIM_TEST_KAFKA_PORT'] ?? 19092);

const progress = (msg: string): void => {
  process.stderr.write(`[test broker] ${msg}\n`);
};

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const external = process.env['SC_SIM_TEST_BROKERS']?.trim();
  if (external) {
    project.provide('brokers', external);
    return undefined;
  }
  const opts = { home: TEST_KAFKA_HOME, port: TEST_KAFKA_PORT, mode: 'jvm' as const, onProgress: progress };
  // A broker left over from a run that was killed before its teardown would carry old topics:
  // stop it, then start from an empty data dir so every run sees the same empty cluster.
  const leftover = await kafkaDown(opts);
  if (leftover.status === 'stopped') progress('stopped a test broker left over from an earlier run');
  const up = await kafkaUp({ ...opts, freshData: true });
  progress(`${up.status} Kafka ${up.version} at ${up.brokers.join(',')} in ${up.tookMs} ms`);
  project.provide('brokers', up.brokers.join(','));
  return async () => {
    const down = await kafkaDown(opts);
    progress(`test broker ${down.status}`);
  };
}
