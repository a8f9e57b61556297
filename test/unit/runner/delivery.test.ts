// The runner's delivery semantics on a manual clock: a batch's delivery time counts from when it is
// queued, batches out of time fail without being sent, a fatal result leaves what waits unsent,
// partial results count per record, and the totals always add up.
import { describe, expect, it } from 'vitest';
import { runLoad, type RunnerOptions } from '../../../src/runner.js';
import { ExecutorSchema, createSchedule } from '../../../src/runner/executors.js';
import type { MetricsSnapshot } from '../../../src/metrics/snapshot.js';
import type { SendOptions, SendResult, Sink, SinkRecord } from '../../../src/sinks/types.js';
import { ManualClock } from '../../support/manual-clock.js';
import { fakeRecords } from '../../support/fake-records.js';

/** A sink whose answer for each batch (and how long it takes) a test decides. */
class ScriptedSink implements Sink {
  readonly description = { kind: 'memory' as const, target: 'scripted' };
  readonly sends: { size: number; timeoutMs: number | undefined; atMs: number }[] = [];
  constructor(
    private readonly clock: ManualClock,
    private readonly answer: (
      batch: readonly SinkRecord[],
      n: number,
      o: SendOptions,
    ) => { afterMs: number; result: SendResult },
  ) {}
  async send(batch: readonly SinkRecord[], o: SendOptions = {}): Promise<SendResult> {
    this.sends.push({ size: batch.length, timeoutMs: o.timeoutMs, atMs: this.clock.now() });
    const { afterMs, result } = this.answer(batch, this.sends.length - 1, o);
    await this.clock.sleepUntil(this.clock.now() + afterMs);
    return result;
  }
  async close(): Promise<void> {}
}

const ok = (batch: readonly SinkRecord[]): SendResult => ({ ok: true, offsets: batch.map((_, i) => i) });

function options(clock: ManualClock, sink: Sink, over: Partial<RunnerOptions> = {}): RunnerOptions {
  return {
    schedule: createSchedule(ExecutorSchema.parse({ executor: 'constant-rate', rate: 100, duration: '10s' })),
    nextRecord: fakeRecords().next,
    sink,
    clock,
    batch: { maxEvents: 100, maxBytes: 1_000_000, lingerMs: 0 },
    maxInFlightBatches: 1,
    maxBacklogEvents: 1_000_000,
    lateThresholdMs: 100,
    warmupMs: 0,
    ...over,
  };
}

/** Whole-run totals, and the identity every run must keep. */
function totals(m: MetricsSnapshot) {
  const w = m.warmup.totals;
  const t = m.measured.totals;
  const sum = (k: keyof typeof t) => w[k] + t[k];
  const generated = sum('scheduled') - sum('dropped');
  expect(generated).toBe(sum('acked') + sum('failed') + sum('indeterminate') + sum('unsent'));
  return {
    generated,
    acked: sum('acked'),
    failed: sum('failed'),
    indeterminate: sum('indeterminate'),
    unsent: sum('unsent'),
  };
}

