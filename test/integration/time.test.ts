// Event time on the real broker. Live: occurred_at is the wall clock (within 50 ms of the producer's
// send at p99 at 2,000 ev/s when the runner keeps its schedule; on a loaded machine, exactly the
// schedule delay the report shows), the record's CreateTime equals it, and a 1 s bucket key holds one
// wall second. Backfill: the history's first and last events sit at the window's ends, and every
// record's CreateTime is its event time.
import { loadavg } from 'node:os';
import { describe, expect, inject, it } from 'vitest';
import { resolveScenario } from '../../src/app/prepare.js';
import { runScenario } from '../../src/app/run.js';
import { openKafkaSink } from '../../src/app/sinks.js';
import { DOMAIN_TOPICS, physicalTopicName } from '../../src/catalog/topics.js';
import type { Envelope } from '../../src/envelope.js';
import { ScenarioSchema } from '../../src/scenarios/schema.js';
import type { Sink } from '../../src/sinks/types.js';
import { uniquePrefix } from '../support/cli.js';
import { applyCatalog, endOffsets, readRange, type ReadRecord } from '../support/kafka.js';

const brokers = inject('brokers').split(',');

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function readRun(prefix: string, run: () => Promise<void>): Promise<ReadRecord[]> {
  const topics = DOMAIN_TOPICS.map((t) => physicalTopicName(t, prefix));
  const start = await endOffsets(brokers, topics);
  await run();
  return readRange(brokers, start, await endOffsets(brokers, topics));
}

const occurredAtMs = (r: ReadRecord) => Date.parse((JSON.parse(r.value) as Envelope).occurred_at);

describe('live time', () => {
  it('occurred_at = the wall clock: near the send, equal to CreateTime, one wall second per 1 s bucket key', async () => {
    const prefix = uniquePrefix('live');
    await applyCatalog(brokers, prefix);
    const { name, scenario } = resolveScenario('viral-promotion-bucketed');
    // The producer's send time of every record after the warm-up: when its batch is handed to the
    // Kafka producer (the worker thread sends it from there), on the wall clock.
    const lagMs: number[] = [];
    let warmupEndMs = Infinity;
    let scheduleDelayP99Ms = 0;
    let inner: Sink | undefined;
    const records = await readRun(prefix, async () => {
      inner = await openKafkaSink({ brokers }, scenario.producer, 'sc-sim-time-test');
      const sink: Sink = {
        description: inner.description,
        send(batch) {
          const sentMs = Date.now();
          warmupEndMs = Math.min(warmupEndMs, batch[0]!.timestampMs! + scenario.warmup);
          for (const r of batch) if (r.timestampMs! >= warmupEndMs) lagMs.push(sentMs - r.timestampMs!);
          return inner!.send(batch);
        },
        close: () => inner!.close(),
      };
      const { report } = await runScenario(
        { scenario: { name, scenario }, prefix, ratePerSec: 2_000, durationMs: 10_000, seed: 7 },
        { sink },
      );
      expect(report.summary.totals.acked).toBe(20_000);
      scheduleDelayP99Ms = report.summary.scheduleDelayMs.p99;
      process.stderr.write(
        `\n[live] achieved ${report.summary.totals.achievedRatePerSec} ev/s; schedule delay p50 ${report.summary.scheduleDelayMs.p50} ms, p99 ${report.summary.scheduleDelayMs.p99} ms\n`,
      );
    });
    lagMs.sort((a, b) => a - b);
    const [p50, p99, max] = [quantile(lagMs, 0.5), quantile(lagMs, 0.99), lagMs[lagMs.length - 1]!];
    process.stderr.write(
      `[live] occurred_at -> producer send: p50 ${p50} ms, p99 ${p99} ms, max ${max} ms; load average ${loadavg()[0]!.toFixed(1)}\n`,
    );
    expect(lagMs.length).toBeGreaterThan(7_000);
    // Never stamped in the future: occurred_at is at or before the send.
    expect(lagMs[0]!).toBeGreaterThanOrEqual(0);
    // Within 50 ms at p99 when the runner keeps its schedule. On a machine too loaded for that (the
    // report's schedule delay, intended -> send, says so), the gap is that delay and nothing more: the
    // event time is the intended instant on the wall clock, not a clock of its own.
    process.stderr.write(`[live] target p99 <= 50 ms: ${p99 <= 50 ? 'met' : 'NOT met'}\n`);
    // (A batch also waits for its linger and a free in-flight slot, which the schedule delay does not
    // count: a loaded machine gets that much more room, never a gap of another order.)
    expect(p99).toBeLessThanOrEqual(Math.max(50, scheduleDelayP99Ms * 1.2 + 25));

    expect(records.length).toBe(20_000);
    const bucketSeconds = new Map<string, Set<number>>();
    for (const r of records) {
      expect(r.timestampMs).toBe(occurredAtMs(r));
      if (r.topic === `${prefix}sc.domain.promotion` && /_\d+$/.test(r.key ?? '')) {
        const seconds = bucketSeconds.get(r.key!) ?? new Set();
        bucketSeconds.set(r.key!, seconds.add(Math.floor(r.timestampMs / 1_000)));
      }
    }
    expect(bucketSeconds.size).toBeGreaterThanOrEqual(4);
    for (const [key, seconds] of bucketSeconds) expect([key, [...seconds]]).toEqual([key, [Number(key.split('_')[1])]]);
  }, 120_000);
});

describe('backfill', () => {
  it("spreads the history over the window's ends, and every record's CreateTime is its event time", async () => {
    const prefix = uniquePrefix('backfill');
    await applyCatalog(brokers, prefix);
    const scenario = ScenarioSchema.parse({
      description: 'a day of history',
      world: {
        seed: 11,
        population: { users: 50, suppliers: 5, communities: 4, products: 20, promotions: 4, posts: 10 },
      },
      load: { executor: 'unthrottled', count: 3_000 },
      time: { mode: 'backfill', history: '1d' },
    });
    let window: { startAt: string; endAt: string } | undefined;
    let lastEventAt: string | undefined;
    // A day over 3,000 events: 28.8 s a slot on average, up to about twice that in the night hours
    // of the daily curve.
    const SLOT_MS = 2 * (86_400_000 / 2_999);
    const records = await readRun(prefix, async () => {
      const { report } = await runScenario({
        scenario: { name: 'backfill-test', scenario },
        connection: { brokers },
        prefix,
      });
      window = report.run.time!.history!;
      lastEventAt = report.run.time!.lastEventAt!;
      expect(report.run.time!.firstEventAt).toBe(window.startAt);
      // The last slot's instant is the window's end; the event in it may be a follow-up the world
      // queued a slot or two earlier (a reservation after its order), which keeps its cause's time.
      expect(Date.parse(window.endAt) - Date.parse(report.run.time!.lastEventAt!)).toBeGreaterThanOrEqual(0);
      expect(Date.parse(window.endAt) - Date.parse(report.run.time!.lastEventAt!)).toBeLessThanOrEqual(3 * SLOT_MS);
    });
    expect(records.length).toBe(3_000);
    const times = records.map(occurredAtMs).sort((a, b) => a - b);
    expect(new Date(times[0]!).toISOString()).toBe(window!.startAt);
    expect(Date.parse(window!.endAt) - times[times.length - 1]!).toBeLessThanOrEqual(3 * SLOT_MS);
    expect(new Date(times[times.length - 1]!).toISOString()).toBe(lastEventAt);
    expect(Date.parse(window!.endAt) - Date.parse(window!.startAt)).toBe(86_400_000);
    for (const r of records) expect(r.timestampMs).toBe(occurredAtMs(r));
  }, 120_000);
});
