// `sc-sim topics apply|list`: make a cluster match the topic catalog, and show where it differs.
import type { Command } from 'commander';
import { resolveBrokers } from '../config.js';
import { applyTopics, planCluster } from '../kafka/admin.js';
import { driftOf, type Change, type PlanItem, type TopicPlan } from '../topics/plan.js';
import { renderTable, formatDurationMs } from '../render/table.js';
import { brokersOption, parsePositiveInt, prefixOption } from './options.js';

function describeChange(c: Change): string {
  if (c.kind === 'partitions') return c.from === 0 ? `partitions=${c.to}` : `partitions ${c.from}→${c.to}`;
  const show = (v: string | undefined) =>
    v === undefined ? '?' : c.name === 'retention.ms' && /^\d+$/.test(v) ? formatDurationMs(Number(v)) : v;
  return c.from === undefined ? `${c.name}=${show(c.to)}` : `${c.name} ${show(c.from)}→${show(c.to)}`;
}

export function renderPlan(plan: TopicPlan): string {
  const rows = plan.items.map((i) => ({
    action: i.action,
    topic: i.topic,
    detail: [...i.changes.map(describeChange), ...i.drift.map((d) => `drift: ${d}`)].join('; ') || '-',
  }));
  const table = renderTable(rows, [
    { header: 'ACTION', value: (r) => r.action },
    { header: 'TOPIC', value: (r) => r.topic },
    { header: 'DETAIL', value: (r) => r.detail },
  ]);
  const c = plan.counts;
  return `${table}\n\nplan: ${c.create} to create, ${c.alter} to alter, ${c.ok} ok, ${c.drift} drift`;
}

function listRow(i: PlanItem) {
  const status = i.action === 'create' ? 'missing' : i.drift.length > 0 || i.changes.length > 0 ? 'DRIFT' : 'ok';
  return {
    topic: i.topic,
    category: i.spec?.category ?? '?',
    partitions: `${i.spec?.partitions ?? '-'}/${i.observed?.partitions ?? '-'}`,
    retention: `${i.spec ? formatDurationMs(i.spec.retentionMs) : '-'}/${i.observed?.retentionMs !== undefined ? formatDurationMs(i.observed.retentionMs) : '-'}`,
    key: i.spec?.keyField ?? '-',
    status,
    detail: [...i.changes.map(describeChange), ...i.drift].join('; '),
  };
}

export function renderList(plan: TopicPlan): string {
  const rows = plan.items.map(listRow);
  const table = renderTable(rows, [
    { header: 'TOPIC', value: (r) => r.topic },
    { header: 'CATEGORY', value: (r) => r.category },
    { header: 'PARTITIONS catalog/cluster', value: (r) => r.partitions, align: 'right' },
    { header: 'RETENTION catalog/cluster', value: (r) => r.retention, align: 'right' },
    { header: 'KEY', value: (r) => r.key },
    { header: 'STATUS', value: (r) => r.status },
    { header: 'DETAIL', value: (r) => r.detail },
  ]);
  const drifted = rows.filter((r) => r.status !== 'ok').length;
  return `${table}\n\n${rows.length} topics, ${drifted} not matching the catalog`;
}

/** The JSON shape of `topics list --json` / `topics apply --json` (documented in the README). */
export function planJson(plan: TopicPlan) {
  return {
    prefix: plan.prefix,
    counts: plan.counts,
    topics: plan.items.map((i) => ({
      topic: i.topic,
      catalogName: i.catalogName,
      action: i.action,
      catalog: i.spec && {
        partitions: i.spec.partitions,
        retentionMs: i.spec.retentionMs,
        cleanupPolicy: i.spec.cleanupPolicy,
        keyField: i.spec.keyField,
      },
      cluster: i.observed,
      changes: i.changes,
      drift: i.drift,
    })),
  };
}

export function registerTopics(program: Command): void {
  const topics = program.command('topics').description('apply the topic catalog to a cluster, or compare them');

  topics
    .command('apply')
    .description(
      'create missing catalog topics, raise partition counts, fix retention/cleanup; never deletes or shrinks',
    )
    .addOption(brokersOption())
    .addOption(prefixOption())
    .option('--dry-run', 'print the plan and change nothing', false)
    .option(
      '--replication-factor <n>',
      'replication factor for created topics',
      parsePositiveInt('--replication-factor'),
      1,
    )
    .option('--json', 'print the plan and result as JSON on stdout', false)
    .action(
      async (o: { brokers?: string; prefix: string; dryRun: boolean; replicationFactor: number; json: boolean }) => {
        const brokers = resolveBrokers(o.brokers);
        const result = await applyTopics({
          brokers,
          prefix: o.prefix,
          replicationFactor: o.replicationFactor,
          dryRun: o.dryRun,
        });
        if (o.json) {
          process.stdout.write(
            JSON.stringify(
              { ...planJson(result.plan), dryRun: o.dryRun, created: result.created, altered: result.altered },
              null,
              2,
            ) + '\n',
          );
          return;
        }
        process.stdout.write(renderPlan(result.plan) + '\n');
        const drift = driftOf(result.plan).length;
        if (o.dryRun) {
          process.stdout.write('dry run: nothing changed\n');
        } else if (result.created.length + result.altered.length === 0) {
          process.stdout.write(`nothing to change${drift ? ` (${drift} drift reported above, left untouched)` : ''}\n`);
        } else {
          process.stdout.write(`applied: ${result.created.length} created, ${result.altered.length} altered\n`);
        }
      },
    );

  topics
    .command('list')
    .description('catalog vs cluster, one row per topic, drift marked')
    .addOption(brokersOption())
    .addOption(prefixOption())
    .option('--json', 'print as JSON on stdout', false)
    .action(async (o: { brokers?: string; prefix: string; json: boolean }) => {
      const plan = await planCluster({ brokers: resolveBrokers(o.brokers), prefix: o.prefix });
      process.stdout.write(o.json ? JSON.stringify(planJson(plan), null, 2) + '\n' : renderList(plan) + '\n');
    });
}
