// `sc-sim verify`, `sc-sim consume` and `sc-sim compare`: check what a run wrote, simulate a
// consumer group with a processing cost (lag per partition), and put two runs side by side.
import { readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { DOMAIN_TOPICS, getTopic, physicalTopicName } from '../catalog/topics.js';
import { resolveBrokers } from '../config.js';
import { ExitCode, ScSimError } from '../errors.js';
import { startConsumerSim } from '../consume/consumer-sim.js';
import { formatConsumerReport, isConsumerReport, type ConsumerSimReport } from '../consume/report.js';
import { compare, formatCompare, type CompareInput } from '../report/compare.js';
import { renderHtmlReport } from '../render/html/report.js';
import { readReportFile, type RunReport } from '../report.js';
import { parseDurationMs } from '../runner/duration.js';
import { formatVerification } from '../verify/section.js';
import { LiveVerification, offsetsFromReport, verifySavedReport } from '../verify/session.js';
import { assertTopicsReady as topicsReady, fetchEndOffsets } from '../kafka/admin.js';
// Types only: run.ts calls into this module, so the runner is passed in rather than imported.
import type { RunScenarioOptions, RunScenarioResult } from './run.js';
import { brokersOption, parsePositiveInt, prefixOption } from './options.js';

/** A run report as sc-sim writes it, with the sections verification and the consumer add. */
/** A run report with the optional sections checks add (verification, consumer); kept as a name for readers. */
export type ExtendedRunReport = RunReport;

const stderr = (line: string) => process.stderr.write(`sc-sim: ${line}\n`);

function parseDurationFlag(flag: string) {
  return (raw: string): number => {
    const ms = parseDurationMs(/^\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw);
    if (ms === undefined || ms <= 0)
      throw new InvalidArgumentError(`${flag} expects e.g. 30s, 2m or 500ms, got "${raw}"`);
    return ms;
  };
}

function parseNonNegative(flag: string) {
  return (raw: string): number => {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || n < 0)
      throw new InvalidArgumentError(`${flag} expects a number >= 0, got "${raw}"`);
    return n;
  };
}

function writeFile(path: string, text: string, what: string): void {
  try {
    writeFileSync(path, text);
  } catch (err) {
    throw new ScSimError('E_IO', `cannot write the ${what} to ${path}: ${(err as Error).message}`, {
      hint: 'check that the directory exists and is writable',
      cause: err,
    });
  }
}

/** Reads a run report or a consumer report (`consume --out`). */
export function readAnyReport(path: string): { run: ExtendedRunReport | null; consumer: ConsumerSimReport | null } {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    // Not readable or not JSON: readReportFile below says which, with its hint.
  }
  if (isConsumerReport(data)) return { run: null, consumer: data };
  const run = readReportFile(path) as ExtendedRunReport;
  return { run, consumer: run.consumer ?? null };
}

/** One side of `compare`: "run.json" or "run.json,consumer.json" (files describing the same run). */
export function loadCompareSide(arg: string, label: string): CompareInput {
  const side: CompareInput = { label, run: null, consumer: null, verification: null };
  for (const path of arg
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const r = readAnyReport(path);
    if (r.run) {
      side.run = r.run;
      side.verification = r.run.verification ?? side.verification ?? null;
    }
    if (r.consumer) side.consumer = r.consumer;
  }
  return side;
}

export interface RunChecks {
  /** Read back what the run sends, while it sends, and check delivery and order. */
  verify?: { timeoutMs: number };
  /** A consumer-group simulator on these catalog topics while the run produces (lag per partition). */
  consumer?: { perEventMs: number; concurrency: number; topics?: string[]; drainTimeoutMs: number };
}

export interface CheckedRunResult extends RunScenarioResult {
  report: ExtendedRunReport;
}

/**
 * `run` with checks attached: starts the verifying read-back and/or the consumer simulator before
 * the run (at the offsets it starts from), runs the scenario, then adds their sections to the
 * report. Lost, duplicate or reordered events make the exit code ExitCode.verificationFailed.
 */
