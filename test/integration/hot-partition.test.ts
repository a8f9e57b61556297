// A hot partition, reproduced on the real broker: viral-promotion (impressions keyed promotion_id)
// vs viral-promotion-bucketed (compound key) at the same rate, each with the same consumer group
// simulator. The keyed run's hottest partition holds most impressions and its lag peaks far higher.
import { describe, expect, inject, it } from 'vitest';
import { applyCatalog } from '../support/kafka.js';
import { runScenario } from '../../src/app/run.js';
import { compare, type CompareInput } from '../../src/report/compare.js';
import { formatCompare } from '../../src/render/compare.js';
import { formatConsumerReport } from '../../src/render/consumer.js';
import { uniquePrefix } from '../support/cli.js';

const brokers = inject('brokers');

// 2,000 ev/s for 12 s: about 5 s of the world creating its population, then ~7 s of the viral
// promotion (~1,400 impressions/s on the hot promotion). The consumer processes 1,000 ev/s per
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
  it('keyed by promotion_id: one partition holds most impressions and its lag peaks far above the bucketed run', async () => {
    const prefix = uniquePrefix('hot');
    await applyCatalog(brokers.split(','), prefix);
    const keyed = await runWithConsumer('viral-promotion', prefix);
    // Same topics: the second group starts at the end of the first run (new records only).
    const bucketed = await runWithConsumer('viral-promotion-bucketed', prefix);
    const result = compare(keyed, bucketed);
    process.stderr.write(`\n${formatCompare(result)}\n`);

    const promo = (c: CompareInput) => c.run!.summary.topics.find((t) => t.topic === 'sc.domain.promotion')!;
    // Both runs held the rate, so the comparison is at the same load.
    expect(keyed.run!.summary.totals.achievedRateRatio!).toBeGreaterThan(0.95);
    expect(bucketed.run!.summary.totals.achievedRateRatio!).toBeGreaterThan(0.95);
    // Keyed: the hottest promotion partition holds most of the topic; bucketed: none does.
    const keyedTop = Math.max(...promo(keyed).partitions.map((p) => p.shareOfTopic));
    const bucketedTop = Math.max(...promo(bucketed).partitions.map((p) => p.shareOfTopic));
    expect(keyedTop).toBeGreaterThan(0.8);
    expect(bucketedTop).toBeLessThan(0.6);
    // The lag is on that hot partition, and peaks far higher than anything in the bucketed run.
    const hotPartition = promo(keyed).partitions.reduce((a, b) => (b.events > a.events ? b : a)).partition;
    expect(keyed.consumer!.summary.maxPartitionLagAt?.partition).toBe(hotPartition);
    const ratio = keyed.consumer!.summary.maxPartitionLag / Math.max(1, bucketed.consumer!.summary.maxPartitionLag);
    process.stderr.write(
      `max lag keyed ${keyed.consumer!.summary.maxPartitionLag}, bucketed ${bucketed.consumer!.summary.maxPartitionLag}: ratio ${ratio.toFixed(1)}\n`,
    );
    expect(ratio).toBeGreaterThan(3);
    // The other partitions of the keyed run stay near zero.
    const others = keyed.consumer!.summary.partitions.filter((p) => p.partition !== hotPartition);
    for (const p of others) expect(p.maxLag).toBeLessThan(keyed.consumer!.summary.maxPartitionLag / 10);
    expect(keyed.consumer!.summary.drained && bucketed.consumer!.summary.drained).toBe(true);
  }, 180_000);
});
