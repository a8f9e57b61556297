// The one place a run is assembled: scenario -> world -> encoder -> runner -> sink -> report, with
// the checks (verify, consumer) attached around it. Set-up happens once: one scenario parse, one
// schedule, one admin session for topics, offsets and the checks. The CLI, the bench and the tests
// all come through here.
import type { Writable } from 'node:stream';
import { DOMAIN_TOPICS, getTopic, physicalTopicName } from '../catalog/topics.js';
import { summarizeConnection } from '../config.js';
import { ExitCode, ScSimError } from '../errors.js';
import { worldFromConfig, type WorldStream } from '../generators/index.js';
import { AdminSession, type OffsetsByTopic } from '../kafka/admin.js';
import type { KafkaConnection } from '../kafka/client.js';
import { createEncoder } from '../records/encode.js';
import { buildReport, offsetsReport, type RunReport } from '../report.js';
import { runLoad, type AckObserver, type Progress, type RunOutcome } from '../runner.js';
import { realClock, type Clock } from '../runner/clock.js';
import type { Sink } from '../sinks/types.js';
import { PRODUCER } from '../version.js';
import { attachChecks, checksWithScenarioDefaults, hasChecks, type AttachedChecks, type RunChecks } from './checks.js';
import { prepareRun, type PreparedRun, type RunSettings } from './prepare.js';
import { openKafkaSink, openNdjsonSink, type SinkChoice } from './sinks.js';
import { checkRunTopics } from './topics.js';

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
  return new Map(DOMAIN_TOPICS.map((t) => [t, getTopic(t)!.partitions]));
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
): Promise<RunOutcome & { startedAt: Date; endedAt: Date }> {
  const { prepared, sink } = d;
  const { scenario } = prepared;
  const encode = createEncoder({
    runId: prepared.runId,
    prefix: prepared.prefix,
    partitions: d.partitions,
    keys: scenario.keys,
  });
  const startedAt = new Date();
  let outcome: RunOutcome;
  let closeError: unknown;
  try {
    outcome = await runLoad({
      schedule: prepared.schedule,
      nextRecord: () => encode(d.world.next()),
      sink,
      clock: deps.clock ?? realClock(),
      batch: {
        maxEvents: scenario.producer.batchMaxEvents,
        maxBytes: scenario.producer.batchMaxBytes,
        lingerMs: scenario.producer.linger,
      },
      maxInFlightBatches: scenario.producer.inFlightBatches,
      maxBacklogEvents: scenario.pacing.maxBacklog,
      lateThresholdMs: scenario.pacing.lateAfter,
      warmupMs: scenario.warmup,
      onAck: [...(deps.onAck ?? []), ...d.onAck],
      signal: req.signal,
      onProgress: req.onProgress,
    });
  } finally {
    await sink.close().catch((err: unknown) => (closeError = err));
  }
  if (closeError !== undefined) {
    // A sink that fails while closing (the last bytes could not be written) fails the run.
    if (!(closeError instanceof ScSimError)) throw closeError;
    outcome.fatal ??= { code: closeError.code, message: closeError.message, hint: closeError.hint };
  }
  return { ...outcome, startedAt, endedAt: new Date() };
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
    partitions,
    offsets: offsets && offsetsReport(DOMAIN_TOPICS, prepared.prefix, offsets.start, offsets.end),
    thresholds: prepared.scenario.thresholds,
  });
  if (outcome.fatal) {
    const f = outcome.fatal;
    built.run.stoppedBy = { code: f.code, message: f.message };
    const error = new ScSimError(f.code, f.message, { hint: f.hint });
    return { report: built, exitCode: error.exitCode, error };
  }
  const exitCode = outcome.interrupted ? ExitCode.interrupted : built.passed ? ExitCode.ok : ExitCode.thresholdFailed;
  return { report: built, exitCode };
}

/** Runs one scenario end to end and builds its report. Tool failures throw ScSimError. */
export async function runScenario(req: RunRequest, deps: RunDeps = {}): Promise<RunResult> {
  const log = req.log ?? (() => undefined);
  const prepared = prepareRun(req);
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
  log(`seed ${prepared.seed}, run id ${prepared.runId}`, true);
  // The world first: a bad world config fails before any connection is opened.
  const world = worldFromConfig(prepared.world, { runId: prepared.runId });

  if (deps.sink || choice.kind === 'ndjson') {
    const sink = deps.sink ?? openNdjsonSink(choice.kind === 'ndjson' ? choice.file : undefined, deps.stdout);
    const partitions = catalogPartitions();
    const outcome = await drive({ prepared, world, sink, partitions, onAck: [] }, req, deps);
    return report(prepared, outcome, sink, partitions, null);
  }

  if (!req.connection) throw new ScSimError('E_USAGE', 'a Kafka run needs a connection (broker addresses)');
  const connection = req.connection;
  const admin = await AdminSession.open(connection);
  let attached: AttachedChecks | undefined;
  try {
    const physical = await checkRunTopics(admin, DOMAIN_TOPICS, prepared.prefix);
    const partitions = new Map(
      DOMAIN_TOPICS.map((t) => [t, physical.get(physicalTopicName(t, prepared.prefix)) ?? getTopic(t)!.partitions]),
    );
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
      log: (line) => log(line, false),
    });
    const sink = await openKafkaSink(connection, prepared.scenario.producer, `sc-sim-${prepared.runId}`);
    const outcome = await drive({ prepared, world, sink, partitions, onAck: attached.onAck }, req, deps);
    const end = await admin.endOffsets([...physical.keys()]);
    const result = report(prepared, outcome, sink, partitions, { start, end });
    result.report.connection = summarizeConnection(connection);
    result.exitCode = await attached.complete(result.report, end, result.exitCode);
    attached = undefined;
    return result;
  } finally {
    await attached?.abort();
    await admin.close();
  }
}

/** `--dry-run`: the plan and the first few events as they would be sent (NDJSON), without a broker. */
export async function dryRun(settings: RunSettings, sampleCount: number, out: Writable): Promise<void> {
  const prepared = prepareRun(settings);
  out.write(
    `# scenario ${prepared.name}: ${prepared.scenario.description}\n# plan: ${prepared.plan}\n# seed ${prepared.seed}, run id ${prepared.runId}; first ${sampleCount} events:\n`,
  );
  const world = worldFromConfig(prepared.world, { runId: prepared.runId });
  const encode = createEncoder({
    runId: prepared.runId,
    prefix: prepared.prefix,
    partitions: catalogPartitions(),
    keys: prepared.scenario.keys,
  });
  const sink = openNdjsonSink(undefined, out);
  await sink.send(Array.from({ length: sampleCount }, () => encode(world.next())));
}