export async function runWithChecks(
  runScenario: (opts: RunScenarioOptions) => Promise<RunScenarioResult>,
  opts: RunScenarioOptions,
  checks: RunChecks,
): Promise<CheckedRunResult> {
  if (!checks.verify && !checks.consumer) return runScenario(opts);
  if (opts.sink !== undefined && opts.sink !== 'kafka') {
    throw new ScSimError('E_USAGE', '--verify and --consumer-ms read from Kafka: they need the Kafka sink', {
      hint: 'drop --sink, or use --sink kafka',
    });
  }
  const brokers = resolveBrokers(opts.brokers);
  const prefix = opts.prefix ?? '';
  const physical = await topicsReady(brokers, [...DOMAIN_TOPICS], prefix);
  let live: LiveVerification | undefined;
  let sim: ReturnType<typeof startConsumerSim> | undefined;
  try {
    if (checks.verify) {
      // Recorded before runScenario records its own: the range can only be larger, and records of
      // other runs in it are told apart by run id.
      const start = await fetchEndOffsets(brokers, [...physical.keys()]);
      live = await LiveVerification.start({ brokers, startOffsets: start, partitions: physical, producer: null });
      opts.log?.('verifying: reading back while sending', false);
    }
    if (checks.consumer) {
      const c = checks.consumer;
      sim = startConsumerSim({
        brokers,
        topics: (c.topics ?? [...DOMAIN_TOPICS]).map((t) => physicalTopicName(t, prefix)),
        groupId: `sc-sim-consumer-${randomBytes(3).toString('hex')}`,
        perEventMs: c.perEventMs,
        concurrency: c.concurrency,
        // Stopped once drained after the run, or by the drain timeout below.
        durationMs: 24 * 3_600_000,
        untilDrainedQuietMs: 1_500,
      });
      await sim.ready;
      opts.log?.(`consumer simulator joined: ${c.perEventMs} ms/event, ${c.concurrency} partition(s) at once`, false);
    }
    const result = await runScenario({ ...opts, onAck: [...(opts.onAck ?? []), ...(live ? [live.onAck] : [])] });
    const report: ExtendedRunReport = result.report;
    let exitCode = result.exitCode;
    if (live) {
      const verification = await live.finish(offsetsFromReport(report).end, checks.verify!.timeoutMs, report.producer);
      live = undefined;
      report.verification = verification;
      if (!verification.passed && exitCode !== ExitCode.interrupted) exitCode = ExitCode.verificationFailed;
    }
    if (sim) {
      opts.log?.('waiting for the consumer simulator to drain', false);
      const timer = setTimeout(() => sim!.stop(), checks.consumer!.drainTimeoutMs);
      try {
        report.consumer = await sim.done;
      } finally {
        clearTimeout(timer);
        sim = undefined;
      }
    }
    return { report, exitCode };
  } finally {
    await live?.abort();
    sim?.stop();
    await sim?.done.catch(() => undefined);
  }
}

/** The `run` flags that attach checks (added to the run command by addCheckOptions). */
export interface CheckFlags {
  verify?: boolean;
  verifyTimeout?: number;
  consumerMs?: number;
  consumerConcurrency?: number;
  consumerTopics?: string;
  html?: string;
}

export function addCheckOptions(cmd: Command): Command {
  return cmd
    .option(
      '--verify',
      'read back what is sent, while sending, and check it (lost, duplicate, reordered…); exit 4 if any',
    )
    .addOption(
      new Option('--verify-timeout <d>', 'give up reading back this long after the run')
        .argParser(parseDurationFlag('--verify-timeout'))
        .default(60_000, '60s'),
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
        .default(3),
    )
    .option('--consumer-topics <list>', 'catalog topics the consumer reads (default the 7 domain topics)')
    .option('--html <file>', 'write a self-contained HTML report (charts; no network needed to view it)');
}

