// `sc-sim report <file>` and `sc-sim compare a b [c …]`: saved reports re-rendered or put side by side.
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

/** A, B, C, … Z, then S27, S28, … */
const sideLabel = (i: number) => (i < 26 ? String.fromCharCode(65 + i) : `S${i + 1}`);

function compareAction(a: string, b: string, more: string[], flags: { json?: boolean }): void {
  const files = [a, b, ...more];
  const result = compare(...files.map((f, i) => loadCompareSide(f, sideLabel(i))));
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ ...result, rows: compareRows(result) }, null, 2)}\n`);
    return;
  }
  const legend = result.sides.map((s, i) => `${s.label}: ${files[i]}${s.scenario ? ` (${s.scenario})` : ''}`);
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
    .description(
      'reports side by side: key strategy, rate, p99, skew, hottest partition (overall and per second), max lag, time to drain',
    )
    .argument('<a>', 'report A: run.json, consumer.json, or run.json,consumer.json')
    .argument('<b>', 'report B, the same way')
    .argument('[more...]', 'reports C, D, … the same way (two reports also get a B/A ratio column)')
    .option('--json', 'as JSON')
    .action(compareAction);
}
