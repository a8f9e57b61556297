// `sc-sim run <scenario>` and `sc-sim scenarios`: flags in, the app layer runs, the report out.
// Flags beat env (SC_SIM_BROKERS), which beats the scenario file, which beats defaults.
import { Option, type Command } from 'commander';
import { CONSUMER_DEFAULTS, VERIFY_TIMEOUT_MS, WATCH_DEFAULTS, type RunChecks } from '../app/checks.js';
import type { ConnectionFlags } from '../app/connection.js';
import { resolveScenario } from '../app/prepare.js';
import { assertWritable, writeHtmlReport, writeReportFile } from '../app/report-files.js';
import { dryRun, runScenario } from '../app/run.js';
import { parseSinkChoice } from '../app/sinks.js';
import { ScSimError } from '../errors.js';
import { EXPECTABLE_TOPICS, isExpectableTopic } from '../watch/expect.js';
import { REPORT_SCHEMA_VERSION } from '../report.js';
import { formatConsoleReport } from '../render/console.js';
import { formatJsonReport } from '../render/json.js';
import { formatRunProgress } from '../render/progress.js';
import { renderTable } from '../render/table.js';
import { renderScenariosJsonSchema, loadScenarios, resolveScenariosPath, planLine } from '../scenarios/index.js';
import {
  addConnectionOptions,
  connectionFromFlags,
  parseDurationFlag,
  parseGeneratorThreads,
  parseNonNegative,
  parsePositiveInt,
  parseRate,
  parseSeed,
  parseRunId,
  parseShard,
  parseStartAt,
  parseTopicList,
  prefixOption,
  shardFromEnv,
} from './options.js';
import { info, progressLine, runLog, withInterrupt } from './output.js';

export interface RunFlags extends ConnectionFlags {
  prefix: string;
  seed?: number;
  rate?: number;
  duration?: number;
  deliveryTimeout?: number;
  metadataMaxAge?: number;
  generatorThreads?: number | 'auto';
  sink?: string;
  json?: boolean;
  out?: string;
  html?: string;
  quiet?: boolean;
  dryRun?: boolean;
  file?: string;
  verify?: boolean;
  verifyTimeout?: number;
  consumerMs?: number;
  consumerConcurrency?: number;
  consumerTopics?: string;
  shard?: { index: number; count: number };
  startAt?: Date;
  runId?: string;
  watchGroup?: string;
  watchTopics?: string;
  watchInterval?: number;
  drainTimeout?: number;
  metrics?: string;
  keepGroups?: boolean;
  commitTimeout?: number;
  expect?: string;
}

/** `--expect`: derived topics sc-sim can check (the entity-card projections and the DLQs). */
function parseExpectList(list: string): string[] {
  const topics = list
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  if (topics.length === 0)
    throw new ScSimError('E_USAGE', '--expect: no topic given', { hint: 'e.g. --expect sc.proj.consumer.user-cards' });
  for (const t of topics) {
    if (!isExpectableTopic(t)) {
      throw new ScSimError('E_USAGE', `--expect: sc-sim cannot check ${JSON.stringify(t)}`, {
        hint: `one of: ${EXPECTABLE_TOPICS.join(', ')} (logical names; --prefix applies)`,
      });
    }
  }
  return topics;
}

/** The checks the flags ask for (a scenario's own `consumer:` block is applied by the app). */
export function checksFromFlags(flags: RunFlags): RunChecks {
  const checks: RunChecks = {};
  if (flags.verify) checks.verify = { timeoutMs: flags.verifyTimeout ?? VERIFY_TIMEOUT_MS };
  if (flags.consumerTopics !== undefined && flags.consumerMs === undefined) {
    throw new ScSimError('E_USAGE', '--consumer-topics needs --consumer-ms (the consumer it configures)', {
      hint: 'add --consumer-ms <ms per event>, or drop --consumer-topics',
    });
  }
  if (flags.consumerMs !== undefined) {
    checks.consumer = {
      perEventMs: flags.consumerMs,
      concurrency: flags.consumerConcurrency ?? CONSUMER_DEFAULTS.concurrency,
      topics: parseTopicList('--consumer-topics', flags.consumerTopics),
      drainTimeoutMs: CONSUMER_DEFAULTS.drainTimeoutMs,
      ...(flags.keepGroups ? { keepGroup: true } : {}),
    };
  }
  if (flags.watchTopics !== undefined && flags.watchGroup === undefined) {
    throw new ScSimError('E_USAGE', '--watch-topics needs --watch-group (the group it describes)', {
      hint: 'add --watch-group <your consumer group>, or drop --watch-topics',
    });
  }
  if (flags.watchGroup !== undefined) {
    const groups = flags.watchGroup
      .split(',')
      .map((g) => g.trim())
      .filter(Boolean);
    if (groups.length === 0)
      throw new ScSimError('E_USAGE', '--watch-group: no group given', { hint: 'e.g. --watch-group feed-builder' });
    checks.watch = {
      groups,
      ...(flags.watchTopics !== undefined ? { topics: parseTopicList('--watch-topics', flags.watchTopics) } : {}),
      intervalMs: flags.watchInterval ?? WATCH_DEFAULTS.intervalMs,
      drainTimeoutMs: flags.drainTimeout ?? WATCH_DEFAULTS.drainTimeoutMs,
      noCommitTimeoutMs: flags.commitTimeout ?? WATCH_DEFAULTS.noCommitTimeoutMs,
    };
  }
  if (flags.expect !== undefined) checks.expect = parseExpectList(flags.expect);
  return checks;
}

