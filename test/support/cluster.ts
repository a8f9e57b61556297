// A 3-node test cluster's chores: find a partition's leader from metadata (never a fixed node id),
// kill and restart that node, and wait until every replica is back in sync.
import { withAdmin, type PartitionPlacement } from '../../src/kafka/admin.js';
import { runKafkaTool } from './kafka.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** An admin call bounded in time: with dead nodes in the seed list, kafkajs can hang for ~40 s. */
export async function boundedAdmin<T>(
  brokers: string[],
  timeoutMs: number,
  fn: Parameters<typeof withAdmin<T>>[1],
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`admin call on ${brokers.join(',')} took over ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([withAdmin({ brokers }, fn), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function placements(brokers: string[], topics: string[]): Promise<PartitionPlacement[]> {
  return boundedAdmin(brokers, 10_000, (admin) => admin.partitionPlacements(topics));
}

/** The node leading a partition now. */
export async function leaderOf(brokers: string[], topic: string, partition: number): Promise<number> {
  const p = (await placements(brokers, [topic])).find((x) => x.partition === partition);
  if (!p || p.leader < 0) throw new Error(`${topic}-${partition} has no leader`);
  return p.leader;
}

/**
 * Waits until every partition of `topics` has a leader and all its replicas in sync, and the
 * cluster lists `brokerCount` brokers; asks one live broker at a time, each call bounded.
 */
export async function waitInSync(
  brokers: string[],
  topics: string[],
  brokerCount: number,
  timeoutMs: number,
): Promise<number> {
  const t0 = Date.now();
  let last = '';
  while (Date.now() - t0 < timeoutMs) {
    for (const b of brokers) {
      try {
        const ok = await boundedAdmin([b], 5_000, async (admin) => {
          if ((await admin.brokerCount()) < brokerCount) return false;
          const ps = await admin.partitionPlacements(topics);
          last = ps
            .filter((p) => p.leader < 0 || p.isr.length < p.replicas.length)
            .map((p) => `${p.topic}-${p.partition} isr ${p.isr.join(',')}`)
            .join('; ');
          return ps.length > 0 && last === '';
        });
        if (ok) return Date.now() - t0;
        break;
      } catch {
        // That broker is down or slow: ask the next.
      }
    }
    await sleep(250);
  }
  throw new Error(`replicas not in sync after ${timeoutMs} ms: ${last}`);
}

/**
 * Replica sizes per broker as Kafka's own kafka-log-dirs tool (LogDirsCommand) reports them:
 * node id -> "topic[partition]" -> bytes, for the given topics.
 */
export function kafkaToolLogDirs(
  brokers: string[],
  topics: string[],
  commandConfig?: string,
): Map<number, Map<string, number>> {
  const r = runKafkaTool('org.apache.kafka.tools.LogDirsCommand', [
    '--bootstrap-server',
    brokers.join(','),
    ...(commandConfig ? ['--command-config', commandConfig] : []),
    '--describe',
    '--topic-list',
    topics.join(','),
  ]);
  const json = r.stdout.split('\n').find((l) => l.startsWith('{'));
  if (!json) throw new Error(`kafka-log-dirs printed no JSON (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  const parsed = JSON.parse(json) as {
    brokers: { broker: number; logDirs: { partitions: { partition: string; size: number; isFuture: boolean }[] }[] }[];
  };
  const out = new Map<number, Map<string, number>>();
  for (const b of parsed.brokers) {
    const sizes = new Map<string, number>();
    for (const d of b.logDirs)
      for (const p of d.partitions) {
        if (p.isFuture) continue;
        // "topic-3" -> "topic[3]" (topic names may hold '-').
        const i = p.partition.lastIndexOf('-');
        const key = `${p.partition.slice(0, i)}[${p.partition.slice(i + 1)}]`;
        sizes.set(key, (sizes.get(key) ?? 0) + p.size);
      }
    out.set(b.broker, sizes);
  }
  return out;
}
