// The one module that talks to the kafkajs admin client: reads topic state, applies a topic plan,
// checks a run's topics exist and reads end offsets. Everything else sees plain data.
import kafkajs, { type Admin } from 'kafkajs';
import { ScSimError } from '../errors.js';
import { createKafka, retryRetriable, toBrokerError } from './client.js';
import { getTopic, physicalTopicName } from '../catalog/topics.js';
import { actionable, desiredConfigs, planTopics, type ObservedTopic, type TopicPlan } from '../topics/plan.js';

// kafkajs is CommonJS and Node's ESM loader cannot see this export by name.
const { ConfigResourceTypes } = kafkajs;

// kafkajs reports where a config value came from; only DYNAMIC_TOPIC_CONFIG values are set on the
// topic itself (the others are broker defaults or static config).
const DYNAMIC_TOPIC_CONFIG = 1;

export interface AdminOptions {
  brokers: string[];
  clientId?: string;
}

export async function withAdmin<T>(opts: AdminOptions, fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = createKafka({ brokers: opts.brokers, clientId: opts.clientId ?? 'sc-sim-admin' }).admin();
  try {
    await admin.connect();
  } catch (err) {
    throw toBrokerError(err, opts.brokers);
  }
  try {
    return await fn(admin);
  } catch (err) {
    if (err instanceof ScSimError) throw err;
    throw toBrokerError(err, opts.brokers);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Reads partitions and managed configs of the named topics (only those that exist). */
async function observe(admin: Admin, names: string[]): Promise<ObservedTopic[]> {
  if (names.length === 0) return [];
  const { topics } = await admin.fetchTopicMetadata({ topics: names });
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: names.map((name) => ({
      type: ConfigResourceTypes.TOPIC,
      name,
      configNames: ['retention.ms', 'cleanup.policy'],
    })),
  });
  const configs = new Map(described.resources.map((r) => [r.resourceName, r.configEntries]));
  return topics.map((t) => {
    const entries = configs.get(t.name) ?? [];
    const retention = entries.find((e) => e.configName === 'retention.ms')?.configValue;
    const cleanup = entries.find((e) => e.configName === 'cleanup.policy')?.configValue;
    const observed: ObservedTopic = {
      name: t.name,
      partitions: t.partitions.length,
      replicationFactor: t.partitions[0]?.replicas.length ?? 0,
    };
    if (retention !== undefined && retention !== null) observed.retentionMs = Number(retention);
    if (cleanup !== undefined && cleanup !== null) observed.cleanupPolicy = cleanup;
    return observed;
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls metadata until each topic has at least `count` partitions, all with a leader (bounded). */
export async function waitForPartitions(
  admin: Admin,
  wanted: { topic: string; count: number }[],
  timeoutMs = 60_000,
): Promise<void> {
  if (wanted.length === 0) return;
  const deadline = Date.now() + timeoutMs;
  let lastProblem = '';
  for (;;) {
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: wanted.map((w) => w.topic) });
      const have = new Map(topics.map((t) => [t.name, t.partitions]));
      const pending = wanted.filter((w) => {
        const parts = have.get(w.topic) ?? [];
        return parts.length < w.count || parts.some((p) => p.leader < 0);
      });
      if (pending.length === 0) return;
      lastProblem = `${pending.length} topic(s) not ready, e.g. ${pending[0]!.topic}`;
    } catch (err) {
      // UNKNOWN_TOPIC_OR_PARTITION and leader elections are expected right after a create.
      lastProblem = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() > deadline) {
      throw new ScSimError('E_KAFKA', `topics were not ready within ${timeoutMs / 1000} s: ${lastProblem}`, {
        hint: 'the broker may be overloaded; check `sc-sim kafka logs` and run `sc-sim topics apply` again',
      });
    }
    await sleep(200);
  }
}

/** The topics in this prefix's namespace (`<prefix>sc.*`) as the cluster has them. */
export async function readClusterTopics(admin: Admin, prefix: string): Promise<ObservedTopic[]> {
  const all = await admin.listTopics();
  return observe(
    admin,
    all.filter((n) => n.startsWith(`${prefix}sc.`)),
  );
}

export async function planCluster(opts: AdminOptions & { prefix: string }): Promise<TopicPlan> {
  return withAdmin(opts, async (admin) => planTopics(await readClusterTopics(admin, opts.prefix), opts.prefix));
}

export interface ApplyOptions extends AdminOptions {
  prefix: string;
  replicationFactor: number;
  dryRun: boolean;
}

export interface ApplyResult {
  /** The plan as it was before acting. */
  plan: TopicPlan;
  created: string[];
  altered: string[];
}

