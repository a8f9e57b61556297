// `sc-sim run <scenario>`, `sc-sim scenarios` and `sc-sim report <file>`, plus runScenario(),
// the programmatic entry `npm start` and the bench use: scenario -> world -> encoder -> runner
// -> sink -> report. Flags beat env (SC_SIM_BROKERS), which beats the file, which beats defaults.
import { randomBytes, randomInt } from 'node:crypto';
import type { Writable } from 'node:stream';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { DOMAIN_TOPICS, getTopic, physicalTopicName } from '../catalog/topics.js';
import { resolveBrokers } from '../config.js';
import { createEncoder } from '../records/encode.js';
import { ExitCode, ScSimError } from '../errors.js';
import { formatDurationMs, renderTable } from '../render/table.js';
import { createWorld } from '../generators/world.js';
import type { WorldConfigInput } from '../generators/config.js';
import { assertTopicsReady, fetchEndOffsets } from '../kafka/admin.js';
import {
  buildReport,
  formatConsoleReport,
  formatJsonReport,
  readReportFile,
  writeReportFile,
  type RunReport,
} from '../report.js';
import type { OffsetsReport } from '../report/types.js';
import { runLoad, type AckObserver, type Progress } from '../runner.js';
import { realClock } from '../runner/clock.js';
import { parseDurationMs } from '../runner/duration.js';
import { applyOverrides, createSchedule } from '../runner/executors.js';
import { renderScenariosJsonSchema } from '../scenarios/json-schema.js';
import { getScenario, loadScenarios, resolveScenariosPath } from '../scenarios/loader.js';
import { planLine } from '../scenarios/plan.js';
import type { Scenario } from '../scenarios/schema.js';
import { KafkaSink } from '../sinks/kafka.js';
import { WorkerKafkaSink } from '../sinks/kafka-worker.js';
import { NdjsonSink } from '../sinks/ndjson.js';
import type { Sink } from '../sinks/types.js';
import { PRODUCER } from '../version.js';
import { brokersOption, prefixOption } from './options.js';
import {
  addCheckOptions,
  checksFromFlags,
  formatChecks,
  runWithChecks,
  writeHtmlReport,
  type CheckFlags,
  type RunChecks,
} from './verify.js';

export interface RunScenarioOptions {
  /** A scenario name from the scenarios file, or a scenario given directly (e.g. by the bench). */
  scenario: string | { name: string; scenario: Scenario };
  /** Scenarios file (default ./scenarios.yaml, else the bundled one). */
  file?: string;
  /** --brokers value; SC_SIM_BROKERS and then 127.0.0.1:9092 otherwise. */
  brokers?: string;
  prefix?: string;
  /** Overrides the scenario's world.seed; without either, a random seed (printed). */
  seed?: number;
  ratePerSec?: number;
  durationMs?: number;
  /** "kafka" (default), "ndjson" (stdout) or "ndjson:<file>". */
  sink?: string;
  /** Called for every answered batch (e.g. a verifier). */
  onAck?: AckObserver[];
  /** Abort to stop scheduling; in-flight sends are drained and the report is still built. */
  signal?: AbortSignal;
  /** Progress once a second (the CLI passes a stderr writer when stderr is a TTY). */
  onProgress?: (p: Progress) => void;
  /**
   * Informational lines for stderr; `essential` marks the seed/run-id line, which the CLI prints
   * even with --quiet (it is what reproduces the run).
   */
  log?: (line: string, essential: boolean) => void;
}

export interface RunScenarioResult {
  report: RunReport;
  /** 0 ok, 3 a threshold failed, 130 interrupted (tool errors are thrown as ScSimError). */
  exitCode: ExitCode;
}

interface SinkChoice {
  kind: 'kafka' | 'ndjson';
  file?: string;
}

export function parseSinkFlag(raw: string | undefined): SinkChoice {
  if (raw === undefined || raw === 'kafka') return { kind: 'kafka' };
  if (raw === 'ndjson') return { kind: 'ndjson' };
  if (raw.startsWith('ndjson:') && raw.length > 'ndjson:'.length)
    return { kind: 'ndjson', file: raw.slice('ndjson:'.length) };
  throw new ScSimError('E_USAGE', `--sink "${raw}" is not a sink`, {
    hint: 'use --sink kafka, --sink ndjson (stdout) or --sink ndjson:events.ndjson',
  });
}

/** `run-20260101T120000-a1b2c3`: sortable by time, unique enough to share a broker. */
export function newRunId(now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, '');
  return `run-${stamp}-${randomBytes(3).toString('hex')}`;
}

function resolveScenario(opts: RunScenarioOptions): { name: string; scenario: Scenario } {
  if (typeof opts.scenario !== 'string') return opts.scenario;
  const loaded = loadScenarios(resolveScenariosPath(opts.file));
  return { name: opts.scenario, scenario: getScenario(loaded, opts.scenario) };
}

