// Merging the reports of a sharded run: exact counts and histograms, thresholds evaluated again,
// and a refusal for anything that is not one run's shards.
import { describe, expect, it } from 'vitest';
import { decodeHistogram } from '../../../src/metrics/histogram.js';
import { mergeSnapshots } from '../../../src/metrics/snapshot.js';
import { mergeReports } from '../../../src/report/merge.js';
import type { RunReport } from '../../../src/report/types.js';
import { fixtureRun } from '../../support/run-fixture.js';

async function shards(count: number, opts: { seed?: number; runId?: string } = {}): Promise<RunReport[]> {
  const out: RunReport[] = [];
  for (let index = 0; index < count; index++) {
    const { report } = await fixtureRun('seed-dev', {
      ratePerSec: 2_000,
      durationMs: 2_000,
      shard: { index, count },
      runId: opts.runId ?? 'run-merge-test',
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    });
    report.run.shard = { index, count };
    // As if started by one --start-at barrier (the fixture runs them one after another).
    report.run.startedAt = '2026-12-01T12:00:00.000Z';
    out.push(report);
  }
  return out;
}

describe('mergeReports', () => {
  it('adds counts and merges histograms exactly, partition by partition', async () => {
    const parts = await shards(3);
    const merged = mergeReports(parts.map((report, i) => ({ path: `s${i}.json`, report })));
    const sum = (f: (r: RunReport) => number) => parts.reduce((s, r) => s + f(r), 0);
    expect(merged.summary.totals.acked).toBe(sum((r) => r.summary.totals.acked));
    expect(merged.summary.totals.acked).toBe(4_000);
    // Same start (a manual clock at 0 for all): the hand merge of the snapshots is the merged report's.
    const byHand = parts.map((r) => r.metrics).reduce((a, b) => mergeSnapshots(a, b));
    expect(decodeHistogram(merged.metrics.measured.ackLatencyUs).outputPercentileDistribution()).toBe(
      decodeHistogram(byHand.measured.ackLatencyUs).outputPercentileDistribution(),
    );
    for (const t of merged.summary.topics) {
      for (const p of t.partitions) {
        const expected = sum(
          (r) => r.summary.topics.find((x) => x.topic === t.topic)?.partitions[p.partition]?.events ?? 0,
        );
        expect(p.events, `${t.topic}[${p.partition}]`).toBe(expected);
      }
    }
    expect(merged.run.shards?.map((s) => s.index)).toEqual([0, 1, 2]);
    expect(merged.run.shard).toBeUndefined();
    expect(merged.run.plan).toMatch(/^3 of 3 shards merged; each: /);
    // The shards ran at a third of the rate each: together, the scenario's rate.
    expect(merged.summary.totals.targetRatePerSec).toBeCloseTo(2_000, -1);
  });

  it('evaluates the thresholds again on the merged data', async () => {
    const parts = await shards(2);
    for (const r of parts)
      r.thresholds = [{ metric: 'achieved_rate', condition: '> 1500', actual: 1_000, pass: false }];
    const merged = mergeReports(parts.map((report, i) => ({ path: `s${i}.json`, report })));
    expect(merged.thresholds).toEqual([expect.objectContaining({ metric: 'achieved_rate', pass: true })]);
    expect(merged.passed).toBe(true);
  });

  it('refuses what is not one run’s shards, saying which file and why', async () => {
    const [a, b] = await shards(2);
    const other = (await shards(2, { seed: 7 }))[1]!;
    const refusal = (reports: RunReport[]) => {
      try {
        mergeReports(reports.map((report, i) => ({ path: `f${i}.json`, report })));
      } catch (err) {
        return err as { code: string; message: string };
      }
      throw new Error('merged what it should have refused');
    };
    expect(refusal([a!, other])).toMatchObject({
      code: 'E_REPORT_MERGE',
      message: expect.stringMatching(/f1\.json has seed 7/),
    });
    expect(refusal([a!, a!]).message).toMatch(/both shard 0\/2/);
    expect(refusal([a!, { ...b!, run: { ...b!.run, shard: undefined } }]).message).toMatch(
      /f1\.json is not the report of a shard/,
    );
    expect(refusal([]).message).toMatch(/nothing to merge/);
  });
});

describe('mergeReports and partition counts raised during the run', () => {
  it('keeps the raise: the lowest count before, the highest after, the first shard to follow it', async () => {
    const parts = await shards(3);
    const t = { topic: 'sc.domain.user', physicalTopic: 'fx.sc.domain.user', from: 3 };
    parts[0]!.partitionChanges = [{ ...t, to: 6, followedAfterMs: 2_400 }];
    parts[1]!.partitionChanges = [{ ...t, to: 6, followedAfterMs: 1_900 }];
    // The third shard saw it only after its run (less than metadataMaxAge before its end).
    parts[2]!.partitionChanges = [{ ...t, to: 8, followedAfterMs: null }];
    const merged = mergeReports(parts.map((report, i) => ({ path: `s${i}.json`, report })));
    expect(merged.partitionChanges).toEqual([{ ...t, to: 8, followedAfterMs: 1_900 }]);
    const none = mergeReports((await shards(2)).map((report, i) => ({ path: `n${i}.json`, report })));
    expect(none.partitionChanges).toBeUndefined();
  });
});
