import { describe, expect, it } from 'vitest';
import { decodeHistogram } from '../../src/metrics/histogram.js';
import { runLoad, type Progress, type RunnerOptions } from '../../src/runner.js';
import { ManualClock } from '../support/manual-clock.js';
import { ExecutorSchema, createSchedule } from '../../src/runner/executors.js';
import { MemorySink, type MemorySinkOptions } from '../support/memory-sink.js';
import type { SendResult, SinkRecord } from '../../src/sinks/types.js';
import { fakeRecords } from '../support/fake-records.js';

function setup(executor: unknown, over: Partial<RunnerOptions> = {}, sinkOpts: MemorySinkOptions = {}, startMs = 0) {
  const clock = new ManualClock(startMs);
  const sink = new MemorySink({ clock, ...sinkOpts });
  const source = fakeRecords();
  const opts: RunnerOptions = {
    schedule: createSchedule(ExecutorSchema.parse(executor)),
    nextRecord: source.next,
    sink,
    clock,
    batch: { maxEvents: 1, maxBytes: 1_000_000, lingerMs: 0 },
    maxInFlightBatches: 4,
    maxBacklogEvents: 1_000_000,
    lateThresholdMs: 100,
    warmupMs: 0,
    ...over,
  };
  return { clock, sink, source, opts };
}

