// What `run --verify` and `run --consumer-ms` attach around a run: the verifying read-back (reads
// what the run writes while it writes) and the consumer-group simulator (lag per partition). Both
// start at the run's start offsets and share the run's one admin session.
import { randomBytes } from 'node:crypto';
import { DOMAIN_TOPICS, physicalTopicName } from '../catalog/topics.js';
import type { ConsumerSimReport } from '../consume/report.js';
import { startConsumerSim, type ConsumerSim } from '../consume/consumer-sim.js';
import { ExitCode, isScSimError, ScSimError } from '../errors.js';
import type { AdminSession, OffsetsByTopic } from '../kafka/admin.js';
import type { KafkaConnection } from '../kafka/client.js';
import type { RunReport } from '../report.js';
import type { AckObserver } from '../runner.js';
import type { Clock } from '../runner/clock.js';
import { evaluateThresholds, thresholdsOf, type ThresholdResult, type Thresholds } from '../report/thresholds.js';
import { GroupWatcher, type GroupSource, type GroupWatchReport } from '../watch/group-watch.js';
import { OffsetTimeIndex } from '../watch/offset-times.js';
import type { GroupLagPoint } from '../metrics/exporter.js';
import { HotKeyTracker } from '../verify/hot-keys.js';
import type { Scenario } from '../scenarios/index.js';
import { startReadBack } from '../verify/read-back.js';
import { LiveVerification } from '../verify/session.js';

/** How long the consumer simulator may take to drain after the run, and how many partitions it works at once. */
export const CONSUMER_DEFAULTS = { concurrency: 3, drainTimeoutMs: 60_000 } as const;
/** How long reading back may take after the run. */
export const VERIFY_TIMEOUT_MS = 60_000;

export interface ConsumerCheck {
  /** Keep the simulator's consumer group afterwards (default: deleted, leaving no trace). */
  keepGroup?: boolean;
  perEventMs: number;
  concurrency: number;
  /** Catalog topics the group reads (default every domain topic). */
  topics?: readonly string[];
  drainTimeoutMs: number;
}

export interface WatchCheck {
  /** The user's consumer groups to watch. */
  groups: readonly string[];
  /** Catalog topics they consume (default every topic the run writes). */
  topics?: readonly string[];
  intervalMs: number;
  drainTimeoutMs: number;
  noCommitTimeoutMs: number;
}

/** Watching defaults: a sample a second, up to 5 minutes of drain, 30 s for a first commit. */
export const WATCH_DEFAULTS = { intervalMs: 1_000, drainTimeoutMs: 300_000, noCommitTimeoutMs: 30_000 } as const;

export interface RunChecks {
  /** Read back what the run sends, while it sends, and check delivery and order. */
  verify?: { timeoutMs: number };
  /** A consumer-group simulator on these catalog topics while the run produces (lag per partition). */
  consumer?: ConsumerCheck;
  /** Real consumer groups to watch under the load: lag, time lag, rebalances, drain. */
  watch?: WatchCheck;
}

/** A scenario's own `consumer:` block applies unless the caller set one (--consumer-ms wins). */
export function checksWithScenarioDefaults(checks: RunChecks, scenario: Scenario): RunChecks {
  if (checks.consumer || !scenario.consumer) return checks;
  const c = scenario.consumer;
  return {
    ...checks,
    consumer: {
      perEventMs: c.perEvent,
      concurrency: c.concurrency,
      topics: c.topics,
      drainTimeoutMs: CONSUMER_DEFAULTS.drainTimeoutMs,
    },
  };
}

export const hasChecks = (c: RunChecks): boolean =>
  c.verify !== undefined || c.consumer !== undefined || c.watch !== undefined;

export interface CheckContext {
  connection: KafkaConnection;
  admin: AdminSession;
  prefix: string;
  /** End offsets recorded before the run: where reading starts. */
  startOffsets: OffsetsByTopic;
  /** Physical topic -> partition count. */
  partitions: Map<string, number>;
  /** The runner's clock: send times in acks and the watchers' samples share it. */
  clock: Clock;
  /** The scenario's thresholds: those on watched groups are evaluated here, after the watch. */
  thresholds: Thresholds;
  log: (line: string) => void;
}