export function checksFromFlags(flags: CheckFlags): RunChecks {
  const checks: RunChecks = {};
  if (flags.verify) checks.verify = { timeoutMs: flags.verifyTimeout ?? 60_000 };
  if (flags.consumerMs !== undefined) {
    checks.consumer = {
      perEventMs: flags.consumerMs,
      concurrency: flags.consumerConcurrency ?? 3,
      topics: parseTopics(flags.consumerTopics),
      drainTimeoutMs: 60_000,
    };
  }
  return checks;
}

/** The sections checks add, for the console under the run summary ('' when there are none). */
export function formatChecks(report: ExtendedRunReport): string {
  const parts: string[] = [];
  if (report.verification) parts.push(formatVerification(report.verification));
  if (report.consumer) parts.push(formatConsumerReport(report.consumer));
  return parts.map((p) => `\n${p}\n`).join('');
}

export function writeHtmlReport(path: string, report: ExtendedRunReport): void {
  writeFile(
    path,
    renderHtmlReport({ run: report, verification: report.verification ?? null, consumer: report.consumer ?? null }),
    'HTML report',
  );
}

interface VerifyFlags {
  report: string;
  brokers?: string;
  timeout: number;
  json?: boolean;
  out?: string;
  html?: string;
}

async function verifyAction(flags: VerifyFlags): Promise<void> {
  const report = readReportFile(flags.report) as ExtendedRunReport;
  if (report.offsets === null || Object.keys(report.offsets.topics).length === 0) {
    throw new ScSimError('E_REPORT_FILE', `${flags.report} records no offsets: it was not a run against Kafka`, {
      hint: 'verify a report written by `sc-sim run <scenario> --out report.json` with the Kafka sink',
    });
  }
  const brokers = resolveBrokers(flags.brokers);
  stderr(`reading back run ${report.run.id} from ${brokers.join(',')}`);
  const section = await verifySavedReport(report, brokers, flags.timeout);
  const extended: ExtendedRunReport = { ...report, verification: section };
  if (flags.out) writeFile(flags.out, `${JSON.stringify(extended, null, 2)}\n`, 'report');
  if (flags.html) writeHtmlReport(flags.html, extended);
  process.stdout.write(flags.json ? `${JSON.stringify(section, null, 2)}\n` : `${formatVerification(section)}\n`);
  if (!section.passed) process.exitCode = ExitCode.verificationFailed;
}

interface ConsumeFlags {
  brokers?: string;
  prefix: string;
  group?: string;
  topics?: string;
  perEventMs: number;
  concurrency: number;
  duration: number;
  untilDrained?: boolean;
  fromBeginning?: boolean;
  json?: boolean;
  out?: string;
  html?: string;
  quiet?: boolean;
}

function parseTopics(raw: string | undefined): string[] {
  if (raw === undefined) return [...DOMAIN_TOPICS];
  const names = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => getTopic(n) === undefined);
  if (names.length === 0 || unknown.length > 0) {
    throw new ScSimError(
      'E_USAGE',
      `--topics: ${unknown.length > 0 ? `not catalog topics: ${unknown.join(', ')}` : 'no topic given'}`,
      {
        hint: `name catalog topics without the prefix, e.g. --topics sc.domain.promotion,sc.domain.order (see \`sc-sim topics list\`)`,
      },
    );
  }
  return names;
}

