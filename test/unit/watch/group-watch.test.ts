// The group watcher on a manual clock with a scripted cluster: lag, exact and estimated time lag,
// committed rate, rebalances, drain, end-to-end latency, and the error for a group that never commits.
import { describe, expect, it } from 'vitest';
import { GroupWatcher, type GroupSource } from '../../../src/watch/group-watch.js';
import { OffsetTimeIndex } from '../../../src/watch/offset-times.js';
import { ManualClock } from '../../support/manual-clock.js';

const T = 'x.sc.domain.post';

/** A cluster whose end and committed offsets are functions of the time (ms on the clock). */
function scripted(
  clock: ManualClock,
  end: (t: number) => number,
  committed: (t: number) => number,
  group: (t: number) => { state: string; members: { memberId: string; assignment: string }[] } = () => ({
    state: 'Stable',
    members: [{ memberId: 'm1', assignment: `${T}:0` }],
  }),
): GroupSource {
  return {
    committed: async () => new Map([[T, new Map([[0, BigInt(committed(clock.now()))]])]]),
    endOffsets: async () => new Map([[T, new Map([[0, BigInt(end(clock.now()))]])]]),
    describe: async () => group(clock.now()),
  };
}

describe('GroupWatcher', () => {
  it('measures lag, exact time lag from the send index, committed rate, latency and the drain', async () => {
    const clock = new ManualClock(0);
    const index = new OffsetTimeIndex();
    // sc-sim sent 100 records per second for 10 s: offsets 100·s … 100·s + 99 at s seconds.
    for (let s = 0; s < 10; s++)
      index.add(
        T,
        0,
        Array.from({ length: 100 }, (_, i) => s * 100 + i),
        s * 1_000,
      );
    // The consumer commits 2 s behind the producer, catching up after the load.
    const end = (t: number) => Math.min(1_000, Math.floor(t / 1_000) * 100 + 100);
    const committed = (t: number) => (t < 3_000 ? 0 : Math.min(1_000, Math.floor((t - 2_000) / 1_000) * 100));
    const watcher = new GroupWatcher({
      groupId: 'g',
      topics: [T],
      source: scripted(clock, end, committed),
      clock,
      index,
    });
    setTimeout(() => undefined, 0);
    // The load stops at 10 s.
    void clock.sleepUntil(10_000).then(() => watcher.loadStopped());
    const r = await watcher.done;
    expect(r.stopReason).toBe('drained');
    const at5 = r.samples.find((s) => s.tMs === 5_000)!;
    expect(at5.lag).toEqual([600 - 300]);
    // The oldest uncommitted record (offset 300) was sent at 3 s: 2 s old at 5 s, and exactly known.
    expect(at5.timeLagMs).toEqual([2_000]);
    expect(at5.exact).toEqual([true]);
    expect(at5.committedPerSec[0]).toBeCloseTo(100);
    expect(r.summary.maxLag).toBe(300);
    expect(r.summary.maxTimeLagExact).toBe(true);
    expect(r.drain.loadStoppedAtMs).toBe(10_000);
    expect(r.drain.drained).toBe(true);
    // Committed offset reaches 1,000 at 12 s; sampled 4× faster while draining.
    expect(r.drain.drainMs).toBe(2_000);
    expect(r.endToEndLatency?.count).toBe(1_000);
    expect(r.endToEndLatency?.p50).toBeGreaterThanOrEqual(2_000);
    // Its lag built up while the load ran: the partition to look at first.
    expect(r.summary.partitionsBuildingLag).toEqual([{ topic: T, partition: 0, maxLag: 300 }]);
  });

  it('estimates the time lag of records it did not send from the end-offset history', async () => {
    const clock = new ManualClock(0);
    const end = (t: number) => Math.floor(t / 1_000) * 50 + 50;
    const committed = () => 0;
    const watcher = new GroupWatcher({
      groupId: 'g',
      topics: [T],
      source: scripted(clock, end, committed),
      clock,
      durationMs: 4_000,
      noCommitTimeoutMs: 60_000,
    });
    const r = await watcher.done;
    const last = r.samples.at(-1)!;
    expect(last.exact).toEqual([false]);
    // Offset 0 was appended before the first sample: the estimate is the first sample's time.
    expect(last.timeLagMs).toEqual([4_000]);
    expect(r.stopReason).toBe('duration');
  });

  it('counts a rebalance from the group state, and one from a membership change between samples', async () => {
    const clock = new ManualClock(0);
    const one = { memberId: 'm1', assignment: `${T}:0,1` };
    const group = (t: number) =>
      t < 2_000
        ? { state: 'Stable', members: [one] }
        : t < 4_000
          ? { state: 'PreparingRebalance', members: [one] }
          : t < 6_000
            ? {
                state: 'Stable',
                members: [
                  { ...one, assignment: `${T}:0` },
                  { memberId: 'm2', assignment: `${T}:1` },
                ],
              }
            : { state: 'Stable', members: [one] };
    const watcher = new GroupWatcher({
      groupId: 'g',
      topics: [T],
      source: scripted(
        clock,
        () => 10,
        () => 10,
        group,
      ),
      clock,
      durationMs: 8_000,
    });
    const r = await watcher.done;
    expect(r.rebalances).toEqual([
      { startMs: 2_000, endMs: 4_000, durationMs: 2_000, membersBefore: 1, membersAfter: 2 },
      { startMs: 6_000, endMs: 6_000, durationMs: null, membersBefore: 2, membersAfter: 1 },
    ]);
  });

  it('fails with what to check when the group commits nothing within the bound', async () => {
    const clock = new ManualClock(0);
    const source: GroupSource = {
      committed: async () => new Map([[T, new Map([[0, -1n]])]]),
      endOffsets: async () => new Map([[T, new Map([[0, 100n]])]]),
      describe: async () => ({ state: 'Dead', members: [] }),
    };
    const watcher = new GroupWatcher({
      groupId: 'feed-builder',
      topics: [T],
      source,
      clock,
      noCommitTimeoutMs: 30_000,
    });
    await expect(watcher.done).rejects.toMatchObject({
      code: 'E_GROUP_IDLE',
      message: `group feed-builder has committed nothing on ${T} in 30 s (group state: Dead)`,
      hint: expect.stringMatching(/is it running, subscribed/),
    });
  });
});

