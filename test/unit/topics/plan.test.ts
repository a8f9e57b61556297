import { describe, expect, it } from 'vitest';
import { TOPICS, DAY_MS } from '../../../src/catalog/topics.js';
import { actionable, chooseDurability, driftOf, planTopics, type ObservedTopic } from '../../../src/topics/plan.js';

function asCluster(prefix = ''): ObservedTopic[] {
  return TOPICS.map((t) => ({
    name: `${prefix}${t.name}`,
    partitions: t.partitions,
    replicationFactor: 1,
    retentionMs: t.retentionMs,
    cleanupPolicy: 'delete',
  }));
}

describe('planTopics', () => {
  it('creates all 32 on an empty cluster', () => {
    const plan = planTopics([]);
    expect(plan.counts).toEqual({ create: 32, alter: 0, ok: 0, drift: 0 });
    const order = plan.items.find((i) => i.topic === 'sc.domain.order')!;
    expect(order.changes).toContainEqual({ kind: 'partitions', from: 0, to: 6 });
    expect(order.changes).toContainEqual({
      kind: 'config',
      name: 'retention.ms',
      from: undefined,
      to: String(30 * DAY_MS),
    });
  });

  it('has nothing to do on a cluster that matches', () => {
    const plan = planTopics(asCluster());
    expect(plan.counts).toEqual({ create: 0, alter: 0, ok: 32, drift: 0 });
    expect(actionable(plan)).toEqual([]);
  });

  it('raises partitions and fixes retention/cleanup that differ', () => {
    const cluster = asCluster().map((t) =>
      t.name === 'sc.domain.order' ? { ...t, partitions: 2, retentionMs: 1000, cleanupPolicy: 'compact' } : t,
    );
    const plan = planTopics(cluster);
    const item = plan.items.find((i) => i.topic === 'sc.domain.order')!;
    expect(item.action).toBe('alter');
    expect(item.changes).toEqual([
      { kind: 'partitions', from: 2, to: 6 },
      { kind: 'config', name: 'retention.ms', from: '1000', to: String(30 * DAY_MS) },
      { kind: 'config', name: 'cleanup.policy', from: 'compact', to: 'delete' },
    ]);
    expect(plan.counts.alter).toBe(1);
  });

  it('reports more partitions than the catalog as drift and never plans a shrink', () => {
    const cluster = asCluster().map((t) => (t.name === 'sc.domain.user' ? { ...t, partitions: 9 } : t));
    const plan = planTopics(cluster);
    const item = plan.items.find((i) => i.topic === 'sc.domain.user')!;
    expect(item.action).toBe('drift');
    expect(item.changes).toEqual([]);
    expect(item.drift[0]).toMatch(/9 partitions.*catalog says 3/);
  });

  it('reports unknown sc.* topics in the namespace as drift, ignores others', () => {
    const cluster = [
      ...asCluster(),
      { name: 'sc.domain.legacy', partitions: 1, replicationFactor: 1 },
      { name: 'other.topic', partitions: 1, replicationFactor: 1 },
    ];
    const plan = planTopics(cluster);
    expect(driftOf(plan).map((i) => i.topic)).toEqual(['sc.domain.legacy']);
    expect(plan.items.some((i) => i.topic === 'other.topic')).toBe(false);
  });

  it('prefixes isolate: another namespace is neither planned nor drift', () => {
    const plan = planTopics(asCluster('team-a.'), 'team-b.');
    expect(plan.counts).toEqual({ create: 32, alter: 0, ok: 0, drift: 0 });
    expect(plan.items.every((i) => i.topic.startsWith('team-b.sc.'))).toBe(true);
  });

  it('a topic whose configs the principal may not read: reported, no config change planned blind', () => {
    const cluster = asCluster().map((t) =>
      t.name === 'sc.domain.user' ? { name: t.name, partitions: 2, replicationFactor: 1, configsDenied: true } : t,
    );
    const user = planTopics(cluster).items.find((i) => i.topic === 'sc.domain.user')!;
    expect(user.action).toBe('alter');
    expect(user.changes).toEqual([{ kind: 'partitions', from: 2, to: 3 }]);
    expect(user.drift).toEqual(['retention and cleanup unknown: no DESCRIBE_CONFIGS on this topic']);
  });
});

describe('replication settings (chooseDurability)', () => {
  it('gives production 3 and 2 on 3+ brokers, what fits below, and flags win', () => {
    expect(chooseDurability(1)).toMatchObject({ replicationFactor: 1, minInsyncReplicas: 1 });
    expect(chooseDurability(2)).toMatchObject({ replicationFactor: 2, minInsyncReplicas: 1 });
    expect(chooseDurability(3)).toMatchObject({
      replicationFactor: 3,
      minInsyncReplicas: 2,
      source: { replicationFactor: 'brokers', minInsyncReplicas: 'brokers' },
    });
    expect(chooseDurability(5)).toMatchObject({ replicationFactor: 3, minInsyncReplicas: 2 });
    expect(chooseDurability(3, { replicationFactor: 2, minInsyncReplicas: 1 })).toMatchObject({
      replicationFactor: 2,
      minInsyncReplicas: 1,
      source: { replicationFactor: 'flag', minInsyncReplicas: 'flag' },
    });
    // The default min ISR never exceeds the chosen factor: acks=all must stay possible.
    expect(chooseDurability(3, { replicationFactor: 1 }).minInsyncReplicas).toBe(1);
  });

  it('refuses a factor above the broker count and a min ISR above the factor', () => {
    expect(() => chooseDurability(1, { replicationFactor: 3 })).toThrow(/the cluster has 1 broker/);
    expect(() => chooseDurability(3, { minInsyncReplicas: 4 })).toThrow(/above the replication factor 3/);
  });

  it('creates with the factor and min ISR, repairs a min ISR and reports a factor as drift', () => {
    const d = chooseDurability(3);
    const empty = planTopics([], '', TOPICS, d);
    const order = empty.items.find((i) => i.topic === 'sc.domain.order')!;
    expect(order.changes).toContainEqual({ kind: 'replication', from: 0, to: 3 });
    expect(order.changes).toContainEqual({ kind: 'config', name: 'min.insync.replicas', from: undefined, to: '2' });
    expect(empty.durability).toBe(d);

    const matching = asCluster().map((t) => ({ ...t, replicationFactor: 3, minInsyncReplicas: 2 }));
    expect(planTopics(matching, '', TOPICS, d).counts).toEqual({ create: 0, alter: 0, ok: 32, drift: 0 });

    // Topics made on a single node, then the cluster grew: min ISR is fixed, the factor is reported.
    const single = asCluster().map((t) => ({ ...t, minInsyncReplicas: 1 }));
    const plan = planTopics(single, '', TOPICS, d);
    expect(plan.counts.alter).toBe(32);
    const item = plan.items.find((i) => i.topic === 'sc.domain.order')!;
    expect(item.changes).toEqual([{ kind: 'config', name: 'min.insync.replicas', from: '1', to: '2' }]);
    expect(item.drift).toEqual([expect.stringMatching(/^replication factor 1, wanted 3 /)]);
    expect(driftOf(plan)).toHaveLength(32);
  });
});
