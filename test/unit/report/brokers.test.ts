import { describe, expect, it } from 'vitest';
import { brokerLoad, type LeadershipTimeline } from '../../../src/report/brokers.js';
import type { MetricsSnapshot } from '../../../src/metrics/snapshot.js';
import { brokerSecondShares, formatBrokerLoad } from '../../../src/render/brokers.js';

const T0 = Date.parse('2026-12-01T12:00:00.000Z');

/** Only what brokerLoad reads: per-second partition counts and bytes per partition. */
function metrics(rows: number[][], bytesPerEvent: number[]): MetricsSnapshot {
  const events = bytesPerEvent.map((_, p) => rows.reduce((n, r) => n + (r[p] ?? 0), 0));
  const partitions = Object.fromEntries(events.map((n, p) => [String(p), { events: n, bytes: n * bytesPerEvent[p]! }]));
  return {
    warmup: { topics: {} },
    measured: { topics: { 'sc.domain.order': { partitions } } },
    partitionSeconds: { firstSecondAtMs: T0, firstSecondOffsetMs: 0, topics: { 'sc.domain.order': rows } },
  } as unknown as MetricsSnapshot;
}

const timeline = (changes: LeadershipTimeline['changes']): LeadershipTimeline => ({
  brokers: [
    { nodeId: 2, address: '127.0.0.1:9093' },
    { nodeId: 1, address: '127.0.0.1:9092' },
    { nodeId: 3, address: '127.0.0.1:9094' },
  ],
  startedAtMs: T0,
  initial: { 'p.sc.domain.order': [1, 2, 3] },
  changes,
  sampleEveryMs: 1000,
  samples: 5,
  failedSamples: 0,
});

const physical = (t: string) => `p.${t}`;

