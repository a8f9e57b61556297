// Pure planning for `sc-sim topics apply|list`: compares the catalog with what a cluster has and
// decides, per topic, create / alter / ok / drift. Never plans a delete or a shrink.
import { TOPICS, physicalTopicName, type TopicSpec } from '../catalog/topics.js';
import { ScSimError } from '../errors.js';
import type { ObservedTopic } from '../kafka/admin.js';

export type { ObservedTopic };

export type ManagedConfig = 'retention.ms' | 'cleanup.policy' | 'min.insync.replicas';

export type Change =
  | { kind: 'partitions'; from: number; to: number }
  | { kind: 'replication'; from: number; to: number }
  | { kind: 'config'; name: ManagedConfig; from: string | undefined; to: string };

/**
 * The replication factor new topics get and the min.insync.replicas every catalog topic gets, and
 * where each came from: production's 3 and 2 where the cluster has 3+ brokers, what fits otherwise.
 */
export interface Durability {
  brokers: number;
  replicationFactor: number;
  minInsyncReplicas: number;
  source: { replicationFactor: 'flag' | 'brokers'; minInsyncReplicas: 'flag' | 'brokers' };
}

export function chooseDurability(
  brokers: number,
  flags: { replicationFactor?: number | undefined; minInsyncReplicas?: number | undefined } = {},
): Durability {
  const replicationFactor = flags.replicationFactor ?? Math.max(1, Math.min(3, brokers));
  if (replicationFactor > brokers) {
    throw new ScSimError(
      'E_USAGE',
      `--replication-factor ${replicationFactor}, but the cluster has ${brokers} broker${brokers === 1 ? '' : 's'}`,
      {
        hint: `leave it out (the default is min(3, brokers) = ${Math.max(1, Math.min(3, brokers))}) or start more brokers: sc-sim kafka up --nodes 3`,
      },
    );
  }
  // 2 where there are 3+ brokers, never above the replication factor (acks=all could never succeed).
  const minInsyncReplicas = flags.minInsyncReplicas ?? (brokers >= 3 ? Math.min(2, replicationFactor) : 1);
  if (minInsyncReplicas > replicationFactor) {
    throw new ScSimError(
      'E_USAGE',
      `--min-insync-replicas ${minInsyncReplicas} is above the replication factor ${replicationFactor}`,
      { hint: 'every acks=all write would fail with NOT_ENOUGH_REPLICAS; use at most the replication factor' },
    );
  }
  return {
    brokers,
    replicationFactor,
    minInsyncReplicas,
    source: {
      replicationFactor: flags.replicationFactor !== undefined ? 'flag' : 'brokers',
      minInsyncReplicas: flags.minInsyncReplicas !== undefined ? 'flag' : 'brokers',
    },
  };
}

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
  /** The replication settings the plan used (absent when planned without knowing the cluster). */
  durability?: Durability;
}

export function desiredConfigs(spec: TopicSpec, durability?: Durability): Partial<Record<ManagedConfig, string>> {
  const configs: Partial<Record<ManagedConfig, string>> = {
    'retention.ms': String(spec.retentionMs),
    'cleanup.policy': spec.cleanupPolicy,
  };
  if (durability) configs['min.insync.replicas'] = String(durability.minInsyncReplicas);
  return configs;
}

const observedConfig = (t: ObservedTopic, name: ManagedConfig): string | undefined => {
  const v = name === 'retention.ms' ? t.retentionMs : name === 'cleanup.policy' ? t.cleanupPolicy : t.minInsyncReplicas;
  return v === undefined ? undefined : String(v);
};

export function planTopics(
  observed: readonly ObservedTopic[],
  prefix = '',
  catalog: readonly TopicSpec[] = TOPICS,
  durability?: Durability,
): TopicPlan {
  const byName = new Map(observed.map((t) => [t.name, t]));
  const items: PlanItem[] = [];
  const known = new Set<string>();

  for (const spec of catalog) {
    const topic = physicalTopicName(spec.name, prefix);
    known.add(topic);
    const have = byName.get(topic);
    const want = desiredConfigs(spec, durability);
    const wanted = Object.entries(want) as [ManagedConfig, string][];
    if (!have) {
      items.push({
        topic,
        catalogName: spec.name,
        action: 'create',
        changes: [
          { kind: 'partitions', from: 0, to: spec.partitions },
          ...(durability ? [{ kind: 'replication' as const, from: 0, to: durability.replicationFactor }] : []),
          ...wanted.map(([name, to]): Change => ({ kind: 'config', name, from: undefined, to })),
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
    if (durability && have.replicationFactor !== durability.replicationFactor) {
      // Changing it takes a partition reassignment (moving data between brokers): report, never do.
      drift.push(
        `replication factor ${have.replicationFactor}, wanted ${durability.replicationFactor} (left as is: changing it needs a partition reassignment)`,
      );
    }
    if (have.configsDenied) {
      // Under ACLs a principal may see a topic but not its configs: say so, change nothing blind.
      drift.push('retention and cleanup unknown: no DESCRIBE_CONFIGS on this topic');
    } else {
      for (const [name, to] of wanted) {
        const from = observedConfig(have, name);
        if (from !== to) changes.push({ kind: 'config', name, from, to });
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
  return { prefix, items, counts, ...(durability ? { durability } : {}) };
}

/** Topics that a cluster would need changed: what `apply` acts on. */
export function actionable(plan: TopicPlan): PlanItem[] {
  return plan.items.filter((i) => i.action === 'create' || i.action === 'alter');
}

/** Drift that remains after apply (more partitions than the catalog, unknown topics). */
export function driftOf(plan: TopicPlan): PlanItem[] {
  return plan.items.filter((i) => i.drift.length > 0);
}
