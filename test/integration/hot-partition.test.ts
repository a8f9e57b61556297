// A hot partition, reproduced on the real broker: the four viral-promotion scenarios (impressions
// keyed promotion_id, promotion_id + 1 s bucket, promotion_id + viewer salt, no key) at the same
// seed and rate, each with the same consumer group simulator: the hottest partition's share per
// second and the lag it causes, side by side.
import { describe, expect, inject, it } from 'vitest';
import { applyCatalog } from '../support/kafka.js';
import { runScenario } from '../../src/app/run.js';
import { compare, type CompareInput } from '../../src/report/compare.js';
import { formatCompare } from '../../src/render/compare.js';
import { formatConsumerReport } from '../../src/render/consumer.js';
import { uniquePrefix } from '../support/cli.js';

const brokers = inject('brokers');

// 2,000 ev/s for 12 s: about 5 s of the world creating its population (the 6 s warm-up), then ~6 s
// of the viral cascade, sparked when the warm-up ends (~1,300 impressions/s on the hot promotion at
// first, fading: its share of impressions 0.87 → 0.81 over those seconds). The consumer processes 1,000 ev/s per
// partition (1 ms/event, 3 partitions at once): enough for an even spread, not for one partition.
const RATE = 2_000;
const DURATION_MS = 12_000;
const PER_EVENT_MS = 1;

async function runWithConsumer(scenario: string, prefix: string): Promise<CompareInput> {
  const { report } = await runScenario({
    scenario,
    connection: { brokers: brokers.split(',') },
    prefix,
    ratePerSec: RATE,
    durationMs: DURATION_MS,
    seed: 7,
    checks: {
      consumer: { perEventMs: PER_EVENT_MS, concurrency: 3, topics: ['sc.domain.promotion'], drainTimeoutMs: 40_000 },
    },
  });
  const consumer = report.consumer!;
  process.stderr.write(
    `\n[${scenario}] achieved ${report.summary.totals.achievedRatePerSec.toFixed(0)} ev/s\n${formatConsumerReport(consumer)}\n`,
  );
  return { label: scenario, run: report, consumer };
}

describe('hot partition', () => {
  it('per second, entity ≥ time bucket ≫ salted, unkeyed; the entity key lags far behind', async () => {
    const prefix = uniquePrefix('hot');
    await applyCatalog(brokers.split(','), prefix);
    // Same topics: each group starts at the end of the run before (new records only).
    const runs: CompareInput[] = [];
    for (const strategy of ['entity', 'bucketed', 'salted', 'unkeyed'])
      runs.push(await runWithConsumer(`viral-promotion-${strategy}`, prefix));
    const [entity, bucketed, salted, unkeyed] = runs as [CompareInput, CompareInput, CompareInput, CompareInput];
    const result = compare(...runs);
    process.stderr.write(`\n${formatCompare(result)}\n`);

    const promo = (c: CompareInput) => c.run!.summary.topics.find((t) => t.topic === 'sc.domain.promotion')!;
    // Every run had the same schedule and delivered all of it, so the comparison is at the same load
    // (how closely a run holds its rate on the wall clock is the bench's to measure; a run that
    // stalled for seconds would still show here).
    for (const r of runs) {
      const t = r.run!.summary.totals;
      expect(t.targetRatePerSec).toBe(RATE);
      expect(t.acked).toBe(t.scheduled - t.dropped);
      expect(t.achievedRateRatio!).toBeGreaterThan(0.5);
    }
    // The hottest partition's share of each second: one partition takes the hot promotion under its
    // entity key (~100%), the second's partition under the time-bucket key, nobody under a salt.
    const [e, b, s, n] = runs.map((r) => promo(r).perSecondShare!);
    process.stderr.write(
      `per-second max: entity ${e!.max}, bucketed ${b!.max}, salted ${s!.max}, unkeyed ${n!.max} (p50 ${e!.p50} / ${b!.p50} / ${s!.p50} / ${n!.p50})\n`,
    );
    // Entity: the cascade's share plus its part of the rest (measured p50 0.87, max 0.90) in every
    // second; the time bucket nearly as hot in its median second (it lacks the clicks, keyed
    // promotion_id, in the ~2/3 of seconds its partition is another one: a few points, too few to
    // order the two reliably over ~6 measured seconds — the deterministic unit test in
    // test/unit/report/compare.test.ts does) and as hot at worst; salted and unkeyed spread (~0.4).
    expect(e!.p50).toBeGreaterThan(0.8);
    expect(e!.max).toBeGreaterThan(0.85);
    expect(b!.p50).toBeGreaterThan(0.7);
    expect(b!.max).toBeGreaterThan(0.8);
    expect(Math.min(e!.p50, b!.p50)).toBeGreaterThan(s!.max + 0.3);
    expect(s!.max).toBeLessThan(0.6);
    expect(n!.max).toBeLessThan(0.6);
    // Over the whole run the bucketed hot spot moves from partition to partition: no single one holds most.
    expect(Math.max(...promo(bucketed).partitions.map((p) => p.shareOfTopic))).toBeLessThan(b!.p50);

    // The lag is on the entity key's hot partition, and peaks far above anything the spread run sees.
    const hotPartition = promo(entity).partitions.reduce((x, y) => (y.events > x.events ? y : x)).partition;
    expect(entity.consumer!.summary.maxPartitionLagAt?.partition).toBe(hotPartition);
    const ratio = entity.consumer!.summary.maxPartitionLag / Math.max(1, unkeyed.consumer!.summary.maxPartitionLag);
    process.stderr.write(
      `max lag entity ${entity.consumer!.summary.maxPartitionLag}, bucketed ${bucketed.consumer!.summary.maxPartitionLag}, salted ${salted.consumer!.summary.maxPartitionLag}, unkeyed ${unkeyed.consumer!.summary.maxPartitionLag}: entity/unkeyed ${ratio.toFixed(1)}\n`,
    );
    expect(ratio).toBeGreaterThan(3);
    for (const r of runs) expect(r.consumer!.summary.drained).toBe(true);
  }, 300_000);
});
