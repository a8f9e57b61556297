// Watches a real consumer group (the user's own service) while sc-sim loads its topics: lag per
// partition from committed and end offsets, time lag (exact for records sc-sim wrote, estimated
// from the end-offset history otherwise), committed throughput, rebalances from the group's state
// and membership, end-to-end latency (committed − sent) and the drain after the load stops. It
// only reads: it never changes the group or the run's own figures.
import { ScSimError } from '../errors.js';
import type { OffsetsByTopic } from '../kafka/admin.js';
import type { Clock } from '../runner/clock.js';
import { newLatencyHistogram, snapshotLatency, type LatencySnapshot } from '../metrics/latency.js';
import { EndOffsetHistory } from './end-offset-history.js';
import type { OffsetTimeIndex, OffsetTimeStats } from './offset-times.js';

/** What the watcher reads of the cluster (the app gives it the run's admin session). */
export interface GroupSource {
  /** The group's committed offsets on these topics (-1 where it has none). */
  committed(groupId: string, topics: readonly string[]): Promise<OffsetsByTopic>;
  endOffsets(topics: readonly string[]): Promise<OffsetsByTopic>;
  /** The group's state and its members with what each is assigned (as text, to notice changes). */
  describe(groupId: string): Promise<{ state: string; members: { memberId: string; assignment: string }[] }>;
}

export interface GroupWatchOptions {
  groupId: string;
  /** Physical topic names the group is expected to consume. */
  topics: readonly string[];
  source: GroupSource;
  clock: Clock;
  /** Send times of sc-sim's own records (exact time lag and latency); absent for a standalone watch. */
  index?: OffsetTimeIndex;
  /** Sampling interval, ms (default 1 s; 4× faster while draining). */
  intervalMs?: number;
  /** After the load stops: watch until lag is 0, at most this long (default 5 min). */
  drainTimeoutMs?: number;
  /** A group that commits nothing on the topics for this long fails the watch (default 30 s). */
  noCommitTimeoutMs?: number;
  /** Stop after this long regardless (standalone `watch --duration`). */
  durationMs?: number;
  signal?: AbortSignal;
  onSample?: (s: { tMs: number; totalLag: number; maxTimeLagMs: number | null; state: string }) => void;
}

export interface Rebalance {
  /** ms after watching began. */
  startMs: number;
  endMs: number | null;
  /** null when it began and ended between two samples (shorter than the interval). */
  durationMs: number | null;
  membersBefore: number;
  membersAfter: number;
}

export interface GroupWatchSample {
  tMs: number;
  /** Per partition, in the order of `partitions`. */
  lag: number[];
  /** The age of the oldest uncommitted record, ms; null without lag. */
  timeLagMs: (number | null)[];
  /** Whether each time lag is exact (sc-sim sent that record) or estimated. */
  exact: boolean[];
  /** Offsets committed per second since the previous sample. */
  committedPerSec: number[];
  state: string;
  members: number;
}

export interface GroupWatchReport {
  kind: 'sc-sim.group-watch';
  groupId: string;
  topics: string[];
  partitions: { topic: string; partition: number }[];
  sampleIntervalMs: number;
  /** Wall-clock ISO time watching began (sample times are ms after it). */
  startedAt: string;
  durationMs: number;
  samples: GroupWatchSample[];
  rebalances: Rebalance[];
  /** Committed − sent per record sc-sim wrote, ms (null when none of its records was committed). */
  endToEndLatency: LatencySnapshot | null;
  drain: {
    /** ms after watching began that the load stopped (null if it never did while watched). */
    loadStoppedAtMs: number | null;
    drainedAtMs: number | null;
    /** drainedAt − loadStoppedAt, ms (null when it did not drain within the timeout). */
    drainMs: number | null;
    drained: boolean;
    timeoutMs: number;
  };
  summary: {
    maxLag: number;
    maxLagAt: { topic: string; partition: number } | null;
    maxTimeLagMs: number | null;
    maxTimeLagExact: boolean | null;
    /** Partitions whose lag grew while the load ran (where to look first), with their hottest keys. */
    partitionsBuildingLag: {
      topic: string;
      partition: number;
      maxLag: number;
      hottestKeys?: { key: string; events: number }[];
    }[];
    rebalances: number;
    meanCommittedPerSec: number;
  };
  index: OffsetTimeStats | null;
  stopReason: 'drained' | 'drain-timeout' | 'duration' | 'signal';
}

