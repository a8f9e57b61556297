// Follows partition counts raised while a run writes, as a Kafka producer does: the Java producer
// and kafkajs read their metadata again every metadata.max.age.ms (5 min by default) and from then
// on hash keys over the new count — so keys move to other partitions. sc-sim chooses each record's
// partition itself (the report knows every event's), so it reads the counts itself, on the same
// period, and updates the counts its encoders hash over.
import { bounded } from '../kafka/bounded.js';
import type { PartitionChange } from '../report/types.js';

/** A raise followed during the run: from then on keys hash over `to`. */
export interface FollowedRaise extends Omit<PartitionChange, 'followedAfterMs'> {
  /** Wall-clock ms when sc-sim first hashed over a raised count of this topic (the run turns it into followedAfterMs). */
  atMs: number;
}

export interface PartitionFollowOptions {
  /** Physical topic -> partition count now (the admin's metadata read). */
  read: (physicalTopics: readonly string[]) => Promise<ReadonlyMap<string, number>>;
  /** Logical topic -> count: the map the run's encoders read per record; raised in place. */
  logical: Map<string, number>;
  /** Physical topic -> count (verification, log dirs): raised in place too. */
  physical: Map<string, number>;
  prefix: string;
  /** How often to read (the producer's metadata.max.age.ms). */
  everyMs: number;
  /** The wall clock (ms). */
  now: () => number;
  log: (line: string) => void;
}

export interface PartitionFollower {
  /** Stops reading; returns every raise followed during the run (the first count seen to the last). */
  stop(): Promise<FollowedRaise[]>;
}

/** A metadata read with a dead broker in the seed list can hang for ~40 s in kafkajs: give up sooner. */
const READ_TIMEOUT_MS = 10_000;
/**
 * ...but not as soon as a short period: how often to read is not how long a read may take, and on a
 * busy broker one takes over a second. Cut at a 1 s period, every read could fail and a raise go
 * unfollowed for the whole run (a producer's metadata request has its own timeout too).
 */
const MIN_READ_TIMEOUT_MS = 5_000;

/** How long one read may take: the period, within [MIN_READ_TIMEOUT_MS, READ_TIMEOUT_MS]. */
export function readTimeoutMs(everyMs: number): number {
  return Math.min(READ_TIMEOUT_MS, Math.max(MIN_READ_TIMEOUT_MS, everyMs));
}

/**
 * Reads the counts every `everyMs` and raises the maps when a topic grew. A count never shrinks in
 * Kafka; a lower one (a topic deleted and created again under the run) is left to the run's own
 * errors. A failed read is skipped: the next period tries again, as a producer's refresh does. One
 * read at a time: the next starts a period after the last one ended.
 */
export function followPartitionCounts(o: PartitionFollowOptions): PartitionFollower {
  const logicalOf = new Map([...o.physical.keys()].map((p) => [p, p.slice(o.prefix.length)]));
  const changes = new Map<string, FollowedRaise>();
  const startedAtMs = o.now();
  let failures = 0;
  const readOnce = async (): Promise<void> => {
    let now: ReadonlyMap<string, number>;
    try {
      now = await bounded(o.read([...o.physical.keys()]), readTimeoutMs(o.everyMs));
    } catch {
      failures++;
      return;
    }
    for (const [physicalTopic, to] of now) {
      const from = o.physical.get(physicalTopic);
      if (from === undefined || to <= from) continue;
      const topic = logicalOf.get(physicalTopic)!;
      o.physical.set(physicalTopic, to);
      o.logical.set(topic, to);
      const atMs = o.now();
      const seen = changes.get(physicalTopic);
      if (seen) seen.to = to;
      else changes.set(physicalTopic, { topic, physicalTopic, from, to, atMs });
      o.log(
        `${topic} has ${to} partitions now (was ${from}), read ${((atMs - startedAtMs) / 1000).toFixed(1)} s after sending was set up: keys hash over ${to} from here on, so most keys move to another partition`,
      );
    }
  };
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    running = readOnce().finally(() => {
      if (!stopped) timer = setTimeout(tick, o.everyMs);
    });
  };
  timer = setTimeout(tick, o.everyMs);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      if (failures > 0) o.log(`${failures} of the partition-count reads during the run failed (skipped)`);
      return [...changes.values()];
    },
  };
}
