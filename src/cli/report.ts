// `sc-sim report <file>` and `sc-sim compare a b [c …]`: saved reports re-rendered or put side by side.
import type { Command } from 'commander';
import {
  assertWritable,
  loadCompareSide,
  readReportFile,
  writeHtmlReport,
  writeReportFile,
} from '../app/report-files.js';
import { info } from './output.js';
import { compare, mergeReports } from '../report.js';
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

function mergeAction(files: string[], flags: { out: string; json?: boolean; html?: string }): void {
  assertWritable(flags.out, 'merged report');
  if (flags.html) assertWritable(flags.html, 'HTML report');
  const merged = mergeReports(files.map((path) => ({ path, report: readReportFile(path) })));
  writeReportFile(flags.out, merged);
  info(`merged ${files.length} shard report(s) into ${flags.out}`);
  if (flags.html) writeHtmlReport(flags.html, merged);
  process.stdout.write(flags.json ? formatJsonReport(merged) : formatConsoleReport(merged));
}

export function registerReport(program: Command): void {
  const report = program
    .command('report')
    .description('re-render a saved run report (written with `run --out file.json`); `report merge` joins shards')
    .argument('<file>', 'report JSON file')
    .option('--json', 'print it as JSON instead')
    .option('--html <file>', 'also write it as a self-contained HTML report')
    .action(reportAction);

  report
    .command('merge')
    .description(
      "merge the reports of a sharded run's shards into one (histograms and counts merge exactly; thresholds are evaluated again)",
    )
    .argument('<files...>', 'the shards’ report files (`run --shard i/N --out …`)')
    .requiredOption('-o, --out <file>', 'write the merged report here')
    .option('--json', 'print the merged report as JSON')
    .option('--html <file>', 'also write it as a self-contained HTML report')
    .action(mergeAction);

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
