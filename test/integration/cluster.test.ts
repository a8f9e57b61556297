// The production-shaped local cluster (issue 18): `kafka up --nodes 3` (3 brokers and a 3-voter
// controller quorum on ports 19560-19565 unless SC_SIM_CLUSTER_KAFKA_PORT moves them), topics with
// replication 3 and min.insync.replicas 2, and a run that survives its hottest partition's leader
// being SIGKILLed. One cluster for the whole file: starting six JVMs is the expensive part.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyTopicCatalog } from '../../src/app/topics.js';
import { physicalTopicName } from '../../src/catalog/topics.js';
import { withAdmin } from '../../src/kafka/admin.js';
import { describeLogDirs } from '../../src/kafka/log-dirs.js';
import { runScenario } from '../../src/app/run.js';
import { stopNode } from '../../src/kafka/local/cluster.js';
import { kafkaDown, kafkaStatus, kafkaUp } from '../../src/kafka/local/index.js';
import { formatBrokerLoad } from '../../src/render/brokers.js';
import { renderHtmlReport } from '../../src/render/html/report.js';
import { REPO_ROOT } from '../../src/kafka/local/paths.js';
import { runCli, uniquePrefix } from '../support/cli.js';
import { expectDeliveredInFull, expectNoAnomalies } from '../support/delivery.js';
import { boundedAdmin, kafkaToolLogDirs, leaderOf, placements, waitInSync } from '../support/cluster.js';
import { runKafkaToolAsync } from '../support/kafka.js';

const PORT = Number(process.env['SC_SIM_CLUSTER_KAFKA_PORT'] ?? 19560);
const HOME = join(REPO_ROOT, '.sc-sim', 'kafka-cluster');
const BROKERS = [0, 1, 2].map((i) => `127.0.0.1:${PORT + i}`);
const progress = (msg: string) => process.stderr.write(`[cluster] ${msg}\n`);
const clusterOpts = {
  home: HOME,
  port: PORT,
  nodes: 3,
  mode: 'jvm' as const,
  onProgress: progress,
  timeoutMs: 150_000,
};
const fileStartedAt = Date.now();

const SCENARIOS = join(mkdtempSync(join(tmpdir(), 'sc-sim-cluster-')), 'scenarios.yaml');
writeFileSync(
  SCENARIOS,
  `
scenarios:
  cluster-hot:
    description: a viral promotion on the cluster while the leader of its hot partition dies
    world:
      seed: 18
      population: { users: 300, suppliers: 10, communities: 10, products: 50, promotions: 10, posts: 30 }
      mix: { promotion.impression: 85, promotion.clicked: 5, user: 2, product: 2, post: 2, order: 4 }
      hot: { promotion: 0.9 }
    load: { executor: constant-rate, rate: 400, duration: 50s }
    producer: { acks: all, idempotent: true }
    thresholds: { errors: '== 0' }
  # Three restarts take ~30 s here (a stop, ~7 s up, the ISRs back); at twice that the last broker
  # has still handed its leaders over while the run writes, and a restart running past the end is
  # covered by the other two replicas.
  cluster-rolling:
    description: a steady load through a rolling restart of every broker
    world: { seed: 19 }
    load: { executor: constant-rate, rate: 300, duration: 50s }
    producer: { acks: all, idempotent: true }
    thresholds: { errors: '== 0' }
  # seed-dev's small world paced: users are busy from the first second, so a raise of
  # sc.domain.user's count mid-run finds keys with events on both sides of it.
  cluster-grow:
    description: partitions added to a topic while the run writes
    world:
      seed: 21
      population: { users: 200, suppliers: 20, communities: 15, products: 100, promotions: 10, posts: 50 }
    load: { executor: constant-rate, rate: 300, duration: 30s }
    producer: { acks: all, idempotent: true, metadataMaxAge: 2s }
    thresholds: { errors: '== 0' }
  # Two brokers down for 10 s: longer than the 5 s delivery timeout, so what waits fails honestly;
  # back ~20 s into the run (a restart takes ~10 s), with time left to write to the full cluster.
  cluster-two-down:
    description: two of three brokers down longer than the delivery timeout
    world: { seed: 20 }
    load: { executor: constant-rate, rate: 200, duration: 40s }
    producer: { acks: all, idempotent: true, deliveryTimeout: 5s, timeout: 3s }
    thresholds: { errors: '== 0' }
`,
);