export interface AttachedChecks {
  /** Ack observers the runner must call (the verifier's). */
  onAck: AckObserver[];
  /**
   * After the run: adds the verification, consumer and watch sections, evaluates the group
   * thresholds; returns the exit code they imply, and the error of a watch that failed.
   */
  complete(
    report: RunReport,
    endOffsets: OffsetsByTopic,
    exitCode: ExitCode,
  ): Promise<{ exitCode: ExitCode; error?: ScSimError }>;
  /** Stops whatever is still running (on error paths). */
  abort(): Promise<void>;
  /** The watched groups' latest lag, partition by partition (for live metrics). */
  groupLag(): GroupLagPoint[];
}

/** The admin session as a watcher's view of a group. */
function groupSource(admin: AdminSession): GroupSource {
  return {
    committed: (groupId, topics) => admin.committedOffsets(groupId, topics),
    endOffsets: (topics) => admin.endOffsets(topics),
    describe: (groupId) => admin.describeGroup(groupId),
  };
}

/** Records each acked record's send time in every watcher's index, and its key for the hot-key view. */
function indexAcks(indexes: readonly OffsetTimeIndex[], keys: HotKeyTracker): AckObserver {
  return (batch, result, _completedAtMs, sentAtMs) => {
    if (!result.ok || !result.offsets) return;
    for (const r of batch) keys.addProduced(r.topic, r.keyText, r.partition);
    const byPartition = new Map<string, { topic: string; partition: number; offsets: number[] }>();
    for (let i = 0; i < batch.length; i++) {
      const r = batch[i]!;
      const key = `${r.topic}\u0000${r.partition}`;
      let entry = byPartition.get(key);
      if (!entry) byPartition.set(key, (entry = { topic: r.topic, partition: r.partition, offsets: [] }));
      entry.offsets.push(result.offsets[i]!);
    }
    for (const index of indexes)
      for (const e of byPartition.values()) index.add(e.topic, e.partition, e.offsets, sentAtMs);
  };
}

/** The group thresholds, on what the watchers saw (worst group for each). */
function groupThresholds(thresholds: Thresholds, watches: readonly GroupWatchReport[]): ThresholdResult[] {
  const max = (values: (number | null)[]) =>
    values.length === 0 || values.some((v) => v === null) ? null : Math.max(...(values as number[]));
  return evaluateThresholds(thresholdsOf(thresholds, true), {
    group_max_lag: watches.length ? Math.max(...watches.map((w) => w.summary.maxLag)) : null,
    group_max_time_lag_ms: max(watches.map((w) => w.summary.maxTimeLagMs ?? 0)),
    group_drain_s: max(watches.map((w) => (w.drain.drainMs === null ? null : w.drain.drainMs / 1_000))),
    group_rebalances: watches.length ? watches.reduce((s, w) => s + w.summary.rebalances, 0) : null,
  });
}

