// A sharded run on the real broker: 4 shard processes started by one --start-at barrier, at a
// total rate R. Together they send what one process would, never the same id twice, and their
// merged report is exact (histograms, per-partition counts = the broker's end-offset deltas) and
// verifies clean.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { DOMAIN_TOPICS, physicalTopicName } from '../../src/catalog/topics.js';
import { HEADER_SHARD } from '../../src/envelope.js';
import { startRangeReader } from '../../src/kafka/consumer.js';
import { decodeHistogram, newHistogram } from '../../src/metrics/histogram.js';
import type { RunReport } from '../../src/report.js';
import { runCli } from '../support/cli.js';
import { applyCatalog, endOffsets } from '../support/kafka.js';
import { uniquePrefix } from '../support/cli.js';

const brokers = inject('brokers');
const brokerList = brokers.split(',');
const SHARDS = 4;
const RATE = 2_000;
const DURATION_S = 4;

describe('a run sharded over 4 processes', () => {
  it('sends what one process would, with disjoint ids, and merges into an exact, clean report', async () => {
    const prefix = uniquePrefix('shards');
    await applyCatalog(brokerList, prefix);
    const physical = DOMAIN_TOPICS.map((t) => physicalTopicName(t, prefix));
    const before = await endOffsets(brokerList, physical);
    const dir = mkdtempSync(join(tmpdir(), 'sc-sim-shards-'));
    // seed-dev's world, on the seven domain topics only: every record sent is one read back here
    // (seed-dev itself writes all 32 topics, heartbeats included, which this test does not read).
    const scenarios = join(dir, 'scenarios.yaml');
    writeFileSync(
      scenarios,
      [
        'scenarios:',
        '  shard-seed:',
        '    description: seed-dev on the domain topics, paced, for the sharded-run test.',
        '    world:',
        '      seed: 42',
        '      population: { users: 200, suppliers: 20, communities: 15, products: 100, promotions: 10, posts: 50 }',
        '    topics: domain',
        `    load: { executor: constant-rate, rate: ${RATE}, duration: ${DURATION_S}s }`,
        '    time: { mode: backfill, history: 6d }',
        '',
      ].join('\n'),
    );
    // Far enough ahead for four processes to start on a busy 2-core machine.
    const startAt = new Date(Date.now() + 30_000).toISOString();
    const common = ['--brokers', brokers, '--prefix', prefix, '--rate', String(RATE), '--duration', `${DURATION_S}s`];
    const runs = await Promise.all(
      Array.from({ length: SHARDS }, (_, i) =>
        runCli([
          'run',
          'shard-seed',
          '--file',
          scenarios,
          ...common,
          '--shard',
          `${i}/${SHARDS}`,
          '--start-at',
          startAt,
          '--quiet',
          '--out',
          join(dir, `s${i}.json`),
        ]),
      ),
    );
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const reports = runs.map((_, i) => JSON.parse(readFileSync(join(dir, `s${i}.json`), 'utf8')) as RunReport);

    // The barrier: every shard started sending within a second of the others.
    const starts = reports.map((r) => Date.parse(r.run.startedAt));
    expect(Math.max(...starts) - Math.min(...starts)).toBeLessThan(1_000);
    // One run id, N shards, and together the count one process sends at R for the duration.
    expect(new Set(reports.map((r) => r.run.id)).size).toBe(1);
    expect(reports.reduce((s, r) => s + r.summary.totals.acked, 0)).toBe(RATE * DURATION_S);

    // Read everything back: no event id twice, no entity in two shards.
    const after = await endOffsets(brokerList, physical);
    const eventIds = new Set<string>();
    const entityShard = new Map<string, string>();
    let read = 0;
    const reader = startRangeReader({
      connection: { brokers: brokerList },
      startOffsets: before,
      onRecord: (_topic, _partition, rec) => {
        read++;
        const env = JSON.parse(String(rec.value)) as { event_id: string; entity_id: string };
        const shard = String(rec.headers?.[HEADER_SHARD]);
        expect(eventIds.has(env.event_id), env.event_id).toBe(false);
        eventIds.add(env.event_id);
        const owner = entityShard.get(env.entity_id);
        if (owner !== undefined) expect(owner, env.entity_id).toBe(shard);
        entityShard.set(env.entity_id, shard);
      },
    });
    await reader.finish(after, 60_000);
    expect(read).toBe(RATE * DURATION_S);
    expect(new Set(entityShard.values()).size).toBe(SHARDS);

    // Merge: exact histograms, per-partition counts equal to the broker's end-offset deltas.
    const mergedPath = join(dir, 'merged.json');
    const merge = await runCli([
      'report',
      'merge',
      ...reports.map((_, i) => join(dir, `s${i}.json`)),
      '--out',
      mergedPath,
    ]);
    expect(merge.code, merge.stderr).toBe(0);
    const merged = JSON.parse(readFileSync(mergedPath, 'utf8')) as RunReport;
    // By hand into a fresh, auto-resizing histogram: a decoded one keeps its encoded range and
    // cannot take another shard's larger values.
    const byHand = newHistogram();
    for (const r of reports) byHand.add(decodeHistogram(r.metrics.measured.ackLatencyUs));
    const mergedHist = decodeHistogram(merged.metrics.measured.ackLatencyUs);
    expect(mergedHist.totalCount).toBe(byHand.totalCount);
    expect(mergedHist.outputPercentileDistribution()).toBe(byHand.outputPercentileDistribution());
    expect(merged.summary.totals.acked).toBe(RATE * DURATION_S);
    for (const logical of DOMAIN_TOPICS) {
      const topic = physicalTopicName(logical, prefix);
      for (const [p, end] of after.get(topic)!) {
        const delta = Number(end - before.get(topic)!.get(p)!);
        const counted = ['warmup', 'measured']
          .map(
            (phase) =>
              merged.metrics[phase as 'warmup' | 'measured'].topics[logical]?.partitions[String(p)]?.events ?? 0,
          )
          .reduce((a, b) => a + b, 0);
        expect(counted, `${topic}[${p}]`).toBe(delta);
      }
    }

    // And the union verifies clean from the merged report.
    const verify = await runCli(['verify', '--report', mergedPath, '--brokers', brokers]);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(/lost 0, duplicate 0, reordered 0/);
  }, 180_000);
});
