// The one place a run is assembled: scenario -> world -> encoder -> runner -> sink -> report, with
// the checks (verify, consumer) attached around it. Set-up happens once: one scenario parse, one
// schedule, one admin session for topics, offsets and the checks. The CLI, the bench and the tests
// all come through here.
import type { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { DLQ_CATALOG } from '../catalog/derived.js';
import { TOPICS, physicalTopicName } from '../catalog/topics.js';
import { summarizeConnection } from '../config.js';
import { ExitCode, ScSimError } from '../errors.js';
import { worldFromConfig, type WorldStream } from '../generators/index.js';
import { AdminSession, type OffsetsByTopic } from '../kafka/admin.js';
import { startMetricsExporter, type MetricsExporter } from '../metrics/exporter.js';
import type { KafkaConnection } from '../kafka/client.js';
import { createEncoder } from '../records/encode.js';
import { keyStrategyTable } from '../records/keys.js';
import { buildReport, offsetsReport, type RunReport, type TimeReport } from '../report.js';
import type { PartitionChange, ThreadsReport } from '../report/types.js';
import { startThreadMeter } from './threads.js';
import { describePartitionChange } from '../render/console.js';
import { partitionsAdded } from '../verify/session.js';
import { followPartitionCounts, type FollowedRaise, type PartitionFollower } from './partition-watch.js';
import { brokerLoad } from '../report/brokers.js';
import { readLogDirs, watchLeadership, type LeadershipWatch } from './leadership.js';
import { thresholdsOf } from '../report/thresholds.js';
import { runLoad, type AckObserver, type Progress, type RunOutcome } from '../runner.js';
import { realClock, type Clock } from '../runner/clock.js';
import type { Sink } from '../sinks/types.js';
import { PRODUCER } from '../version.js';
import { attachChecks, checksWithScenarioDefaults, hasChecks, type AttachedChecks, type RunChecks } from './checks.js';
import { prepareRun, type PreparedRun, type RunSettings } from './prepare.js';
import { createRecordSource, recordSourceOf, type RecordSource } from './record-source.js';
import { generationOf, generatorThreads, startGenerationThreads, type GenerationThreads } from './generation.js';
import { eventClock, eventTimes, type EventTimes } from './event-time.js';
import { openKafkaSink, openNdjsonSink, type SinkChoice } from './sinks.js';
import { checkRunTopics } from './topics.js';
import { EXPECTABLE } from '../watch/expect.js';

export interface RunRequest extends RunSettings {
  /** Where Kafka is (needed by the Kafka sink and by the checks). */
  connection?: KafkaConnection;
  /** Default: Kafka. */
  sink?: SinkChoice;
  checks?: RunChecks;
  /** Abort to stop scheduling; in-flight sends are drained and the report is still built. */
  signal?: AbortSignal;
  /** Progress once a second. */
  onProgress?: (p: Progress) => void;
  /** Serve live metrics (OpenMetrics) on this host:port while the run lasts. */
  metricsListen?: string;
  /**
   * Informational lines; `essential` marks the seed/run-id line, which the CLI prints even with
   * --quiet (it is what reproduces the run).
   */
  log?: (line: string, essential: boolean) => void;
}

export interface RunDeps {
  /** Default: the process's monotonic clock. */
  clock?: Clock;
  /** Sends here instead of opening the chosen sink (tests, the bench's in-memory runs). */
  sink?: Sink;
  /** Where `ndjson` without a file writes (default process.stdout). */
  stdout?: Writable;
  /** Called for every answered batch (e.g. a test's own observer). */
  onAck?: readonly AckObserver[];
  /** The wall clock, read once at the start (default Date.now): live event times count from it. */
  wallClock?: () => number;
}

export interface RunResult {
  report: RunReport;
  /** 0 ok, 1 the sink failed (see error), 3 a threshold failed, 4 verification failed, 130 interrupted. */
  exitCode: ExitCode;
  /**
   * Why the run stopped early when its sink could not go on (a file that cannot be written, a
   * producer thread that died): the report is still built, so what happened up to then is kept.
   */
  error?: ScSimError;
}

/** Partition counts as the catalog has them: what an offline sink's report shows. */
function catalogPartitions(): Map<string, number> {
  return new Map(TOPICS.map((t) => [t.name, t.partitions]));
}

interface Drive {
  prepared: PreparedRun;
  world: WorldStream;
  sink: Sink;
  /** Partition count per logical topic. */
  partitions: ReadonlyMap<string, number>;
  onAck: readonly AckObserver[];
}

/** Encodes the world's events and paces them into the sink; the sink is closed whatever happens. */
async function drive(
  d: Drive,
  req: RunRequest,
  deps: RunDeps,
): Promise<RunOutcome & { startedAt: Date; endedAt: Date; time: TimeReport; threads: ThreadsReport }> {
  const { prepared, sink } = d;
  const { scenario } = prepared;
  let outcome: RunOutcome;
  let closeError: unknown;
  let startedAt = new Date();
  let times: EventTimes | undefined;
  let threads: ThreadsReport | undefined;
  let generation: GenerationThreads | undefined;
  try {
    const chosen = generatorThreads(scenario.generator.threads);
    // The threads build their worlds before the start barrier, so they are ready when sending starts.
    if (chosen.threads > 0) {
      req.log?.(`generating on ${chosen.threads} worker thread(s) (${chosen.why})`, false);
      generation = await startGenerationThreads(generationOf(prepared, chosen.threads, d.partitions));
    }
    // Live time starts when sending does: after the start barrier of a sharded run.
    await waitForStart(prepared.startAt, req.signal, (line) => req.log?.(line, false));
    const wallClockStartMs = (deps.wallClock ?? Date.now)();
    startedAt = new Date(wallClockStartMs);
    times = eventTimes(prepared.time, wallClockStartMs);
    const threaded = generation?.source(wallClockStartMs);
    const source: RecordSource =
      threaded ??
      createRecordSource({
        ...recordSourceOf(prepared, d.partitions),
        world: d.world,
        encode: times.tally(
          createEncoder({
            runId: prepared.runId,
            prefix: prepared.prefix,
            partitions: d.partitions,
            keys: scenario.keys,
            shard: prepared.shard,
            minTimestampMs: prepared.time.minTimestampMs,
          }),
        ),
        at: times.at,
      });
    const onProgress = source.wantsProgress
      ? (p: Progress) => {
          source.onProgress(p);
          req.onProgress?.(p);
        }
      : req.onProgress;
    const meter = startThreadMeter(sink, { chosen, clocks: () => threaded?.threadClocks() ?? [] });
    outcome = await runLoad({
      schedule: prepared.schedule,
      nextRecord: (_index, offsetMs) => source.next(offsetMs),
      ...(threaded ? { recordsReady: (count: number) => threaded.recordsReady(count) } : {}),
      finalRecords: () => source.finalRecords(),
      wallClockStartMs,
      sink,
      clock: deps.clock ?? realClock(),
      batch: {
        maxEvents: scenario.producer.batchMaxEvents,
        maxBytes: scenario.producer.batchMaxBytes,
        lingerMs: scenario.producer.linger,
      },
      maxInFlightBatches: scenario.producer.inFlightBatches,
      maxBacklogEvents: scenario.pacing.maxBacklog,
      deliveryTimeoutMs: scenario.producer.deliveryTimeout,
      lateThresholdMs: scenario.pacing.lateAfter,
      warmupMs: scenario.warmup,
      onAck: [...(deps.onAck ?? []), ...d.onAck, source.onAck],
      signal: req.signal,
      onProgress,
    });
    // Before the sink closes: a producer thread is gone after it.
    threads = meter.stop();
    // The threads counted the events they encoded; the report counts up to the last record taken.
    if (threaded) times.adopt(threaded.tallied());
  } finally {
    await generation?.close();
    await sink.close().catch((err: unknown) => (closeError = err));
  }
  if (closeError !== undefined) {
    // A sink that fails while closing (the last bytes could not be written) fails the run.
    if (!(closeError instanceof ScSimError)) throw closeError;
    outcome.fatal ??= { code: closeError.code, message: closeError.message, hint: closeError.hint };
  }
  return { ...outcome, startedAt, endedAt: new Date(), time: times!.report(), threads: threads! };
}

function report(
  prepared: PreparedRun,
  outcome: Awaited<ReturnType<typeof drive>>,
  sink: Sink,
  partitions: ReadonlyMap<string, number>,
  offsets: { start: OffsetsByTopic; end: OffsetsByTopic } | null,
): RunResult {
  const built = buildReport({
    tool: PRODUCER,
    runId: prepared.runId,
    scenarioName: prepared.name,
    description: prepared.scenario.description,
    plan: prepared.plan,
    seed: prepared.seed,
    startedAt: outcome.startedAt,
    endedAt: outcome.endedAt,
    durationMs: outcome.durationMs,
    interrupted: outcome.interrupted,
    metrics: outcome.metrics,
    scheduleEndMs: outcome.scheduleEndMs,
    sink: sink.description,
    prefix: prepared.prefix,
    // The report covers what the run writes; other topics' counts are encoder-only.
    partitions: new Map(prepared.topics.map((t) => [t, partitions.get(t)!])),
    offsets: offsets && offsetsReport(prepared.topics, prepared.prefix, offsets.start, offsets.end),
    thresholds: prepared.scenario.thresholds,
    time: outcome.time,
    keys: keyStrategyTable(prepared.scenario.keys),
    delivery: outcome.delivery,
  });
  if (prepared.shard) built.run.shard = { ...prepared.shard };
  built.run.threads = outcome.threads;
  if (prepared.startAt) built.run.startAt = prepared.startAt.toISOString();
  if (outcome.fatal) {
    const f = outcome.fatal;
    built.run.stoppedBy = { code: f.code, message: f.message };
    const error = new ScSimError(f.code, f.message, { hint: f.hint });
    return { report: built, exitCode: error.exitCode, error };
  }
  const exitCode = outcome.interrupted ? ExitCode.interrupted : built.passed ? ExitCode.ok : ExitCode.thresholdFailed;
  return { report: built, exitCode };
}

/** The latest a start barrier may be in the past, and the furthest ahead it may be. */
const START_LATE_MS = 5_000;
const START_AHEAD_MAX_MS = 24 * 3_600_000;

/**
 * The start barrier (`--start-at`): everything is set up, then sending begins at that instant, so
 * the shards of a run start within a second of each other without talking to each other.
 */
async function waitForStart(startAt: Date | undefined, signal: AbortSignal | undefined, log: (l: string) => void) {
  if (!startAt) return;
  const waitMs = startAt.getTime() - Date.now();
  if (waitMs < -START_LATE_MS) {
    throw new ScSimError(
      'E_CONFIG',
      `the start time ${startAt.toISOString()} passed ${Math.round(-waitMs / 1000)} s ago: this shard would not start with the others`,
      { hint: 'give every shard the same --start-at, far enough ahead for all of them to be ready (e.g. a minute)' },
    );
  }
  if (waitMs > START_AHEAD_MAX_MS) {
    throw new ScSimError('E_CONFIG', `the start time ${startAt.toISOString()} is more than 24 h ahead`, {
      hint: 'check the date and time zone of --start-at (ISO-8601, e.g. 2026-12-01T12:00:00Z)',
    });
  }
  if (waitMs <= 0) return;
  log(`set up; waiting ${(waitMs / 1000).toFixed(1)} s for the start time ${startAt.toISOString()}`);
  await sleep(waitMs, undefined, { signal }).catch(() => undefined);
}

/**
 * `--expect`: the topics the consumer under test writes are its own — sc-sim stops writing them,
 * and checks that it sends what they are derived from.
 */
function claimExpectedTopics(
  prepared: PreparedRun,
  checks: RunChecks,
  log: (line: string, essential: boolean) => void,
): void {
  const expected = checks.expect ?? [];
  if (expected.length === 0) return;
  if (!checks.watch) {
    throw new ScSimError('E_USAGE', '--expect compares what your consumer wrote once it has caught up', {
      hint: 'add --watch-group <the group that writes those topics>, so sc-sim waits for it to drain first',
    });
  }
  for (const t of expected) {
    const sources = EXPECTABLE[t]
      ? [EXPECTABLE[t].source]
      : (DLQ_CATALOG.find((d) => d.topic === t)?.sourceTopics ?? []);
    if (!sources.some((s) => (prepared.topics as readonly string[]).includes(s))) {
      throw new ScSimError('E_USAGE', `--expect ${t}: scenario ${prepared.name} sends nothing it is derived from`, {
        hint: `${t} comes from ${sources.join(', ')}: pick a scenario that writes it, or add it to the scenario's topics`,
      });
    }
  }
  const before = prepared.topics.length;
  prepared.topics = prepared.topics.filter((t) => !expected.includes(t));
  if (prepared.topics.length < before)
    log(`sc-sim does not write ${expected.join(', ')} in this run: your consumer does`, false);
}

/**
 * End offsets after the run. A run stopped by a fatal error may have lost a topic (deleted while it
 * wrote): the report then keeps the offsets of the topics still there, a missing one ends where it
 * started, and `complete` is false.
 */
async function endOffsetsAfter(
  admin: AdminSession,
  start: OffsetsByTopic,
  stoppedByFatal: boolean,
): Promise<{ offsets: OffsetsByTopic; complete: boolean }> {
  const topics = [...start.keys()];
  try {
    return { offsets: await admin.endOffsets(topics), complete: true };
  } catch (err) {
    if (!stoppedByFatal) throw err;
    // Topic by topic, briefly: a deleted topic can still be listed while the broker removes it.
    const offsets: OffsetsByTopic = new Map();
    for (const t of topics) {
      const one = await admin.endOffsets([t], 5_000).catch(() => undefined);
      offsets.set(t, one?.get(t) ?? start.get(t)!);
    }
    return { offsets, complete: false };
  }
}

/**
 * Topics whose partition count changed while the run wrote (someone ran `topics apply` with a raised
 * count, or `kafka-topics --alter`), read once after the run, with when sc-sim followed each (from
 * `followed`, the raises seen during the run). A failed read is only logged (the run's own numbers
 * stand without it): the raises followed are still reported.
 */
async function partitionsChanged(
  admin: AdminSession,
  atStart: ReadonlyMap<string, number>,
  followed: readonly FollowedRaise[],
  runStartedAtMs: number,
  prefix: string,
  log: (line: string, important: boolean) => void,
): Promise<PartitionChange[]> {
  const now = await admin.partitionCounts([...atStart.keys()]).catch((err: unknown) => {
    log(
      `could not read the partition counts after the run: ${err instanceof Error ? err.message : String(err)}`,
      false,
    );
    return undefined;
  });
  const followedBy = new Map(followed.map((c) => [c.physicalTopic, c]));
  const changes: PartitionChange[] = [];
  for (const [physicalTopic, from] of atStart) {
    const seen = followedBy.get(physicalTopic);
    const to = Math.max(now?.get(physicalTopic) ?? from, seen?.to ?? from);
    if (to === from) continue;
    changes.push({
      topic: physicalTopic.slice(prefix.length),
      physicalTopic,
      from,
      to,
      // The follower timed it on the wall clock; the run may have waited for its start barrier.
      followedAfterMs: seen ? Math.max(0, seen.atMs - runStartedAtMs) : null,
    });
  }
  if (changes.length > 0)
    log(`partitions changed during the run: ${changes.map(describePartitionChange).join('; ')}`, true);
  return changes;
}

/**
 * Start offsets with the partitions added during the run: a partition created under the run starts
 * at 0, so verification (now and from the saved report) reads it whole.
 */
function withAddedPartitions(start: OffsetsByTopic, end: OffsetsByTopic): OffsetsByTopic {
  const added = partitionsAdded(start, end);
  return new Map(
    [...start].map(([topic, byPartition]) => [topic, new Map([...byPartition, ...(added.get(topic) ?? [])])]),
  );
}

/** Runs one scenario end to end and builds its report. Tool failures throw ScSimError. */
export async function runScenario(req: RunRequest, deps: RunDeps = {}): Promise<RunResult> {
  const log = req.log ?? (() => undefined);
  // A backfill history ends when the run starts: on the same wall clock the run reads.
  const prepared = prepareRun(req, new Date((deps.wallClock ?? Date.now)()));
  const choice = req.sink ?? { kind: 'kafka' };
  const toKafka = choice.kind === 'kafka' && !deps.sink;
  if (hasChecks(req.checks ?? {}) && !toKafka) {
    throw new ScSimError('E_USAGE', '--verify and --consumer-ms read from Kafka: they need the Kafka sink', {
      hint: 'drop --sink, or use --sink kafka',
    });
  }
  log(`scenario ${prepared.name}: ${prepared.plan}`, false);
  // A scenario's own consumer block reads from Kafka too: without Kafka it is skipped, and said so.
  if (!toKafka && prepared.scenario.consumer)
    log("the scenario's consumer block is skipped: nothing goes to Kafka", false);
  const checks = toKafka ? checksWithScenarioDefaults(req.checks ?? {}, prepared.scenario) : {};
  const groupMetrics = Object.keys(thresholdsOf(prepared.scenario.thresholds, true));
  if (groupMetrics.length > 0 && !checks.watch) {
    throw new ScSimError(
      'E_USAGE',
      `thresholds on consumer groups (${groupMetrics.join(', ')}) need a group to watch`,
      {
        hint: 'add --watch-group <your consumer group> (with the Kafka sink), or remove those thresholds',
      },
    );
  }
  claimExpectedTopics(prepared, checks, log);
  log(`seed ${prepared.seed}, run id ${prepared.runId}`, true);
  // The world first: a bad world config fails before any connection is opened.
  const world = worldFromConfig(prepared.world, {
    runId: prepared.runId,
    shard: prepared.shard,
    timeScale: prepared.time.timeScale,
  });

  if (deps.sink || choice.kind === 'ndjson') {
    const sink = deps.sink ?? openNdjsonSink(choice.kind === 'ndjson' ? choice.file : undefined, deps.stdout);
    const partitions = catalogPartitions();
    const outcome = await drive({ prepared, world, sink, partitions, onAck: [] }, req, deps);
    return report(prepared, outcome, sink, partitions, null);
  }

  if (!req.connection) throw new ScSimError('E_USAGE', 'a Kafka run needs a connection (broker addresses)');
  const connection = req.connection;
  const clock = deps.clock ?? realClock();
  const admin = await AdminSession.open(connection);
  let attached: AttachedChecks | undefined;
  let exporter: MetricsExporter | undefined;
  let leadership: LeadershipWatch | undefined;
  let follower: PartitionFollower | undefined;
  try {
    const physical = await checkRunTopics(admin, prepared.topics, prepared.prefix);
    // Catalog counts for topics the run does not write (their events are encoded, never sent).
    const partitions = catalogPartitions();
    for (const t of prepared.topics) partitions.set(t, physical.get(physicalTopicName(t, prepared.prefix))!);
    const start = await admin.endOffsets([...physical.keys()]);
    log(
      `topics ready on ${connection.brokers.join(',')}${prepared.prefix ? ` (prefix ${prepared.prefix})` : ''}`,
      false,
    );
    attached = await attachChecks(checks, {
      connection,
      admin,
      prefix: prepared.prefix,
      startOffsets: start,
      partitions: physical,
      clock,
      thresholds: prepared.scenario.thresholds,
      recordTimesAreRecent: prepared.time.settings.mode === 'live',
      log: (line) => log(line, false),
    });
    if (req.metricsListen) {
      exporter = await startMetricsExporter(req.metricsListen);
      exporter.watchGroups(() => attached?.groupLag() ?? []);
      log(`metrics (OpenMetrics) at http://${exporter.address}/metrics`, false);
    }
    // On a multi-broker cluster: who leads what, second by second, for the per-broker load.
    leadership = await watchLeadership(admin, [...physical.keys()]).catch(() => undefined);
    // ...and the brokers' own view of it: their replicas' sizes on disk, before and after.
    const logDirsBefore = leadership && (await readLogDirs(connection, leadership.brokers, physical));
    const sink = await openKafkaSink(connection, prepared.scenario.producer, `sc-sim-${prepared.runId}`);
    const live = exporter ? liveMetrics(exporter) : undefined;
    // Raised partition counts are followed, as a producer's metadata refresh would (keys move).
    const countsAtStart = new Map(physical);
    follower = followPartitionCounts({
      read: (names) => admin.partitionCounts(names),
      logical: partitions,
      physical,
      prefix: prepared.prefix,
      everyMs: prepared.scenario.producer.metadataMaxAge,
      now: Date.now,
      log: (line) => log(line, true),
    });
    const outcome = await drive(
      { prepared, world, sink, partitions, onAck: [...attached.onAck, ...(live ? [live.onAck] : [])] },
      live ? { ...req, onProgress: (p) => (live.onProgress(p), req.onProgress?.(p)) } : req,
      { ...deps, clock },
    );
    const followed = await follower.stop();
    follower = undefined;
    const timeline = await leadership?.stop();
    leadership = undefined;
    const end = await endOffsetsAfter(admin, start, outcome.fatal !== null);
    const partitionChanges = await partitionsChanged(
      admin,
      countsAtStart,
      followed,
      outcome.startedAt.getTime(),
      prepared.prefix,
      log,
    );
    const logDirsAfter = timeline && (await readLogDirs(connection, timeline.brokers, physical));
    const startOffsets = partitionChanges.length > 0 ? withAddedPartitions(start, end.offsets) : start;
    const result = report(prepared, outcome, sink, partitions, { start: startOffsets, end: end.offsets });
    result.report.connection = summarizeConnection(connection);
    if (partitionChanges.length > 0) result.report.partitionChanges = partitionChanges;
    const brokers =
      timeline &&
      brokerLoad(
        timeline,
        result.report.metrics,
        (t) => physicalTopicName(t, prepared.prefix),
        logDirsAfter && {
          before: logDirsBefore?.readings ?? null,
          after: logDirsAfter.readings,
          unavailable: logDirsAfter.unavailable ?? logDirsBefore?.unavailable ?? null,
        },
      );
    if (brokers) result.report.brokers = brokers;
    if (end.complete) {
      const checked = await attached.complete(result.report, end.offsets, result.exitCode);
      attached = undefined;
      result.exitCode = checked.exitCode;
      result.error ??= checked.error;
    } else log('verification and the checks on consumers are skipped: a topic of the run no longer exists', false);
    return result;
  } finally {
    await follower?.stop().catch(() => undefined);
    await leadership?.stop().catch(() => undefined);
    await attached?.abort();
    await exporter?.close();
    await admin.close();
  }
}

/** Feeds the metrics exporter: records per partition and outcome from acks, the rate from progress. */
function liveMetrics(exporter: MetricsExporter): { onAck: AckObserver; onProgress: (p: Progress) => void } {
  return {
    onAck: (batch, result) => {
      const counts = new Map<string, { topic: string; partition: number; n: number }>();
      for (const r of batch) {
        const key = `${r.topic}\u0000${r.partition}`;
        const c = counts.get(key);
        if (c) c.n++;
        else counts.set(key, { topic: r.topic, partition: r.partition, n: 1 });
      }
      for (const c of counts.values())
        exporter.countRecords(c.topic, c.partition, result.ok ? c.n : 0, result.ok ? 0 : c.n);
    },
    onProgress: (p) => exporter.setRate(p.ackedRatePerSec),
  };
}

/** `--dry-run`: the plan and the first few events as they would be sent (NDJSON), without a broker. */
export async function dryRun(settings: RunSettings, sampleCount: number, out: Writable): Promise<void> {
  const prepared = prepareRun(settings);
  out.write(
    `# scenario ${prepared.name}: ${prepared.scenario.description}\n# plan: ${prepared.plan}\n# seed ${prepared.seed}, run id ${prepared.runId}; first ${sampleCount} events:\n`,
  );
  const world = worldFromConfig(prepared.world, {
    runId: prepared.runId,
    shard: prepared.shard,
    timeScale: prepared.time.timeScale,
  });
  const partitions = catalogPartitions();
  const { schedule } = prepared;
  const source = createRecordSource({
    world,
    encode: createEncoder({
      runId: prepared.runId,
      prefix: prepared.prefix,
      partitions,
      keys: prepared.scenario.keys,
      shard: prepared.shard,
      minTimestampMs: prepared.time.minTimestampMs,
    }),
    // The events as a run starting now would time them.
    at: eventClock(prepared.time, Date.now()),
    runId: prepared.runId,
    prefix: prepared.prefix,
    topics: prepared.topics,
    partitions,
    minTimestampMs: prepared.time.minTimestampMs,
  });
  const offsetOf = (i: number) => (schedule.kind === 'paced' ? schedule.intendedOffsetMs(i) : 0);
  const sink = openNdjsonSink(undefined, out);
  await sink.send(Array.from({ length: sampleCount }, (_, i) => source.next(offsetOf(i))));
}