const MAX_SAMPLES = 3_600;

export class GroupWatcher {
  readonly done: Promise<GroupWatchReport>;
  private readonly intervalMs: number;
  private readonly history = new EndOffsetHistory();
  private readonly latency = newLatencyHistogram();
  private readonly refs: { topic: string; partition: number }[] = [];
  private readonly slots = new Map<string, number>();
  /** Slots of partitions that appeared after the first sample (a count raised during the watch). */
  private readonly addedSlots = new Set<number>();
  private readonly samples: GroupWatchSample[] = [];
  private readonly rebalances: Rebalance[] = [];
  private readonly lastCommitted = new Map<string, number>();
  private readonly stop = new AbortController();
  private loadStoppedAtMs: number | null = null;
  private startMs = 0;
  private startedAt = new Date();

  constructor(private readonly opts: GroupWatchOptions) {
    this.intervalMs = opts.intervalMs ?? 1_000;
    opts.signal?.addEventListener('abort', () => this.stop.abort(), { once: true });
    this.done = this.watch();
    this.done.catch(() => undefined);
  }

  /** The load is over: from now on, watch the drain (until lag is 0 or the drain timeout). */
  loadStopped(): void {
    this.loadStoppedAtMs ??= this.opts.clock.now() - this.startMs;
  }

  /** The latest sample, partition by partition (for live metrics). */
  latest(): { topic: string; partition: number; lag: number; timeLagMs: number | null }[] {
    const s = this.samples.at(-1);
    if (!s) return [];
    return this.refs.map((r, i) => ({ ...r, lag: s.lag[i] ?? 0, timeLagMs: s.timeLagMs[i] ?? null }));
  }

  /** Stops watching now (the report says why). */
  cancel(): void {
    this.stop.abort();
  }

  private slot(topic: string, partition: number): number {
    const key = `${topic}\u0000${partition}`;
    let i = this.slots.get(key);
    if (i === undefined) {
      i = this.refs.length;
      this.slots.set(key, i);
      this.refs.push({ topic, partition });
      if (this.samples.length > 0) this.addedSlots.add(i);
    }
    return i;
  }

