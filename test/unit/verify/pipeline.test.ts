// The verifier over a real simulated world (shipped scenarios, encoder, runner, in-memory sink):
// a clean run gives zeros, compound keys are reported apart, and injected faults are named.
import { describe, expect, it } from 'vitest';
import { asConsumed, asProduced, fixtureRun } from '../../support/run-fixture.js';
import { Verifier, type ConsumedRecord } from '../../../src/verify/verifier.js';
import { LiveVerification, partitionsAdded } from '../../../src/verify/session.js';
import type { ReadBack } from '../../../src/verify/read-back.js';
import { ackedFromReport, offsetsFromReport } from '../../../src/report.js';
import type { SinkRecord } from '../../../src/sinks/types.js';
import { HEADER_RUN_ID } from '../../../src/envelope.js';
import type { OffsetsByTopic } from '../../../src/kafka/admin.js';

/** The broker's view: per partition in offset order, partitions interleaved round-robin. */
function logOrder(log: { record: SinkRecord; offset: number }[]): ConsumedRecord[] {
  const byPartition = new Map<string, ConsumedRecord[]>();
  for (const { record, offset } of log) {
    const k = `${record.topic}/${record.partition}`;
    if (!byPartition.has(k)) byPartition.set(k, []);
    byPartition.get(k)!.push(asConsumed(record, offset));
  }
  const lists = [...byPartition.values()].map((l) => l.sort((a, b) => a.offset - b.offset));
  const out: ConsumedRecord[] = [];
  for (let i = 0; lists.some((l) => i < l.length); i++) for (const l of lists) if (i < l.length) out.push(l[i]!);
  return out;
}

describe('verifier on a simulated world', () => {
  it('seed-dev: every event accounted for, no anomaly', async () => {
    const v = new Verifier();
    const { log } = await fixtureRun('seed-dev', {
      ratePerSec: 2_000,
      durationMs: 1_500,
      onAck: [
        (batch, result) =>
          batch.forEach((r, i) =>
            v.addProduced(asProduced(r, result.ok ? result.offsets?.[i] : undefined, result.ok ? 'acked' : 'failed')),
          ),
      ],
    });
    for (const r of logOrder(log)) v.addConsumed(r);
    const res = v.finish();
    expect(log.length).toBe(3_000);
    expect(res.totals).toMatchObject({
      acked: 3_000,
      consumed: 3_000,
      lost: 0,
      duplicate: 0,
      reordered: 0,
      gaps: 0,
      keyPartitionMoves: 0,
      unexpected: 0,
    });
    expect(res.compoundKeys.records).toBe(0);
  });

  it('viral-promotion-bucketed: impressions under compound keys are reported apart, not as anomalies', async () => {
    // A small population so the world reaches the viral phase after a few hundred events.
    const world = { population: { users: 100, suppliers: 5, communities: 4, products: 20, promotions: 5, posts: 10 } };
    const { log } = await fixtureRun('viral-promotion-bucketed', { ratePerSec: 2_000, durationMs: 3_000, world });
    const v = new Verifier();
    for (const r of logOrder(log)) v.addConsumed(r);
    const res = v.finish();
    expect(res.ok).toBe(true);
    expect(res.totals.reordered + res.totals.duplicate + res.totals.keyPartitionMoves).toBe(0);
    expect(res.compoundKeys.records).toBeGreaterThan(1_000);
    expect(res.compoundKeys.keys).toBeGreaterThan(1);
    // The hot promotion's impressions spread over several partitions: expected, and said so.
    expect(res.compoundKeys.entitiesOnSeveralPartitions).toBeGreaterThanOrEqual(1);
  });

  it('names a record lost from the log and a duplicate appended to it', async () => {
    const v = new Verifier();
    const { log } = await fixtureRun('seed-dev', {
      ratePerSec: 1_000,
      durationMs: 1_000,
      onAck: [(batch) => batch.forEach((r) => v.addProduced(asProduced(r, undefined)))],
    });
    const read = logOrder(log);
    const victim = read.splice(100, 1)[0]!;
    const again = { ...read[200]!, offset: 1_000_000 };
    for (const r of [...read, again]) v.addConsumed(r);
    const res = v.finish();
    expect(res.totals.lost).toBe(1);
    expect(res.totals.duplicate).toBe(1);
    expect(res.examples.find((e) => e.kind === 'lost')).toMatchObject({
      topic: victim.topic,
      partition: victim.partition,
      key: victim.key,
      sequence: victim.sequence,
    });
  });

  it('the report helpers agree with the sink', async () => {
    const { report, log } = await fixtureRun('seed-dev', { ratePerSec: 1_000, durationMs: 1_000 });
    const acked = ackedFromReport(report);
    expect(acked.reduce((a, x) => a + x.acked, 0)).toBe(log.length);
    const { start, end, partitions } = offsetsFromReport(report);
    for (const a of acked) {
      expect(Number(end.get(a.topic)!.get(a.partition)! - start.get(a.topic)!.get(a.partition)!)).toBe(a.acked);
    }
    expect(partitions.get('fx.sc.domain.order')).toBe(6);
  });
});

