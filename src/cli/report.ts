// `sc-sim report <file>` and `sc-sim compare a b`: saved reports re-rendered or put side by side.
import type { Command } from 'commander';
import { assertWritable, loadCompareSide, readReportFile, writeHtmlReport } from '../app/report-files.js';
import { compare } from '../report.js';
import { formatConsoleReport } from '../render/console.js';
import { formatJsonReport } from '../render/json.js';
import { compareRows, formatCompare } from '../render/compare.js';

function reportAction(file: string, flags: { json?: boolean; html?: string }): void {
  const report = readReportFile(file);
  if (flags.html) assertWritable(flags.html, 'HTML report');
  if (flags.html) writeHtmlReport(flags.html, report);
  process.stdout.write(flags.json ? formatJsonReport(report) : formatConsoleReport(report));
}

function compareAction(a: string, b: string, flags: { json?: boolean }): void {
  const result = compare(loadCompareSide(a, 'A'), loadCompareSide(b, 'B'));
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ ...result, rows: compareRows(result) }, null, 2)}\n`);
    return;
  }
  const legend = [
    `A: ${a}${result.a.scenario ? ` (${result.a.scenario})` : ''}`,
    `B: ${b}${result.b.scenario ? ` (${result.b.scenario})` : ''}`,
  ];
  process.stdout.write(`${legend.join('\n')}\n\n${formatCompare(result)}\n`);
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('re-render a saved run report (written with `run --out file.json`)')
    .argument('<file>', 'report JSON file')
    .option('--json', 'print it as JSON instead')
    .option('--html <file>', 'also write it as a self-contained HTML report')
    .action(reportAction);

  program
    .command('compare')
    .description('two reports side by side: rate, p99, skew, hottest partition, max lag, time to drain')
    .argument('<a>', 'report A: run.json, consumer.json, or run.json,consumer.json')
    .argument('<b>', 'report B, the same way')
    .option('--json', 'as JSON')
    .action(compareAction);
}