  private async watch(): Promise<GroupWatchReport> {
    const { clock, groupId } = this.opts;
    this.startMs = clock.now();
    this.startedAt = new Date();
    const noCommitMs = this.opts.noCommitTimeoutMs ?? 30_000;
    const drainTimeoutMs = this.opts.drainTimeoutMs ?? 300_000;
    let everCommitted = false;
    let lastState: { state: string; members: string } | null = null;
    let open: Rebalance | null = null;
    let drainedAtMs: number | null = null;
    let stopReason: GroupWatchReport['stopReason'] = 'signal';
    let next = this.startMs;
    for (;;) {
      const tMs = clock.now() - this.startMs;
      const [committed, ends, group] = await Promise.all([
        this.opts.source.committed(groupId, this.opts.topics),
        this.opts.source.endOffsets(this.opts.topics),
        this.opts.source.describe(groupId),
      ]);
      const sample = this.sample(tMs, committed, ends, group);
      everCommitted ||= sample.lag.some((_, i) => this.lastCommitted.get(this.key(i)) !== undefined);
      if (!everCommitted && tMs >= noCommitMs) throw this.idleError(noCommitMs, group.state);

      // Rebalances: a state other than Stable, or a different membership between two Stable samples.
      const members = group.members
        .map((m) => `${m.memberId}=${m.assignment}`)
        .sort()
        .join('|');
      const rebalancing = group.state === 'PreparingRebalance' || group.state === 'CompletingRebalance';
      if (rebalancing && !open) {
        open = {
          startMs: tMs,
          endMs: null,
          durationMs: null,
          membersBefore: lastState ? lastState.members.split('|').filter(Boolean).length : 0,
          membersAfter: 0,
        };
        this.rebalances.push(open);
      } else if (!rebalancing && open) {
        open.endMs = tMs;
        open.durationMs = tMs - open.startMs;
        open.membersAfter = group.members.length;
        open = null;
      } else if (
        !rebalancing &&
        lastState &&
        lastState.state === 'Stable' &&
        group.state === 'Stable' &&
        lastState.members !== members
      ) {
        this.rebalances.push({
          startMs: tMs,
          endMs: tMs,
          durationMs: null,
          membersBefore: lastState.members.split('|').filter(Boolean).length,
          membersAfter: group.members.length,
        });
      }
      lastState = { state: group.state, members };

      const totalLag = sample.lag.reduce((a, b) => a + b, 0);
      const timeLags = sample.timeLagMs.filter((t): t is number => t !== null);
      this.opts.onSample?.({
        tMs,
        totalLag,
        maxTimeLagMs: timeLags.length ? Math.max(...timeLags) : null,
        state: group.state,
      });
      if (this.loadStoppedAtMs !== null && totalLag === 0 && everCommitted) {
        drainedAtMs = tMs;
        stopReason = 'drained';
        break;
      }
      if (this.loadStoppedAtMs !== null && tMs - this.loadStoppedAtMs >= drainTimeoutMs) {
        stopReason = 'drain-timeout';
        break;
      }
      if (this.opts.durationMs !== undefined && tMs >= this.opts.durationMs) {
        stopReason = 'duration';
        break;
      }
      next += this.loadStoppedAtMs === null ? this.intervalMs : Math.max(50, this.intervalMs / 4);
      await clock.sleepUntil(Math.max(next, clock.now()), this.stop.signal);
      if (this.stop.signal.aborted) break;
    }
    return this.report(stopReason, drainedAtMs, drainTimeoutMs);
  }

  private key(i: number): string {
    const r = this.refs[i]!;
    return `${r.topic}\u0000${r.partition}`;
  }

  private sample(
    tMs: number,
    committed: OffsetsByTopic,
    ends: OffsetsByTopic,
    group: { state: string; members: unknown[] },
  ): GroupWatchSample {
    const nowMs = tMs + this.startMs;
    for (const [topic, byPartition] of ends) {
      for (const [partition, end] of byPartition) {
        this.slot(topic, partition);
        this.history.record(topic, partition, Number(end), nowMs);
      }
    }
    const n = this.refs.length;
    const lag = new Array<number>(n).fill(0);
    const timeLagMs = new Array<number | null>(n).fill(null);
    const exact = new Array<boolean>(n).fill(false);
    const committedPerSec = new Array<number>(n).fill(0);
    const prevT = this.samples.at(-1)?.tMs;
    for (let i = 0; i < n; i++) {
      const { topic, partition } = this.refs[i]!;
      const end = Number(ends.get(topic)?.get(partition) ?? 0n);
      const raw = committed.get(topic)?.get(partition);
      // No commit yet: on a partition the group had when the watch began it may read from the end,
      // so no lag is claimed; a partition added during the watch holds nothing the group has
      // processed until it commits there — all its records are lag (a consumer that never
      // rebalances onto it never drains).
      const position = raw === undefined || raw < 0n ? (this.addedSlots.has(i) ? 0 : undefined) : Number(raw);
      if (position === undefined) continue;
      const key = this.key(i);
      const before = this.lastCommitted.get(key);
      if (before !== undefined && position > before) {
        if (prevT !== undefined && tMs > prevT) committedPerSec[i] = ((position - before) * 1_000) / (tMs - prevT);
        // First seen committed now: end-to-end latency of sc-sim's records in that range.
        this.opts.index?.forEachIn(topic, partition, before, position, (sentAtMs) =>
          this.latency.recordValue(Math.max(0, Math.round((nowMs - sentAtMs) * 1_000))),
        );
      }
      this.lastCommitted.set(key, position);
      this.opts.index?.prune(topic, partition, position);
      lag[i] = Math.max(0, end - position);
      if (lag[i]! > 0) {
        const sent = this.opts.index?.sentAt(topic, partition, position);
        const appended = sent ?? this.history.appendedAt(topic, partition, position);
        if (appended !== undefined) timeLagMs[i] = Math.max(0, Math.round(nowMs - appended));
        exact[i] = sent !== undefined;
      }
    }
    const s: GroupWatchSample = {
      tMs,
      lag,
      timeLagMs,
      exact,
      committedPerSec,
      state: group.state,
      members: group.members.length,
    };
    this.samples.push(s);
    if (this.samples.length > MAX_SAMPLES) this.samples.splice(0, this.samples.length - MAX_SAMPLES);
    return s;
  }