/** A scenario's own `consumer:` block applies unless the CLI set one (--consumer-ms wins). */
export function checksWithScenarioDefaults(checks: RunChecks, scenario: Scenario): RunChecks {
  if (checks.consumer || !scenario.consumer) return checks;
  const c = scenario.consumer;
  return {
    ...checks,
    consumer: { perEventMs: c.perEvent, concurrency: c.concurrency, topics: c.topics, drainTimeoutMs: 60_000 },
  };
}

/** The scenario with --rate/--duration applied to its load shape. */
function withOverrides(scenario: Scenario, opts: RunScenarioOptions): Scenario {
  const load = applyOverrides(scenario.load, { ratePerSec: opts.ratePerSec, durationMs: opts.durationMs });
  if (load === scenario.load) return scenario;
  const durationMs = createSchedule(load).durationMs;
  if (scenario.warmup > 0 && durationMs !== undefined && durationMs <= scenario.warmup) {
    throw new ScSimError(
      'E_USAGE',
      `the run (${formatDurationMs(durationMs)}) is no longer than its warm-up (${formatDurationMs(scenario.warmup)}): nothing would be measured`,
      {
        hint: `give a --duration longer than ${formatDurationMs(scenario.warmup)}`,
      },
    );
  }
  return { ...scenario, load };
}

function catalogPartitions(): Map<string, number> {
  return new Map(DOMAIN_TOPICS.map((t) => [t, getTopic(t)!.partitions]));
}

function toOffsetsReport(
  prefix: string,
  start: Map<string, Map<number, bigint>>,
  end: Map<string, Map<number, bigint>>,
): OffsetsReport {
  const asRecord = (m: Map<number, bigint> | undefined) =>
    Object.fromEntries(
      [...(m ?? new Map<number, bigint>())].sort(([a], [b]) => a - b).map(([p, o]) => [String(p), o.toString()]),
    );
  const topics: OffsetsReport['topics'] = {};
  for (const logical of DOMAIN_TOPICS) {
    const physicalTopic = physicalTopicName(logical, prefix);
    topics[logical] = {
      physicalTopic,
      start: asRecord(start.get(physicalTopic)),
      end: asRecord(end.get(physicalTopic)),
    };
  }
  return { topics };
}

/** Runs one scenario end to end and builds its report. Tool failures throw ScSimError. */
export async function runScenario(opts: RunScenarioOptions): Promise<RunScenarioResult> {
  const log = opts.log ?? (() => undefined);
  const { name, scenario: base } = resolveScenario(opts);
  const scenario = withOverrides(base, opts);
  const schedule = createSchedule(scenario.load);
  const prefix = opts.prefix ?? '';
  const seed = opts.seed ?? scenario.world.seed ?? randomInt(0, 0xffffffff);
  const runId = newRunId();
  const choice = parseSinkFlag(opts.sink);
  log(`scenario ${name}: ${planLine(scenario)}`, false);
  log(`seed ${seed}, run id ${runId}`, true);
  // The world first: a bad world config fails before any connection is opened.
  const world = createWorld({ ...(scenario.world as WorldConfigInput), seed }, { runId });

  let sink: Sink;
  let partitions: Map<string, number>;
  let startOffsets: Map<string, Map<number, bigint>> | undefined;
  let brokers: string[] = [];
  if (choice.kind === 'kafka') {
    brokers = resolveBrokers(opts.brokers);
    const physical = await assertTopicsReady(brokers, [...DOMAIN_TOPICS], prefix);
    partitions = new Map(
      DOMAIN_TOPICS.map((t) => [t, physical.get(physicalTopicName(t, prefix)) ?? getTopic(t)!.partitions]),
    );
    startOffsets = await fetchEndOffsets(brokers, [...physical.keys()]);
    log(`topics ready on ${brokers.join(',')}${prefix ? ` (prefix ${prefix})` : ''}`, false);
    const p = scenario.producer;
    sink = await (p.worker ? WorkerKafkaSink : KafkaSink).connect({
      brokers,
      clientId: `sc-sim-${runId}`,
      mode: {
        acks: p.acks,
        idempotent: p.idempotent,
        maxInFlightRequests: p.maxInFlightRequests,
        compression: p.compression,
      },
      ackTimeoutMs: p.timeout,
    });
  } else {
    partitions = catalogPartitions();
    sink = new NdjsonSink(choice.file);
  }

  const encode = createEncoder({ runId, prefix, partitions, keys: scenario.keys });
  const startedAt = new Date();
  let outcome;
  try {
    outcome = await runLoad({
      schedule,
      nextRecord: () => encode(world.next()),
      sink,
      clock: realClock(),
      batch: {
        maxEvents: scenario.producer.batchMaxEvents,
        maxBytes: scenario.producer.batchMaxBytes,
        lingerMs: scenario.producer.linger,
      },
      maxInFlightBatches: scenario.producer.inFlightBatches,
      maxBacklogEvents: scenario.pacing.maxBacklog,
      lateThresholdMs: scenario.pacing.lateAfter,
      warmupMs: scenario.warmup,
      onAck: opts.onAck,
      signal: opts.signal,
      onProgress: opts.onProgress,
    });
  } finally {
    await sink.close();
  }
  const endedAt = new Date();

  let offsets: OffsetsReport | null = null;
  if (startOffsets) {
    const end = await fetchEndOffsets(brokers, [...startOffsets.keys()]);
    offsets = toOffsetsReport(prefix, startOffsets, end);
  }

  const report = buildReport({
    tool: PRODUCER,
    runId,
    scenarioName: name,
    description: scenario.description,
    plan: planLine(scenario),
    seed,
    startedAt,
    endedAt,
    durationMs: outcome.durationMs,
    interrupted: outcome.interrupted,
    metrics: outcome.metrics,
    scheduleEndMs: outcome.scheduleEndMs,
    sink: sink.description,
    prefix,
    partitions,
    offsets,
    thresholds: scenario.thresholds,
  });
  const exitCode = outcome.interrupted ? ExitCode.interrupted : report.passed ? ExitCode.ok : ExitCode.thresholdFailed;
  return { report, exitCode };
}

