// The production-shaped local cluster (issue 18): `kafka up --nodes 3` (3 brokers and a 3-voter
// controller quorum on ports 19560-19565 unless SC_SIM_CLUSTER_KAFKA_PORT moves them), topics with
// replication 3 and min.insync.replicas 2, and a run that survives its hottest partition's leader
// being SIGKILLed. One cluster for the whole file: starting six JVMs is the expensive part.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyTopicCatalog } from '../../src/app/topics.js';
import { physicalTopicName } from '../../src/catalog/topics.js';
import { withAdmin } from '../../src/kafka/admin.js';
import { kafkaDown, kafkaStatus, kafkaUp } from '../../src/kafka/local/index.js';
import { REPO_ROOT } from '../../src/kafka/local/paths.js';
import { runCli, uniquePrefix } from '../support/cli.js';
import { placements } from '../support/cluster.js';

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
