// `sc-sim watch --group <id>`: watch one of your consumer groups on its own (no load from sc-sim).
import { Option, type Command } from 'commander';
import { WATCH_DEFAULTS } from '../app/checks.js';
import { assertWritable, writeOutputFile } from '../app/report-files.js';
import { runWatch } from '../app/watch.js';
import type { ConnectionFlags } from '../app/connection.js';
import { formatJsonReport } from '../render/json.js';
import { formatGroupWatch } from '../render/watch.js';
import {
  addConnectionOptions,
  connectionFromFlags,
  parseDurationFlag,
  parseTopicList,
  prefixOption,
} from './options.js';
import { info, progressLine, withInterrupt } from './output.js';

interface WatchFlags extends ConnectionFlags {
  prefix: string;
  group: string;
  topics?: string;
  interval: number;
  duration: number;
  untilDrained?: boolean;
  json?: boolean;
  out?: string;
  quiet?: boolean;
  commitTimeout: number;
}

async function watchAction(flags: WatchFlags): Promise<void> {
  const topics = parseTopicList('--topics', flags.topics);
  if (flags.out) assertWritable(flags.out, 'watch report');
  const progress = progressLine(flags.quiet);
  const report = await withInterrupt('stopping the watch, then writing the report', (signal) =>
    runWatch({
      connection: connectionFromFlags(flags),
      groupId: flags.group,
      prefix: flags.prefix,
      topics,
      intervalMs: flags.interval,
      durationMs: flags.duration,
      untilDrained: flags.untilDrained ?? false,
      noCommitTimeoutMs: flags.commitTimeout,
      signal,
      onSample:
        progress.write &&
        ((s) =>
          progress.write!(
            `[${(s.tMs / 1000).toFixed(0).padStart(4)}s] ${s.state}  lag ${s.totalLag}  max time lag ${s.maxTimeLagMs ?? '-'} ms`,
          )),
    }).finally(progress.clear),
  );
  if (flags.out) {
    writeOutputFile(flags.out, formatJsonReport(report), 'watch report');
    if (!flags.quiet) info(`watch report written to ${flags.out}`);
  }
  process.stdout.write(flags.json ? formatJsonReport(report) : `${formatGroupWatch(report)}\n`);
}

export function registerWatch(program: Command): void {
  addConnectionOptions(
    program
      .command('watch')
      .description('watch one of your consumer groups: lag and time lag per partition, rebalances, drain'),
  )
    .addOption(prefixOption())
    .requiredOption('--group <id>', 'the consumer group to watch')
    .option('--topics <list>', 'catalog topics it consumes, comma-separated (default the 7 domain topics)')
    .addOption(
      new Option('--interval <d>', 'how often to sample')
        .argParser(parseDurationFlag('--interval'))
        .default(1_000, '1s'),
    )
    .addOption(
      new Option('--duration <d>', 'watch this long (with --until-drained: at most this long)')
        .argParser(parseDurationFlag('--duration'))
        .default(60_000, '1m'),
    )
    .option('--until-drained', 'stop as soon as the group has no lag')
    .addOption(
      new Option('--commit-timeout <d>', 'fail when the group has committed nothing on the topics for this long')
        .argParser(parseDurationFlag('--commit-timeout'))
        .default(WATCH_DEFAULTS.noCommitTimeoutMs, '30s'),
    )
    .option('--json', 'print the watch report as JSON')
    .option('--out <file>', 'also write the watch report (JSON) to this file')
    .option('-q, --quiet', 'no progress on stderr')
    .action(watchAction);
}
