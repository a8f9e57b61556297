// `compare`: runs side by side, from real (in-memory) runs of the four viral scenarios.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerLoad } from '../../../src/report/brokers.js';
import { compare, sideOf } from '../../../src/report/compare.js';
import { compareRows, formatCompare } from '../../../src/render/compare.js';
import { loadCompareSide } from '../../../src/app/report-files.js';
import { LagSeries } from '../../../src/consume/lag-series.js';
import { CONSUMER_REPORT_KIND, type ConsumerSimReport } from '../../../src/consume/report.js';
import type { RunReport } from '../../../src/report.js';
import { isScSimError } from '../../../src/errors.js';
import { fixtureRun, STEADY_VIRAL } from '../../support/run-fixture.js';

// Sessions off: in a 100-user world a handful of users are online at once (5% by default), too few
// viewers for the salted key to spread a second's impressions; this test is about compare.
const world = {
  population: { users: 100, suppliers: 5, communities: 4, products: 20, promotions: 5, posts: 10 },
  ...STEADY_VIRAL,
  sessions: 'off',
} as const;

function consumer(peak: number, drainSamples: number): ConsumerSimReport {
  const lag = new LagSeries(500);
  for (let i = 1; i <= 10; i++)
    lag.record(i * 500, [
      { topic: 'fx.sc.domain.promotion', partition: 1, endOffset: i * 1000, position: i * 1000 - (peak * i) / 10 },
    ]);
  for (let i = 1; i <= drainSamples; i++)
    lag.record((10 + i) * 500, [
      {
        topic: 'fx.sc.domain.promotion',
        partition: 1,
        endOffset: 10_000,
        position: 10_000 - peak + (peak * i) / drainSamples,
      },
    ]);
  return {
    kind: CONSUMER_REPORT_KIND,
    schemaVersion: 1,
    groupId: 'g',
    topics: ['fx.sc.domain.promotion'],
    perEventMs: 1,
    concurrency: 3,
    sliceMs: 100,
    startedAt: new Date(0).toISOString(),
    durationMs: 10_000,
    stopReason: 'drained',
    processed: 10_000,
    processedRatePerSec: 1_000,
    endToEndLatency: null,
    lag: lag.data(),
    summary: lag.summary(),
  };
}

let hot: RunReport;
let spread: RunReport;
let salted: RunReport;
let unkeyed: RunReport;
let dir: string;

