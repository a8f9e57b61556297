// `sc-sim consume`: a consumer group whose processing costs a set time per event; lag per partition.
import { Option, type Command } from 'commander';
import { runConsume } from '../app/consume.js';
import type { ConnectionFlags } from '../app/connection.js';
import { assertWritable, writeOutputFile, writeReportFile } from '../app/report-files.js';
import { renderHtmlReport } from '../render/html/report.js';
import { formatConsumerReport } from '../render/consumer.js';
import { formatConsumerProgress } from '../render/progress.js';
import {
  addConnectionOptions,
  connectionFromFlags,
  parseDurationFlag,
  parseNonNegative,
  parsePositiveInt,
  parseTopicList,
  prefixOption,
} from './options.js';
import { info, progressLine, withInterrupt } from './output.js';

interface ConsumeFlags extends ConnectionFlags {
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
  keepGroup?: boolean;
}

async function consumeAction(flags: ConsumeFlags): Promise<void> {
  const topics = parseTopicList('--topics', flags.topics);
  if (flags.out) assertWritable(flags.out, 'consumer report');
  if (flags.html) assertWritable(flags.html, 'HTML report');
  const progress = progressLine(flags.quiet);
  const report = await withInterrupt('stopping the consumer, then writing the report', (signal) =>
    runConsume({
      connection: connectionFromFlags(flags),
      prefix: flags.prefix,
      topics,
      groupId: flags.group,
      keepGroup: flags.keepGroup,
      perEventMs: flags.perEventMs,
      concurrency: flags.concurrency,
      durationMs: flags.duration,
      untilDrainedQuietMs: flags.untilDrained ? 2_000 : undefined,
      fromBeginning: flags.fromBeginning ?? false,
      signal,
      onJoined: (groupId, physical) => {
        if (!flags.quiet)
          info(
            `consumer group ${groupId} joined on ${physical.length} topic(s): ${flags.perEventMs} ms/event, ${flags.concurrency} partition(s) at once`,
          );
      },
      onSample: progress.write && ((s) => progress.write!(formatConsumerProgress(s))),
    }).finally(progress.clear),
  );
  if (flags.out) writeReportFile(flags.out, report);
  if (flags.html)
    writeOutputFile(
      flags.html,
      renderHtmlReport({ consumer: report, title: `sc-sim consumer — ${report.groupId}` }),
      'HTML report',
    );
  process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatConsumerReport(report)}\n`);
}

export function registerConsume(program: Command): void {
  addConnectionOptions(
    program
      .command('consume')
      .description(
        'run a consumer group whose processing costs a set time per event and record lag per partition over time',
      ),
  )
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
    .option('--keep-group', 'keep the generated consumer group afterwards (default: deleted)')
    .option('-q, --quiet', 'no progress on stderr')
    .action(consumeAction);
}