describe('OffsetTimeIndex', () => {
  it('finds send times by offset across runs, prunes below an offset and stays within its bound', () => {
    const index = new OffsetTimeIndex(4);
    index.add(T, 0, [0, 1, 2, 5, 6], 10);
    index.add(T, 0, [7, 8], 20);
    expect([0, 2, 3, 5, 8, 9].map((o) => index.sentAt(T, 0, o))).toEqual([10, 10, undefined, 10, 20, undefined]);
    index.prune(T, 0, 5);
    expect(index.sentAt(T, 0, 1)).toBeUndefined();
    expect(index.sentAt(T, 0, 6)).toBe(10);
    for (let i = 0; i < 10; i++) index.add(T, 1, [i * 10], 30);
    expect(index.stats().runs).toBeLessThanOrEqual(5);
    expect(index.stats().evicted).toBeGreaterThan(0);
  });
});

describe('GroupWatcher and a partition added during the watch', () => {
  it('counts every record of a partition added during the watch as lag until the group commits there', async () => {
    const clock = new ManualClock(0);
    // Partition 0 from the start; partition 1 appears at 3 s. The group keeps up on 0 and commits
    // on 1 only from 8 s (it rebalanced onto it late). Partition 2, there from the start, has
    // never been committed on: no lag is claimed for it.
    const source: GroupSource = {
      endOffsets: async () => {
        const t = clock.now();
        const m = new Map([
          [0, BigInt(Math.min(1_000, Math.floor(t / 1_000) * 100))],
          [2, 50n],
        ]);
        if (t >= 3_000) m.set(1, BigInt(Math.min(500, Math.floor((t - 3_000) / 1_000) * 100)));
        return new Map([[T, m]]);
      },
      committed: async () => {
        const t = clock.now();
        const m = new Map([[0, BigInt(Math.min(1_000, Math.floor(t / 1_000) * 100))]]);
        if (t >= 8_000) m.set(1, 500n);
        return new Map([[T, m]]);
      },
      describe: async () => ({ state: 'Stable', members: [{ memberId: 'm1', assignment: `${T}:0` }] }),
    };
    const watcher = new GroupWatcher({ groupId: 'g', topics: [T], source, clock, drainTimeoutMs: 20_000 });
    void clock.sleepUntil(10_000).then(() => watcher.loadStopped());
    const r = await watcher.done;
    const slotOf = (p: number) => r.partitions.findIndex((x) => x.partition === p);
    const lagAt = (tMs: number, p: number) => r.samples.find((s) => s.tMs === tMs)!.lag[slotOf(p)];
    expect(lagAt(2_000, 2)).toBe(0);
    expect(lagAt(5_000, 1)).toBe(200);
    expect(lagAt(7_000, 1)).toBe(400);
    expect(lagAt(9_000, 1)).toBe(0);
    expect(r.stopReason).toBe('drained');
    expect(r.summary.maxLagAt).toMatchObject({ partition: 1 });
  });
});
