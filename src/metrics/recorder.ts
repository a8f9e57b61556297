// The one place a run's metrics are recorded: counters per topic and partition, HdrHistograms
// of ack latency and schedule delay, a per-second series, acked events per second and partition;
// it leaves as a plain snapshot.
import { KeySeconds, KeyTally } from './key-skew.js';
import { SessionTally } from './sessions.js';
import { recordOutcome, type SendResult, type SinkRecord } from '../sinks/types.js';
import type { Histogram } from 'hdr-histogram-js';
import { encodeHistogram, newHistogram } from './histogram.js';
import {
  MAX_DISTINCT_ERRORS,
  OTHER_ERRORS,
  type Counters,
  type MetricsSnapshot,
  type PartitionCounters,
  type PartitionSecondsSnapshot,
  type PhaseSnapshot,
  type SeriesPoint,
  type TopicSnapshot,
} from './snapshot.js';

class TopicStats {
  sent = 0;
  acked = 0;
  failed = 0;
  indeterminate = 0;
  unsent = 0;
  bytesSent = 0;
  bytesAcked = 0;
  late = 0;
  readonly partitionEvents: number[] = [];
  readonly partitionBytes: number[] = [];
  readonly ackLatencyUs = newHistogram();
  /** Records of the batch being completed acked on this topic (recorded once per batch). */
  pendingAcks = 0;
  readonly scheduleDelayUs = newHistogram();

  snapshot(): TopicSnapshot {
    const partitions: Record<string, PartitionCounters> = {};
    this.partitionEvents.forEach((events, p) => {
      partitions[String(p)] = { events, bytes: this.partitionBytes[p] ?? 0 };
    });
    return {
      sent: this.sent,
      acked: this.acked,
      failed: this.failed,
      indeterminate: this.indeterminate,
      unsent: this.unsent,
      bytesSent: this.bytesSent,
      bytesAcked: this.bytesAcked,
      late: this.late,
      partitions,
      ackLatencyUs: encodeHistogram(this.ackLatencyUs),
      scheduleDelayUs: encodeHistogram(this.scheduleDelayUs),
    };
  }
}

class PhaseStats {
  scheduled = 0;
  dropped = 0;
  readonly topics = new Map<string, TopicStats>();
  readonly ackLatencyUs = newHistogram();
  firstIntendedMs: number | null = null;
  lastCompletedMs: number | null = null;
  readonly errors = new Map<string, number>();

  topic(name: string): TopicStats {
    let t = this.topics.get(name);
    if (!t) {
      t = new TopicStats();
      this.topics.set(name, t);
    }
    return t;
  }

  totals(): Counters {
    const c: Counters = {
      scheduled: this.scheduled,
      dropped: this.dropped,
      sent: 0,
      acked: 0,
      failed: 0,
      indeterminate: 0,
      unsent: 0,
      bytesSent: 0,
      bytesAcked: 0,
      late: 0,
    };
    for (const t of this.topics.values()) {
      c.sent += t.sent;
      c.acked += t.acked;
      c.failed += t.failed;
      c.indeterminate += t.indeterminate;
      c.unsent += t.unsent;
      c.bytesSent += t.bytesSent;
      c.bytesAcked += t.bytesAcked;
      c.late += t.late;
    }
    return c;
  }

  countError(message: string, n: number): void {
    const key = this.errors.has(message) || this.errors.size < MAX_DISTINCT_ERRORS ? message : OTHER_ERRORS;
    this.errors.set(key, (this.errors.get(key) ?? 0) + n);
  }

  /** The phase's schedule delays: its topics' merged (each event is recorded once, per topic). */
  scheduleDelay(): Histogram {
    const h = newHistogram();
    for (const t of this.topics.values()) h.add(t.scheduleDelayUs);
    return h;
  }