describe('runLoad on a manual clock', () => {
  it('constant-rate: sends every event at its intended time', async () => {
    const { sink, opts } = setup({ executor: 'constant-rate', rate: 100, duration: '2s' });
    const out = await runLoad(opts);
    expect(sink.records).toHaveLength(200);
    sink.records.forEach((r, i) => expect(r.intendedAtMs).toBe(i * 10));
    const m = out.metrics.measured;
    expect(m.totals).toMatchObject({ scheduled: 200, sent: 200, acked: 200, failed: 0, dropped: 0, late: 0 });
    expect(decodeHistogram(m.scheduleDelayUs).maxValue).toBe(0);
    expect(out.metrics.series.map((p) => p.scheduled)).toEqual([100, 100]);
    expect(out.metrics.series.map((p) => p.acked)).toEqual([100, 100]);
    expect(out.interrupted).toBe(false);
  });

  it('counts events due exactly on a second boundary in that second, whatever the start time', async () => {
    // A start where (71.7 + 1000) - 71.7 < 1000 in floating point, as happens with performance.now().
    const { opts } = setup({ executor: 'constant-rate', rate: 500, duration: '3s' }, { warmupMs: 1_000 }, {}, 71.7);
    const out = await runLoad(opts);
    expect(out.metrics.series.map((p) => p.scheduled)).toEqual([500, 500, 500]);
    expect(out.metrics.warmup.totals.scheduled).toBe(500);
  });

  it('ramping-rate: emits the integrated count at the right times', async () => {
    const { sink, opts } = setup({
      executor: 'ramping-rate',
      startRate: 0,
      stages: [
        { target: 100, duration: '2s' },
        { target: 100, duration: '1s' },
      ],
    });
    const out = await runLoad(opts);
    expect(sink.records).toHaveLength(200);
    // 0→100 ev/s over 2 s: 25 events in the first second, 75 in the second, then 100/s.
    expect(out.metrics.series.map((p) => p.scheduled)).toEqual([25, 75, 100]);
    expect(sink.records[64]!.intendedAtMs).toBeCloseTo(200 * Math.sqrt(64), 6);
    expect(sink.records[150]!.intendedAtMs).toBeCloseTo(2_500, 6);
  });

  it('batches up to maxEvents, and flushes a partial batch after the linger time', async () => {
    const { sink, opts } = setup(
      { executor: 'constant-rate', rate: 1_000, count: 25 },
      { batch: { maxEvents: 10, maxBytes: 1_000_000, lingerMs: 50 } },
    );
    const out = await runLoad(opts);
    expect(sink.batches).toBe(3);
    // The last 5 events (due at 20..24 ms) are all sent when the schedule ends at 24 ms.
    expect(decodeHistogram(out.metrics.measured.scheduleDelayUs).maxValue).toBeLessThanOrEqual(9_010);
  });

  it('backpressure shows as schedule delay and late counts, never as a lower rate', async () => {
    // 1000 ev/s in batches of 10, one batch in flight, 50 ms per batch: the sink takes 200 ev/s.
    const { sink, opts } = setup(
      { executor: 'constant-rate', rate: 1_000, duration: '1s' },
      { batch: { maxEvents: 10, maxBytes: 1_000_000, lingerMs: 1_000 }, maxInFlightBatches: 1 },
      { latencyMs: 50 },
    );
    const out = await runLoad(opts);
    const m = out.metrics.measured;
    expect(sink.records).toHaveLength(1_000);
    // The schedule never slowed down: all 1000 were intended within the first second.
    expect(out.metrics.series[0]!.scheduled).toBe(1_000);
    // Batch k (events 10k..10k+9, full at 10k+9 ms) is sent at 9 + 50k ms: event 10k+j waits 9+40k−j ms.
    expect(decodeHistogram(m.scheduleDelayUs).maxValue).toBeGreaterThanOrEqual(3_969_000 * 0.999);
    expect(decodeHistogram(m.scheduleDelayUs).maxValue).toBeLessThanOrEqual(3_969_000 * 1.001);
    expect(m.totals.late).toBe(970);
    expect(m.totals.dropped).toBe(0);
    expect(out.durationMs).toBe(9 + 50 * 100);
    // Ack latency is the sink's, unaffected by the queueing before the send.
    const ack = decodeHistogram(m.ackLatencyUs);
    expect(ack.totalCount).toBe(1_000);
    expect(ack.getValueAtPercentile(0) / 50_000).toBeCloseTo(1, 3);
    expect(ack.maxValue / 50_000).toBeCloseTo(1, 3);
  });

  it('merges batches that waited for a slot, so a slow sink gets fewer, larger requests', async () => {
    // 1000 ev/s, flushed one by one (linger 0), one request in flight taking 50 ms.
    const { sink, opts } = setup(
      { executor: 'constant-rate', rate: 1_000, duration: '1s' },
      { batch: { maxEvents: 100, maxBytes: 1e9, lingerMs: 0 }, maxInFlightBatches: 1 },
      { latencyMs: 50 },
    );
    const out = await runLoad(opts);
    expect(sink.records).toHaveLength(1_000);
    // The first event goes alone; then every 50 ms the 50 that queued meanwhile go together.
    expect(sink.batches).toBe(21);
    expect(decodeHistogram(out.metrics.measured.scheduleDelayUs).maxValue).toBeLessThanOrEqual(50_100);
    expect(out.metrics.measured.totals.late).toBe(0);
    // Order is kept: records reach the sink in intended order.
    sink.records.forEach((r, i) => expect(r.intendedAtMs).toBe(i));
  });

  it('beyond the backlog bound, due events are counted as dropped and never generated', async () => {
    const { sink, source, opts } = setup(
      { executor: 'constant-rate', rate: 1_000, duration: '1s' },
      { batch: { maxEvents: 10, maxBytes: 1_000_000, lingerMs: 1_000 }, maxInFlightBatches: 1, maxBacklogEvents: 100 },
      { latencyMs: 50 },
    );
    const out = await runLoad(opts);
    const t = out.metrics.measured.totals;
    expect(t.scheduled).toBe(1_000);
    expect(t.dropped).toBeGreaterThan(0);
    expect(t.sent + t.dropped).toBe(1_000);
    expect(source.generated()).toBe(t.sent);
    expect(sink.records).toHaveLength(t.sent);
    expect(out.metrics.series.reduce((s, p) => s + p.dropped, 0)).toBe(t.dropped);
  });

  it('keeps warm-up metrics apart from the summary', async () => {
    const { opts } = setup({ executor: 'constant-rate', rate: 100, duration: '3s' }, { warmupMs: 1_000 });
    const out = await runLoad(opts);
    expect(out.metrics.warmup.totals.acked).toBe(100);
    expect(out.metrics.measured.totals.acked).toBe(200);
    expect(out.metrics.measured.firstIntendedMs).toBe(1_000);
    expect(out.metrics.warmupMs).toBe(1_000);
  });

  it('counts failed and indeterminate sends per topic, with their messages', async () => {
    let n = 0;
    const { opts } = setup(
      { executor: 'constant-rate', rate: 100, count: 10 },
      {},
      {
        failWhen: () => {
          n++;
          if (n === 3) return { error: 'NOT_LEADER' };
          if (n === 5) return { error: 'timeout', indeterminate: true };
          return undefined;
        },
      },
    );
    const out = await runLoad(opts);
    const m = out.metrics.measured;
    expect(m.totals).toMatchObject({ sent: 10, acked: 8, failed: 1, indeterminate: 1 });
    expect(m.errors).toEqual({ NOT_LEADER: 1, timeout: 1 });
    expect(out.metrics.series[0]!.errors).toBe(2);
  });

  it('passes every outcome with offsets to onAck observers', async () => {
    const seen: { record: SinkRecord; offset: number | undefined }[] = [];
    const observer = (batch: readonly SinkRecord[], result: SendResult) => {
      batch.forEach((record, i) => seen.push({ record, offset: result.ok ? result.offsets?.[i] : undefined }));
    };
    const { opts } = setup(
      { executor: 'constant-rate', rate: 100, count: 12 },
      { onAck: [observer], batch: { maxEvents: 4, maxBytes: 1e6, lingerMs: 1e3 } },
    );
    await runLoad(opts);
    expect(seen).toHaveLength(12);
    // Per topic/partition, offsets count up from 0 in send order.
    const byPartition = new Map<string, number[]>();
    for (const s of seen) {
      const k = `${s.record.topic}/${s.record.partition}`;
      byPartition.set(k, [...(byPartition.get(k) ?? []), s.offset!]);
    }
    for (const offsets of byPartition.values()) expect(offsets).toEqual(offsets.map((_, i) => i));
  });

  it('on abort: stops scheduling, still answers everything it generated', async () => {
    const ac = new AbortController();
    const { sink, source, opts } = setup(
      { executor: 'constant-rate', rate: 100, duration: '10s' },
      { signal: ac.signal, onAck: [() => (sink.records.length >= 50 ? ac.abort() : undefined)] },
      { latencyMs: 5 },
    );
    const out = await runLoad(opts);
    expect(out.interrupted).toBe(true);
    expect(sink.records.length).toBeLessThan(60);
    expect(out.metrics.measured.totals.acked).toBe(source.generated());
  });

  it('unthrottled: sends full batches as fast as the sink answers, bounded in flight', async () => {
    let maxConcurrent = 0;
    let concurrent = 0;
    const { sink, opts } = setup(
      { executor: 'unthrottled', count: 1_000 },
      { batch: { maxEvents: 100, maxBytes: 1e9, lingerMs: 5 }, maxInFlightBatches: 2 },
      {
        latencyMs: () => {
          concurrent++;
          maxConcurrent = Math.max(maxConcurrent, concurrent);
          return 10;
        },
      },
    );
    opts.onAck = [() => concurrent--];
    const out = await runLoad(opts);
    expect(sink.records).toHaveLength(1_000);
    expect(sink.batches).toBe(10);
    expect(maxConcurrent).toBe(2);
    expect(out.durationMs).toBe(50);
  });

  it('reports progress once per interval with the target rate', async () => {
    const seen: Progress[] = [];
    const { opts } = setup(
      { executor: 'constant-rate', rate: 100, duration: '3s' },
      { onProgress: (p) => seen.push(p) },
    );
    await runLoad(opts);
    // The run ends at 2990 ms (last event) + 0 ms latency: two full seconds were reported.
    expect(seen.map((p) => p.elapsedMs)).toEqual([1_000, 2_000]);
    expect(seen[0]).toMatchObject({ targetRatePerSec: 100, acked: 100 });
    expect(seen[1]!.ackedRatePerSec).toBe(100);
  });
});