/** `--dry-run`: the plan and the first few events as they would be sent (NDJSON), without a broker. */
export async function dryRun(opts: RunScenarioOptions, sampleCount: number, out: Writable): Promise<void> {
  const { name, scenario: base } = resolveScenario(opts);
  const scenario = withOverrides(base, opts);
  const seed = opts.seed ?? scenario.world.seed ?? randomInt(0, 0xffffffff);
  const runId = newRunId();
  const prefix = opts.prefix ?? '';
  out.write(
    `# scenario ${name}: ${scenario.description}\n# plan: ${planLine(scenario)}\n# seed ${seed}, run id ${runId}; first ${sampleCount} events:\n`,
  );
  const world = createWorld({ ...(scenario.world as WorldConfigInput), seed }, { runId });
  const encode = createEncoder({ runId, prefix, partitions: catalogPartitions(), keys: scenario.keys });
  const sink = new NdjsonSink(undefined, out);
  await sink.send(Array.from({ length: sampleCount }, () => encode(world.next())));
}

// ------------------------------------------------------------------------------------------------
// CLI

const stderr = (line: string) => process.stderr.write(`sc-sim: ${line}\n`);

function formatProgress(p: Progress): string {
  const target =
    p.targetRatePerSec === undefined ? '' : ` / target ${Math.round(p.targetRatePerSec).toLocaleString('en-US')}`;
  return (
    `[${(p.elapsedMs / 1_000).toFixed(0).padStart(4)}s] ${Math.round(p.ackedRatePerSec).toLocaleString('en-US')} ev/s${target}` +
    `  acked ${p.acked.toLocaleString('en-US')}  errors ${p.errors}  dropped ${p.dropped}  p99 ${p.ackP99Ms.toFixed(1)} ms`
  );
}

export interface RunFlags extends CheckFlags {
  brokers?: string;
  prefix: string;
  seed?: number;
  rate?: number;
  duration?: number;
  sink?: string;
  json?: boolean;
  out?: string;
  quiet?: boolean;
  dryRun?: boolean;
  file?: string;
}

function parseSeed(raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n > 0xffffffff) {
    throw new InvalidArgumentError(`--seed expects a whole number from 0 to 4294967295, got "${raw}"`);
  }
  return n;
}

function parseRate(raw: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError(`--rate expects events per second (> 0), got "${raw}"`);
  return n;
}

function parseDuration(raw: string): number {
  const ms = parseDurationMs(/^\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw);
  if (ms === undefined || ms <= 0)
    throw new InvalidArgumentError(`--duration expects e.g. 30s, 2m or 500ms, got "${raw}"`);
  return ms;
}