  snapshot(): PhaseSnapshot {
    const topics: Record<string, TopicSnapshot> = {};
    for (const [name, t] of [...this.topics.entries()].sort(([a], [b]) => a.localeCompare(b)))
      topics[name] = t.snapshot();
    return {
      totals: this.totals(),
      ackLatencyUs: encodeHistogram(this.ackLatencyUs),
      scheduleDelayUs: encodeHistogram(this.scheduleDelay()),
      topics,
      firstIntendedMs: this.firstIntendedMs,
      lastCompletedMs: this.lastCompletedMs,
      errors: Object.fromEntries(this.errors),
    };
  }
}

/**
 * Acked events per second and partition, per logical topic: the hot-partition picture over time.
 * Seconds are whole wall-clock seconds when the run's wall-clock start is known (so they are the
 * seconds a time-bucket key changes on), else seconds since the start.
 */
class PartitionSeconds {
  private readonly topics = new Map<string, number[][]>();
  /** Wall-clock ms of the run's start (0 without one: seconds count from the start). */
  private readonly wallStartMs: number;
  /** Start of second 0, on that clock: a whole second at or before the start. */
  private readonly firstSecondAtMs: number;

  constructor(
    private readonly startMs: number,
    wallClockStartMs: number | undefined,
  ) {
    this.wallStartMs = wallClockStartMs ?? 0;
    this.firstSecondAtMs = Math.floor(this.wallStartMs / 1_000) * 1_000;
  }

  /** The second (from second 0) an event intended at `intendedAtMs` counts in. */
  secondOf(intendedAtMs: number): number {
    const atMs = this.wallStartMs + (intendedAtMs - this.startMs);
    return Math.max(0, Math.floor((atMs - this.firstSecondAtMs) / 1_000));
  }

  add(topic: string, partition: number, intendedAtMs: number): void {
    const second = this.secondOf(intendedAtMs);
    let rows = this.topics.get(topic);
    if (!rows) this.topics.set(topic, (rows = []));
    while (rows.length <= second) rows.push([]);
    const row = rows[second]!;
    while (row.length <= partition) row.push(0);
    row[partition]!++;
  }

  snapshot(): PartitionSecondsSnapshot {
    const topics: Record<string, number[][]> = {};
    for (const name of [...this.topics.keys()].sort()) {
      const rows = this.topics.get(name)!;
      const width = Math.max(0, ...rows.map((r) => r.length));
      topics[name] = rows.map((r) => Array.from({ length: width }, (_, p) => r[p] ?? 0));
    }
    return {
      firstSecondAtMs: this.firstSecondAtMs,
      firstSecondOffsetMs: this.firstSecondAtMs - this.wallStartMs,
      topics,
    };
  }
}

/** 1 ns: far below any real interval, far above float error on performance.now()-sized numbers. */
const BOUNDARY_SLACK_MS = 1e-6;

type SeriesField = Exclude<keyof SeriesPoint, 'second'>;
const SERIES_FIELDS: readonly SeriesField[] = ['scheduled', 'sent', 'acked', 'errors', 'late', 'dropped'];

/** What the progress line shows, read live once a second. */
export interface LiveStats {
  elapsedMs: number;
  scheduled: number;
  sent: number;
  acked: number;
  errors: number;
  dropped: number;
  /** p99 ack latency so far (measured phase, or warm-up while still warming up), ms. */
  ackP99Ms: number;
}

export interface RecorderOptions {
  /** The run's start on the runner's clock (ms); every time is recorded relative to it. */
  startMs: number;
  /** Events intended before startMs + warmupMs are recorded in the warm-up phase. */
  warmupMs: number;
  lateThresholdMs: number;
  /** The run's start on the wall clock (ms since the epoch): per-second partition counts use wall seconds. */
  wallClockStartMs?: number | undefined;
  /** Distinct keys counted exactly per topic before the coldest are folded (default DEFAULT_KEY_CAPACITY). */
  keyCapacity?: number;
}

export class MetricsRecorder {
  private readonly startMs: number;
  private readonly warmupMs: number;
  private readonly lateThresholdMs: number;
  private readonly warmup = new PhaseStats();
  private readonly measured = new PhaseStats();
  private readonly series: Record<SeriesField, number[]> = {
    scheduled: [],
    sent: [],
    acked: [],
    errors: [],
    late: [],
    dropped: [],
  };

