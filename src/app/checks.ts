// What `run --verify` and `run --consumer-ms` attach around a run: the verifying read-back (reads
// what the run writes while it writes) and the consumer-group simulator (lag per partition). Both
// start at the run's start offsets and share the run's one admin session.
import { randomBytes } from 'node:crypto';
import { DOMAIN_TOPICS, physicalTopicName } from '../catalog/topics.js';
import type { ConsumerSimReport } from '../consume/report.js';
import { startConsumerSim } from '../consume/consumer-sim.js';
import { ExitCode, isScSimError, ScSimError } from '../errors.js';
import type { AdminSession, OffsetsByTopic } from '../kafka/admin.js';
import type { KafkaConnection } from '../kafka/client.js';
import type { RunReport } from '../report.js';
import type { AckObserver } from '../runner.js';
import type { Clock } from '../runner/clock.js';
import { evaluateThresholds, thresholdsOf, type ThresholdResult, type Thresholds } from '../report/thresholds.js';
import { GroupWatcher, type GroupSource, type GroupWatchReport } from '../watch/group-watch.js';
import { OffsetTimeIndex } from '../watch/offset-times.js';
import { DLQ_CATALOG } from '../catalog/derived.js';
import { DeadLetterComparer, EXPECTABLE, ExpectedProjection, ProjectionComparer } from '../watch/expect.js';
import { startRangeReader } from '../kafka/consumer.js';
import { HEADER_PATHOLOGY, type Envelope } from '../envelope.js';
import type { GroupLagPoint } from '../metrics/exporter.js';
import { HotKeyTracker } from '../verify/hot-keys.js';
import type { Scenario } from '../scenarios/index.js';
import { startReadBack } from '../verify/read-back.js';
import { LiveVerification } from '../verify/session.js';
import { countsDuringRun } from './verify-report.js';

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
  /** Derived topics the consumer under test writes, checked against sc-sim's derivation (needs `watch`). */
  expect?: readonly string[];
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
  c.verify !== undefined || c.consumer !== undefined || c.watch !== undefined || (c.expect?.length ?? 0) > 0;

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
  /** Record timestamps are recent event times (live), not a history's (backfill): latencies start there. */
  recordTimesAreRecent: boolean;
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

/** One check attached to a run: what it observes, and what it adds to the report afterwards. */
interface Check {
  onAck?: AckObserver;
  complete(
    report: RunReport,
    endOffsets: OffsetsByTopic,
    exitCode: ExitCode,
  ): Promise<{ exitCode: ExitCode; error?: ScSimError }>;
  abort(): Promise<void>;
  groupLag?(): GroupLagPoint[];
}

/** `--verify`: read back while sending; lost, duplicate or reordered records fail the run (exit 4). */
async function verifyCheck(cfg: NonNullable<RunChecks['verify']>, ctx: CheckContext): Promise<Check> {
  const live = await LiveVerification.start({
    openReader: (startOffsets, onRecord, runId) =>
      startReadBack({
        connection: ctx.connection,
        startOffsets,
        runId,
        onRecord,
        deleteGroup: (id) => ctx.admin.deleteGroups([id]),
      }),
    startOffsets: ctx.startOffsets,
    partitions: ctx.partitions,
    producer: null,
    latencyFromRecordTime: ctx.recordTimesAreRecent,
  });
  ctx.log('verifying: reading back while sending');
  return {
    onAck: live.onAck,
    async complete(report, endOffsets, exitCode) {
      // A raised partition count moves keys: the counts the run hashed over explain each move.
      report.verification = await live.finish(endOffsets, cfg.timeoutMs, report.producer, countsDuringRun(report));
      const failed = !report.verification.passed && exitCode !== ExitCode.interrupted;
      return { exitCode: failed ? ExitCode.verificationFailed : exitCode };
    },
    abort: () => live.abort(),
  };
}

