// `sc-sim watch`: a consumer group watched on its own (no load from sc-sim): lag, time lag
// (estimated from the end-offset history: sc-sim did not write these records), rebalances, drain.
import { physicalTopicName } from '../catalog/topics.js';
import { withAdmin } from '../kafka/admin.js';
import type { KafkaConnection } from '../kafka/client.js';
import { realClock } from '../runner/clock.js';
import { GroupWatcher, type GroupWatchReport } from '../watch/group-watch.js';

export interface WatchRequest {
  connection: KafkaConnection;
  groupId: string;
  prefix: string;
  /** Catalog topic names. */
  topics: readonly string[];
  intervalMs: number;
  /** Stop after this long; or, with `untilDrained`, at the latest after it. */
  durationMs: number;
  /** Stop as soon as the group has no lag. */
  untilDrained: boolean;
  noCommitTimeoutMs: number;
  signal?: AbortSignal;
  onSample?: (s: { tMs: number; totalLag: number; maxTimeLagMs: number | null; state: string }) => void;
}

export async function runWatch(req: WatchRequest): Promise<GroupWatchReport> {
  return withAdmin(req.connection, async (admin) => {
    const watcher = new GroupWatcher({
      groupId: req.groupId,
      topics: req.topics.map((t) => physicalTopicName(t, req.prefix)),
      source: {
        committed: (groupId, topics) => admin.committedOffsets(groupId, topics),
        endOffsets: (topics) => admin.endOffsets(topics),
        describe: (groupId) => admin.describeGroup(groupId),
      },
      clock: realClock(),
      intervalMs: req.intervalMs,
      ...(req.untilDrained ? { drainTimeoutMs: req.durationMs } : { durationMs: req.durationMs }),
      noCommitTimeoutMs: req.noCommitTimeoutMs,
      signal: req.signal,
      onSample: req.onSample,
    });
    // No load of ours to wait for: with --until-drained the drain starts now.
    if (req.untilDrained) watcher.loadStopped();
    return watcher.done;
  });
}
