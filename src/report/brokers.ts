// Per-broker load of a run on a multi-broker cluster: each partition's acked events and bytes,
// second by second, attributed to the broker that led the partition in that second. A hot
// partition is a hot broker; this is where the report shows it.
import type { MetricsSnapshot } from '../metrics/snapshot.js';

/** Partition leadership over a run, as the app sampled it from the cluster's metadata. */
export interface LeadershipTimeline {
  brokers: { nodeId: number; address: string }[];
  /** Wall-clock ms of the first sample and the leaders it saw: physical topic -> leader per partition. */
  startedAtMs: number;
  initial: Record<string, number[]>;
  /** Every leader change seen by a later sample (a partition without a leader has leader -1). */
  changes: LeaderChange[];
  /** How often metadata was read, and how many reads failed or ran out of time (a dead broker). */
  sampleEveryMs: number;
  samples: number;
  failedSamples: number;
}

export interface LeaderChange {
  /** Wall-clock ms of the sample that saw it (up to sampleEveryMs after the change). */
  atMs: number;
  topic: string;
  partition: number;
  from: number;
  to: number;
}

export interface BrokerLoad {
  nodeId: number;
  address: string;
  /** Partitions of the run's topics it led at the first and the last sample. */
  leadersAtStart: number;
  leadersAtEnd: number;
  /** Acked events and bytes of the partitions it led, in the seconds it led them (whole run). */
  events: number;
  bytes: number;
  /** events / all acked events of the run (0..1). */
  shareOfEvents: number;
  /** Its busiest second. */
  peakEventsPerSec: number;
  /** The broker's own view (DescribeLogDirs), when it could be read: see BrokerLoadSection.logDirs. */
  disk?: BrokerDisk;
}

export interface BrokerDisk {
  /** Size on disk of its replicas of the run's partitions after the run (leader and follower copies). */
  bytes: number;
  /** Of those, the partitions it led at the end. */
  ledBytes: number;
  /** bytes minus the same before the run: what the run wrote to this broker's disks (null: no reading before). */
  growthBytes: number | null;
}

/** One broker's log-dir reading: the size of each replica of the run's partitions it holds. */
export interface LogDirReading {
  nodeId: number;
  replicas: { topic: string; partition: number; bytes: number }[];
}

/** Log dirs read before and after the run, or why they were not. */
export interface LogDirsInput {
  before: LogDirReading[] | null;
  after: LogDirReading[] | null;
  /** Why a reading is missing (a SASL listener, a broker that did not answer). */
  unavailable: string | null;
}

export interface BrokerLoadSection {
  brokers: BrokerLoad[];
  /** Per second (the seconds of metrics.partitionSeconds): events led by each broker, in `brokers` order. */
  seconds: { second: number; events: number[]; bytes: number[] }[];
  leaderChanges: LeaderChange[];
  sampleEveryMs: number;
  failedSamples: number;
  /** How the numbers are attributed, in a sentence. */
  note: string;
  /** Whether the brokers' log-dir sizes are in `brokers[].disk`, and how they were read or why not. */
  logDirs?: { read: boolean; note: string };
}

/** The leader of a partition at a wall-clock instant, replaying the changes up to it. */
function leaderAt(timeline: LeadershipTimeline, topic: string, partition: number, atMs: number): number {
  let leader = timeline.initial[topic]?.[partition] ?? -1;
  for (const c of timeline.changes) {
    if (c.atMs > atMs) {
      // A partition added during the run took records before the sampler first saw it (up to
      // sampleEveryMs later): it was led by the leader it was first seen with.
      if (leader === -1 && c.from === -1 && c.topic === topic && c.partition === partition) return c.to;
      continue;
    }
    if (c.topic === topic && c.partition === partition) leader = c.to;
  }
  return leader;
}

function leadersAtEnd(timeline: LeadershipTimeline): Map<string, number[]> {
  const end = new Map(Object.entries(timeline.initial).map(([t, ls]) => [t, [...ls]]));
  for (const c of timeline.changes) {
    const ls = end.get(c.topic);
    if (ls) ls[c.partition] = c.to;
  }
  return end;
}

/**
 * Builds the section from the leadership timeline and the run's per-second partition counts.
 * Bytes per second use each partition's mean record size (the recorder keeps bytes per partition,
 * events per partition and second).
 */