export async function applyTopics(opts: ApplyOptions): Promise<ApplyResult> {
  return withAdmin(opts, async (admin) => {
    const plan = planTopics(await readClusterTopics(admin, opts.prefix), opts.prefix);
    const result: ApplyResult = { plan, created: [], altered: [] };
    if (opts.dryRun) return result;

    const todo = actionable(plan);
    const creates = todo.filter((i) => i.action === 'create' && i.spec);
    if (creates.length > 0) {
      await admin.createTopics({
        // We wait ourselves (below): kafkajs's wait gives up after its few client retries on a busy broker.
        waitForLeaders: false,
        topics: creates.map((i) => ({
          topic: i.topic,
          numPartitions: i.spec!.partitions,
          replicationFactor: opts.replicationFactor,
          configEntries: Object.entries(desiredConfigs(i.spec!)).map(([name, value]) => ({ name, value })),
        })),
      });
      result.created.push(...creates.map((i) => i.topic));
    }

    const alters = todo.filter((i) => i.action === 'alter');
    const grow = alters.flatMap((i) =>
      i.changes.flatMap((c) => (c.kind === 'partitions' ? [{ topic: i.topic, count: c.to }] : [])),
    );
    if (grow.length > 0) await admin.createPartitions({ topicPartitions: grow });
    // KRaft brokers apply controller changes a moment later: wait until metadata shows every created
    // topic and raised partition with a leader, so `apply` returns when the cluster is ready to use.
    await waitForPartitions(admin, [...creates.map((i) => ({ topic: i.topic, count: i.spec!.partitions })), ...grow]);

    const reconfigure = alters.filter((i) => i.changes.some((c) => c.kind === 'config'));
    if (reconfigure.length > 0) {
      // kafkajs only has the legacy AlterConfigs, which replaces a topic's whole dynamic config:
      // resend what is already set on the topic so settings sc-sim does not manage survive.
      const current = await admin.describeConfigs({
        includeSynonyms: false,
        resources: reconfigure.map((i) => ({ type: ConfigResourceTypes.TOPIC, name: i.topic })),
      });
      const dynamic = new Map(
        current.resources.map((r) => [
          r.resourceName,
          r.configEntries
            .filter((e) => e.configSource === DYNAMIC_TOPIC_CONFIG && !e.isSensitive)
            .map((e) => ({ name: e.configName, value: e.configValue })),
        ]),
      );
      await admin.alterConfigs({
        validateOnly: false,
        resources: reconfigure.map((i) => {
          const entries = new Map((dynamic.get(i.topic) ?? []).map((e) => [e.name, e.value]));
          for (const [name, value] of Object.entries(desiredConfigs(i.spec!))) entries.set(name, value);
          return {
            type: ConfigResourceTypes.TOPIC,
            name: i.topic,
            configEntries: [...entries].map(([name, value]) => ({ name, value })),
          };
        }),
      });
    }
    result.altered.push(...alters.map((i) => i.topic));
    return result;
  });
}

/**
 * Checks that every logical topic exists (with the prefix) before a run sends to it.
 * Returns physical topic -> partition count, which the runner needs to predict partitions.
 */
export async function assertTopicsReady(
  brokers: string[],
  logicalTopics: string[],
  prefix: string,
): Promise<Map<string, number>> {
  return withAdmin({ brokers }, async (admin) => {
    const existing = new Set(await admin.listTopics());
    const physical = logicalTopics.map((t) => physicalTopicName(t, prefix));
    const missing = physical.filter((t) => !existing.has(t));
    if (missing.length > 0) {
      const prefixFlag = prefix ? ` --prefix ${prefix}` : '';
      throw new ScSimError('E_TOPIC_MISSING', `${missing.length} topic(s) missing on ${brokers.join(',')}`, {
        details: missing.map((t) => `missing: ${t}`),
        hint: `create the catalog's topics first: sc-sim topics apply${prefixFlag}`,
      });
    }
    const { topics } = await admin.fetchTopicMetadata({ topics: physical });
    const partitions = new Map(topics.map((t) => [t.name, t.partitions.length]));
    for (const logical of logicalTopics) {
      const spec = getTopic(logical);
      const have = partitions.get(physicalTopicName(logical, prefix)) ?? 0;
      if (spec && have < spec.partitions) {
        throw new ScSimError(
          'E_TOPIC_MISSING',
          `${physicalTopicName(logical, prefix)} has ${have} partitions, the catalog says ${spec.partitions}`,
          {
            hint: `repair it with: sc-sim topics apply${prefix ? ` --prefix ${prefix}` : ''}`,
          },
        );
      }
    }
    return partitions;
  });
}

/** High-water marks per partition: a run records them before and after to know what it wrote. */
export async function fetchEndOffsets(
  brokers: string[],
  physicalTopics: string[],
  timeoutMs = 30_000,
): Promise<Map<string, Map<number, bigint>>> {
  return withAdmin({ brokers }, async (admin) => {
    const out = new Map<string, Map<number, bigint>>();
    for (const topic of physicalTopics) {
      // Right after topics are created or grown, leadership may still be settling.
      const offsets = await retryRetriable(() => admin.fetchTopicOffsets(topic), timeoutMs);
      out.set(topic, new Map(offsets.map((o) => [o.partition, BigInt(o.high)])));
    }
    return out;
  });
}