describe('runLoad with a source that generates elsewhere (recordsReady)', () => {
  const fatal = { code: 'E_GENERATOR_CRASHED' as const, message: 'generation thread 1 stopped: boom', hint: 'h' };

  /** A source that holds `ready` records at first and gets `more` every time the runner waits, then fails. */
  function waitingSource(ready: number, more: number, waitsBeforeFailing: number) {
    let available = ready;
    let waits = 0;
    const asked: number[] = [];
    return {
      asked,
      recordsReady: (count: number) => {
        asked.push(count);
        if (available >= count) return null;
        waits++;
        if (waits > waitsBeforeFailing) return Promise.resolve(fatal);
        available += more;
        return Promise.resolve(null);
      },
      take: () => available--,
    };
  }

  for (const executor of [
    { executor: 'constant-rate', rate: 1_000, duration: '10s' },
    { executor: 'unthrottled', count: 10_000 },
  ]) {
    it(`${executor.executor}: waits when the source is behind, and a source that fails stops the run with its reason; what it gave is still sent`, async () => {
      const src = waitingSource(300, 300, 3);
      const { sink, source, opts } = setup(executor, {
        batch: { maxEvents: 100, maxBytes: 1_000_000, lingerMs: 0 },
        recordsReady: src.recordsReady,
      });
      const next = opts.nextRecord;
      opts.nextRecord = (i, offsetMs) => {
        src.take();
        return next(i, offsetMs);
      };
      const out = await runLoad(opts);
      expect(out.fatal).toEqual(fatal);
      // 300 at first and 300 after each of three waits (less what was left when the source failed):
      // every record taken was sent and acked, none lost.
      const taken = source.generated();
      expect(taken).toBeGreaterThan(900);
      expect(taken).toBeLessThanOrEqual(1_200);
      expect(sink.records).toHaveLength(taken);
      expect(out.metrics.measured.totals).toMatchObject({ sent: taken, acked: taken, failed: 0, unsent: 0 });
      expect(Math.max(...src.asked)).toBeLessThanOrEqual(executor.executor === 'unthrottled' ? 100 : 256);
    });
  }
});
