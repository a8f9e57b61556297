// The one module that talks to the kafkajs admin client. A run opens one AdminSession and does all
// its cluster reads through it (topics, partitions, offsets, groups); everything else sees plain data.
import kafkajs, { AssignerProtocol, type Admin } from 'kafkajs';
import { ScSimError } from '../errors.js';
import {
  connectWithin,
  createKafka,
  retryRetriable,
  toKafkaError,
  type KafkaConnection,
  type KafkaOperation,
} from './client.js';

// kafkajs is CommonJS and Node's ESM loader cannot see this export by name.
const { ConfigResourceTypes } = kafkajs;

// kafkajs reports where a config value came from; only DYNAMIC_TOPIC_CONFIG values are set on the
// topic itself (the others are broker defaults or static config).
const DYNAMIC_TOPIC_CONFIG = 1;

/** physical topic -> partition -> offset. */
export type OffsetsByTopic = Map<string, Map<number, bigint>>;

/** What the cluster has for one topic (only the settings sc-sim manages). */
export interface ObservedTopic {
  name: string;
  partitions: number;
  replicationFactor: number;
  /** Effective values; undefined when the broker did not report them. */
  retentionMs?: number;
  cleanupPolicy?: string;
  /** The configs could not be read: this principal lacks DESCRIBE_CONFIGS on the topic. */
  configsDenied?: boolean;
  minInsyncReplicas?: number;
}

/** A topic the cluster refused to create or change, and why. */
export interface TopicFailure {
  topic: string;
  error: ScSimError;
}

/** Refusals that concern one topic are collected; losing the connection still stops everything. */
function perTopicFailure(err: unknown): ScSimError {
  if (err instanceof ScSimError && (err.code === 'E_AUTHORIZATION' || err.code === 'E_KAFKA')) return err;
  throw err;
}

export interface NewTopic {
  topic: string;
  partitions: number;
  replicationFactor: number;
  configs: Record<string, string>;
}

/** Who leads and who follows one partition, as the cluster's metadata says. */
export interface PartitionPlacement {
  topic: string;
  partition: number;
  /** Node id of the leader; -1 while the partition has none. */
  leader: number;
  replicas: number[];
  isr: number[];
}

export interface PartitionMarks {
  partition: number;
  low: bigint;
  high: bigint;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface GroupState {
  /** Kafka's group state: Stable, PreparingRebalance, CompletingRebalance, Empty, Dead. */
  state: string;
  members: { memberId: string; clientId: string; assignment: string }[];
}

/** One connected admin client; every call turns a broker failure into an ScSimError. */
/**
 * kafkajs 2.2.4's fetchTopicOffsets destructures the answer for the topic without checking it is
 * there; while the admin client's metadata does not list the topic's partitions yet (seen right
 * after many topics were read), the answer is empty and it throws a TypeError. That is a moment,
 * not a failure: retried like Kafka's own retriable errors.
 */
export function emptyAnswerIsRetriable(err: unknown): never {
  if (err instanceof TypeError && /of '(low|high)\.pop\(\.\.\.\)'/.test(err.message))
    throw Object.assign(new Error(`no offsets in the answer yet (${err.message})`), { retriable: true });
  throw err;
}

export class AdminSession {
  private constructor(
    private readonly admin: Admin,
    readonly connection: KafkaConnection,
  ) {}

  /**
   * Connects and asks for the cluster's brokers, within the connect deadline: a failure says why
   * (unreachable, login refused, TLS, wrong protocol).
   */
  static async open(connection: KafkaConnection, clientId = 'sc-sim-admin'): Promise<AdminSession> {
    const admin = createKafka({ ...connection, clientId }).admin();
    // kafkajs's connect can succeed on a port that never answers; the first request shows it.
    await connectWithin(connection, { action: 'connect' }, admin, async () => {
      await admin.connect();
      await admin.describeCluster();
    });
    return new AdminSession(admin, connection);
  }

  async close(): Promise<void> {
    await this.admin.disconnect().catch(() => undefined);
  }

  /** Runs one admin request; `op` says what it needs, so an ACL denial names the operation. */
  private async call<T>(op: KafkaOperation, fn: (admin: Admin) => Promise<T>): Promise<T> {
    try {
      return await fn(this.admin);
    } catch (err) {
      throw toKafkaError(err, this.connection, op);
    }
  }

  listTopics(): Promise<string[]> {
    return this.call({ action: 'describe' }, (a) => a.listTopics());
  }