async function consumeAction(flags: ConsumeFlags): Promise<void> {
  const brokers = resolveBrokers(flags.brokers);
  const logical = parseTopics(flags.topics);
  await topicsReady(brokers, logical, flags.prefix);
  const topics = logical.map((t) => physicalTopicName(t, flags.prefix));
  const groupId = flags.group ?? `sc-sim-consumer-${randomBytes(3).toString('hex')}`;
  const showProgress = process.stderr.isTTY === true && !flags.quiet;
  const controller = new AbortController();
  const onSignal = () => {
    stderr('stopping the consumer, then writing the report');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let report: ConsumerSimReport;
  try {
    if (!flags.quiet)
      stderr(
        `consumer group ${groupId} on ${topics.length} topic(s): ${flags.perEventMs} ms/event, ${flags.concurrency} partition(s) at once`,
      );
    const sim = startConsumerSim({
      brokers,
      topics,
      groupId,
      perEventMs: flags.perEventMs,
      concurrency: flags.concurrency,
      durationMs: flags.duration,
      untilDrainedQuietMs: flags.untilDrained ? 2_000 : undefined,
      fromBeginning: flags.fromBeginning ?? false,
      signal: controller.signal,
      onSample: showProgress
        ? (s) =>
            process.stderr.write(
              `\r\x1b[K[${(s.tMs / 1000).toFixed(0).padStart(4)}s] processed ${s.processed.toLocaleString('en-US')}  lag ${s.totalLag.toLocaleString('en-US')}  max partition lag ${s.maxLag.toLocaleString('en-US')}`,
            )
        : undefined,
    });
    await sim.ready;
    if (!flags.quiet) stderr('joined; consuming');
    report = await sim.done;
  } finally {
    if (showProgress) process.stderr.write('\r\x1b[K');
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (flags.out) writeFile(flags.out, `${JSON.stringify(report, null, 2)}\n`, 'consumer report');
  if (flags.html)
    writeFile(flags.html, renderHtmlReport({ consumer: report, title: `sc-sim consumer — ${groupId}` }), 'HTML report');
  process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatConsumerReport(report)}\n`);
}

function compareAction(a: string, b: string, flags: { json?: boolean }): void {
  const result = compare(loadCompareSide(a, 'A'), loadCompareSide(b, 'B'));
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  const legend = [
    `A: ${a}${result.a.scenario ? ` (${result.a.scenario})` : ''}`,
    `B: ${b}${result.b.scenario ? ` (${result.b.scenario})` : ''}`,
  ];
  process.stdout.write(`${legend.join('\n')}\n\n${formatCompare(result)}\n`);
}

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description(
      'read back what a saved run wrote and check it: lost, duplicate, reordered, gaps, key→partition moves, indeterminate',
    )
    .requiredOption('--report <file>', 'run report written by `sc-sim run <scenario> --out file.json`')
    .addOption(brokersOption())
    .addOption(
      new Option('--timeout <d>', 'give up reading back after this long')
        .argParser(parseDurationFlag('--timeout'))
        .default(60_000, '60s'),
    )
    .option('--json', 'print the verification section as JSON')
    .option('--out <file>', 'write the run report with its verification section added')
    .option('--html <file>', 'write a self-contained HTML report')
    .action(verifyAction);

  program
    .command('consume')
    .description(
      'run a consumer group whose processing costs a set time per event and record lag per partition over time',
    )
    .addOption(brokersOption())
    .addOption(prefixOption())
    .option('--group <id>', 'consumer group id (default a fresh sc-sim-consumer-<hex>)')
    .option('--topics <list>', 'catalog topics, comma-separated (default the 7 domain topics)')
    .addOption(
      new Option('--per-event-ms <ms>', 'simulated processing time per event')
        .argParser(parseNonNegative('--per-event-ms'))
        .default(1),
    )
    .addOption(
      new Option('--concurrency <n>', 'partitions processed at the same time (partitionsConsumedConcurrently)')
        .argParser(parsePositiveInt('--concurrency'))
        .default(1),
    )
    .addOption(
      new Option('--duration <d>', 'how long to consume, e.g. 30s')
        .argParser(parseDurationFlag('--duration'))
        .default(30_000, '30s'),
    )
    .option('--until-drained', 'stop early once production has been quiet for 2 s and no lag is left')
    .option('--from-beginning', 'a new group starts at the oldest records (default: only new ones)')
    .option('--json', 'print the consumer report as JSON')
    .option('--out <file>', 'write the consumer report (JSON) to this file')
    .option('--html <file>', 'write a self-contained HTML page with the lag chart')
    .option('-q, --quiet', 'no progress on stderr')
    .action(consumeAction);

  program
    .command('compare')
    .description('two reports side by side: rate, p99, skew, hottest partition, max lag, time to drain')
    .argument('<a>', 'report A: run.json, consumer.json, or run.json,consumer.json')
    .argument('<b>', 'report B, the same way')
    .option('--json', 'as JSON')
    .action(compareAction);
}
