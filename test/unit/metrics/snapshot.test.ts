import { describe, expect, it } from 'vitest';
import {
  decodeHistogram,
  encodeHistogram,
  mergeEncodedHistograms,
  newHistogram,
} from '../../../src/metrics/histogram.js';
import { MetricsRecorder } from '../../../src/metrics/recorder.js';
import { mergePartitionSeconds, mergeSnapshots, type MetricsSnapshot } from '../../../src/metrics/snapshot.js';
import type { SinkRecord } from '../../../src/sinks/types.js';
import { fakeRecords } from '../../support/fake-records.js';

/** Seeded LCG so the latencies are varied but the test is repeatable. */
function lcg(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

interface Op {
  batch: SinkRecord[];
  sentAtMs: number;
  doneAtMs: number;
  ok: boolean;
}

function makeOps(count: number): Op[] {
  const rnd = lcg(42);
  const source = fakeRecords();
  const ops: Op[] = [];
  for (let i = 0; i < count; i++) {
    const batch = Array.from({ length: 1 + Math.floor(rnd() * 20) }, () => source.next());
    const intended = i * 7;
    for (const r of batch) r.intendedAtMs = intended - rnd() * 300;
    const sentAtMs = intended + rnd() * 5;
    ops.push({ batch, sentAtMs, doneAtMs: sentAtMs + rnd() * rnd() * 2_000, ok: rnd() > 0.05 });
  }
  return ops;
}

function record(ops: Op[]): MetricsSnapshot {
  const rec = new MetricsRecorder({ startMs: 0, warmupMs: 1_000, lateThresholdMs: 100 });
  for (const op of ops) {
    for (const r of op.batch) rec.scheduled(r.intendedAtMs);
    rec.sent(op.batch, op.sentAtMs);
    rec.completed(
      op.batch,
      op.ok ? { ok: true, offsets: undefined } : { ok: false, error: 'boom', indeterminate: false },
      op.sentAtMs,
      op.doneAtMs,
    );
  }
  return rec.snapshot();
}

/** The snapshot with each encoded histogram replaced by its full percentile distribution (its counts). */
function withDistributions(snap: MetricsSnapshot): unknown {
  return JSON.parse(JSON.stringify(snap), (key, value: unknown) =>
    (key === 'ackLatencyUs' || key === 'scheduleDelayUs') && typeof value === 'string'
      ? decodeHistogram(value).outputPercentileDistribution(1, 1)
      : value,
  );
}

describe('mergeSnapshots', () => {
  it('is exact: merging two halves equals recording everything in one recorder', () => {
    const ops = makeOps(400);
    // Interleaved split, so both halves cover the whole run and both phases.
    const a = record(ops.filter((_, i) => i % 2 === 0));
    const b = record(ops.filter((_, i) => i % 2 === 1));
    const all = record(ops);
    const merged = mergeSnapshots(a, b);

    // Histograms merge bucket by bucket: every recorded value is there, with the same counts (the
    // encodings may differ only in how far each histogram had grown its trackable range).
    expect(withDistributions(merged)).toEqual(withDistributions(all));
    expect(decodeHistogram(merged.measured.ackLatencyUs).totalCount).toBe(all.measured.totals.acked);
  });

  it('is a plain JSON value that survives a round trip', () => {
    const snap = record(makeOps(50));
    expect(JSON.parse(JSON.stringify(snap))).toEqual(snap);
  });
});

describe('mergeEncodedHistograms', () => {
  it('merges histograms of very different ranges, in either order', () => {
    const small = newHistogram();
    small.recordValue(3);
    const large = newHistogram();
    large.recordValue(5_000_000_000);
    large.recordValue(7);
    for (const [a, b] of [
      [small, large],
      [large, small],
    ] as const) {
      const merged = decodeHistogram(mergeEncodedHistograms(encodeHistogram(a), encodeHistogram(b)));
      expect(merged.totalCount).toBe(3);
      expect(merged.maxValue).toBeGreaterThanOrEqual(4_999_000_000);
      expect(merged.minNonZeroValue).toBe(3);
    }
  });
});

describe('acked events per second and partition', () => {
  const records = (partitions: number[], intendedAtMs: number[]): SinkRecord[] => {
    const source = fakeRecords();
    return partitions.map((partition, i) => ({
      ...source.next(),
      logicalTopic: 'sc.domain.promotion',
      partition,
      intendedAtMs: intendedAtMs[i]!,
    }));
  };

  it('bins on whole wall-clock seconds when the wall-clock start is known, acked records only', () => {
    // The run starts at 12:00:00.700 wall-clock time (runner clock 1,000): second 0 is 12:00:00.
    const rec = new MetricsRecorder({ startMs: 1_000, warmupMs: 0, lateThresholdMs: 100, wallClockStartMs: 60_700 });
    const batch = records([0, 0, 2, 1], [1_000, 1_299, 1_300, 2_400]);
    rec.sent(batch, 2_500);
    rec.completed(batch, { ok: true, offsets: [0, 1, 0, 0] }, 2_500, 2_510);
    const failed = records([1], [1_000]);
    rec.completed(failed, { ok: false, error: 'x', indeterminate: false }, 2_500, 2_510);
    const ps = rec.snapshot().partitionSeconds!;
    expect(ps.firstSecondAtMs).toBe(60_000);
    expect(ps.firstSecondOffsetMs).toBe(-700);
    // 60.700 and 60.999 in second 0; 61.000 (intended 1,300) in second 1; 62.100 in second 2.
    expect(ps.topics['sc.domain.promotion']).toEqual([
      [2, 0, 0],
      [0, 0, 1],
      [0, 1, 0],
    ]);
  });

  it('bins on seconds since the start without a wall clock', () => {
    const rec = new MetricsRecorder({ startMs: 500, warmupMs: 0, lateThresholdMs: 100 });
    const batch = records([1, 1], [500, 1_499]);
    rec.completed(batch, { ok: true, offsets: [0, 1] }, 1_500, 1_501);
    expect(rec.snapshot().partitionSeconds).toEqual({
      firstSecondAtMs: 0,
      firstSecondOffsetMs: 0,
      topics: { 'sc.domain.promotion': [[0, 2]] },
    });
  });

  it('merges second by second, aligned on the wall clock', () => {
    const a = {
      firstSecondAtMs: 10_000,
      firstSecondOffsetMs: -100,
      topics: {
        t: [
          [1, 0],
          [0, 2],
        ],
      },
    };
    const b = { firstSecondAtMs: 11_000, firstSecondOffsetMs: -300, topics: { t: [[5, 0, 1]], u: [[7]] } };
    expect(mergePartitionSeconds(a, b)).toEqual({
      firstSecondAtMs: 10_000,
      firstSecondOffsetMs: -100,
      topics: {
        t: [
          [1, 0, 0],
          [5, 2, 1],
        ],
        u: [[0], [7]],
      },
    });
  });
});