describe('brokerLoad', () => {
  it('attributes each second of a partition to its leader then; a hot partition makes a hot broker', () => {
    // Partition 0 is hot (90 events a second), 1 and 2 get 5 each.
    const rows = [
      [90, 5, 5],
      [90, 5, 5],
      [90, 5, 5],
    ];
    const b = brokerLoad(timeline([]), metrics(rows, [100, 200, 300]), physical)!;
    expect(b.brokers.map((x) => x.nodeId)).toEqual([1, 2, 3]);
    expect(b.brokers.map((x) => x.events)).toEqual([270, 15, 15]);
    expect(b.brokers[0]!.shareOfEvents).toBeCloseTo(0.9);
    expect(b.brokers.map((x) => x.bytes)).toEqual([27_000, 3_000, 4_500]);
    expect(b.brokers.map((x) => x.peakEventsPerSec)).toEqual([90, 5, 5]);
    expect(b.brokers.map((x) => [x.leadersAtStart, x.leadersAtEnd])).toEqual([
      [1, 1],
      [1, 1],
      [1, 1],
    ]);
    expect(b.seconds[1]).toEqual({ second: 1, events: [90, 5, 5], bytes: [9_000, 1_000, 1_500] });
    const text = formatBrokerLoad(b, T0);
    expect(text).toMatch(/^\s*1\s+127\.0\.0\.1:9092\s+1→1\s+270\s+90\.0%/m);
    expect(text).toContain('hottest broker: 1 (90.0% of the events)');
  });

  it('moves the load with the leader: after partition 0 moves from 1 to 2 its seconds count for 2', () => {
    const rows = [
      [90, 5, 5],
      [90, 5, 5],
      [90, 5, 5],
    ];
    // Seen by the sample at 1.2 s: second 0 (middle 0.5 s) stays on broker 1, seconds 1 and 2 go to 2.
    const change = { atMs: T0 + 1_200, topic: 'p.sc.domain.order', partition: 0, from: 1, to: 2 };
    const b = brokerLoad(timeline([change]), metrics(rows, [100, 200, 300]), physical)!;
    expect(b.brokers.map((x) => x.events)).toEqual([90, 195, 15]);
    expect(b.brokers.map((x) => [x.leadersAtStart, x.leadersAtEnd])).toEqual([
      [1, 0],
      [1, 2],
      [1, 1],
    ]);
    expect(b.leaderChanges).toEqual([change]);
    expect(formatBrokerLoad(b, T0)).toContain('at 1.2 s: p.sc.domain.order[0] 1 → 2');
    // The heat map's cells: broker 1 has all of second 0's hot share, none after.
    const view = brokerSecondShares(b, 600);
    expect(view.shares[0]).toEqual([0.9, 0, 0]);
    expect(view.shares[1]!.map((v) => Number(v!.toFixed(3)))).toEqual([0.05, 0.95, 0.95]);
    // Grouped to 2 columns: seconds 0-1 and 2.
    expect(brokerSecondShares(b, 2).columns).toEqual([
      { fromSecond: 0, events: 200 },
      { fromSecond: 2, events: 100 },
    ]);
  });

  it('gives nothing without per-second counts or brokers', () => {
    const m = metrics([[1, 1, 1]], [1, 1, 1]);
    expect(brokerLoad({ ...timeline([]), brokers: [] }, m, physical)).toBeNull();
    expect(
      brokerLoad(timeline([]), { ...m, partitionSeconds: undefined } as unknown as MetricsSnapshot, physical),
    ).toBeNull();
  });

  it("adds the brokers' own log-dir sizes: all replicas, the ones it led at the end, and what the run added", () => {
    // Partition 0 moves from broker 1 to broker 2 during the run; every broker holds all 3 replicas.
    const replicas = (sizes: number[]) =>
      sizes.map((bytes, partition) => ({ topic: 'p.sc.domain.order', partition, bytes }));
    const b = brokerLoad(
      timeline([{ atMs: T0 + 1_500, topic: 'p.sc.domain.order', partition: 0, from: 1, to: 2 }]),
      metrics([[10, 1, 1]], [100, 100, 100]),
      physical,
      {
        before: [{ nodeId: 1, replicas: replicas([50, 0, 0]) }],
        after: [
          { nodeId: 1, replicas: replicas([1_000, 200, 300]) },
          { nodeId: 2, replicas: replicas([1_000, 200, 300]) },
        ],
        unavailable: 'broker 3 (127.0.0.1:9094) did not describe its log dirs within 5000 ms',
      },
    )!;
    expect(b.brokers.map((x) => x.disk)).toEqual([
      { bytes: 1_500, ledBytes: 0, growthBytes: 1_450 },
      { bytes: 1_500, ledBytes: 1_200, growthBytes: null },
      undefined,
    ]);
    expect(b.logDirs).toMatchObject({ read: true, note: expect.stringContaining('broker 3 (127.0.0.1:9094) did not') });
    const text = formatBrokerLoad(b, T0);
    expect(text).toMatch(/ON DISK\s+LED\s+\+RUN/);
    expect(text).toMatch(/^\s*1\s.*1\.5 KiB\s+0 B\s+\+1\.4 KiB$/m);
    expect(text).toMatch(/^\s*3\s.*\s-\s+-\s+-$/m);
  });

  it('says why there are no log-dir sizes (a SASL listener)', () => {
    const b = brokerLoad(timeline([]), metrics([[1, 1, 1]], [1, 1, 1]), physical, {
      before: null,
      after: null,
      unavailable: 'sc-sim reads log dirs over PLAINTEXT and SSL listeners only (this one logs in with PLAIN)',
    })!;
    expect(b.brokers.every((x) => x.disk === undefined)).toBe(true);
    expect(b.logDirs).toEqual({ read: false, note: expect.stringMatching(/^log dirs not read: .*PLAIN\)$/) });
    expect(formatBrokerLoad(b, T0)).not.toContain('ON DISK');
    expect(formatBrokerLoad(b, T0)).toContain('on disk: log dirs not read');
  });
});