  private idleError(noCommitMs: number, state: string): ScSimError {
    const topics = this.opts.topics.join(', ');
    return new ScSimError(
      'E_GROUP_IDLE',
      `group ${this.opts.groupId} has committed nothing on ${topics} in ${Math.round(noCommitMs / 1000)} s (group state: ${state})`,
      {
        hint: 'is it running, subscribed to these topics (with the same --prefix), and committing offsets? Check the group id with `kafka-consumer-groups --list`',
      },
    );
  }

  private report(
    stopReason: GroupWatchReport['stopReason'],
    drainedAtMs: number | null,
    drainTimeoutMs: number,
  ): GroupWatchReport {
    const n = this.refs.length;
    let maxLag = 0;
    let maxLagAt: { topic: string; partition: number } | null = null;
    let maxTimeLagMs: number | null = null;
    let maxTimeLagExact: boolean | null = null;
    const perPartitionMax = new Array<number>(n).fill(0);
    for (const s of this.samples) {
      for (let i = 0; i < s.lag.length; i++) {
        const v = s.lag[i]!;
        perPartitionMax[i] = Math.max(perPartitionMax[i]!, v);
        if (v > maxLag) {
          maxLag = v;
          maxLagAt = { ...this.refs[i]! };
        }
        const t = s.timeLagMs[i];
        if (t !== null && t !== undefined && (maxTimeLagMs === null || t > maxTimeLagMs)) {
          maxTimeLagMs = t;
          maxTimeLagExact = s.exact[i] ?? false;
        }
      }
    }
    const loadEnd = this.loadStoppedAtMs ?? Infinity;
    const building = this.refs
      .map((r, i) => {
        const during = this.samples.filter((s) => s.tMs <= loadEnd).map((s) => s.lag[i] ?? 0);
        return { ...r, maxLag: perPartitionMax[i]!, grew: during.length > 1 && during.at(-1)! > during[0]! };
      })
      .filter((p) => p.grew && p.maxLag > 0)
      .sort((a, b) => b.maxLag - a.maxLag)
      .map(({ topic, partition, maxLag: m }) => ({ topic, partition, maxLag: m }));
    const rates = this.samples.flatMap((s) => s.committedPerSec.reduce((a, b) => a + b, 0));
    return {
      kind: 'sc-sim.group-watch',
      groupId: this.opts.groupId,
      topics: [...this.opts.topics],
      partitions: this.refs.map((r) => ({ ...r })),
      sampleIntervalMs: this.intervalMs,
      startedAt: this.startedAt.toISOString(),
      durationMs: Math.round(this.opts.clock.now() - this.startMs),
      samples: this.samples,
      rebalances: this.rebalances,
      endToEndLatency: this.latency.totalCount > 0 ? snapshotLatency(this.latency) : null,
      drain: {
        loadStoppedAtMs: this.loadStoppedAtMs,
        drainedAtMs,
        drainMs: drainedAtMs !== null && this.loadStoppedAtMs !== null ? drainedAtMs - this.loadStoppedAtMs : null,
        drained: drainedAtMs !== null,
        timeoutMs: drainTimeoutMs,
      },
      summary: {
        maxLag,
        maxLagAt,
        maxTimeLagMs,
        maxTimeLagExact,
        partitionsBuildingLag: building,
        rebalances: this.rebalances.length,
        meanCommittedPerSec: rates.length ? rates.reduce((a, b) => a + b, 0) / rates.length : 0,
      },
      index: this.opts.index?.stats() ?? null,
      stopReason,
    };
  }
}
