// `sc-sim start` (what `npm start` runs): a seeded dev cluster from nothing — the local broker if
// none answers, the catalog's topics, then the default scenario (seed-dev) with its report.
import type { Command } from 'commander';
import { resolveBrokers } from '../config.js';
import { applyTopics, planCluster } from '../kafka/admin.js';
import { isBrokerAnswering, kafkaUp } from '../kafka/local/index.js';
import { renderList, renderPlan } from './topics.js';
import { brokersOption } from './options.js';
import { runAction } from './run.js';

const log = (msg: string) => process.stderr.write(`sc-sim: ${msg}\n`);

export interface StartOptions {
  brokers?: string;
  scenario: string;
  run: boolean;
  quiet?: boolean;
}

/** Brokers to use: explicit ones as given; otherwise the local broker, started when silent. */
export async function ensureBrokers(flag: string | undefined): Promise<string[]> {
  const explicit = flag !== undefined || (process.env['SC_SIM_BROKERS'] ?? '').trim() !== '';
  const brokers = resolveBrokers(flag);
  if (explicit) return brokers;
  if (await isBrokerAnswering(brokers, 3_000)) {
    log(`using the broker already answering at ${brokers.join(',')}`);
    return brokers;
  }
  log(`no broker answers at ${brokers.join(',')}: starting the local one (sc-sim kafka up)`);
  const up = await kafkaUp({ onProgress: log });
  log(
    `local Kafka ${up.version} ${up.status} at ${up.brokers.join(',')} (${up.mode}, ${(up.tookMs / 1000).toFixed(1)} s)`,
  );
  return up.brokers;
}

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('seed a dev cluster: start the local broker if none answers, apply the topic catalog, run seed-dev')
    .addOption(brokersOption())
    .option('--scenario <name>', 'scenario to run once the topics exist', 'seed-dev')
    .option('--no-run', 'only start the broker and apply the topics')
    .option('-q, --quiet', 'no progress or informational lines on stderr')
    .action(async (o: StartOptions) => {
      const brokers = await ensureBrokers(o.brokers);
      const applied = await applyTopics({ brokers, prefix: '', replicationFactor: 1, dryRun: false });
      if (applied.created.length + applied.altered.length > 0) process.stdout.write(renderPlan(applied.plan) + '\n\n');
      log(`topic catalog applied: ${applied.created.length} created, ${applied.altered.length} altered`);
      process.stdout.write(renderList(await planCluster({ brokers, prefix: '' })) + '\n\n');
      if (!o.run) return;
      log(`running scenario ${o.scenario} (sc-sim run ${o.scenario})`);
      await runAction(o.scenario, { brokers: brokers.join(','), prefix: '', quiet: o.quiet });
    });
}