beforeAll(async () => {
  hot = (await fixtureRun('viral-promotion-entity', { ratePerSec: 2_000, durationMs: 4_000, world })).report;
  spread = (await fixtureRun('viral-promotion-bucketed', { ratePerSec: 2_000, durationMs: 4_000, world })).report;
  salted = (await fixtureRun('viral-promotion-salted', { ratePerSec: 2_000, durationMs: 4_000, world })).report;
  unkeyed = (await fixtureRun('viral-promotion-unkeyed', { ratePerSec: 2_000, durationMs: 4_000, world })).report;
  dir = mkdtempSync(join(tmpdir(), 'sc-sim-compare-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('compare', () => {
  it('puts rate, p99, skew, hottest partition, max lag and time to drain side by side', () => {
    const r = compare(
      { label: 'keyed', run: hot, consumer: consumer(4_000, 8) },
      { label: 'bucketed', run: spread, consumer: consumer(500, 1) },
    );
    const byMetric = new Map(compareRows(r).map((x) => [x.metric, x]));
    expect(byMetric.get('scenario')).toMatchObject({ a: 'viral-promotion-entity', b: 'viral-promotion-bucketed' });
    expect(byMetric.get('target rate (ev/s)')).toMatchObject({ a: '2,000', b: '2,000', ratio: 1 });
    // The keyed run puts the hot promotion on one partition: skew near the maximum (3 for 3 partitions).
    expect(r.a.skew!).toBeGreaterThan(2.5);
    expect(r.b.skew!).toBeLessThan(r.a.skew!);
    expect(r.a.hottestPartition).toMatch(/^fx\.sc\.domain\.promotion\[\d\]$/);
    expect(r.a.hottestPartitionShare!).toBeGreaterThan(0.9);
    expect(byMetric.get('consumer max lag (records)')!.ratio).toBeCloseTo(500 / 4_000);
    expect(byMetric.get('time to drain (s)')).toMatchObject({ a: '4.0', b: '0.5' });
    expect(r.a.lost).toBeNull();
    expect(byMetric.has('lost')).toBe(false); // no verification on either side: no empty rows
    const text = formatCompare(r);
    expect(text).toContain('keyed');
    expect(text).toContain('bucketed');
    expect(text).toMatch(/consumer max lag \(records\)\s+4,000 \[1\]\s+500 \[1\]\s+0\.13×/);
    expect(byMetric.get('topic')!.a).toMatch(/^fx\.sc\.domain\.promotion \(\d+\.\d% of events\)$/);
  });

  it('puts the four key strategies side by side, the hottest partition per second in the expected order', () => {
    const r = compare(
      ...[hot, spread, salted, unkeyed].map((run, i) => ({ label: ['entity', 'bucket', 'salted', 'none'][i]!, run })),
    );
    expect(r.sides.map((s) => s.keyStrategy)).toEqual([
      'entity',
      'promotion.impression: compound',
      'promotion.impression: salted',
      'promotion.impression: none',
    ]);
    const max = r.sides.map((s) => s.perSecondShareMax!);
    // entity ≈ 100% > time bucket (the second's impressions on one partition) > salted (spread in every second).
    expect(max[0]!).toBeGreaterThan(0.9);
    expect(max[0]!).toBeGreaterThan(max[1]!);
    expect(max[1]!).toBeGreaterThan(max[2]!);
    expect(max[1]!).toBeGreaterThan(0.6);
    expect(max[2]!).toBeLessThan(0.6);
    expect(max[3]!).toBeLessThan(0.6);
    // Over the whole run the bucketed hot spot moved from partition to partition; per second it did not.
    expect(r.sides[1]!.hottestPartitionShare!).toBeLessThan(r.sides[1]!.perSecondShareP50!);
    const rows = compareRows(r);
    expect(rows.find((x) => x.metric === 'hottest partition per second, max')!.values).toHaveLength(4);
    expect(rows.every((x) => x.ratio === null)).toBe(true);
    const text = formatCompare(r);
    expect(text.split('\n')[0]).toMatch(/^METRIC\s+entity\s+bucket\s+salted\s+none$/);
    expect(text).not.toContain('B/A');
  });

  it('on a cluster, shows the hot broker: the keyed run loads the leader of the hot partition', () => {
    // Partition p of every topic led by broker p % 3 + 1, as a 3-broker cluster spreads leaders.
    const onCluster = (run: RunReport): RunReport => {
      const initial = Object.fromEntries(
        run.summary.topics.map((t) => [t.physicalTopic, t.partitions.map((p) => (p.partition % 3) + 1)]),
      );
      const brokers = [1, 2, 3].map((nodeId) => ({ nodeId, address: `127.0.0.1:${9091 + nodeId}` }));
      const timeline = {
        brokers,
        startedAtMs: 0,
        initial,
        changes: [],
        sampleEveryMs: 1000,
        samples: 1,
        failedSamples: 0,
      };
      const physical = new Map(run.summary.topics.map((t) => [t.topic, t.physicalTopic]));
      return { ...run, brokers: brokerLoad(timeline, run.metrics, (t) => physical.get(t) ?? t)! };
    };
    const r = compare({ label: 'keyed', run: onCluster(hot) }, { label: 'salted', run: onCluster(salted) });
    expect(r.a.hottestBrokerShare!).toBeGreaterThan(r.b.hottestBrokerShare! + 0.1);
    expect(r.a.leaderChanges).toBe(0);
    const row = compareRows(r).find((x) => x.metric === 'hottest broker share (all events)')!;
    expect(row.a).toMatch(/^\d+\.\d% \[broker [123]\]$/);
    // Without a per-broker section (a single broker) the rows are left out.
    expect(
      compareRows(compare({ label: 'a', run: hot }, { label: 'b', run: salted })).map((x) => x.metric),
    ).not.toContain('leader changes');
  });

  it('needs two sides at least', () => {
    expect(() => compare({ label: 'a', run: hot })).toThrow(RangeError);
  });

  it('reads each side from a run report, a consumer report, or both joined by a comma', () => {
    const runFile = join(dir, 'hot.json');
    const consumerFile = join(dir, 'hot-consumer.json');
    writeFileSync(runFile, JSON.stringify(hot));
    writeFileSync(consumerFile, JSON.stringify(consumer(4_000, 8)));
    const both = loadCompareSide(`${runFile},${consumerFile}`, 'A');
    expect(both.run?.run.scenario).toBe('viral-promotion-entity');
    expect(both.consumer?.summary.maxPartitionLag).toBe(4_000);
    const onlyConsumer = sideOf(loadCompareSide(consumerFile, 'C'));
    expect(onlyConsumer.scenario).toBeNull();
    expect(onlyConsumer.maxLag).toBe(4_000);
  });

  it('says which file is not a report', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"hello": 1}');
    let err: unknown;
    try {
      loadCompareSide(bad, 'A');
    } catch (e) {
      err = e;
    }
    expect(isScSimError(err) && err.code).toBe('E_REPORT_FILE');
    expect((err as Error).message).toContain(bad);
  });
});