beforeAll(async () => {
  await kafkaDown({ home: HOME, onProgress: progress });
  const up = await kafkaUp({ ...clusterOpts, freshData: true });
  progress(`${up.status} at ${up.brokers.join(',')} in ${up.tookMs} ms`);
}, 240_000);

afterAll(async () => {
  await kafkaDown({ home: HOME, onProgress: progress });
  progress(`the file took ${Math.round((Date.now() - fileStartedAt) / 1000)} s`);
}, 120_000);

describe('kafka up --nodes 3', () => {
  it('runs 3 brokers and 3 controllers; status, the CLI and a second up agree', async () => {
    const s = await kafkaStatus({ home: HOME });
    expect(s.running).toBe(true);
    expect(s.brokers).toEqual(BROKERS);
    expect(s.layout).toBe('split');
    expect(s.nodes!.map((n) => [n.id, n.role, n.port, n.up])).toEqual([
      [1, 'broker', PORT, true],
      [2, 'broker', PORT + 1, true],
      [3, 'broker', PORT + 2, true],
      [4, 'controller', PORT + 3, true],
      [5, 'controller', PORT + 4, true],
      [6, 'controller', PORT + 5, true],
    ]);
    expect(new Set(s.nodes!.map((n) => n.pid)).size).toBe(6);

    const again = await kafkaUp({ home: HOME, onProgress: progress });
    expect(again).toMatchObject({ status: 'already-running', brokers: BROKERS });

    const cli = await runCli(['kafka', 'status', '--home', HOME, '--json']);
    expect(cli.code).toBe(0);
    const json = JSON.parse(cli.stdout) as { nodes: { id: number; up: boolean }[] };
    expect(json.nodes.filter((n) => n.up)).toHaveLength(6);
    const up = await runCli(['kafka', 'up', '--home', HOME]);
    expect(up.stdout).toContain(`already running at ${BROKERS.join(',')}`);
    expect(up.stdout).toContain(`bootstrap: --brokers ${BROKERS.join(',')}`);
  }, 120_000);

  it('topics apply gives replication 3 and min.insync.replicas 2; flags override; a lower min ISR is repaired', async () => {
    const prefix = uniquePrefix('rf');
    const order = physicalTopicName('sc.domain.order', prefix);
    const applied = await withAdmin({ brokers: BROKERS }, (admin) =>
      applyTopicCatalog(admin, { prefix, dryRun: false }),
    );
    expect(applied.plan.durability).toMatchObject({ brokers: 3, replicationFactor: 3, minInsyncReplicas: 2 });
    expect(applied.created).toHaveLength(32);
    const ps = await placements(BROKERS, [order]);
    expect(ps.map((p) => p.replicas.length)).toEqual(ps.map(() => 3));
    // Leaders spread over the three brokers.
    expect(new Set(ps.map((p) => p.leader)).size).toBe(3);
    const observed = await withAdmin({ brokers: BROKERS }, (admin) => admin.describeTopics([order]));
    expect(observed[0]).toMatchObject({ replicationFactor: 3, minInsyncReplicas: 2 });

    // --min-insync-replicas 1 is applied to every topic; the plan line names the flag.
    const lowered = await runCli([
      'topics',
      'apply',
      '--brokers',
      BROKERS.join(','),
      '--prefix',
      prefix,
      '--min-insync-replicas',
      '1',
    ]);
    expect(lowered.code).toBe(0);
    expect(lowered.stdout).toMatch(/min\.insync\.replicas 2→1/);
    expect(lowered.stdout).toMatch(/min\.insync\.replicas 1 \(--min-insync-replicas\)/);
    // Without the flag the catalog's 2 comes back.
    const repaired = await withAdmin({ brokers: BROKERS }, (admin) =>
      applyTopicCatalog(admin, { prefix, dryRun: false }),
    );
    expect(repaired.altered).toHaveLength(32);
    const again = await withAdmin({ brokers: BROKERS }, (admin) => applyTopicCatalog(admin, { prefix, dryRun: true }));
    expect(again.plan.counts).toEqual({ create: 0, alter: 0, ok: 32, drift: 0 });

    // A topic made with replication 1 is drift: the factor is reported, never changed.
    const rf1 = uniquePrefix('rf1');
    await withAdmin({ brokers: BROKERS }, (admin) =>
      applyTopicCatalog(admin, { prefix: rf1, replicationFactor: 1, minInsyncReplicas: 1, dryRun: false }),
    );
    const list = await runCli(['topics', 'list', '--brokers', BROKERS.join(','), '--prefix', rf1]);
    expect(list.stdout).toMatch(/replication factor 1, wanted 3/);
    await withAdmin({ brokers: BROKERS }, async (admin) => {
      const names = (await admin.listTopics()).filter((t) => t.startsWith(prefix) || t.startsWith(rf1));
      await admin.deleteTopics(names);
    });
  }, 180_000);
});