  /**
   * Partitions and managed configs of the named topics (only those that exist). A topic whose
   * configs this principal may not read (no DESCRIBE_CONFIGS) comes back with `configsDenied`.
   */
  async describeTopics(names: readonly string[]): Promise<ObservedTopic[]> {
    if (names.length === 0) return [];
    const { topics } = await this.call({ action: 'describe', topics: names }, (a) =>
      a.fetchTopicMetadata({ topics: [...names] }),
    );
    const configs = await this.readTopicConfigs(names);
    return topics.map((t) => {
      const observed: ObservedTopic = {
        name: t.name,
        partitions: t.partitions.length,
        replicationFactor: t.partitions[0]?.replicas.length ?? 0,
      };
      const entries = configs.get(t.name);
      if (entries === 'denied') {
        observed.configsDenied = true;
        return observed;
      }
      const retention = entries?.find((e) => e.configName === 'retention.ms')?.configValue;
      const cleanup = entries?.find((e) => e.configName === 'cleanup.policy')?.configValue;
      const minIsr = entries?.find((e) => e.configName === 'min.insync.replicas')?.configValue;
      if (retention !== undefined && retention !== null) observed.retentionMs = Number(retention);
      if (cleanup !== undefined && cleanup !== null) observed.cleanupPolicy = cleanup;
      if (minIsr !== undefined && minIsr !== null) observed.minInsyncReplicas = Number(minIsr);
      return observed;
    });
  }

  /** retention.ms and cleanup.policy per topic; asked one topic at a time when some are denied. */
  private async readTopicConfigs(
    names: readonly string[],
  ): Promise<Map<string, { configName: string; configValue: string | null }[] | 'denied'>> {
    const describe = (topics: readonly string[]) =>
      this.call({ action: 'describe-configs', topics }, (admin) =>
        admin.describeConfigs({
          includeSynonyms: false,
          resources: topics.map((name) => ({
            type: ConfigResourceTypes.TOPIC,
            name,
            configNames: ['retention.ms', 'cleanup.policy', 'min.insync.replicas'],
          })),
        }),
      );
    try {
      const described = await describe(names);
      return new Map(described.resources.map((r) => [r.resourceName, r.configEntries]));
    } catch (err) {
      if (!(err instanceof ScSimError && err.code === 'E_AUTHORIZATION')) throw err;
      if (names.length === 1) return new Map([[names[0]!, 'denied']]);
      // The broker answers per topic but kafkajs keeps only the first error: find the denied ones.
      const out = new Map<string, { configName: string; configValue: string | null }[] | 'denied'>();
      for (const name of names) for (const [k, v] of await this.readTopicConfigs([name])) out.set(k, v);
      return out;
    }
  }

  /**
   * Leader, replicas and in-sync replicas of every partition of these topics. After a SIGKILL the
   * dead broker stays "leader" here until the controller fences it (the broker session timeout).
   */
  partitionPlacements(topics: readonly string[]): Promise<PartitionPlacement[]> {
    if (topics.length === 0) return Promise.resolve([]);
    return this.call({ action: 'describe', topics }, async (admin) => {
      const { topics: described } = await admin.fetchTopicMetadata({ topics: [...topics] });
      return described.flatMap((t) =>
        t.partitions.map((p) => ({
          topic: t.name,
          partition: p.partitionId,
          leader: p.leader,
          replicas: [...p.replicas],
          isr: [...p.isr],
        })),
      );
    });
  }

  /** The brokers the cluster lists: node id and address. */
  brokers(): Promise<{ nodeId: number; address: string }[]> {
    return this.call({ action: 'describe' }, async (admin) =>
      (await admin.describeCluster()).brokers.map((b) => ({ nodeId: b.nodeId, address: `${b.host}:${b.port}` })),
    );
  }

  /** How many brokers the cluster lists (fenced brokers drop out). */
  brokerCount(): Promise<number> {
    return this.call({ action: 'describe' }, async (admin) => (await admin.describeCluster()).brokers.length);
  }

  /** Partition count per topic, for those of `names` that exist (and this principal may see). */
  partitionCounts(names: readonly string[]): Promise<Map<string, number>> {
    return this.call({ action: 'describe', topics: names }, async (admin) => {
      const existing = new Set(await admin.listTopics());
      const present = names.filter((n) => existing.has(n));
      if (present.length === 0) return new Map();
      const { topics } = await admin.fetchTopicMetadata({ topics: present });
      return new Map(topics.map((t) => [t.name, t.partitions.length]));
    });
  }