export async function runAction(scenarioName: string, flags: RunFlags): Promise<void> {
  const sink = parseSinkChoice(flags.sink);
  const ndjsonToStdout = sink.kind === 'ndjson' && sink.file === undefined;
  if (ndjsonToStdout && flags.json) {
    throw new ScSimError('E_USAGE', '--json and --sink ndjson both write to stdout', {
      hint: 'write events to a file (--sink ndjson:events.ndjson) or the report to one (--out report.json)',
    });
  }
  const checks = checksFromFlags(flags);
  // Output paths are checked before anything runs: a typo must not cost a whole run.
  if (flags.out) assertWritable(flags.out, 'report');
  if (flags.html) assertWritable(flags.html, 'HTML report');
  // Loaded and validated once here; everything below gets the parsed scenario.
  const scenario = resolveScenario(scenarioName, flags.file);
  const settings = {
    scenario,
    prefix: flags.prefix,
    seed: flags.seed,
    ratePerSec: flags.rate,
    durationMs: flags.duration,
    shard: flags.shard ?? shardFromEnv(),
    startAt: flags.startAt,
    runId: flags.runId,
    deliveryTimeoutMs: flags.deliveryTimeout,
    metadataMaxAgeMs: flags.metadataMaxAge,
    generatorThreads: flags.generatorThreads,
  };
  if (flags.dryRun) {
    await dryRun(settings, 5, process.stdout);
    return;
  }
  const progress = progressLine(flags.quiet);
  const result = await withInterrupt('stopping — draining in-flight sends, then writing the report', (signal) =>
    runScenario({
      ...settings,
      connection: sink.kind === 'kafka' ? connectionFromFlags(flags) : undefined,
      sink,
      checks,
      signal,
      log: runLog(flags.quiet),
      metricsListen: flags.metrics,
      onProgress: progress.write && ((p) => progress.write!(formatRunProgress(p))),
    }).finally(progress.clear),
  );
  if (flags.out) {
    writeReportFile(flags.out, result.report);
    if (!flags.quiet) info(`report written to ${flags.out}`);
  }
  if (flags.html) writeHtmlReport(flags.html, result.report);
  const text = formatConsoleReport(result.report);
  if (flags.json) process.stdout.write(formatJsonReport(result.report));
  else if (ndjsonToStdout) process.stderr.write(text);
  else process.stdout.write(text);
  // Everything produced so far is written above; then the error that stopped the run, exit 1.
  if (result.error) throw result.error;
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
  addConnectionOptions(
    program
      .command('run')
      .description(
        "send a scenario's events at its load shape and report throughput and latency per topic and partition",
      )
      .argument('<scenario>', 'scenario name (see `sc-sim scenarios`)'),
  )
    .addOption(prefixOption())
    .addOption(
      new Option('--seed <n>', "world seed (overrides the scenario's; default random, printed)").argParser(parseSeed),
    )
    .addOption(
      new Option('--rate <ev/s>', 'target rate: a constant rate, or the peak a ramp is scaled to').argParser(parseRate),
    )
    .addOption(
      new Option('--duration <d>', 'run length, e.g. 30s or 2m (a ramp is stretched to it)').argParser(
        parseDurationFlag('--duration'),
      ),
    )
    .addOption(
      new Option(
        '--delivery-timeout <d>',
        "how long a batch may take to be acked, retries included, before its events count as failed (default: the scenario's producer.deliveryTimeout, 2m)",
      ).argParser(parseDurationFlag('--delivery-timeout')),
    )
    .addOption(
      new Option(
        '--metadata-max-age <d>',
        "how often partition counts are read again during the run; a raised count is followed and keys move (default: the scenario's producer.metadataMaxAge, 5m as in Kafka's producer)",
      ).argParser(parseDurationFlag('--metadata-max-age', 1_000)),
    )
    .addOption(
      new Option(
        '--generator-threads <n>',
        "worker threads that generate the world's events: 0 (the main thread does), 1 (one worker, the same stream), up to 16 (the world split into that many shards, one per thread), or auto (the free cores less the main thread's) (default: the scenario's generator.threads, 0)",
      ).argParser(parseGeneratorThreads),
    )
    .option('--sink <sink>', 'kafka (default), ndjson (stdout) or ndjson:<file>')
    .option('--json', `print the report as JSON on stdout (schemaVersion ${REPORT_SCHEMA_VERSION})`)
    .option('--out <file>', 'also write the JSON report to this file')
    .option('--html <file>', 'write a self-contained HTML report (charts; no network needed to view it)')
    .option('-q, --quiet', 'no progress or informational lines on stderr')
    .option('--dry-run', 'print the plan and a sample of events; send nothing (no broker needed)')
    .option('-f, --file <path>', 'scenarios file (default ./scenarios.yaml)')
    .addOption(
      new Option(
        '--shard <i/N>',
        'run shard i of N: its own part of the world, rate/N (env: JOB_COMPLETION_INDEX + SC_SIM_SHARDS)',
      ).argParser(parseShard),
    )
    .addOption(
      new Option(
        '--start-at <time>',
        'set up, then start sending at this ISO-8601 instant (a barrier for shards)',
      ).argParser(parseStartAt),
    )
    .addOption(
      new Option('--run-id <id>', 'the run id (default fresh; shards derive a shared one)').argParser(parseRunId),
    )
    .option(
      '--verify',
      'read back what is sent, while sending, and check it (lost, duplicate, reordered…); exit 4 if any',
    )
    .addOption(
      new Option('--verify-timeout <d>', 'give up reading back this long after the run')
        .argParser(parseDurationFlag('--verify-timeout'))
        .default(VERIFY_TIMEOUT_MS, '60s'),
    )
    .addOption(
      new Option(
        '--consumer-ms <ms>',
        'also run a consumer group costing this much per event; report lag per partition',
      ).argParser(parseNonNegative('--consumer-ms')),
    )
    .addOption(
      new Option('--consumer-concurrency <n>', 'partitions the consumer processes at once')
        .argParser(parsePositiveInt('--consumer-concurrency'))
        .default(CONSUMER_DEFAULTS.concurrency),
    )
    .option(
      '--consumer-topics <list>',
      'catalog topics the consumer reads (default the 7 domain topics; needs --consumer-ms)',
    )
    .option(
      '--watch-group <ids>',
      'watch your consumer group(s) under the load: lag, time lag, rebalances, drain (comma-separated)',
    )
    .option(
      '--keep-groups',
      "keep sc-sim's own consumer groups afterwards (the consumer simulator's; default: deleted)",
    )
    .option('--metrics <host:port>', 'serve live metrics (OpenMetrics, for Prometheus) while the run lasts, e.g. :9464')
    .option('--watch-topics <list>', 'catalog topics the watched groups consume (default: every topic the run writes)')
    .addOption(
      new Option('--watch-interval <d>', 'how often the groups are sampled')
        .argParser(parseDurationFlag('--watch-interval'))
        .default(WATCH_DEFAULTS.intervalMs, '1s'),
    )
    .addOption(
      new Option('--commit-timeout <d>', 'a watched group that commits nothing for this long fails the run')
        .argParser(parseDurationFlag('--commit-timeout'))
        .default(WATCH_DEFAULTS.noCommitTimeoutMs, '30s'),
    )
    .addOption(
      new Option('--drain-timeout <d>', 'after the load, watch the groups until no lag, at most this long')
        .argParser(parseDurationFlag('--drain-timeout'))
        .default(WATCH_DEFAULTS.drainTimeoutMs, '5m'),
    )
    .option(
      '--expect <topics>',
      "check what your consumer wrote to these derived topics (entity cards, DLQs) against sc-sim's own derivation; needs --watch-group",
    )
    .addHelpText(
      'after',
      `
Time modes (the scenario's time: block; the plan line and the report name the one in use):
  live       the default: occurred_at is the wall-clock instant each event is due, and the record's
             timestamp (CreateTime) is the same; time: { mode: live, timeScale: 60 } makes world
             durations (lock-outs, promotion schedules) pass 60x faster, occurred_at stays the wall clock
  backfill   time: { mode: backfill, history: 7d }: the run's events spread over a history ending
             now, written as fast as the load allows, each record's timestamp its event time; events
             older than a topic's retention are refused (default) or, with beyondRetention: clamp,
             get their record timestamp clamped to the retention edge (occurred_at kept)
Key strategies (keys:): entity (default), compound { bucket }, salted { salts, by }, none { partitioner }`,
    )
    .action(runAction);

  program
    .command('scenarios')
    .description('list the scenarios with one plan line each')
    .option('-f, --file <path>', 'scenarios file (default ./scenarios.yaml)')
    .option('--json', 'as JSON')
    .option('--schema', "print the scenarios file's JSON Schema (scenarios.schema.json is generated from it)")
    .action(scenariosAction);
}
