// `sc-sim topics apply|list|delete`: make a cluster match the topic catalog, and show where it differs.
import type { Command } from 'commander';
import type { ConnectionFlags } from '../app/connection.js';
import { applyFailureError, applyTopicCatalog, deleteCatalogTopics, readTopicPlan } from '../app/topics.js';
import { ScSimError } from '../errors.js';
import { withAdmin } from '../kafka/admin.js';
import { planJson, renderList, renderPlan } from '../render/topics.js';
import { driftOf } from '../topics/plan.js';
import { addConnectionOptions, connectionFromFlags, parsePositiveInt, prefixOption } from './options.js';

export function registerTopics(program: Command): void {
  const topics = program.command('topics').description('apply the topic catalog to a cluster, or compare them');

  addConnectionOptions(
    topics
      .command('apply')
      .description(
        'create missing catalog topics, raise partition counts, fix retention/cleanup; never deletes or shrinks',
      ),
  )
    .addOption(prefixOption())
    .option('--dry-run', 'print the plan and change nothing', false)
    .option(
      '--replication-factor <n>',
      'replication factor for created topics (default: min(3, brokers))',
      parsePositiveInt('--replication-factor'),
    )
    .option(
      '--min-insync-replicas <n>',
      'min.insync.replicas for every catalog topic (default: 2 with 3+ brokers, else 1)',
      parsePositiveInt('--min-insync-replicas'),
    )
    .option('--json', 'print the plan and result as JSON on stdout', false)
    .action(
      async (
        o: ConnectionFlags & {
          prefix: string;
          dryRun: boolean;
          replicationFactor?: number;
          minInsyncReplicas?: number;
          json: boolean;
        },
      ) => {
        const connection = connectionFromFlags(o);
        const result = await withAdmin(connection, (admin) =>
          applyTopicCatalog(admin, {
            prefix: o.prefix,
            replicationFactor: o.replicationFactor,
            minInsyncReplicas: o.minInsyncReplicas,
            dryRun: o.dryRun,
          }),
        );
        // What could not be done is printed with the rest, then fails the command (exit 1).
        const failure = applyFailureError(result, connection.brokers);
        if (o.json) {
          const failed = result.failed.map((f) => ({
            topic: f.topic,
            action: f.action,
            code: f.error.code,
            message: f.error.message,
          }));
          process.stdout.write(
            JSON.stringify(
              { ...planJson(result.plan), dryRun: o.dryRun, created: result.created, altered: result.altered, failed },
              null,
              2,
            ) + '\n',
          );
          if (failure) throw failure;
          return;
        }
        process.stdout.write(renderPlan(result.plan) + '\n');
        const drift = driftOf(result.plan).length;
        if (o.dryRun) {
          process.stdout.write('dry run: nothing changed\n');
        } else if (result.created.length + result.altered.length === 0) {
          process.stdout.write(`nothing to change${drift ? ` (${drift} drift reported above, left untouched)` : ''}\n`);
        } else {
          process.stdout.write(
            `${failure ? 'applied in part' : 'applied'}: ${result.created.length} created, ${result.altered.length} altered${failure ? `, ${result.failed.length} refused` : ''}\n`,
          );
        }
        if (failure) throw failure;
      },
    );

  addConnectionOptions(topics.command('list').description('catalog vs cluster, one row per topic, drift marked'))
    .addOption(prefixOption())
    .option('--json', 'print as JSON on stdout', false)
    .action(async (o: ConnectionFlags & { prefix: string; json: boolean }) => {
      const plan = await withAdmin(connectionFromFlags(o), (admin) => readTopicPlan(admin, o.prefix));
      process.stdout.write(o.json ? JSON.stringify(planJson(plan), null, 2) + '\n' : renderList(plan) + '\n');
    });

  addConnectionOptions(
    topics
      .command('delete')
      .description("delete the catalog's topics under a prefix (e.g. after a CI run); refuses without one"),
  )
    .addOption(prefixOption())
    .option('--all', 'with --yes: delete the catalog topics that have no prefix (a whole dev cluster)')
    .option('--yes', 'confirm --all')
    .option('--dry-run', 'print what would be deleted', false)
    .option('--json', 'print the result as JSON', false)
    .action(
      async (o: ConnectionFlags & { prefix: string; all?: boolean; yes?: boolean; dryRun: boolean; json: boolean }) => {
        if (o.prefix === '' && !(o.all && o.yes)) {
          throw new ScSimError('E_USAGE', 'topics delete without --prefix would delete the cluster’s catalog topics', {
            hint: 'give the prefix of the run to clean up (--prefix ci-42.), or --all --yes to delete the un-prefixed catalog',
          });
        }
        if (o.prefix !== '' && o.all) {
          throw new ScSimError('E_USAGE', '--all deletes the un-prefixed catalog: it does not go with --prefix', {
            hint: 'drop --all to delete the topics under the prefix',
          });
        }
        const r = await withAdmin(connectionFromFlags(o), (admin) => deleteCatalogTopics(admin, o.prefix, o.dryRun));
        if (o.json) {
          process.stdout.write(`${JSON.stringify({ prefix: o.prefix, dryRun: o.dryRun, ...r }, null, 2)}\n`);
          return;
        }
        for (const t of r.deleted) process.stdout.write(`${o.dryRun ? 'would delete' : 'deleted'} ${t}\n`);
        process.stdout.write(
          `${o.dryRun ? 'dry run: ' : ''}${r.deleted.length} topic(s) ${o.dryRun ? 'to delete' : 'deleted'}, ${r.missing.length} not there\n`,
        );
      },
    );
}
