// `sc-sim start` (what `npm start` runs): a seeded dev cluster from nothing — the local broker if
// none answers, the catalog's topics, then the default scenario (seed-dev) with its report.
import type { Command } from 'commander';
import { resolveConnectionSettings, type ConnectionFlags } from '../app/connection.js';
import { ensureBrokers, seedTopics } from '../app/start.js';
import { renderList, renderPlan } from '../render/topics.js';
import { addConnectionOptions } from './options.js';
import { info } from './output.js';
import { runAction } from './run.js';

interface StartFlags extends ConnectionFlags {
  scenario: string;
  run: boolean;
  quiet?: boolean;
}

export function registerStart(program: Command): void {
  addConnectionOptions(
    program
      .command('start')
      .description('seed a dev cluster: start the local broker if none answers, apply the topic catalog, run seed-dev'),
  )
    .option('--scenario <name>', 'scenario to run once the topics exist', 'seed-dev')
    .option('--no-run', 'only start the broker and apply the topics')
    .option('-q, --quiet', 'no progress or informational lines on stderr')
    .action(async (o: StartFlags) => {
      const resolved = resolveConnectionSettings(o);
      for (const w of resolved.warnings) info(w);
      const connection = await ensureBrokers(resolved, info);
      const { applied, after } = await seedTopics(connection);
      if (applied.created.length + applied.altered.length > 0) process.stdout.write(renderPlan(applied.plan) + '\n\n');
      info(`topic catalog applied: ${applied.created.length} created, ${applied.altered.length} altered`);
      process.stdout.write(renderList(after) + '\n\n');
      if (!o.run) return;
      info(`running scenario ${o.scenario} (sc-sim run ${o.scenario})`);
      // The same connection flags, with the brokers that were found or started.
      const { scenario: _scenario, run: _run, ...connectionFlags } = o;
      await runAction(o.scenario, {
        ...connectionFlags,
        brokers: connection.brokers.join(','),
        prefix: '',
        quiet: o.quiet,
      });
    });
}
