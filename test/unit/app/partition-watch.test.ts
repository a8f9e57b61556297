// Following raised partition counts: the encoders' counts are raised in place at the next read,
// a failed read is skipped, nothing shrinks, and stop() reports what was followed.
import { describe, expect, it, vi } from 'vitest';
import { followPartitionCounts, readTimeoutMs } from '../../../src/app/partition-watch.js';

describe('followPartitionCounts', () => {
  function setup(reads: (() => Promise<Map<string, number>>)[]) {
    const logical = new Map([
      ['sc.domain.order', 6],
      ['sc.domain.user', 3],
    ]);
    const physical = new Map([
      ['p.sc.domain.order', 6],
      ['p.sc.domain.user', 3],
    ]);
    const lines: string[] = [];
    let now = 1_000;
    let i = 0;
    const follower = followPartitionCounts({
      read: () => reads[Math.min(i++, reads.length - 1)]!(),
      logical,
      physical,
      prefix: 'p.',
      everyMs: 1_000,
      now: () => now,
      log: (l) => lines.push(l),
    });
    return { follower, logical, physical, lines, advance: (ms: number) => (now += ms) };
  }

  it('raises the counts in place at the next read, and reports when', async () => {
    vi.useFakeTimers();
    try {
      const { follower, logical, physical, lines, advance } = setup([
        async () =>
          new Map([
            ['p.sc.domain.order', 6],
            ['p.sc.domain.user', 3],
          ]),
        async () =>
          new Map([
            ['p.sc.domain.order', 12],
            ['p.sc.domain.user', 3],
          ]),
        async () =>
          new Map([
            ['p.sc.domain.order', 16],
            ['p.sc.domain.user', 3],
          ]),
      ]);
      advance(1_000);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(logical.get('sc.domain.order')).toBe(6);
      advance(1_000);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(logical.get('sc.domain.order')).toBe(12);
      expect(physical.get('p.sc.domain.order')).toBe(12);
      expect(lines[0]).toContain('sc.domain.order has 12 partitions now (was 6), read 2.0 s after');
      advance(1_000);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(logical.get('sc.domain.order')).toBe(16);
      // One entry per topic: the first count, the last, and when the first raise was followed.
      expect(await follower.stop()).toEqual([
        { topic: 'sc.domain.order', physicalTopic: 'p.sc.domain.order', from: 6, to: 16, atMs: 3_000 },
      ]);
      expect(logical.get('sc.domain.user')).toBe(3);
    } finally {
      vi.useRealTimers();
    }
  });

  it('skips a failed read, never lowers a count, and stops reading when stopped', async () => {
    vi.useFakeTimers();
    try {
      const read = vi
        .fn<() => Promise<Map<string, number>>>()
        .mockRejectedValueOnce(new Error('broker gone'))
        .mockResolvedValueOnce(new Map([['p.sc.domain.order', 2]]))
        .mockResolvedValue(new Map([['p.sc.domain.order', 8]]));
      const { follower, logical, lines } = setup([read]);
      await vi.advanceTimersByTimeAsync(2_000);
      expect(logical.get('sc.domain.order')).toBe(6);
      const changes = await follower.stop();
      expect(changes).toEqual([]);
      expect(lines).toContain('1 of the partition-count reads during the run failed (skipped)');
      const calls = read.mock.calls.length;
      await vi.advanceTimersByTimeAsync(5_000);
      expect(read.mock.calls.length).toBe(calls);
      expect(logical.get('sc.domain.order')).toBe(6);
    } finally {
      vi.useRealTimers();
    }
  });

  it('gives up on a read that hangs, and reads again next period', async () => {
    vi.useFakeTimers();
    try {
      let calls = 0;
      const { follower, logical } = setup([
        () => {
          calls++;
          return calls === 1
            ? new Promise<Map<string, number>>(() => undefined)
            : Promise.resolve(new Map([['p.sc.domain.order', 9]]));
        },
      ]);
      // The first read (at 1 s) hangs: given up 5 s later, then the next one (a period on) follows the raise.
      await vi.advanceTimersByTimeAsync(6_900);
      expect(logical.get('sc.domain.order')).toBe(6);
      await vi.advanceTimersByTimeAsync(200);
      expect(logical.get('sc.domain.order')).toBe(9);
      expect((await follower.stop()).map((c) => c.to)).toEqual([9]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('waits for a read slower than a short period (a busy broker) instead of cutting every one', async () => {
    vi.useFakeTimers();
    try {
      const read = vi.fn(
        () => new Promise<Map<string, number>>((r) => setTimeout(() => r(new Map([['p.sc.domain.user', 6]])), 2_500)),
      );
      const { follower, logical } = setup([read]);
      // Read at 1 s, answered at 3.5 s: followed although each read takes 2.5 periods.
      await vi.advanceTimersByTimeAsync(3_600);
      expect(logical.get('sc.domain.user')).toBe(6);
      expect(read).toHaveBeenCalledTimes(1); // one read at a time
      await follower.stop();
    } finally {
      vi.useRealTimers();
    }
  });

  it('bounds a read by the period, within 5 s and 10 s', () => {
    expect(readTimeoutMs(1_000)).toBe(5_000);
    expect(readTimeoutMs(7_000)).toBe(7_000);
    expect(readTimeoutMs(300_000)).toBe(10_000);
  });
});
