// `sc-sim topics apply|list` against the real local broker.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import kafkajs, { type Admin } from 'kafkajs';
import { createKafka } from '../../src/kafka/client.js';
import { withAdmin } from '../../src/kafka/admin.js';
import { TOPICS } from '../../src/catalog/topics.js';
import { hasStackTrace, runCli, uniquePrefix } from '../support/cli.js';

// kafkajs is CommonJS and Node's ESM loader cannot see this export by name.
const { ConfigResourceTypes } = kafkajs;

const brokers = inject('brokers');
let admin: Admin;

beforeAll(async () => {
  admin = createKafka({ brokers: brokers.split(','), clientId: 'topics-test' }).admin();
  await admin.connect();
});
afterAll(async () => {
  await admin.disconnect();
});

async function configsOf(topics: string[]) {
  const res = await admin.describeConfigs({
    includeSynonyms: false,
    resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name })),
  });
  return new Map(
    res.resources.map((r) => [r.resourceName, new Map(r.configEntries.map((e) => [e.configName, e.configValue]))]),
  );
}

async function partitionsOf(topics: string[]) {
  const md = await admin.fetchTopicMetadata({ topics });
  return new Map(md.topics.map((t) => [t.name, t.partitions.length]));
}

describe('topics apply', () => {
  it('creates all 32 catalog topics with the catalog partitions and configs, then has nothing to change', async () => {
    const prefix = uniquePrefix('apply');
    const first = await runCli(['topics', 'apply', '--brokers', brokers, '--prefix', prefix]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/plan: 32 to create, 0 to alter, 0 ok, 0 drift/);
    expect(first.stdout).toMatch(/applied: 32 created, 0 altered/);

    const names = TOPICS.map((t) => prefix + t.name);
    const partitions = await partitionsOf(names);
    const configs = await configsOf(names);
    for (const t of TOPICS) {
      expect(partitions.get(prefix + t.name), t.name).toBe(t.partitions);
      expect(configs.get(prefix + t.name)?.get('retention.ms'), t.name).toBe(String(t.retentionMs));
      expect(configs.get(prefix + t.name)?.get('cleanup.policy'), t.name).toBe('delete');
    }

    const second = await runCli(['topics', 'apply', '--brokers', brokers, '--prefix', prefix, '--json']);
    expect(second.code).toBe(0);
    const json = JSON.parse(second.stdout);
    expect(json.counts).toEqual({ create: 0, alter: 0, ok: 32, drift: 0 });
    expect(json.created).toEqual([]);
    expect(json.altered).toEqual([]);
  });

  it('--dry-run prints the plan and creates nothing', async () => {
    const prefix = uniquePrefix('dry');
    const res = await runCli(['topics', 'apply', '--brokers', brokers, '--prefix', prefix, '--dry-run']);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/dry run: nothing changed/);
    const existing = await admin.listTopics();
    expect(existing.filter((t) => t.startsWith(prefix))).toEqual([]);
  });

  it('shows hand-made drift in list, repairs what it may, reports what it must not touch', async () => {
    const prefix = uniquePrefix('drift');
    // By hand: the order topic with too few partitions and a wrong retention plus an unrelated
    // setting that must survive; the user topic with more partitions than the catalog.
    await admin.createTopics({
      waitForLeaders: false,
      topics: [
        {
          topic: `${prefix}sc.domain.order`,
          numPartitions: 2,
          configEntries: [
            { name: 'retention.ms', value: '60000' },
            { name: 'max.message.bytes', value: '2000000' },
          ],
        },
        // Right retention, so more partitions is its only difference: pure drift.
        {
          topic: `${prefix}sc.domain.user`,
          numPartitions: 5,
          configEntries: [{ name: 'retention.ms', value: '1209600000' }],
        },
        { topic: `${prefix}sc.domain.legacy`, numPartitions: 1 },
      ],
    });
    await withAdmin({ brokers: brokers.split(',') }, (session) =>
      session.waitForPartitions([
        { topic: `${prefix}sc.domain.order`, count: 2 },
        { topic: `${prefix}sc.domain.user`, count: 5 },
        { topic: `${prefix}sc.domain.legacy`, count: 1 },
      ]),
    );

    const list = await runCli(['topics', 'list', '--brokers', brokers, '--prefix', prefix, '--json']);
    expect(list.code).toBe(0);
    const before = JSON.parse(list.stdout) as { topics: { topic: string; action: string; drift: string[] }[] };
    const row = (t: string) => before.topics.find((x) => x.topic === prefix + t)!;
    expect(row('sc.domain.order').action).toBe('alter');
    expect(row('sc.domain.user').action).toBe('drift');
    expect(row('sc.domain.legacy').drift[0]).toMatch(/not in the catalog/);
    const human = await runCli(['topics', 'list', '--brokers', brokers, '--prefix', prefix]);
    expect(human.stdout).toMatch(new RegExp(`${prefix.replace(/\./g, '\\.')}sc\\.domain\\.order\\s.*DRIFT`));

    const apply = await runCli(['topics', 'apply', '--brokers', brokers, '--prefix', prefix]);
    expect(apply.code).toBe(0);
    expect(apply.stdout).toMatch(/partitions 2→6/);
    expect(apply.stdout).toMatch(/retention\.ms 1m→30d/);

    const partitions = await partitionsOf([`${prefix}sc.domain.order`, `${prefix}sc.domain.user`]);
    expect(partitions.get(`${prefix}sc.domain.order`)).toBe(6);
    expect(partitions.get(`${prefix}sc.domain.user`)).toBe(5); // never shrunk
    const configs = await configsOf([`${prefix}sc.domain.order`]);
    expect(configs.get(`${prefix}sc.domain.order`)?.get('retention.ms')).toBe(String(30 * 86_400_000));
    expect(configs.get(`${prefix}sc.domain.order`)?.get('max.message.bytes')).toBe('2000000');
    expect((await admin.listTopics()).includes(`${prefix}sc.domain.legacy`)).toBe(true); // never deleted

    const again = await runCli(['topics', 'apply', '--brokers', brokers, '--prefix', prefix, '--json']);
    const after = JSON.parse(again.stdout);
    expect(after.counts).toEqual({ create: 0, alter: 0, ok: 31, drift: 2 });
  });

  it('--prefix isolates namespaces', async () => {
    const a = uniquePrefix('iso-a');
    const b = uniquePrefix('iso-b');
    const applyA = await runCli(['topics', 'apply', '--brokers', brokers, '--prefix', a]);
    expect(applyA.stderr).toBe('');
    expect(applyA.code).toBe(0);
    const listB = await runCli(['topics', 'list', '--brokers', brokers, '--prefix', b, '--json']);
    const json = JSON.parse(listB.stdout);
    expect(json.counts).toEqual({ create: 32, alter: 0, ok: 0, drift: 0 });
  });
});