/** `--consumer-ms`: the consumer-group simulator, drained after the run (bounded). */
async function consumerCheck(cfg: ConsumerCheck, ctx: CheckContext): Promise<Check> {
  const topics = (cfg.topics ?? DOMAIN_TOPICS).map((t) => physicalTopicName(t, ctx.prefix));
  const groupId = `sc-sim-consumer-${randomBytes(3).toString('hex')}`;
  // The group starts exactly where the run starts writing: "latest" would be resolved only at the
  // first fetch, which on a busy machine can come after the run's first records.
  for (const t of topics) await ctx.admin.setGroupOffsets(groupId, t, ctx.startOffsets.get(t) ?? new Map());
  const sim = startConsumerSim({
    connection: ctx.connection,
    admin: ctx.admin,
    topics,
    groupId,
    perEventMs: cfg.perEventMs,
    concurrency: cfg.concurrency,
    // Stopped once drained after the run, or by the drain timeout.
    untilDrainedQuietMs: 1_500,
    latencyFromRecordTime: ctx.recordTimesAreRecent,
  });
  try {
    await sim.ready;
  } catch (err) {
    sim.stop();
    throw err;
  }
  ctx.log(`consumer simulator joined: ${cfg.perEventMs} ms/event, ${cfg.concurrency} partition(s) at once`);
  return {
    async complete(report, _endOffsets, exitCode) {
      ctx.log('waiting for the consumer simulator to drain');
      const timer = setTimeout(() => sim.stop(), cfg.drainTimeoutMs);
      try {
        report.consumer = (await sim.done) satisfies ConsumerSimReport;
      } finally {
        clearTimeout(timer);
      }
      if (!cfg.keepGroup) await ctx.admin.deleteGroups([report.consumer.groupId]).catch(() => undefined);
      return { exitCode };
    },
    async abort() {
      sim.stop();
      await sim.done.catch(() => undefined);
    },
  };
}

/** `--watch-group`: the user's own groups watched through the run and its drain. */
function watchCheck(cfg: WatchCheck, ctx: CheckContext): Check {
  const topics = cfg.topics ? cfg.topics.map((t) => physicalTopicName(t, ctx.prefix)) : [...ctx.startOffsets.keys()];
  // The keys sent to each partition, to name the hottest ones where a watched group's lag builds.
  const producedKeys = new HotKeyTracker((t) => ctx.partitions.get(t), { top: 25 });
  const indexes = cfg.groups.map(() => new OffsetTimeIndex());
  const watchers = cfg.groups.map(
    (groupId, i) =>
      new GroupWatcher({
        groupId,
        topics,
        source: groupSource(ctx.admin),
        clock: ctx.clock,
        index: indexes[i]!,
        intervalMs: cfg.intervalMs,
        drainTimeoutMs: cfg.drainTimeoutMs,
        noCommitTimeoutMs: cfg.noCommitTimeoutMs,
      }),
  );
  ctx.log(
    `watching consumer group${cfg.groups.length > 1 ? 's' : ''} ${cfg.groups.join(', ')} on ${topics.length} topic(s)`,
  );
  return {
    onAck: indexAcks(indexes, producedKeys),
    async complete(report, _endOffsets, exitCode) {
      ctx.log('watching the drain of the consumer groups');
      for (const w of watchers) w.loadStopped();
      const settled = await Promise.allSettled(watchers.map((w) => w.done));
      report.watch = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
      nameHotKeys(report.watch, producedKeys);
      const results = groupThresholds(ctx.thresholds, report.watch);
      if (results.length > 0) {
        report.thresholds.push(...results);
        report.passed = report.thresholds.every((t) => t.pass);
        if (!report.passed && exitCode === ExitCode.ok) exitCode = ExitCode.thresholdFailed;
      }
      const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (!failed) return { exitCode };
      const error = isScSimError(failed.reason) ? failed.reason : new ScSimError('E_KAFKA', String(failed.reason));
      return { exitCode: error.exitCode, error };
    },
    async abort() {
      for (const w of watchers) w.cancel();
      await Promise.all(watchers.map((w) => w.done.catch(() => undefined)));
    },
    groupLag: () => watchers.flatMap((w, i) => w.latest().map((p) => ({ group: cfg.groups[i]!, ...p }))),
  };
}

/** Names the hottest keys sent to each partition where a watched group's lag built up. */
function nameHotKeys(watches: readonly GroupWatchReport[], producedKeys: HotKeyTracker): void {
  const hot = producedKeys.result();
  for (const w of watches) {
    for (const p of w.summary.partitionsBuildingLag) {
      p.hottestKeys = (hot.find((h) => h.topic === p.topic)?.hottest ?? [])
        // Only keys that stand out (1% of the topic or more): the rest is noise.
        .filter((k) => k.producedPartitions.includes(p.partition) && k.share >= 0.01)
        .slice(0, 3)
        .map((k) => ({ key: k.key, events: k.events }));
    }
  }
}

/**
 * `--expect`: what the consumer under test writes to derived topics, against sc-sim's derivation
 * of the same domain events; read once the watched groups have drained.
 */