export async function runAction(scenarioName: string, flags: RunFlags): Promise<void> {
  const sinkChoice = parseSinkFlag(flags.sink);
  const ndjsonToStdout = sinkChoice.kind === 'ndjson' && sinkChoice.file === undefined;
  if (ndjsonToStdout && flags.json) {
    throw new ScSimError('E_USAGE', '--json and --sink ndjson both write to stdout', {
      hint: 'write events to a file (--sink ndjson:events.ndjson) or the report to one (--out report.json)',
    });
  }
  // Loaded and validated once here; everything below gets the parsed scenario.
  const resolved = resolveScenario({ scenario: scenarioName, file: flags.file });
  const common: RunScenarioOptions = {
    scenario: resolved,
    file: flags.file,
    brokers: flags.brokers,
    prefix: flags.prefix,
    seed: flags.seed,
    ratePerSec: flags.rate,
    durationMs: flags.duration,
    sink: flags.sink,
  };
  if (flags.dryRun) {
    await dryRun(common, 5, process.stdout);
    return;
  }

  const showProgress = process.stderr.isTTY === true && !flags.quiet;
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    signals++;
    if (signals > 1) process.exit(ExitCode.interrupted);
    stderr(`${sig}: stopping — draining in-flight sends, then writing the report (again to quit now)`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let result: RunScenarioResult;
  try {
    // --verify / --consumer-ms attach their checks around the run (src/cli/verify.ts).
    result = await runWithChecks(
      runScenario,
      {
        ...common,
        signal: controller.signal,
        log: (line, essential) => (essential || !flags.quiet ? stderr(line) : undefined),
        onProgress: showProgress ? (p) => process.stderr.write(`\r\x1b[K${formatProgress(p)}`) : undefined,
      },
      checksWithScenarioDefaults(checksFromFlags(flags), resolved.scenario),
    );
  } finally {
    if (showProgress) process.stderr.write('\r\x1b[K');
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (flags.out) {
    writeReportFile(flags.out, result.report);
    if (!flags.quiet) stderr(`report written to ${flags.out}`);
  }
  if (flags.html) writeHtmlReport(flags.html, result.report);
  const text = `${formatConsoleReport(result.report)}\n${formatChecks(result.report)}`;
  if (flags.json) process.stdout.write(formatJsonReport(result.report));
  else if (ndjsonToStdout) process.stderr.write(text);
  else process.stdout.write(text);
  process.exitCode = result.exitCode;
}

function scenariosAction(flags: { file?: string; json?: boolean; schema?: boolean }): void {
  if (flags.schema) {
    process.stdout.write(renderScenariosJsonSchema());
    return;
  }
  const loaded = loadScenarios(resolveScenariosPath(flags.file));
  const rows = Object.entries(loaded.scenarios).map(([name, s]) => ({
    name,
    description: s.description,
    plan: planLine(s),
  }));
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  process.stdout.write(
    `${renderTable(rows, [
      { header: 'SCENARIO', value: (r) => r.name },
      { header: 'PLAN', value: (r) => r.plan },
    ])}\n\n${rows.length} scenarios in ${loaded.path}; run one with: sc-sim run <scenario>\n`,
  );
}

export function registerRun(program: Command): void {
  const run = program
    .command('run')
    .description("send a scenario's events at its load shape and report throughput and latency per topic and partition")
    .argument('<scenario>', 'scenario name (see `sc-sim scenarios`)')
    .addOption(brokersOption())
    .addOption(prefixOption())
    .addOption(
      new Option('--seed <n>', "world seed (overrides the scenario's; default random, printed)").argParser(parseSeed),
    )
    .addOption(
      new Option('--rate <ev/s>', 'target rate: a constant rate, or the peak a ramp is scaled to').argParser(parseRate),
    )
    .addOption(
      new Option('--duration <d>', 'run length, e.g. 30s or 2m (a ramp is stretched to it)').argParser(parseDuration),
    )
    .option('--sink <sink>', 'kafka (default), ndjson (stdout) or ndjson:<file>')
    .option('--json', 'print the report as JSON on stdout (schemaVersion 1)')
    .option('--out <file>', 'also write the JSON report to this file')
    .option('-q, --quiet', 'no progress or informational lines on stderr')
    .option('--dry-run', 'print the plan and a sample of events; send nothing (no broker needed)')
    .option('-f, --file <path>', 'scenarios file (default ./scenarios.yaml)');
  addCheckOptions(run).action(runAction);

  program
    .command('scenarios')
    .description('list the scenarios with one plan line each')
    .option('-f, --file <path>', 'scenarios file (default ./scenarios.yaml)')
    .option('--json', 'as JSON')
    .option('--schema', "print the scenarios file's JSON Schema (scenarios.schema.json is generated from it)")
    .action(scenariosAction);

  program
    .command('report')
    .description('re-render a saved run report (written with `run --out file.json`)')
    .argument('<file>', 'report JSON file')
    .option('--json', 'print it as JSON instead')
    .option('--html <file>', 'also write it as a self-contained HTML report')
    .action((file: string, flags: { json?: boolean; html?: string }) => {
      const report = readReportFile(file);
      if (flags.html) writeHtmlReport(flags.html, report);
      process.stdout.write(
        flags.json ? formatJsonReport(report) : `${formatConsoleReport(report)}\n${formatChecks(report)}`,
      );
    });
}