  /**
   * Of topics that listTopics did not show, those that exist but this principal may not DESCRIBE:
   * the broker leaves such topics out of the list, so under ACLs "missing" can mean "denied".
   */
  async deniedTopics(names: readonly string[]): Promise<string[]> {
    const denied: string[] = [];
    await Promise.all(
      names.map(async (topic) => {
        try {
          await this.call({ action: 'describe', topics: [topic] }, (a) => a.fetchTopicMetadata({ topics: [topic] }));
        } catch (err) {
          if (err instanceof ScSimError && err.code === 'E_AUTHORIZATION') denied.push(topic);
          // Anything else (UNKNOWN_TOPIC_OR_PARTITION after kafkajs's retries): it is missing.
        }
      }),
    );
    return names.filter((n) => denied.includes(n));
  }

  /** Creates the topics; those the broker refused (ACLs, policies) are returned, not thrown. */
  async createTopics(topics: readonly NewTopic[]): Promise<TopicFailure[]> {
    if (topics.length === 0) return [];
    const names = topics.map((t) => t.topic);
    try {
      await this.admin.createTopics({
        // We wait ourselves (waitForPartitions): kafkajs's wait gives up after its few client retries on a busy broker.
        waitForLeaders: false,
        topics: topics.map((t) => ({
          topic: t.topic,
          numPartitions: t.partitions,
          replicationFactor: t.replicationFactor,
          configEntries: Object.entries(t.configs).map(([name, value]) => ({ name, value })),
        })),
      });
      return [];
    } catch (err) {
      // kafkajs names each refused topic in an aggregate error; the others were created.
      const perTopic = (err as { errors?: unknown }).errors;
      if (!Array.isArray(perTopic)) throw toKafkaError(err, this.connection, { action: 'create', topics: names });
      const failures: TopicFailure[] = [];
      for (const e of perTopic as { topic?: string; type?: string }[]) {
        if (e.type === 'TOPIC_ALREADY_EXISTS') continue;
        const topic = e.topic ?? names[0]!;
        failures.push({ topic, error: toKafkaError(e, this.connection, { action: 'create', topics: [topic] }) });
      }
      return failures;
    }
  }

  /**
   * Raises partition counts one topic at a time: kafkajs reports only the first refusal of a
   * request, and a grown topic cannot be asked again. Refused topics are returned, not thrown.
   */
  async growPartitions(grow: readonly { topic: string; count: number }[]): Promise<TopicFailure[]> {
    return this.perTopic(grow, { action: 'alter' }, (admin, g) =>
      admin.createPartitions({ topicPartitions: [g] }).then(() => undefined),
    );
  }

  /**
   * Sets configs on topics, keeping every other dynamic setting they have: kafkajs only has the
   * legacy AlterConfigs, which replaces a topic's whole dynamic config, so the rest is resent.
   * One topic at a time, so a refusal names its topic; refused topics are returned, not thrown.
   */
  async setTopicConfigs(
    changes: readonly { topic: string; configs: Record<string, string> }[],
  ): Promise<TopicFailure[]> {
    const failures: TopicFailure[] = [];
    for (const c of changes) {
      try {
        const current = await this.call({ action: 'describe-configs', topics: [c.topic] }, (admin) =>
          admin.describeConfigs({
            includeSynonyms: false,
            resources: [{ type: ConfigResourceTypes.TOPIC, name: c.topic }],
          }),
        );
        const entries = new Map(
          (current.resources[0]?.configEntries ?? [])
            .filter((e) => e.configSource === DYNAMIC_TOPIC_CONFIG && !e.isSensitive)
            .map((e) => [e.configName, e.configValue] as const),
        );
        for (const [name, value] of Object.entries(c.configs)) entries.set(name, value);
        await this.call({ action: 'alter-configs', topics: [c.topic] }, (admin) =>
          admin.alterConfigs({
            validateOnly: false,
            resources: [
              {
                type: ConfigResourceTypes.TOPIC,
                name: c.topic,
                configEntries: [...entries].map(([name, value]) => ({ name, value })),
              },
            ],
          }),
        );
      } catch (err) {
        failures.push({ topic: c.topic, error: perTopicFailure(err) });
      }
    }
    return failures;
  }

  private async perTopic<T extends { topic: string }>(
    items: readonly T[],
    op: KafkaOperation,
    fn: (admin: Admin, item: T) => Promise<void>,
  ): Promise<TopicFailure[]> {
    const failures: TopicFailure[] = [];
    for (const item of items) {
      try {
        await this.call({ ...op, topics: [item.topic] }, (admin) => fn(admin, item));
      } catch (err) {
        failures.push({ topic: item.topic, error: perTopicFailure(err) });
      }
    }
    return failures;
  }