/** The partition with the most records so far among the run's topics (its topics started empty). */
async function hottestPartition(prefix: string): Promise<{ topic: string; partition: number; records: bigint }> {
  return boundedAdmin(BROKERS, 10_000, async (admin) => {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    let best = { topic: '', partition: -1, records: -1n };
    for (const [topic, parts] of await admin.endOffsets(topics))
      for (const [partition, end] of parts) if (end > best.records) best = { topic, partition, records: end };
    return best;
  });
}

describe('faults on the 3-node cluster', () => {
  it('SIGKILL the leader of the hottest partition mid-run, restart it: 0 lost, duplicate, reordered, gaps, 0 failed', async () => {
    const prefix = uniquePrefix('kill');
    await withAdmin({ brokers: BROKERS }, (admin) => applyTopicCatalog(admin, { prefix, dryRun: false }));
    let fault: Promise<{ victim: number; hot: string; upAt: number; restartMs: number; inSyncMs: number }> | undefined;
    const result = await runScenario({
      scenario: 'cluster-hot',
      file: SCENARIOS,
      connection: { brokers: BROKERS },
      prefix,
      checks: { verify: { timeoutMs: 90_000 } },
      onProgress: (p) => {
        // ~8 s in: by then the viral promotion's partition is the hottest (at 1,500 acks the world's
        // first entities can still outweigh it). The run lasts 50 s so that the restart (~10-14 s
        // here, longer on a loaded CI) is over well before the brokers' disks are read.
        if (fault !== undefined || p.acked < 3_000) return;
        fault = (async () => {
          const hot = await hottestPartition(prefix);
          const victim = await leaderOf(BROKERS, hot.topic, hot.partition);
          const killedAt = Date.now();
          await stopNode(HOME, victim, 'kill', 0);
          progress(
            `SIGKILLed node ${victim}, leader of the hottest partition ${hot.topic}[${hot.partition}] (${hot.records} records)`,
          );
          await new Promise((r) => setTimeout(r, 3_000));
          const up = await kafkaUp({ home: HOME, onProgress: progress });
          const upAt = Date.now();
          const restartMs = upAt - killedAt;
          const inSyncMs = await waitInSync(BROKERS, [hot.topic], 3, 60_000);
          return {
            victim,
            hot: `${hot.topic}[${hot.partition}]`,
            upAt,
            restartMs,
            inSyncMs,
            up: up.status,
          };
        })();
      },
    });
    expect(fault, 'the fault never started').toBeDefined();
    const f = await fault!;
    const r = result.report;
    const t = r.summary.totals;
    const v = r.verification!.result.totals;
    progress(
      `kill leader: node ${f.victim} of ${f.hot}; restarted after ${f.restartMs} ms, in sync ${f.inSyncMs} ms later; totals ${JSON.stringify({ generated: t.scheduled - t.dropped, acked: t.acked, failed: t.failed, indeterminate: t.indeterminate, unsent: t.unsent })}; ack latency ${JSON.stringify(r.summary.ackLatencyMs)}; retries ${JSON.stringify(r.delivery?.retries)}; verification ${JSON.stringify(v)}`,
    );
    if (r.brokers) progress(formatBrokerLoad(r.brokers, r.metrics.partitionSeconds?.firstSecondAtMs ?? 0));
    expectDeliveredInFull(result);
    // The report marks the leader change away from the killed node and the latency spike it caused.
    const b = r.brokers!;
    expect(b.brokers.map((x) => x.nodeId)).toEqual([1, 2, 3]);
    const [hotTopic, hotPartition] = [
      f.hot.slice(0, f.hot.lastIndexOf('[')),
      Number(f.hot.slice(f.hot.lastIndexOf('[') + 1, -1)),
    ];
    expect(
      b.leaderChanges.some((c) => c.topic === hotTopic && c.partition === hotPartition && c.from === f.victim),
    ).toBe(true);
    expect(r.summary.ackLatencyMs.max).toBeGreaterThan(1_000);
    // The hot broker: in most seconds one broker (whichever led the hot partition) carries most events.
    const busy = b.seconds.filter((sec) => sec.events.some((n) => n > 0));
    const hotSeconds = busy.filter((sec) => Math.max(...sec.events) > 0.5 * sec.events.reduce((x, y) => x + y, 0));
    expect(hotSeconds.length).toBeGreaterThan(busy.length / 2);
    const html = renderHtmlReport({ run: r });
    expect(html).toContain('data-chart="heat-brokers"');
    expect(result.exitCode).toBe(0);

    // The brokers' own view: each holds a replica of every partition (replication 3), so each has
    // about the run's bytes on disk; what it led at the end is its share of them.
    expect(b.logDirs, JSON.stringify(b.logDirs)).toMatchObject({ read: true });
    // Read after production stopped: a victim still restarting then cannot answer. It is left out
    // and named, and the live brokers are read (the first bootstrap broker being down included).
    const missing = b.brokers.filter((x) => x.disk === undefined).map((x) => x.nodeId);
    if (missing.length > 0) {
      expect(missing).toEqual([f.victim]);
      expect(f.upAt, 'a broker that was back before the run ended was not read').toBeGreaterThan(
        Date.parse(r.run.endedAt),
      );
      expect(b.logDirs!.note).toContain(`broker ${f.victim} (`);
    }
    for (const x of b.brokers.filter((y) => y.disk !== undefined)) {
      expect(x.disk!.bytes).toBeGreaterThan(0);
      expect(x.disk!.ledBytes).toBeLessThanOrEqual(x.disk!.bytes);
      expect(x.disk!.growthBytes).toBe(x.disk!.bytes); // fresh topics: all of it written by the run
    }
    // Now that nothing writes, sc-sim's DescribeLogDirs and Kafka's own kafka-log-dirs tool agree
    // to the byte, replica by replica, on every broker.
    const topics = await runTopics(prefix);
    const counts = new Map((await placements(BROKERS, topics)).map((p) => [p.topic, 0]));
    for (const p of await placements(BROKERS, topics))
      counts.set(p.topic, Math.max(counts.get(p.topic)!, p.partition + 1));
    const theirs = kafkaToolLogDirs(BROKERS, topics);
    const nodes = await boundedAdmin(BROKERS, 10_000, (admin) => admin.brokers());
    expect(nodes).toHaveLength(3);
    const ours = await describeLogDirs({ brokers: BROKERS }, nodes, counts);
    nodes.forEach((node, i) => {
      const answer = ours[i]!;
      expect(answer.status, JSON.stringify(answer)).toBe('fulfilled');
      if (answer.status !== 'fulfilled') return;
      const mine = new Map(answer.value.replicas.map((x) => [`${x.topic}[${x.partition}]`, x.bytes]));
      expect(mine.size, `broker ${node.nodeId}`).toBeGreaterThan(0);
      expect(mine, `broker ${node.nodeId}`).toEqual(theirs.get(node.nodeId));
    });
  }, 300_000);
});

