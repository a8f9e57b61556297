// Child-process entry of the bench: runs one scenario through runScenario (the same path as
// `sc-sim run`) in a fresh Node process and writes its report. Options arrive as one JSON argument.
import { pathToFileURL } from 'node:url';
import type { KafkaConnection } from '../src/config.js';
import { formatError, isScSimError, ExitCode } from '../src/errors.js';
import { writeReportFile } from '../src/app/report-files.js';
import { runScenario } from '../src/app/run.js';

export interface ScenarioChildOptions {
  file: string;
  scenario: string;
  /** Brokers and security settings; plain data without secret values (they are read from their sources). */
  connection: KafkaConnection;
  prefix: string;
  seed: number;
  ratePerSec?: number;
  durationMs?: number;
  /** Report JSON is written here. */
  out: string;
  /** Log lines (seed, run id, "topics ready") to stderr; the bench times the run's start from them. */
  verbose: boolean;
  /** Read back and verify while sending, as `sc-sim run --verify` does. */
  verify?: boolean;
}

/** Printed on stdout after the run: what the process spent (the bench reads it back). */
export const PROC_MARKER = 'sc-sim-bench-proc ';

export interface ChildProcFigures {
  /** CPU (user + system, all threads) spent inside the run: connect, send, drain, close. */
  runCpuUs: number;
  /** CPU of the whole process, start-up (tsx, imports) included. */
  processCpuUs: number;
  /** Peak resident set (getrusage ru_maxrss). */
  maxRssBytes: number;
}

async function main(): Promise<number> {
  const o = JSON.parse(process.argv[2] ?? '{}') as ScenarioChildOptions;
  const before = process.cpuUsage();
  const { report, exitCode } = await runScenario({
    scenario: o.scenario,
    file: o.file,
    connection: o.connection,
    prefix: o.prefix,
    seed: o.seed,
    ratePerSec: o.ratePerSec,
    durationMs: o.durationMs,
    checks: o.verify ? { verify: { timeoutMs: 120_000 } } : {},
    log: o.verbose ? (line) => process.stderr.write(`sc-sim: ${line}\n`) : undefined,
  });
  const cpu = process.cpuUsage(before);
  const total = process.cpuUsage();
  const figures: ChildProcFigures = {
    runCpuUs: cpu.user + cpu.system,
    processCpuUs: total.user + total.system,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  };
  process.stdout.write(`${PROC_MARKER}${JSON.stringify(figures)}\n`);
  writeReportFile(o.out, report);
  return exitCode;
}

// Only as a process of its own: the bench imports PROC_MARKER from here, and an import must not run
// a scenario (it did, with the bench's own arguments, and printed an error after `--help`).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`${formatError(err)}\n`);
      process.exitCode = isScSimError(err) ? err.exitCode : ExitCode.toolError;
    },
  );
}