describe('LiveVerification', () => {
  /** A read-back whose records the test delivers by hand. */
  function fakeReadBack() {
    const delivered = { count: 0 };
    let onRecord: ((r: ConsumedRecord, runId: string) => void) | undefined;
    const reader: ReadBack = {
      ready: Promise.resolve(),
      finish: async () => ({
        records: delivered.count,
        foreign: 0,
        undecodable: 0,
        undecodableReason: null,
        pathologies: {},
        tookMs: 1,
        partitions: [],
      }),
      stop: async () => undefined,
    };
    return {
      open: (_start: OffsetsByTopic, cb: (r: ConsumedRecord, runId: string) => void) => {
        onRecord = cb;
        return reader;
      },
      deliver(r: ConsumedRecord, runId: string) {
        delivered.count++;
        onRecord!(r, runId);
      },
    };
  }

  it("buffers reads that arrive before the first ack, then checks them as this run's once its id is known", async () => {
    const { log } = await fixtureRun('seed-dev', { ratePerSec: 1_000, durationMs: 500 });
    const runId = String(log[0]!.record.headers[HEADER_RUN_ID]);
    const fake = fakeReadBack();
    const live = await LiveVerification.start({
      openReader: fake.open,
      startOffsets: new Map(),
      partitions: new Map(),
      producer: { idempotent: true, maxInFlightRequests: null },
    });
    // The read-back can see records before the producer's ack for them reaches the runner.
    for (const { record, offset } of log.slice(0, 40)) fake.deliver(asConsumed(record, offset), runId);
    fake.deliver(asConsumed(log[45]!.record, 1_000_000), 'run-of-someone-else');
    live.onAck(
      log.map((l) => l.record),
      { ok: true, offsets: log.map((l) => l.offset) },
      0,
      0,
    );
    for (const { record, offset } of log.slice(40)) fake.deliver(asConsumed(record, offset), runId);
    const section = await live.finish(new Map(), 1_000);
    // Dropping the early reads would show as 40 lost; checking the foreign one as ours, as a duplicate.
    expect(section.result.totals).toMatchObject({
      acked: log.length,
      consumed: log.length,
      lost: 0,
      duplicate: 0,
      reordered: 0,
    });
    expect(section.readBack).toMatchObject({ records: log.length, foreign: 1 });
    expect(section.passed).toBe(true);
  });

  it('counts reads as foreign when nothing was ever acked', async () => {
    const { log } = await fixtureRun('seed-dev', { ratePerSec: 1_000, durationMs: 200 });
    const fake = fakeReadBack();
    const live = await LiveVerification.start({
      openReader: fake.open,
      startOffsets: new Map(),
      partitions: new Map(),
      producer: null,
    });
    for (const { record, offset } of log.slice(0, 10)) fake.deliver(asConsumed(record, offset), 'run-x');
    const section = await live.finish(new Map(), 1_000);
    expect(section.readBack).toMatchObject({ records: 0, foreign: 10 });
    expect(section.result.totals.consumed).toBe(0);
  });

  it("measures end-to-end latency from the record's event time, except for a backfill's history", async () => {
    const { log } = await fixtureRun('seed-dev', { ratePerSec: 1_000, durationMs: 200 });
    const runId = String(log[0]!.record.headers[HEADER_RUN_ID]);
    const latencyOf = async (latencyFromRecordTime: boolean) => {
      const fake = fakeReadBack();
      const live = await LiveVerification.start({
        openReader: fake.open,
        startOffsets: new Map(),
        partitions: new Map(),
        producer: null,
        latencyFromRecordTime,
      });
      live.onAck(
        log.map((l) => l.record),
        { ok: true, offsets: log.map((l) => l.offset) },
        0,
        0,
      );
      for (const { record, offset } of log) {
        const read = {
          ...asConsumed(record, offset),
          timestampMs: record.timestampMs,
          consumedAtMs: record.timestampMs! + 7,
        };
        fake.deliver(read, runId);
      }
      return (await live.finish(new Map(), 1_000)).result.latency;
    };
    expect((await latencyOf(true))?.p50).toBeCloseTo(7, 0);
    expect(await latencyOf(false)).toBeNull();
  });
});

describe('partitionsAdded', () => {
  it('gives the partitions the end offsets have and the start offsets lack, from offset 0', () => {
    const start = new Map([
      [
        't',
        new Map([
          [0, 5n],
          [1, 7n],
        ]),
      ],
    ]);
    const end = new Map([
      [
        't',
        new Map([
          [0, 9n],
          [1, 9n],
          [2, 4n],
          [3, 0n],
        ]),
      ],
      // A topic the run did not start on is not the run's.
      ['other', new Map([[0, 3n]])],
    ]);
    expect(partitionsAdded(start, end)).toEqual(
      new Map([
        [
          't',
          new Map([
            [2, 0n],
            [3, 0n],
          ]),
        ],
      ]),
    );
    expect(partitionsAdded(start, start)).toEqual(new Map());
  });
});
