// Event time through the whole app (manual clock, in-memory sink): live runs stamp the wall-clock
// instant each event is due and bucket keys follow it; backfill runs spread a history that ends
// when the run starts; seed-dev's week of history still has every type and no lifecycle violation.
import { DEFAULT_TIME_SHAPE, intensityAt, localTimeIn } from '../../../src/runner/time-shape.js';
import { describe, expect, it } from 'vitest';
import { pearson } from '../../support/stats.js';
import { EVENT_TYPES } from '../../../src/catalog/events.js';
import type { Envelope } from '../../../src/envelope.js';
import { DOMAIN_TOPICS } from '../../../src/catalog/topics.js';
import { HEARTBEAT_TOPIC } from '../../../src/catalog/derived.js';
import { FIXTURE_WALL_CLOCK_MS, fixtureRun } from '../../support/run-fixture.js';
import { checkStream, type CheckedEvent } from '../../support/lifecycle-checker.js';

const world = { population: { users: 100, suppliers: 5, communities: 4, products: 20, promotions: 5, posts: 10 } };
const envelopeOf = (value: string | Buffer) => JSON.parse(value.toString()) as Envelope;

describe('live time', () => {
  it("stamps occurred_at with the wall-clock instant each event was due, and the record's timestamp with the same", async () => {
    const { report, log } = await fixtureRun('viral-promotion-bucketed', {
      ratePerSec: 2_000,
      durationMs: 3_000,
      world,
    });
    expect(log.length).toBe(6_000);
    for (const { record } of log) {
      const env = envelopeOf(record.value);
      expect(record.timestampMs).toBe(Date.parse(env.occurred_at));
      // Due at the run's wall-clock start plus its intended offset (an action's later events keep its instant).
      const dueMs = FIXTURE_WALL_CLOCK_MS + Math.floor(record.intendedAtMs);
      expect(record.timestampMs!).toBeLessThanOrEqual(dueMs);
      expect(dueMs - record.timestampMs!).toBeLessThan(50);
    }
    expect(report.run.time).toMatchObject({
      mode: 'live',
      timeScale: 1,
      history: null,
      firstEventAt: new Date(FIXTURE_WALL_CLOCK_MS).toISOString(),
      clampedRecords: 0,
    });
    expect(report.run.plan).toContain('live time: occurred_at = the wall clock');
  });

  it('a 1 s bucket key holds only events of one wall second: the second it names', async () => {
    const { log } = await fixtureRun('viral-promotion-bucketed', { ratePerSec: 2_000, durationMs: 4_000, world });
    const secondsByKey = new Map<string, Set<number>>();
    for (const { record } of log) {
      if (record.eventType !== 'promotion.impression') continue;
      const second = Math.floor(record.timestampMs! / 1_000);
      expect(record.keyText).toBe(`${record.entityId}_${second}`);
      const seen = secondsByKey.get(record.keyText) ?? new Set();
      secondsByKey.set(record.keyText, seen.add(second));
    }
    expect(secondsByKey.size).toBeGreaterThan(3);
    for (const seconds of secondsByKey.values()) expect(seconds.size).toBe(1);
  });

  it('counts acked events per wall-clock second and partition, aligned with the bucket keys', async () => {
    const { report, log } = await fixtureRun('viral-promotion-bucketed', {
      ratePerSec: 2_000,
      durationMs: 3_000,
      world,
    });
    const ps = report.metrics.partitionSeconds!;
    expect(ps.firstSecondAtMs).toBe(Math.floor(FIXTURE_WALL_CLOCK_MS / 1_000) * 1_000);
    expect(ps.firstSecondOffsetMs).toBe(-250);
    const expected: number[][] = [];
    for (const { record } of log) {
      if (record.logicalTopic !== 'sc.domain.promotion') continue;
      const s = Math.floor((record.timestampMs! - ps.firstSecondAtMs) / 1_000);
      expected[s] ??= [0, 0, 0];
      expected[s]![record.partition]!++;
    }
    // Chain members keep their action's instant: a few events may sit one second earlier than their send slot.
    const rows = ps.topics['sc.domain.promotion']!;
    const total = (m: number[][]) => m.flat().reduce((a, b) => a + b, 0);
    expect(total(rows)).toBe(total(expected.map((r) => r ?? [])));
    rows.forEach((row, s) => {
      const want = expected[s] ?? [0, 0, 0];
      row.forEach((n, p) => expect(Math.abs(n - want[p]!)).toBeLessThanOrEqual(5));
    });
  });
});

