// The topic plan for the console (`topics apply`, `topics list`, `start`) and its JSON shape.
import { formatDurationMs } from '../runner/duration.js';
import type { Change, Durability, PlanItem, TopicPlan } from '../topics/plan.js';
import { renderTable } from './table.js';

function describeChange(c: Change): string {
  if (c.kind === 'partitions') return c.from === 0 ? `partitions=${c.to}` : `partitions ${c.from}→${c.to}`;
  if (c.kind === 'replication') return `replication=${c.to}`;
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
  const line = `plan: ${c.create} to create, ${c.alter} to alter, ${c.ok} ok, ${c.drift} drift`;
  return `${table}\n\n${line}${plan.durability ? `\n${describeDurability(plan.durability)}` : ''}`;
}

/** Which replication settings the plan used, and why (flag, or the cluster's size). */
export function describeDurability(d: Durability): string {
  const brokers = `${d.brokers} broker${d.brokers === 1 ? '' : 's'}`;
  const rf = d.source.replicationFactor === 'flag' ? '--replication-factor' : `min(3, ${brokers})`;
  const isr =
    d.source.minInsyncReplicas === 'flag'
      ? '--min-insync-replicas'
      : d.brokers >= 3
        ? `2 with 3+ brokers, at most the factor`
        : `1 with fewer than 3 brokers`;
  return `replication: factor ${d.replicationFactor} for new topics (${rf}), min.insync.replicas ${d.minInsyncReplicas} (${isr})`;
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
  const summary = `${rows.length} topics, ${drifted} not matching the catalog`;
  return `${table}\n\n${summary}${plan.durability ? `\n${describeDurability(plan.durability)}` : ''}`;
}

/** The JSON shape of `topics list --json` / `topics apply --json` (documented in the README). */
export function planJson(plan: TopicPlan) {
  return {
    prefix: plan.prefix,
    counts: plan.counts,
    ...(plan.durability ? { durability: plan.durability } : {}),
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
