// Pure planning for `sc-sim topics apply|list`: compares the catalog with what a cluster has and
// decides, per topic, create / alter / ok / drift. Never plans a delete or a shrink.
import { TOPICS, physicalTopicName, type TopicSpec } from '../catalog/topics.js';
import type { ObservedTopic } from '../kafka/admin.js';

export type { ObservedTopic };

export type Change =
  | { kind: 'partitions'; from: number; to: number }
  | { kind: 'config'; name: 'retention.ms' | 'cleanup.policy'; from: string | undefined; to: string };

export type PlanAction = 'create' | 'alter' | 'ok' | 'drift';

export interface PlanItem {
  /** Physical topic name (prefix applied). */
  topic: string;
  /** Catalog name, or null for an unknown `sc.*` topic found on the cluster. */
  catalogName: string | null;
  action: PlanAction;
  /** What `apply` will change (create: the full spec; alter: the differences). */
  changes: Change[];
  /** Why a topic is drift: reported, never touched. */
  drift: string[];
  spec: TopicSpec | null;
  observed: ObservedTopic | null;
}

export interface TopicPlan {
  prefix: string;
  items: PlanItem[];
  counts: Record<PlanAction, number>;
}

export function desiredConfigs(spec: TopicSpec): Record<'retention.ms' | 'cleanup.policy', string> {
  return { 'retention.ms': String(spec.retentionMs), 'cleanup.policy': spec.cleanupPolicy };
}

export function planTopics(
  observed: readonly ObservedTopic[],
  prefix = '',
  catalog: readonly TopicSpec[] = TOPICS,
): TopicPlan {
  const byName = new Map(observed.map((t) => [t.name, t]));
  const items: PlanItem[] = [];
  const known = new Set<string>();

  for (const spec of catalog) {
    const topic = physicalTopicName(spec.name, prefix);
    known.add(topic);
    const have = byName.get(topic);
    const want = desiredConfigs(spec);
    if (!have) {
      items.push({
        topic,
        catalogName: spec.name,
        action: 'create',
        changes: [
          { kind: 'partitions', from: 0, to: spec.partitions },
          { kind: 'config', name: 'retention.ms', from: undefined, to: want['retention.ms'] },
          { kind: 'config', name: 'cleanup.policy', from: undefined, to: want['cleanup.policy'] },
        ],
        drift: [],
        spec,
        observed: null,
      });
      continue;
    }
    const changes: Change[] = [];
    const drift: string[] = [];
    if (have.partitions < spec.partitions) {
      changes.push({ kind: 'partitions', from: have.partitions, to: spec.partitions });
    } else if (have.partitions > spec.partitions) {
      // Kafka cannot shrink a topic without deleting it, and deleting loses data: report only.
      drift.push(`has ${have.partitions} partitions, catalog says ${spec.partitions} (not shrunk)`);
    }
    const haveRetention = have.retentionMs === undefined ? undefined : String(have.retentionMs);
    if (have.configsDenied) {
      // Under ACLs a principal may see a topic but not its configs: say so, change nothing blind.
      drift.push('retention and cleanup unknown: no DESCRIBE_CONFIGS on this topic');
    } else {
      if (haveRetention !== want['retention.ms']) {
        changes.push({ kind: 'config', name: 'retention.ms', from: haveRetention, to: want['retention.ms'] });
      }
      if (have.cleanupPolicy !== want['cleanup.policy']) {
        changes.push({ kind: 'config', name: 'cleanup.policy', from: have.cleanupPolicy, to: want['cleanup.policy'] });
      }
    }
    // A topic can need repairs and be drift at once; repairs still run, drift is still reported.
    const action: PlanAction = changes.length > 0 ? 'alter' : drift.length > 0 ? 'drift' : 'ok';
    items.push({ topic, catalogName: spec.name, action, changes, drift, spec, observed: have });
  }

  // Unknown topics in our namespace: someone created them by hand, or the catalog dropped them.
  const ours = `${prefix}sc.`;
  for (const have of observed) {
    if (known.has(have.name) || !have.name.startsWith(ours)) continue;
    items.push({
      topic: have.name,
      catalogName: null,
      action: 'drift',
      changes: [],
      drift: ['not in the catalog (left untouched)'],
      spec: null,
      observed: have,
    });
  }

  const counts: Record<PlanAction, number> = { create: 0, alter: 0, ok: 0, drift: 0 };
  for (const item of items) counts[item.action] += 1;
  return { prefix, items, counts };
}

/** Topics that a cluster would need changed: what `apply` acts on. */
export function actionable(plan: TopicPlan): PlanItem[] {
  return plan.items.filter((i) => i.action === 'create' || i.action === 'alter');
}

/** Drift that remains after apply (more partitions than the catalog, unknown topics). */
export function driftOf(plan: TopicPlan): PlanItem[] {
  return plan.items.filter((i) => i.drift.length > 0);
}
