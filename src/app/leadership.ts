// Samples who leads each partition of a run's topics while it runs (once a second, each read
// bounded in time so a dead broker cannot stall it): the timeline the per-broker load is built on.
import type { KafkaConnection } from '../config.js';
import type { AdminSession } from '../kafka/admin.js';
import { describeLogDirs } from '../kafka/log-dirs.js';
import type { LeadershipTimeline, LogDirReading } from '../report/brokers.js';
import { bounded } from '../kafka/bounded.js';

export const LEADERSHIP_SAMPLE_MS = 1_000;
/** A metadata read with a dead broker in the seed list can hang for ~40 s in kafkajs: give up sooner. */
const SAMPLE_TIMEOUT_MS = 3_000;

export interface LeadershipWatch {
  /** The brokers the cluster listed when the watch started. */
  brokers: { nodeId: number; address: string }[];
  /** Stops sampling (after one last sample) and returns what was seen. */
  stop(): Promise<LeadershipTimeline>;
}

/**
 * Starts sampling when the cluster has more than one broker; resolves to undefined on a single
 * broker (everything is led by it: no per-broker view to give).
 */
export async function watchLeadership(
  admin: AdminSession,
  topics: readonly string[],
  now: () => number = Date.now,
  everyMs = LEADERSHIP_SAMPLE_MS,
): Promise<LeadershipWatch | undefined> {
  const brokers = await bounded(admin.brokers(), SAMPLE_TIMEOUT_MS * 3);
  if (brokers.length < 2) return undefined;
  const read = async (): Promise<Map<string, number[]>> => {
    const out = new Map<string, number[]>();
    for (const p of await bounded(admin.partitionPlacements(topics), SAMPLE_TIMEOUT_MS)) {
      const ls = out.get(p.topic) ?? [];
      ls[p.partition] = p.leader;
      out.set(p.topic, ls);
    }
    return out;
  };
  const first = await bounded(read(), SAMPLE_TIMEOUT_MS * 3);
  const timeline: LeadershipTimeline = {
    brokers,
    startedAtMs: now(),
    initial: Object.fromEntries(first),
    changes: [],
    sampleEveryMs: everyMs,
    samples: 1,
    failedSamples: 0,
  };
  const current = new Map([...first].map(([t, ls]) => [t, [...ls]]));
  const sample = async (): Promise<void> => {
    try {
      const seen = await read();
      const atMs = now();
      timeline.samples++;
      for (const [topic, leaders] of seen) {
        const had = current.get(topic) ?? [];
        leaders.forEach((to, partition) => {
          // -1: a partition added during the run (a raised count), first seen with this leader.
          const from = had[partition] ?? -1;
          if (to !== from) timeline.changes.push({ atMs, topic, partition, from, to });
          had[partition] = to;
        });
        current.set(topic, had);
      }
    } catch {
      timeline.failedSamples++;
    }
  };
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    running = sample().finally(() => {
      if (!stopped) timer = setTimeout(tick, everyMs);
    });
  };
  timer = setTimeout(tick, everyMs);
  return {
    brokers,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      await sample();
      return timeline;
    },
  };
}

/** How long each broker gets to describe its log dirs (they are read at the same time). */
const LOG_DIRS_TIMEOUT_MS = 5_000;

/**
 * Each broker's sizes on disk of its replicas of `partitions` (physical topic -> partition count),
 * read at the same time from every broker; a broker that does not answer is left out and named.
 */
export async function readLogDirs(
  connection: KafkaConnection,
  brokers: readonly { nodeId: number; address: string }[],
  partitions: ReadonlyMap<string, number>,
): Promise<{ readings: LogDirReading[] | null; unavailable: string | null }> {
  const readings: LogDirReading[] = [];
  const failures: string[] = [];
  // Settled per broker; a setting that fails to load (a TLS file gone since the run started) too.
  const settled = await describeLogDirs(connection, brokers, partitions, LOG_DIRS_TIMEOUT_MS).catch((err: unknown) =>
    brokers.map(() => ({ status: 'rejected' as const, reason: err })),
  );
  for (const s of settled) {
    if (s.status === 'rejected') failures.push(s.reason instanceof Error ? s.reason.message : String(s.reason));
    else {
      readings.push({ nodeId: s.value.nodeId, replicas: s.value.replicas });
      for (const e of s.value.errors) failures.push(`broker ${s.value.nodeId}: log dir ${e}`);
    }
  }
  const unique = [...new Set(failures)];
  return { readings: readings.length > 0 ? readings : null, unavailable: unique.length > 0 ? unique.join('; ') : null };
}
