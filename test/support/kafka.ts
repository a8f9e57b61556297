// Broker chores for integration tests, through the app's own admin session.
import { execFile, spawnSync } from 'node:child_process';
import { applyTopicCatalog } from '../../src/app/topics.js';
import { withAdmin, type OffsetsByTopic } from '../../src/kafka/admin.js';
import { startRangeReader } from '../../src/kafka/consumer.js';
import { jarCachePaths, KAFKA_VERSION, resolveCacheRoot } from '../../src/kafka/local/paths.js';

/** Creates the catalog's topics under `prefix`; returns once every partition has a leader. */
export async function applyCatalog(brokers: string[], prefix: string): Promise<void> {
  await withAdmin({ brokers }, (admin) => applyTopicCatalog(admin, { prefix, replicationFactor: 1, dryRun: false }));
}

/** High-water marks per partition of these physical topics. */
export function endOffsets(brokers: string[], topics: string[]): Promise<OffsetsByTopic> {
  return withAdmin({ brokers }, (admin) => admin.endOffsets(topics));
}

/** A record read back, decoded enough for time checks. */
export interface ReadRecord {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  /** The record's CreateTime (ms since the epoch). */
  timestampMs: number;
  value: string;
}

/** Every record from `start` up to `end` (exclusive), read with the app's range reader (bounded by `timeoutMs`). */
export async function readRange(
  brokers: string[],
  start: OffsetsByTopic,
  end: OffsetsByTopic,
  timeoutMs = 60_000,
): Promise<ReadRecord[]> {
  const out: ReadRecord[] = [];
  const text = (v: Buffer | string | null) => (v === null ? null : v.toString());
  return withAdmin({ brokers }, async (admin) => {
    const reader = startRangeReader({
      connection: { brokers },
      startOffsets: start,
      deleteGroup: (id) => admin.deleteGroups([id]),
      onRecord: (topic, partition, r) =>
        out.push({
          topic,
          partition,
          offset: Number(r.offset),
          key: text(r.key),
          timestampMs: Number(r.timestamp),
          value: text(r.value) ?? '',
        }),
    });
    await reader.ready;
    await reader.finish(end, timeoutMs);
    return out;
  });
}

/** Runs one of Kafka's own tools (a class of the Maven-fetched jars) to cross-check sc-sim, bounded at 60 s. */
export function runKafkaTool(
  className: string,
  args: string[],
): { stdout: string; stderr: string; status: number | null } {
  const libs = jarCachePaths(resolveCacheRoot(undefined), KAFKA_VERSION).libsDir;
  const r = spawnSync('java', ['-cp', `${libs}/*`, className, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { stdout: r.stdout ?? '', stderr: r.stderr ?? '', status: r.status };
}

/** runKafkaTool without blocking the event loop (for a tool run while sc-sim writes), bounded at 60 s. */
export function runKafkaToolAsync(
  className: string,
  args: string[],
): Promise<{ stdout: string; stderr: string; status: number | null }> {
  const libs = jarCachePaths(resolveCacheRoot(undefined), KAFKA_VERSION).libsDir;
  return new Promise((resolve) => {
    execFile(
      'java',
      ['-cp', `${libs}/*`, className, ...args],
      { encoding: 'utf8', timeout: 60_000 },
      (err, stdout, stderr) =>
        resolve({ stdout, stderr, status: err ? (typeof err.code === 'number' ? err.code : null) : 0 }),
    );
  });
}
