// `sc-sim verify --report file.json`: read back what a saved run wrote and check it.
import { Option, type Command } from 'commander';
import { VERIFY_TIMEOUT_MS } from '../app/checks.js';
import { assertWritable, readReportFile, writeHtmlReport, writeReportFile } from '../app/report-files.js';
import { verifySavedReport } from '../app/verify-report.js';
import type { ConnectionFlags } from '../app/connection.js';
import { ExitCode, ScSimError } from '../errors.js';
import { formatVerification } from '../render/verification.js';
import { addConnectionOptions, connectionFromFlags, parseDurationFlag } from './options.js';
import { info } from './output.js';

interface VerifyFlags extends ConnectionFlags {
  report: string;
  timeout: number;
  json?: boolean;
  out?: string;
  html?: string;
}

async function verifyAction(flags: VerifyFlags): Promise<void> {
  const report = readReportFile(flags.report);
  if (flags.out) assertWritable(flags.out, 'report');
  if (flags.html) assertWritable(flags.html, 'HTML report');
  if (report.offsets === null || Object.keys(report.offsets.topics).length === 0) {
    throw new ScSimError('E_REPORT_FILE', `${flags.report} records no offsets: it was not a run against Kafka`, {
      hint: 'verify a report written by `sc-sim run <scenario> --out report.json` with the Kafka sink',
    });
  }
  const connection = connectionFromFlags(flags);
  info(`reading back run ${report.run.id} from ${connection.brokers.join(',')}`);
  const section = await verifySavedReport(report, connection, flags.timeout);
  const checked = { ...report, verification: section };
  if (flags.out) writeReportFile(flags.out, checked);
  if (flags.html) writeHtmlReport(flags.html, checked);
  process.stdout.write(flags.json ? `${JSON.stringify(section, null, 2)}\n` : `${formatVerification(section)}\n`);
  if (!section.passed) process.exitCode = ExitCode.verificationFailed;
}

export function registerVerify(program: Command): void {
  addConnectionOptions(
    program
      .command('verify')
      .description(
        'read back what a saved run wrote and check it: lost, duplicate, reordered, gaps, key→partition moves, indeterminate',
      )
      .requiredOption('--report <file>', 'run report written by `sc-sim run <scenario> --out file.json`'),
  )
    .addOption(
      new Option('--timeout <d>', 'give up reading back after this long')
        .argParser(parseDurationFlag('--timeout'))
        .default(VERIFY_TIMEOUT_MS, '60s'),
    )
    .option('--json', 'print the verification section as JSON')
    .option('--out <file>', 'write the run report with its verification section added')
    .option('--html <file>', 'write a self-contained HTML report')
    .action(verifyAction);
}
