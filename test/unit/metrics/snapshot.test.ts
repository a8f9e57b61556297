import { describe, expect, it } from 'vitest';
import { decodeHistogram } from '../../../src/metrics/histogram.js';
import { MetricsRecorder } from '../../../src/metrics/recorder.js';
import { mergeSnapshots, type MetricsSnapshot } from '../../../src/metrics/snapshot.js';
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

describe('mergeSnapshots', () => {
  it('is exact: merging two halves equals recording everything in one recorder', () => {
    const ops = makeOps(400);
    // Interleaved split, so both halves cover the whole run and both phases.
    const a = record(ops.filter((_, i) => i % 2 === 0));
    const b = record(ops.filter((_, i) => i % 2 === 1));
    const all = record(ops);
    const merged = mergeSnapshots(a, b);

    // Histograms merge bucket by bucket, so even their encodings are identical.
    expect(merged).toEqual(all);
    expect(merged.measured.ackLatencyUs).toBe(all.measured.ackLatencyUs);
    expect(decodeHistogram(merged.measured.ackLatencyUs).totalCount).toBe(all.measured.totals.acked);
  });

  it('is a plain JSON value that survives a round trip', () => {
    const snap = record(makeOps(50));
    expect(JSON.parse(JSON.stringify(snap))).toEqual(snap);
  });
});
