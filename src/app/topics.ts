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

/** A topic `apply` could not create or change, what it tried, and the cluster's refusal. */
export interface ApplyFailure {
  topic: string;
  action: 'create' | 'alter' | 'check';
  error: ScSimError;
}

export interface ApplyResult {
  /** The plan as it was before acting. */
  plan: TopicPlan;
  created: string[];
  altered: string[];
  /** What could not be done, per topic (ACLs, policies): a partial apply is never a success. */
  failed: ApplyFailure[];
}

/**
 * Creates missing topics, raises partition counts and fixes managed configs; never deletes or
 * shrinks. What the cluster refuses is collected per topic in `failed` while the rest goes on.
 */
export async function applyTopicCatalog(admin: AdminSession, opts: ApplyOptions): Promise<ApplyResult> {
  const plan = await readTopicPlan(admin, opts.prefix, opts);
  const durability = plan.durability;
  const result: ApplyResult = { plan, created: [], altered: [], failed: [] };
  // Topics whose configs this principal may not read cannot be checked, let alone repaired.
  for (const i of plan.items) {
    if (i.observed?.configsDenied) {
      result.failed.push({
        topic: i.topic,
        action: 'check',
        error: new ScSimError(
          'E_AUTHORIZATION',
          `${i.topic}: its retention and cleanup policy cannot be read (no DESCRIBE_CONFIGS)`,
          {
            hint: 'apply topics with an admin principal, or ask for DESCRIBE_CONFIGS and ALTER_CONFIGS on the topics',
          },
        ),
      });
    }
  }
  if (opts.dryRun) return result;

  const todo = actionable(plan);
  const creates = todo.filter((i) => i.action === 'create' && i.spec);
  const createFailures = await admin.createTopics(
    creates.map((i) => ({
      topic: i.topic,
      partitions: i.spec!.partitions,
      replicationFactor: durability?.replicationFactor ?? 1,
      configs: desiredConfigs(i.spec!, durability),
    })),
  );
  const refused = new Set(createFailures.map((f) => f.topic));
  result.failed.push(...createFailures.map((f) => ({ ...f, action: 'create' as const })));
  const created = creates.filter((i) => !refused.has(i.topic));
  result.created.push(...created.map((i) => i.topic));

  const alters = todo.filter((i) => i.action === 'alter');
  const grow = alters.flatMap((i) =>
    i.changes.flatMap((c) => (c.kind === 'partitions' ? [{ topic: i.topic, count: c.to }] : [])),
  );
  const growFailures = await admin.growPartitions(grow);
  const notGrown = new Set(growFailures.map((f) => f.topic));
  // Returns when the cluster is ready to use: every created topic and raised partition has a leader.
  await admin.waitForPartitions([
    ...created.map((i) => ({ topic: i.topic, count: i.spec!.partitions })),
    ...grow.filter((g) => !notGrown.has(g.topic)),
  ]);
  const configFailures = await admin.setTopicConfigs(
    alters
      .filter((i) => i.changes.some((c) => c.kind === 'config'))
      .map((i) => ({ topic: i.topic, configs: desiredConfigs(i.spec!, durability) })),
  );
  const alterFailures = [...growFailures, ...configFailures];
  result.failed.push(...alterFailures.map((f) => ({ ...f, action: 'alter' as const })));
  const notAltered = new Set(alterFailures.map((f) => f.topic));
  result.altered.push(...alters.filter((i) => !notAltered.has(i.topic)).map((i) => i.topic));
  return result;
}

/** One error for everything `apply` could not do (undefined when it did everything): exit 1. */
export function applyFailureError(result: ApplyResult, brokers: readonly string[]): ScSimError | undefined {
  if (result.failed.length === 0) return undefined;
  const allDenied = result.failed.every((f) => f.error.code === 'E_AUTHORIZATION');
  const verb = { create: 'cannot create', alter: 'cannot alter', check: 'cannot check' } as const;
  const done = result.created.length + result.altered.length;
  return new ScSimError(
    allDenied ? 'E_AUTHORIZATION' : 'E_KAFKA',
    `topics apply was refused for ${result.failed.length} topic(s) on ${brokers.join(',')}` +
      (done > 0 ? ` (${result.created.length} created and ${result.altered.length} altered before that)` : ''),
    {
      details: result.failed.map((f) => `${verb[f.action]} ${f.topic}: ${f.error.message}`),
      hint:
        (allDenied
          ? 'apply topics with an admin principal (one with CREATE, ALTER and ALTER_CONFIGS on the topics, or on the cluster), or ask for those ACLs'
          : (result.failed[0]!.error.hint ?? 'see each topic above')) +
        '; under ACLs, topics a principal may not DESCRIBE look missing to it',
    },
  );
}

/** How long a run waits for topics it cannot see yet (metadata propagating between brokers). */
export const TOPIC_SETTLE_MS = 3_000;

/**
 * Checks that every logical topic exists (with the prefix) with at least the catalog's partitions.
 * Returns physical topic -> partition count, which the encoder needs to choose partitions.
 */
export async function checkRunTopics(
  admin: Pick<AdminSession, 'partitionCounts' | 'deniedTopics' | 'connection'>,
  logicalTopics: readonly string[],
  prefix: string,
  settleMs = TOPIC_SETTLE_MS,
): Promise<Map<string, number>> {
  const physical = logicalTopics.map((t) => physicalTopicName(t, prefix));
  /** The logical topics a read shows missing or with fewer partitions than the catalog's. */
  const shortOf = (counts: Map<string, number>) =>
    logicalTopics.filter((t) => (counts.get(physicalTopicName(t, prefix)) ?? 0) < (getTopic(t)?.partitions ?? 1));
  // On a cluster, the broker that answers may not have seen a topic created (or grown) a moment
  // ago on another one: each broker applies the controller's metadata log at its own pace. So a
  // shortfall is read again for a few seconds before it is called missing.
  const deadline = Date.now() + settleMs;
  let partitions = await admin.partitionCounts(physical);
  while (shortOf(partitions).length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(250, Math.max(0, deadline - Date.now()))));
    partitions = await admin.partitionCounts(physical);
  }
  const missing = physical.filter((t) => !partitions.has(t));
  const prefixFlag = prefix ? ` --prefix ${prefix}` : '';
  // Under ACLs a topic this principal may not DESCRIBE is left out of the topic list: that is not
  // "missing", and `topics apply` would not help.
  const denied = missing.length > 0 && admin.connection.security ? await admin.deniedTopics(missing) : [];
  if (denied.length > 0) {
    const user = admin.connection.security?.sasl?.username;
    throw new ScSimError(
      'E_AUTHORIZATION',
      `${user !== undefined ? `user "${user}"` : 'this principal'} may not see ${denied.length} topic(s) on ${admin.connection.brokers.join(',')}: needs DESCRIBE (WRITE to produce) on them`,
      {
        details: denied.map((t) => `denied: ${t}`),
        hint: `ask for the ACLs: --allow-principal User:${user ?? '<principal>'} --operation WRITE --operation DESCRIBE --topic ${prefix}sc. --resource-pattern-type prefixed (the catalog's topics)`,
      },
    );
  }
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
  const [logical] = shortOf(partitions);
  if (logical !== undefined) {
    throw new ScSimError(
      'E_TOPIC_MISSING',
      `${physicalTopicName(logical, prefix)} has ${partitions.get(physicalTopicName(logical, prefix))} partitions, the catalog says ${getTopic(logical)?.partitions}`,
      { hint: `repair it with: sc-sim topics apply${prefixFlag}` },
    );
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