describe('errors', () => {
  it('an unreachable broker gives a clear error, a non-zero exit and no stack trace, in bounded time', async () => {
    const res = await runCli(['topics', 'list', '--brokers', '127.0.0.1:1'], { timeoutMs: 60_000 });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/error\[E_BROKER_UNREACHABLE\]: cannot reach Kafka at 127\.0\.0\.1:1/);
    expect(res.stderr).toMatch(/hint: start the local broker/);
    expect(hasStackTrace(res.stderr)).toBe(false);
    expect(res.durationMs).toBeLessThan(30_000);
  });

  // The secured-broker file has no plaintext listener of its own: the suite's broker is one.
  it('a TLS client on a plaintext port: E_PROTOCOL_MISMATCH, exit 1, no stack trace, not a timeout', async () => {
    const res = await runCli(['topics', 'list', '--brokers', brokers.split(',')[0]!, '--security-protocol', 'SSL'], {
      timeoutMs: 60_000,
    });
    expect(res.code, res.stderr).toBe(1);
    expect(res.stderr).toMatch(/^error\[E_PROTOCOL_MISMATCH\]: /m);
    expect(res.stderr).toMatch(/is a plaintext Kafka listener, but sc-sim connected with TLS/);
    expect(hasStackTrace(res.stderr)).toBe(false);
    expect(res.durationMs).toBeLessThan(15_000);
  });

  it('a malformed --brokers value is a usage error naming the flag', async () => {
    const res = await runCli(['topics', 'list', '--brokers', 'nonsense']);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/--brokers: "nonsense" is not a host:port/);
  });

  it('a bad --prefix is rejected before connecting', async () => {
    const res = await runCli(['topics', 'apply', '--prefix', 'has space']);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/--prefix "has space" may only contain/);
  });
});
