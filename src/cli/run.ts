// `sc-sim run <scenario>` and `sc-sim scenarios`: flags in, the app layer runs, the report out.
// Flags beat env (SC_SIM_BROKERS), which beats the scenario file, which beats defaults.
import { Option, type Command } from 'commander';
import { CONSUMER_DEFAULTS, VERIFY_TIMEOUT_MS, type RunChecks } from '../app/checks.js';
import type { ConnectionFlags } from '../app/connection.js';
import { resolveScenario } from '../app/prepare.js';
import { assertWritable, writeHtmlReport, writeReportFile } from '../app/report-files.js';
import { dryRun, runScenario } from '../app/run.js';
import { parseSinkChoice } from '../app/sinks.js';
import { ScSimError } from '../errors.js';
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
  parseNonNegative,
  parsePositiveInt,
  parseRate,
  parseSeed,
  parseTopicList,
  prefixOption,
} from './options.js';
import { info, progressLine, runLog, withInterrupt } from './output.js';

export interface RunFlags extends ConnectionFlags {
  prefix: string;
  seed?: number;
  rate?: number;
  duration?: number;
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
    };
  }
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
    .option('--sink <sink>', 'kafka (default), ndjson (stdout) or ndjson:<file>')
    .option('--json', `print the report as JSON on stdout (schemaVersion ${REPORT_SCHEMA_VERSION})`)
    .option('--out <file>', 'also write the JSON report to this file')
    .option('--html <file>', 'write a self-contained HTML report (charts; no network needed to view it)')
    .option('-q, --quiet', 'no progress or informational lines on stderr')
    .option('--dry-run', 'print the plan and a sample of events; send nothing (no broker needed)')
    .option('-f, --file <path>', 'scenarios file (default ./scenarios.yaml)')
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
    .action(runAction);

  program
    .command('scenarios')
    .description('list the scenarios with one plan line each')
    .option('-f, --file <path>', 'scenarios file (default ./scenarios.yaml)')
    .option('--json', 'as JSON')
    .option('--schema', "print the scenarios file's JSON Schema (scenarios.schema.json is generated from it)")
    .action(scenariosAction);
}