  private readonly partitionSeconds: PartitionSeconds;
  /** Acked records per key and topic over the whole run, and per second (key-skew.ts). */
  private readonly keys: KeyTally;
  private readonly keySeconds = new KeySeconds();
  /** Scratch list of the topics a completed batch acked on (reused: no allocation per batch). */
  private readonly touched: TopicStats[] = [];
  /** Sessions in the stream sent, in the order it was sent (sessions.ts). */
  private readonly sessions = new SessionTally();

  constructor(opts: RecorderOptions) {
    this.partitionSeconds = new PartitionSeconds(opts.startMs, opts.wallClockStartMs);
    this.keys = new KeyTally(opts.keyCapacity);
    this.startMs = opts.startMs;
    this.warmupMs = opts.warmupMs;
    this.lateThresholdMs = opts.lateThresholdMs;
  }

  /** Times arrive as start + offset in float ms; the slack keeps an event due exactly on a boundary on its side. */
  private offsetMs(atMs: number): number {
    return atMs - this.startMs + BOUNDARY_SLACK_MS;
  }

  private isWarmup(intendedAtMs: number): boolean {
    return this.offsetMs(intendedAtMs) < this.warmupMs;
  }

  private phase(intendedAtMs: number): PhaseStats {
    return this.isWarmup(intendedAtMs) ? this.warmup : this.measured;
  }

  private bump(field: SeriesField, atMs: number, n = 1): void {
    const second = Math.max(0, Math.floor(this.offsetMs(atMs) / 1_000));
    const arr = this.series[field];
    while (arr.length <= second) arr.push(0);
    arr[second]! += n;
  }

  /** An event became due (whether it is then sent or dropped). */
  scheduled(intendedAtMs: number): void {
    const phase = this.phase(intendedAtMs);
    phase.scheduled++;
    const offsetMs = intendedAtMs - this.startMs;
    if (phase.firstIntendedMs === null || offsetMs < phase.firstIntendedMs) phase.firstIntendedMs = offsetMs;
    this.bump('scheduled', intendedAtMs);
  }

  /** An event was due but the backlog was full: it is counted, never generated. */
  dropped(intendedAtMs: number): void {
    this.phase(intendedAtMs).dropped++;
    this.bump('dropped', intendedAtMs);
  }

  /** A batch was handed to the sink: records schedule delay (intended → send) and late events. */
  sent(batch: readonly SinkRecord[], sentAtMs: number): void {
    let late = 0;
    for (const r of batch) {
      const phase = this.phase(r.intendedAtMs);
      const t = phase.topic(r.logicalTopic);
      const delayMs = sentAtMs - r.intendedAtMs;
      const delayUs = Math.max(0, Math.round(delayMs * 1_000));
      t.sent++;
      t.bytesSent += r.sizeBytes;
      // The record's timestamp is the event time (unless clamped to its topic's retention edge).
      if (r.actorId !== undefined) this.sessions.add(r.eventType, r.actorId, r.timestampMs ?? r.intendedAtMs);
      t.scheduleDelayUs.recordValue(delayUs);
      if (delayMs > this.lateThresholdMs) {
        t.late++;
        late++;
      }
    }
    this.bump('sent', sentAtMs, batch.length);
    if (late > 0) this.bump('late', sentAtMs, late);
  }