describe('backfill', () => {
  it('seed-dev: 6 days ending at the run start, record timestamps = event times, all 74 types, 0 violations', async () => {
    // seed-dev is unthrottled; the fixture paces its 20,000 records so the run stays on the manual clock.
    const { report, log } = await fixtureRun('seed-dev', { ratePerSec: 10_000, durationMs: 2_000 });
    // The schedule's 20,000 slots (a heartbeat or a dead letter takes the slot it is due in), then
    // the dead letters still due when the schedule ends (intended after it).
    expect(log.filter(({ record }) => record.intendedAtMs < 2_000)).toHaveLength(20_000);
    const scheduled = log.filter(({ record }) => record.logicalTopic !== HEARTBEAT_TOPIC);
    const time = report.run.time!;
    expect(time.mode).toBe('backfill');
    const endMs = FIXTURE_WALL_CLOCK_MS;
    const historyMs = 6 * 86_400_000;
    expect(time.history).toEqual({
      startAt: new Date(endMs - historyMs).toISOString(),
      endAt: new Date(endMs).toISOString(),
      durationMs: historyMs,
    });
    // The first event opens the history; the last closes it but for the slots dead letters and
    // heartbeats took (event times follow the seeded stream, not the send slots), each slot 25.9 s
    // on average, and shorter or longer by the daily curve.
    const slotMs = historyMs / (20_000 - 1);
    const slack = log.length - log.filter(({ record }) => record.timestampMs !== undefined).length;
    expect(time.firstEventAt).toBe(time.history!.startAt);
    const lastMs = Date.parse(time.lastEventAt!);
    expect(lastMs).toBeLessThanOrEqual(endMs);
    expect(endMs - lastMs).toBeLessThanOrEqual((slack + 1) * 3 * slotMs);
    const domain = new Set<string>(DOMAIN_TOPICS);
    const events: CheckedEvent[] = [];
    for (const { record } of scheduled) {
      if (!domain.has(record.logicalTopic)) continue;
      const env = envelopeOf(record.value);
      expect(record.timestampMs).toBe(Date.parse(env.occurred_at));
      events.push({ topic: record.logicalTopic, key: record.keyText, envelope: env });
    }
    // In send order (the log is in ack order; the checker needs emission order, which sequence gives).
    events.sort((a, b) => Date.parse(a.envelope.occurred_at) - Date.parse(b.envelope.occurred_at));
    // Dead letters are stamped by the producer when written (the consumer failed "now"); every
    // other record carries its event time.
    const stamped = scheduled.filter(({ record }) => record.timestampMs !== undefined);
    const unstamped = scheduled.filter(({ record }) => record.timestampMs === undefined);
    expect(new Set(unstamped.map(({ record }) => record.logicalTopic.split('.')[1]))).toEqual(new Set(['dlq']));
    const times = stamped.map(({ record }) => record.timestampMs!).sort((a, b) => a - b);
    expect(times[0]).toBe(endMs - historyMs);
    expect(times[times.length - 1]).toBe(lastMs);
    // The daily curve and weekly pattern (the default, UTC): hourly counts follow the multipliers.
    const hours = historyMs / 3_600_000;
    const counts = new Array<number>(hours).fill(0);
    for (const t of times) counts[Math.min(hours - 1, Math.floor((t - (endMs - historyMs)) / 3_600_000))]!++;
    const local = localTimeIn('UTC');
    const expected = counts.map((_, h) => intensityAt(DEFAULT_TIME_SHAPE, local(endMs - historyMs + h * 3_600_000)));
    expect(pearson(counts, expected)).toBeGreaterThanOrEqual(0.95);
    const result = checkStream(events);
    expect(result.anomalies).toEqual([]);
    const seenTypes = new Set(events.map((e) => e.envelope.event_type));
    expect(EVENT_TYPES.filter((t) => !seenTypes.has(t))).toEqual([]);
    expect(EVENT_TYPES.length).toBe(74);
  }, 60_000);
});