async function expectCheck(topics: readonly string[], ctx: CheckContext): Promise<Check> {
  const physical = topics.map((t) => physicalTopicName(t, ctx.prefix));
  const partitions = await ctx.admin.partitionCounts(physical);
  const missing = physical.filter((t) => !partitions.has(t));
  if (missing.length > 0) {
    throw new ScSimError('E_TOPIC_MISSING', `--expect: ${missing.join(', ')} does not exist`, {
      hint: `create the catalog's topics: sc-sim topics apply${ctx.prefix ? ` --prefix ${ctx.prefix}` : ''}`,
    });
  }
  const start = await ctx.admin.endOffsets(physical);
  const projections = topics.flatMap((t) => {
    const e = EXPECTABLE[t];
    return e ? [{ topic: t, source: e.source, expected: new ExpectedProjection(e.reduce) }] : [];
  });
  // Per dead-letter topic, the poison records sent to the topics its consumer reads.
  const deadLetters = topics.flatMap((t) => {
    const d = DLQ_CATALOG.find((x) => x.topic === t);
    return d ? [{ topic: t, sources: new Set<string>(d.sourceTopics), poison: new Set<string>() }] : [];
  });
  return {
    onAck: (batch, result) => {
      if (!result.ok || !result.offsets) return;
      for (let i = 0; i < batch.length; i++) {
        const r = batch[i]!;
        const pathology = r.headers[HEADER_PATHOLOGY];
        if (pathology === 'poison') {
          for (const d of deadLetters)
            if (d.sources.has(r.logicalTopic)) d.poison.add(`${r.topic}/${r.partition}/${result.offsets[i]}`);
        } else if (pathology === undefined) {
          // Duplicates and late copies are the consumer's to drop: they change no expected card.
          for (const p of projections)
            if (r.logicalTopic === p.source) p.expected.observe(JSON.parse(r.value.toString()) as Envelope);
        }
      }
    },
    async complete(report, _endOffsets, exitCode) {
      const end = await ctx.admin.endOffsets(physical);
      const comparers = topics.map((t, i) => {
        const p = projections.find((x) => x.topic === t);
        return p
          ? new ProjectionComparer(t, physical[i]!, partitions.get(physical[i]!)!, p.expected)
          : new DeadLetterComparer(t, physical[i]!, deadLetters.find((d) => d.topic === t)!.poison);
      });
      const byPhysical = new Map(physical.map((t, i) => [t, comparers[i]!]));
      await startRangeReader({
        connection: ctx.connection,
        startOffsets: start,
        deleteGroup: (id) => ctx.admin.deleteGroups([id]),
        onRecord: (topic, partition, rec) => {
          const c = byPhysical.get(topic)!;
          const key = typeof rec.key === 'string' ? rec.key : (rec.key?.toString('utf8') ?? '');
          if (c instanceof ProjectionComparer) c.add(partition, key, rec.value === null ? null : String(rec.value));
          else c.add(key, (rec.headers ?? {}) as Record<string, Buffer | string | undefined>);
        },
      }).finish(end, VERIFY_TIMEOUT_MS);
      report.expect = comparers.map((c) => c.finish());
      const failed = report.expect.some((e) => !e.passed);
      return { exitCode: failed && exitCode === ExitCode.ok ? ExitCode.thresholdFailed : exitCode };
    },
    abort: async () => undefined,
  };
}

export async function attachChecks(checks: RunChecks, ctx: CheckContext): Promise<AttachedChecks> {
  const attached: Check[] = [];
  const abort = async () => {
    for (const c of attached) await c.abort();
  };
  try {
    if (checks.verify) attached.push(await verifyCheck(checks.verify, ctx));
    if (checks.consumer) attached.push(await consumerCheck(checks.consumer, ctx));
    if (checks.watch) attached.push(watchCheck(checks.watch, ctx));
    // After the watch: by the time it completes, the groups have drained (or timed out).
    if (checks.expect?.length) attached.push(await expectCheck(checks.expect, ctx));
  } catch (err) {
    await abort();
    throw err;
  }
  return {
    onAck: attached.flatMap((c) => (c.onAck ? [c.onAck] : [])),
    async complete(report, endOffsets, exitCode) {
      let error: ScSimError | undefined;
      for (const c of attached) {
        const r = await c.complete(report, endOffsets, exitCode);
        exitCode = r.exitCode;
        error ??= r.error;
      }
      attached.length = 0;
      return { exitCode, ...(error ? { error } : {}) };
    },
    abort,
    groupLag: () => attached.flatMap((c) => c.groupLag?.() ?? []),
  };
}
