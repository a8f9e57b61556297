// The topic catalog against a cluster: read its plan, apply it, and check a run's topics before
// sending. Planning is pure (topics/plan.ts); the admin session does the I/O.
import { TOPICS, getTopic, physicalTopicName } from '../catalog/topics.js';
import { ScSimError } from '../errors.js';
import type { AdminSession } from '../kafka/admin.js';
import { actionable, chooseDurability, desiredConfigs, planTopics, type TopicPlan } from '../topics/plan.js';

/** Overrides of the replication settings (default: from the cluster's broker count). */
export interface DurabilityFlags {
  replicationFactor?: number | undefined;
  minInsyncReplicas?: number | undefined;
}

/**
 * The topics in this prefix's namespace (`<prefix>sc.*`) compared with the catalog, with the
 * replication settings the cluster's size calls for (or the flags').
 */
export async function readTopicPlan(
  admin: AdminSession,
  prefix: string,
  flags: DurabilityFlags = {},
): Promise<TopicPlan> {
  const durability = chooseDurability(await admin.brokerCount(), flags);
  const names = (await admin.listTopics()).filter((n) => n.startsWith(`${prefix}sc.`));
  return planTopics(await admin.describeTopics(names), prefix, undefined, durability);
}

export interface ApplyOptions extends DurabilityFlags {
  prefix: string;
  dryRun: boolean;
}

export interface ApplyResult {
  /** The plan as it was before acting. */
  plan: TopicPlan;
  created: string[];
  altered: string[];
}

/** Creates missing topics, raises partition counts and fixes managed configs; never deletes or shrinks. */
export async function applyTopicCatalog(admin: AdminSession, opts: ApplyOptions): Promise<ApplyResult> {
  const plan = await readTopicPlan(admin, opts.prefix, opts);
  const durability = plan.durability;
  const result: ApplyResult = { plan, created: [], altered: [] };
  if (opts.dryRun) return result;

  const todo = actionable(plan);
  const creates = todo.filter((i) => i.action === 'create' && i.spec);
  await admin.createTopics(
    creates.map((i) => ({
      topic: i.topic,
      partitions: i.spec!.partitions,
      replicationFactor: durability?.replicationFactor ?? 1,
      configs: desiredConfigs(i.spec!, durability),
    })),
  );
  result.created.push(...creates.map((i) => i.topic));

  const alters = todo.filter((i) => i.action === 'alter');
  const grow = alters.flatMap((i) =>
    i.changes.flatMap((c) => (c.kind === 'partitions' ? [{ topic: i.topic, count: c.to }] : [])),
  );
  await admin.growPartitions(grow);
  // Returns when the cluster is ready to use: every created topic and raised partition has a leader.
  await admin.waitForPartitions([...creates.map((i) => ({ topic: i.topic, count: i.spec!.partitions })), ...grow]);
  await admin.setTopicConfigs(
    alters
      .filter((i) => i.changes.some((c) => c.kind === 'config'))
      .map((i) => ({ topic: i.topic, configs: desiredConfigs(i.spec!, durability) })),
  );
  result.altered.push(...alters.map((i) => i.topic));
  return result;
}

/**
 * Checks that every logical topic exists (with the prefix) with at least the catalog's partitions.
 * Returns physical topic -> partition count, which the encoder needs to choose partitions.
 */
export async function checkRunTopics(
  admin: AdminSession,
  logicalTopics: readonly string[],
  prefix: string,
): Promise<Map<string, number>> {
  const physical = logicalTopics.map((t) => physicalTopicName(t, prefix));
  const partitions = await admin.partitionCounts(physical);
  const missing = physical.filter((t) => !partitions.has(t));
  const prefixFlag = prefix ? ` --prefix ${prefix}` : '';
  if (missing.length > 0) {
    throw new ScSimError(
      'E_TOPIC_MISSING',
      `${missing.length} topic(s) missing on ${admin.connection.brokers.join(',')}`,
      {
        details: missing.map((t) => `missing: ${t}`),
        hint: `create the catalog's topics first: sc-sim topics apply${prefixFlag}`,
      },
    );
  }
  for (const logical of logicalTopics) {
    const spec = getTopic(logical);
    const have = partitions.get(physicalTopicName(logical, prefix)) ?? 0;
    if (spec && have < spec.partitions) {
      throw new ScSimError(
        'E_TOPIC_MISSING',
        `${physicalTopicName(logical, prefix)} has ${have} partitions, the catalog says ${spec.partitions}`,
        { hint: `repair it with: sc-sim topics apply${prefixFlag}` },
      );
    }
  }
  return partitions;
}

/**
 * Deletes the catalog's topics under `prefix` (those that exist; never another `sc.*` topic).
 * Without a prefix it deletes the un-prefixed catalog, so the caller must ask for that explicitly.
 */
export async function deleteCatalogTopics(
  admin: AdminSession,
  prefix: string,
  dryRun: boolean,
): Promise<{ deleted: string[]; missing: string[] }> {
  const wanted = TOPICS.map((t) => physicalTopicName(t.name, prefix));
  const existing = new Set(await admin.listTopics());
  const deleted = wanted.filter((t) => existing.has(t));
  const missing = wanted.filter((t) => !existing.has(t));
  if (!dryRun) await admin.deleteTopics(deleted);
  return { deleted, missing };
}