  /**
   * The sink answered for a batch sent at sentAtMs, record by record (some partitions of a batch
   * can be acked while others fail). Also how batches that never reached the sink end (unsent, or
   * failed when their delivery time ran out first).
   */
  completed(batch: readonly SinkRecord[], result: SendResult, sentAtMs: number, doneAtMs: number): void {
    const latencyUs = Math.max(0, Math.round((doneAtMs - sentAtMs) * 1_000));
    const doneOffsetMs = doneAtMs - this.startMs;
    let acked = 0;
    let warmErrors = 0;
    let warmAcked = 0;
    // Every record of a batch has the same ack latency: recorded once per topic with its count.
    const touched = this.touched;
    for (let i = 0; i < batch.length; i++) {
      const r = batch[i]!;
      const phase = this.phase(r.intendedAtMs);
      phase.lastCompletedMs = Math.max(phase.lastCompletedMs ?? 0, doneOffsetMs);
      const t = phase.topic(r.logicalTopic);
      const outcome = recordOutcome(result, i);
      if (outcome === 'acked') {
        acked++;
        t.acked++;
        t.bytesAcked += r.sizeBytes;
        t.partitionEvents[r.partition] = (t.partitionEvents[r.partition] ?? 0) + 1;
        t.partitionBytes[r.partition] = (t.partitionBytes[r.partition] ?? 0) + r.sizeBytes;
        this.partitionSeconds.add(r.logicalTopic, r.partition, r.intendedAtMs);
        this.keys.add(r.logicalTopic, r.keyText);
        this.keySeconds.add(r.logicalTopic, r.keyText, this.partitionSeconds.secondOf(r.intendedAtMs));
        if (t.pendingAcks++ === 0) touched.push(t);
        if (phase === this.warmup) warmAcked++;
        continue;
      }
      t[outcome]++;
      if (phase === this.warmup) warmErrors++;
    }
    for (const t of touched) {
      t.ackLatencyUs.recordValueWithCount(latencyUs, t.pendingAcks);
      t.pendingAcks = 0;
    }
    touched.length = 0;
    if (warmAcked > 0) this.warmup.ackLatencyUs.recordValueWithCount(latencyUs, warmAcked);
    if (acked > warmAcked) this.measured.ackLatencyUs.recordValueWithCount(latencyUs, acked - warmAcked);
    if (acked > 0) this.bump('acked', doneAtMs, acked);
    const errors = batch.length - acked;
    if (errors > 0 && !result.ok) {
      this.bump('errors', doneAtMs, errors);
      // Errors are counted per record in the phase each record belongs to.
      if (warmErrors > 0) this.warmup.countError(result.error, warmErrors);
      if (errors - warmErrors > 0) this.measured.countError(result.error, errors - warmErrors);
    }
  }

  live(nowMs: number): LiveStats {
    const phases = [this.warmup, this.measured];
    const totals = phases.map((p) => p.totals());
    const sum = (f: (c: Counters) => number) => totals.reduce((s, c) => s + f(c), 0);
    const inWarmup = this.isWarmup(nowMs);
    const hist = (inWarmup ? this.warmup : this.measured).ackLatencyUs;
    return {
      elapsedMs: nowMs - this.startMs,
      scheduled: sum((c) => c.scheduled),
      sent: sum((c) => c.sent),
      acked: sum((c) => c.acked),
      errors: sum((c) => c.failed + c.indeterminate + c.unsent),
      dropped: sum((c) => c.dropped),
      ackP99Ms: hist.totalCount > 0 ? hist.getValueAtPercentile(99) / 1_000 : 0,
    };
  }

  snapshot(): MetricsSnapshot {
    const seconds = Math.max(0, ...SERIES_FIELDS.map((f) => this.series[f].length));
    const series: SeriesPoint[] = [];
    for (let s = 0; s < seconds; s++) {
      const point: SeriesPoint = { second: s, scheduled: 0, sent: 0, acked: 0, errors: 0, late: 0, dropped: 0 };
      for (const f of SERIES_FIELDS) point[f] = this.series[f][s] ?? 0;
      series.push(point);
    }
    return {
      warmupMs: this.warmupMs,
      lateThresholdMs: this.lateThresholdMs,
      warmup: this.warmup.snapshot(),
      measured: this.measured.snapshot(),
      series,
      partitionSeconds: this.partitionSeconds.snapshot(),
      keys: this.keys.snapshot(),
      keySeconds: this.keySeconds.snapshot(),
      sessions: this.sessions.snapshot(),
    };
  }
}