  /**
   * Polls metadata until each topic has at least `count` partitions, all with a leader (bounded):
   * KRaft brokers apply controller changes a moment after the controller acknowledges them.
   */
  async waitForPartitions(wanted: readonly { topic: string; count: number }[], timeoutMs = 60_000): Promise<void> {
    if (wanted.length === 0) return;
    const deadline = Date.now() + timeoutMs;
    let lastProblem = '';
    for (;;) {
      try {
        const { topics } = await this.admin.fetchTopicMetadata({ topics: wanted.map((w) => w.topic) });
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

  /** Low and high watermarks per partition of one topic (retrying while leadership settles). */
  watermarks(topic: string, timeoutMs = 30_000): Promise<PartitionMarks[]> {
    return this.call({ action: 'describe', topics: [topic] }, async (admin) => {
      const offsets = await retryRetriable(
        () => admin.fetchTopicOffsets(topic).catch(emptyAnswerIsRetriable),
        timeoutMs,
      );
      return offsets.map((o) => ({ partition: o.partition, low: BigInt(o.low), high: BigInt(o.high) }));
    });
  }

  /** High-water marks per partition: a run records them before and after to know what it wrote. */
  async endOffsets(topics: readonly string[], timeoutMs = 30_000): Promise<OffsetsByTopic> {
    const out: OffsetsByTopic = new Map();
    for (const topic of topics) {
      const marks = await this.watermarks(topic, timeoutMs);
      out.set(topic, new Map(marks.map((m) => [m.partition, m.high])));
    }
    return out;
  }

  /** A group's committed offsets on these topics (-1 where it has none). */
  committedOffsets(groupId: string, topics: readonly string[]): Promise<OffsetsByTopic> {
    return this.call({ action: 'describe', groupId, topics }, async (admin) => {
      const committed = await retryRetriable(() => admin.fetchOffsets({ groupId, topics: [...topics] }));
      return new Map(
        committed.map((c) => [c.topic, new Map(c.partitions.map((p) => [p.partition, BigInt(p.offset)]))]),
      );
    });
  }

  /** Commits offsets for a group that has no active member yet (where a new consumer group starts). */
  setGroupOffsets(groupId: string, topic: string, offsets: ReadonlyMap<number, bigint>): Promise<void> {
    if (offsets.size === 0) return Promise.resolve();
    return this.call({ action: 'consume', groupId, topics: [topic] }, (admin) =>
      retryRetriable(() =>
        admin.setOffsets({
          groupId,
          topic,
          partitions: [...offsets].map(([partition, offset]) => ({ partition, offset: offset.toString() })),
        }),
      ),
    );
  }

  deleteTopics(names: readonly string[], timeoutMs = 30_000): Promise<void> {
    if (names.length === 0) return Promise.resolve();
    return this.call({ action: 'delete', topics: names }, (admin) =>
      admin.deleteTopics({ topics: [...names], timeout: timeoutMs }),
    );
  }

  /**
   * A consumer group's state and members, each with its assignment as `topic:p,p;topic:p` text
   * (empty for a member not assigned yet). An unknown group is `Dead` with no members.
   */
  describeGroup(groupId: string): Promise<GroupState> {
    return this.call({ action: 'describe', groupId }, async (admin) => {
      let described;
      try {
        described = await admin.describeGroups([groupId]);
      } catch (err) {
        if ((err as { type?: string }).type === 'GROUP_AUTHORIZATION_FAILED') {
          throw new ScSimError('E_AUTHORIZATION', `not allowed to describe consumer group ${groupId}`, {
            hint: `watching a group needs DESCRIBE on group ${groupId} (and DESCRIBE on its topics) for this user: ask for the ACL`,
            cause: err,
          });
        }
        throw err;
      }
      const g = described.groups[0];
      if (!g) return { state: 'Dead', members: [] };
      return {
        state: g.state,
        members: g.members.map((m) => {
          let assignment = '';
          try {
            const decoded = AssignerProtocol.MemberAssignment.decode(m.memberAssignment);
            assignment = Object.entries(decoded?.assignment ?? {})
              .map(([topic, partitions]) => `${topic}:${[...partitions].sort((a, b) => a - b).join(',')}`)
              .sort()
              .join(';');
          } catch {
            // Not a classic consumer's assignment (another protocol type): membership still counts.
          }
          return { memberId: m.memberId, clientId: m.clientId, assignment };
        }),
      };
    });
  }

  deleteGroups(groupIds: readonly string[]): Promise<void> {
    return this.call({ action: 'delete', groupId: groupIds.join(', ') }, (admin) =>
      admin.deleteGroups([...groupIds]).then(() => undefined),
    );
  }
}

/** Opens a session for the length of `fn`. */
export async function withAdmin<T>(connection: KafkaConnection, fn: (admin: AdminSession) => Promise<T>): Promise<T> {
  const session = await AdminSession.open(connection);
  try {
    return await fn(session);
  } finally {
    await session.close();
  }
}