describe('runner delivery semantics', () => {
  it('hands the sink what is left of each batch’s delivery time, counted from when it was queued', async () => {
    const clock = new ManualClock();
    // The first send takes 3 s: the batches queued behind it have waited when their turn comes.
    const sink = new ScriptedSink(clock, (batch, n) => ({ afterMs: n === 0 ? 3_000 : 10, result: ok(batch) }));
    const out = await runLoad(options(clock, sink, { deliveryTimeoutMs: 5_000 }));
    expect(sink.sends[0]!.timeoutMs).toBe(5_000);
    // The second batch was queued at 10 ms (merged with the next ones) and sent at 3 s.
    expect(sink.sends[1]!.atMs).toBe(3_000);
    expect(sink.sends[1]!.timeoutMs).toBeCloseTo(5_000 - (3_000 - 10), 6);
    expect(totals(out.metrics)).toMatchObject({ generated: 1_000, acked: 1_000 });
  });

  it('a batch whose delivery time ran out while it waited fails without being sent', async () => {
    const clock = new ManualClock();
    // The broker is away for 8 s: the sink gives each batch up only after its budget and an
    // attempt that runs 500 ms past it (a request in flight is not abandoned at the deadline).
    const sink = new ScriptedSink(clock, (batch, _n, o) =>
      clock.now() < 8_000
        ? { afterMs: (o.timeoutMs ?? 0) + 500, result: { ok: false, error: 'delivery timeout', indeterminate: false } }
        : { afterMs: 10, result: ok(batch) },
    );
    const out = await runLoad(
      options(clock, sink, { deliveryTimeoutMs: 2_000, batch: { maxEvents: 50, maxBytes: 1e6, lingerMs: 0 } }),
    );
    const t = totals(out.metrics);
    expect(t.failed).toBeGreaterThan(0);
    expect(out.delivery.expired.batches).toBeGreaterThan(0);
    // Expired batches never reach the sink: what it saw plus what expired is every batch.
    const seen = sink.sends.reduce((n, s) => n + s.size, 0);
    expect(seen + out.delivery.expired.events).toBe(t.generated);
    expect(t.acked).toBeGreaterThan(0); // after the outage, sends succeed again
    expect(out.delivery.undelivered.events).toBe(t.failed);
    expect(out.metrics.measured.errors['delivery timeout']).toBeGreaterThan(0);
    expect(out.fatal).toBeNull();
  });

  it('after a fatal result nothing more is sent: what waited ends unsent', async () => {
    const clock = new ManualClock();
    const fatal = { code: 'E_TOPIC_MISSING' as const, message: 'topic t no longer exists' };
    const sink = new ScriptedSink(clock, (batch, n) =>
      n < 2
        ? { afterMs: 500, result: ok(batch) }
        : { afterMs: 500, result: { ok: false, error: fatal.message, indeterminate: false, fatal } },
    );
    const out = await runLoad(options(clock, sink));
    expect(out.fatal).toEqual(fatal);
    const t = totals(out.metrics);
    expect(sink.sends).toHaveLength(3);
    expect(t.unsent).toBeGreaterThan(0);
    expect(t.unsent).toBe(t.generated - t.acked - t.failed);
    expect(out.metrics.measured.errors).toHaveProperty(['never sent: the run stopped (E_TOPIC_MISSING)']);
  });

  it('counts a partly acked batch record by record and lists the entities not delivered', async () => {
    const clock = new ManualClock();
    // The first send is slow, so the next batch fills up to 60 records while it waits.
    const sink = new ScriptedSink(clock, (batch, n) => ({
      afterMs: n === 0 ? 1_000 : 10,
      result:
        n !== 1
          ? ok(batch)
          : {
              ok: false,
              error: 'delivery timeout: not acked within the deadline',
              indeterminate: false,
              perRecord: {
                outcomes: batch.map((_, i) => (i % 2 === 0 ? 'acked' : i % 3 === 0 ? 'indeterminate' : 'failed')),
                offsets: batch.map((_, i) => (i % 2 === 0 ? i : undefined)),
              },
            },
    }));
    const out = await runLoad(options(clock, sink, { batch: { maxEvents: 60, maxBytes: 1e6, lingerMs: 0 } }));
    const t = totals(out.metrics);
    // Batch 1 holds 60 records: 30 acked, 10 indeterminate (odd multiples of 3), 20 failed.
    expect(t).toMatchObject({ acked: t.generated - 30, failed: 20, indeterminate: 10, unsent: 0 });
    expect(out.delivery.undelivered.events).toBe(30);
    expect(out.delivery.undelivered.entities).toBe(30);
    expect(out.delivery.undelivered.listed[0]).toMatchObject({ topic: 'sc.domain.order', failed: 1, sequences: [1] });
  });

  it('reports the backlog’s bound and its peak in events and bytes', async () => {
    const clock = new ManualClock();
    const sink = new ScriptedSink(clock, (batch, n) => ({ afterMs: n === 0 ? 2_000 : 10, result: ok(batch) }));
    const out = await runLoad(options(clock, sink, { maxBacklogEvents: 150 }));
    expect(out.delivery.backlog.limitEvents).toBe(150);
    expect(out.delivery.backlog.peakEvents).toBeGreaterThan(0);
    expect(out.delivery.backlog.peakEvents).toBeLessThanOrEqual(150);
    expect(out.delivery.backlog.peakBytes).toBe(out.delivery.backlog.peakEvents * 100);
    const t = totals(out.metrics);
    expect(out.metrics.measured.totals.dropped).toBeGreaterThan(0);
    expect(t.acked).toBe(t.generated);
  });
});