export function brokerLoad(
  timeline: LeadershipTimeline,
  metrics: MetricsSnapshot,
  physicalTopic: (logical: string) => string,
  logDirs?: LogDirsInput,
): BrokerLoadSection | null {
  const ps = metrics.partitionSeconds;
  if (!ps || timeline.brokers.length === 0) return null;
  const brokers = [...timeline.brokers].sort((a, b) => a.nodeId - b.nodeId);
  const index = new Map(brokers.map((b, i) => [b.nodeId, i]));
  const width = Math.max(0, ...Object.values(ps.topics).map((rows) => rows.length));
  const seconds = Array.from({ length: width }, (_, second) => ({
    second,
    events: brokers.map(() => 0),
    bytes: brokers.map(() => 0),
  }));
  // The wall clock of a second's middle: the leader most of its events met.
  const secondAtMs = (s: number) => ps.firstSecondAtMs + s * 1_000 + 500;
  for (const [logical, rows] of Object.entries(ps.topics)) {
    const topic = physicalTopic(logical);
    const meanBytes = (p: number): number => {
      let events = 0;
      let bytes = 0;
      for (const phase of [metrics.warmup, metrics.measured]) {
        const c = phase.topics[logical]?.partitions[String(p)];
        if (!c) continue;
        events += c.events;
        bytes += c.bytes;
      }
      return events === 0 ? 0 : bytes / events;
    };
    rows.forEach((row, s) =>
      row.forEach((n, p) => {
        if (n === 0) return;
        const i = index.get(leaderAt(timeline, topic, p, secondAtMs(s)));
        if (i === undefined) return;
        seconds[s]!.events[i]! += n;
        seconds[s]!.bytes[i]! += n * meanBytes(p);
      }),
    );
  }
  const total = seconds.reduce((sum, s) => sum + s.events.reduce((a, b) => a + b, 0), 0);
  const end = leadersAtEnd(timeline);
  const count = (leaders: Iterable<number[]>, nodeId: number) =>
    [...leaders].reduce((n, ls) => n + ls.filter((l) => l === nodeId).length, 0);
  return {
    brokers: brokers.map((b, i) => {
      const events = seconds.reduce((sum, s) => sum + s.events[i]!, 0);
      return {
        nodeId: b.nodeId,
        address: b.address,
        leadersAtStart: count(Object.values(timeline.initial), b.nodeId),
        leadersAtEnd: count(end.values(), b.nodeId),
        events,
        bytes: Math.round(seconds.reduce((sum, s) => sum + s.bytes[i]!, 0)),
        shareOfEvents: total === 0 ? 0 : events / total,
        peakEventsPerSec: Math.max(0, ...seconds.map((s) => s.events[i]!)),
        ...diskOf(b.nodeId, end, logDirs),
      };
    }),
    seconds: seconds.map((s) => ({ ...s, bytes: s.bytes.map(Math.round) })),
    // A partition added during the run appears as a change from -1: it is no leader change.
    leaderChanges: timeline.changes.filter((c) => c.from !== -1),
    sampleEveryMs: timeline.sampleEveryMs,
    failedSamples: timeline.failedSamples,
    note:
      "each partition's acked events, by scheduled second, count for the broker that led it then (leaders read from metadata every " +
      `${timeline.sampleEveryMs / 1000} s); bytes per second from each partition's mean record size`,
    ...(logDirs ? { logDirs: logDirsNote(logDirs) } : {}),
  };
}

const replicaBytes = (reading: LogDirReading | undefined, led?: (topic: string, partition: number) => boolean) =>
  (reading?.replicas ?? []).reduce((n, r) => (led === undefined || led(r.topic, r.partition) ? n + r.bytes : n), 0);

/** A broker's disk figures, when its log dirs were read after the run. */
function diskOf(
  nodeId: number,
  leadersAtEnd: Map<string, number[]>,
  logDirs: LogDirsInput | undefined,
): { disk: BrokerDisk } | Record<string, never> {
  const after = logDirs?.after?.find((r) => r.nodeId === nodeId);
  if (!after) return {};
  const before = logDirs?.before?.find((r) => r.nodeId === nodeId);
  const bytes = replicaBytes(after);
  return {
    disk: {
      bytes,
      ledBytes: replicaBytes(after, (t, p) => leadersAtEnd.get(t)?.[p] === nodeId),
      growthBytes: before ? bytes - replicaBytes(before) : null,
    },
  };
}

function logDirsNote(l: LogDirsInput): { read: boolean; note: string } {
  if (l.after === null) return { read: false, note: `log dirs not read: ${l.unavailable ?? 'no answer'}` };
  return {
    read: true,
    note:
      "each broker's own size on disk of its replicas of the run's partitions (DescribeLogDirs after the run; " +
      `"led" counts the partitions it led at the end${l.before === null ? '' : ', "+run" what the run added'})` +
      (l.unavailable ? `; ${l.unavailable}` : ''),
  };
}