describe('partitions added on the 3-node cluster', () => {
  it("Kafka's kafka-topics --alter raises a count mid-run: sc-sim follows it, the verifier names the keys that moved, nothing is lost", async () => {
    const prefix = uniquePrefix('grow');
    await withAdmin({ brokers: BROKERS }, (admin) => applyTopicCatalog(admin, { prefix, dryRun: false }));
    const users = physicalTopicName('sc.domain.user', prefix);
    let altered: Promise<{ stdout: string; stderr: string; status: number | null }> | undefined;
    let alterMs = 0;
    const result = await runScenario({
      scenario: 'cluster-grow',
      file: SCENARIOS,
      connection: { brokers: BROKERS },
      prefix,
      checks: { verify: { timeoutMs: 90_000 } },
      onProgress: (p) => {
        if (altered === undefined && p.acked >= 300) {
          const at = Date.now();
          altered = runKafkaToolAsync('org.apache.kafka.tools.TopicCommand', [
            '--bootstrap-server',
            BROKERS.join(','),
            '--alter',
            '--topic',
            users,
            '--partitions',
            '6',
          ]).finally(() => (alterMs = Date.now() - at));
        }
      },
    });
    expect(altered, 'kafka-topics never ran').toBeDefined();
    const tool = await altered!;
    expect(tool.status, tool.stderr).toBe(0);
    const r = result.report;
    const change = r.partitionChanges?.find((c) => c.physicalTopic === users);
    progress(
      `grow: kafka-topics --alter took ${alterMs} ms; ${JSON.stringify(r.partitionChanges)}; moved ${JSON.stringify(r.verification?.movedKeys?.map(({ examples: _e, ...m }) => m))}; verification ${JSON.stringify(r.verification?.result.totals)}`,
    );
    expect(change).toMatchObject({ from: 3, to: 6 });
    expect(change!.followedAfterMs).not.toBeNull();
    expectDeliveredInFull(result);
    const users6 = r.summary.topics.find((t) => t.topic === 'sc.domain.user')!;
    expect(users6.partitions).toHaveLength(6);
    expect(users6.partitions.slice(3).every((p) => p.events > 0)).toBe(true);
    const moved = r.verification!.movedKeys?.find((m) => m.topic === users);
    expect(moved?.keys ?? 0).toBeGreaterThan(0);
    expect(moved!.explainedByRaise).toBe(moved!.keys);
    // The per-broker view counts the new partitions' records for their leaders: every acked event
    // is some broker's, and a new partition's first leader is not listed as a leader change.
    const acked = r.summary.totals.acked + (r.warmup?.totals.acked ?? 0);
    expect(r.brokers!.brokers.reduce((n, b) => n + b.events, 0)).toBe(acked);
    expect(r.brokers!.leaderChanges.filter((c) => c.topic === users)).toEqual([]);
    expect(result.exitCode).toBe(0);
  }, 180_000);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The run's topics (its prefix), for in-sync checks. */
async function runTopics(prefix: string): Promise<string[]> {
  return boundedAdmin(BROKERS, 10_000, async (admin) => (await admin.listTopics()).filter((t) => t.startsWith(prefix)));
}

describe('more faults on the 3-node cluster', () => {
  it('rolling restart (SIGTERM each broker in turn, waiting for the ISRs): 0 lost, duplicate, reordered, gaps, 0 failed', async () => {
    const prefix = uniquePrefix('roll');
    await withAdmin({ brokers: BROKERS }, (admin) => applyTopicCatalog(admin, { prefix, dryRun: false }));
    const topics = await runTopics(prefix);
    let rolling: Promise<{ node: number; stopMs: number; upMs: number; inSyncMs: number }[]> | undefined;
    const result = await runScenario({
      scenario: 'cluster-rolling',
      file: SCENARIOS,
      connection: { brokers: BROKERS },
      prefix,
      checks: { verify: { timeoutMs: 90_000 } },
      onProgress: (p) => {
        if (rolling !== undefined || p.acked < 600) return;
        rolling = (async () => {
          // The brokers as the cluster lists them, not fixed ids.
          const nodes = (await boundedAdmin(BROKERS, 10_000, (admin) => admin.brokers())).map((b) => b.nodeId).sort();
          const steps = [];
          for (const node of nodes) {
            const t0 = Date.now();
            await stopNode(HOME, node, 'term', 30_000);
            const stopMs = Date.now() - t0;
            await kafkaUp({ home: HOME, onProgress: progress });
            const upMs = Date.now() - t0 - stopMs;
            const inSyncMs = await waitInSync(BROKERS, topics, 3, 90_000);
            steps.push({ node, stopMs, upMs, inSyncMs });
            progress(
              `rolling: node ${node} stopped in ${stopMs} ms, up ${upMs} ms later, in sync ${inSyncMs} ms after that`,
            );
          }
          return steps;
        })();
      },
    });
    expect(rolling, 'the rolling restart never started').toBeDefined();
    const steps = await rolling!;
    const r = result.report;
    const t = r.summary.totals;
    const v = r.verification!.result.totals;
    progress(
      `rolling: ${JSON.stringify(steps)}; totals ${JSON.stringify({ generated: t.scheduled - t.dropped, acked: t.acked, failed: t.failed, indeterminate: t.indeterminate, unsent: t.unsent })}; ack latency ${JSON.stringify(r.summary.ackLatencyMs)}; retries ${JSON.stringify(r.delivery?.retries)}; leader changes ${r.brokers?.leaderChanges.length}; verification ${JSON.stringify(v)}`,
    );
    expect(steps).toHaveLength(3);
    expectDeliveredInFull(result);
    // Every broker handed its leaders over at least once.
    const from = new Set(r.brokers!.leaderChanges.map((c) => c.from));
    expect([1, 2, 3].every((n) => from.has(n))).toBe(true);
    expect(result.exitCode).toBe(0);
  }, 360_000);

  it('two of three brokers down longer than the delivery timeout: an honest FAILED naming NOT_ENOUGH_REPLICAS; counts add up', async () => {
    const prefix = uniquePrefix('two');
    await withAdmin({ brokers: BROKERS }, (admin) => applyTopicCatalog(admin, { prefix, dryRun: false }));
    const topics = await runTopics(prefix);
    let outage: Promise<{ killed: number[]; downMs: number }> | undefined;
    const result = await runScenario({
      scenario: 'cluster-two-down',
      file: SCENARIOS,
      connection: { brokers: BROKERS },
      prefix,
      checks: { verify: { timeoutMs: 90_000 } },
      onProgress: (p) => {
        if (outage !== undefined || p.acked < 600) return;
        outage = (async () => {
          // The hottest partition's leader and one other broker, from metadata.
          const hot = await hottestPartition(prefix);
          const leader = await leaderOf(BROKERS, hot.topic, hot.partition);
          const nodes = (await boundedAdmin(BROKERS, 10_000, (admin) => admin.brokers())).map((b) => b.nodeId);
          const killed = [leader, nodes.filter((n) => n !== leader).sort()[0]!];
          const t0 = Date.now();
          for (const n of killed) await stopNode(HOME, n, 'kill', 0);
          progress(`two down: SIGKILLed nodes ${killed.join(', ')}`);
          await sleep(10_000);
          await kafkaUp({ home: HOME, onProgress: progress });
          const downMs = Date.now() - t0;
          await waitInSync(BROKERS, topics, 3, 90_000);
          return { killed, downMs };
        })();
      },
    });
    expect(outage, 'the outage never started').toBeDefined();
    const o = await outage!;
    const r = result.report;
    const t = r.summary.totals;
    const v = r.verification!.result.totals;
    const met = [...Object.keys(r.summary.errors), ...Object.keys(r.delivery?.retries.errors ?? {})].join('\n');
    progress(
      `two down: ${JSON.stringify(o)}; totals ${JSON.stringify({ generated: t.scheduled - t.dropped, acked: t.acked, failed: t.failed, indeterminate: t.indeterminate, unsent: t.unsent })}; errors ${JSON.stringify(r.summary.errors)}; retries ${JSON.stringify(r.delivery?.retries)}; verification ${JSON.stringify(v)}`,
    );
    expect(result.error).toBeUndefined(); // not fatal: the run went on once the brokers were back
    expect(t.failed + t.indeterminate).toBeGreaterThan(0);
    expect(t.acked + t.failed + t.indeterminate + (t.unsent ?? 0)).toBe(t.scheduled - t.dropped);
    expect(met).toMatch(/NOT_ENOUGH_REPLICAS/);
    expect(r.passed).toBe(false);
    expect(result.exitCode).toBe(3);
    expectNoAnomalies(r);
  }, 360_000);
});