export async function attachChecks(checks: RunChecks, ctx: CheckContext): Promise<AttachedChecks> {
  let live: LiveVerification | undefined;
  let sim: ConsumerSim | undefined;
  let watchers: GroupWatcher[] = [];
  const indexes: OffsetTimeIndex[] = [];
  // The keys sent to each partition, to name the hottest ones where a watched group's lag builds.
  const producedKeys = new HotKeyTracker((t) => ctx.partitions.get(t), { top: 25 });
  const abort = async () => {
    await live?.abort();
    sim?.stop();
    await sim?.done.catch(() => undefined);
    for (const w of watchers) w.cancel();
    await Promise.all(watchers.map((w) => w.done.catch(() => undefined)));
  };
  try {
    if (checks.verify) {
      live = await LiveVerification.start({
        openReader: (onRecord, runId) =>
          startReadBack({
            connection: ctx.connection,
            startOffsets: ctx.startOffsets,
            runId,
            onRecord,
            deleteGroup: (id) => ctx.admin.deleteGroups([id]),
          }),
        partitions: ctx.partitions,
        producer: null,
      });
      ctx.log('verifying: reading back while sending');
    }
    if (checks.consumer) {
      const c = checks.consumer;
      sim = startConsumerSim({
        connection: ctx.connection,
        admin: ctx.admin,
        topics: (c.topics ?? DOMAIN_TOPICS).map((t) => physicalTopicName(t, ctx.prefix)),
        groupId: `sc-sim-consumer-${randomBytes(3).toString('hex')}`,
        perEventMs: c.perEventMs,
        concurrency: c.concurrency,
        // Stopped once drained after the run, or by the drain timeout.
        untilDrainedQuietMs: 1_500,
      });
      await sim.ready;
      ctx.log(`consumer simulator joined: ${c.perEventMs} ms/event, ${c.concurrency} partition(s) at once`);
    }
    if (checks.watch) {
      const w = checks.watch;
      const topics = w.topics ? w.topics.map((t) => physicalTopicName(t, ctx.prefix)) : [...ctx.startOffsets.keys()];
      watchers = w.groups.map((groupId) => {
        const index = new OffsetTimeIndex();
        indexes.push(index);
        return new GroupWatcher({
          groupId,
          topics,
          source: groupSource(ctx.admin),
          clock: ctx.clock,
          index,
          intervalMs: w.intervalMs,
          drainTimeoutMs: w.drainTimeoutMs,
          noCommitTimeoutMs: w.noCommitTimeoutMs,
        });
      });
      ctx.log(
        `watching consumer group${w.groups.length > 1 ? 's' : ''} ${w.groups.join(', ')} on ${topics.length} topic(s)`,
      );
    }
  } catch (err) {
    await abort();
    throw err;
  }

  return {
    onAck: [...(live ? [live.onAck] : []), ...(indexes.length ? [indexAcks(indexes, producedKeys)] : [])],
    async complete(report, endOffsets, exitCode) {
      let error: ScSimError | undefined;
      if (live) {
        report.verification = await live.finish(endOffsets, checks.verify!.timeoutMs, report.producer);
        live = undefined;
        if (!report.verification.passed && exitCode !== ExitCode.interrupted) exitCode = ExitCode.verificationFailed;
      }
      if (sim) {
        ctx.log('waiting for the consumer simulator to drain');
        const running = sim;
        const timer = setTimeout(() => running.stop(), checks.consumer!.drainTimeoutMs);
        try {
          report.consumer = (await running.done) satisfies ConsumerSimReport;
          if (!checks.consumer!.keepGroup)
            await ctx.admin.deleteGroups([report.consumer.groupId]).catch(() => undefined);
        } finally {
          clearTimeout(timer);
          sim = undefined;
        }
      }
      if (watchers.length > 0) {
        ctx.log('watching the drain of the consumer groups');
        for (const w of watchers) w.loadStopped();
        const settled = await Promise.allSettled(watchers.map((w) => w.done));
        watchers = [];
        report.watch = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
        const hot = producedKeys.result();
        for (const w of report.watch) {
          for (const p of w.summary.partitionsBuildingLag) {
            p.hottestKeys = (hot.find((h) => h.topic === p.topic)?.hottest ?? [])
              // Only keys that stand out (1% of the topic or more): the rest is noise.
              .filter((k) => k.producedPartitions.includes(p.partition) && k.share >= 0.01)
              .slice(0, 3)
              .map((k) => ({ key: k.key, events: k.events }));
          }
        }
        const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
        if (failed)
          error = isScSimError(failed.reason) ? failed.reason : new ScSimError('E_KAFKA', String(failed.reason));
        const results = groupThresholds(ctx.thresholds, report.watch);
        if (results.length > 0) {
          report.thresholds.push(...results);
          report.passed = report.thresholds.every((t) => t.pass);
          if (!report.passed && exitCode === ExitCode.ok) exitCode = ExitCode.thresholdFailed;
        }
      }
      if (error) exitCode = error.exitCode;
      return { exitCode, ...(error ? { error } : {}) };
    },
    abort,
    groupLag: () => watchers.flatMap((w, i) => w.latest().map((p) => ({ group: checks.watch!.groups[i]!, ...p }))),
  };
}
