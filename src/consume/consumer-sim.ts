// The consumer-group simulator: a real kafkajs consumer group whose processing costs a set time per
// event, recording lag per partition over time, so a team can see what a hot partition does to its
// consumers before launching them. The only file that runs a kafkajs consumer for that role.
import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import type { AdminSession } from '../kafka/admin.js';
import type { KafkaConnection } from '../kafka/client.js';
import { startGroupMember, type GroupBatch, type GroupMember } from '../kafka/consumer.js';
import { newLatencyHistogram, snapshotLatency } from '../metrics/latency.js';
import { toKafkaError } from '../kafka/client.js';
import { CostPacer } from './cost.js';
import { LagSeries } from './lag-series.js';
import { CONSUMER_REPORT_KIND, CONSUMER_REPORT_SCHEMA_VERSION, type ConsumerSimReport } from './report.js';

export interface ConsumerSimOptions {
  connection: KafkaConnection;
  /** Reads end offsets and the group's committed offsets (the run's one admin session). */
  admin: AdminSession;
  /** Physical topic names. */
  topics: string[];
  groupId: string;
  perEventMs: number;
  /** Partitions processed at the same time. */
  concurrency: number;
  /** Work per batch before yielding (default 100 ms). */
  sliceMs?: number;
  /** Stop after this long (from joining the group); undefined: until stopped or drained. */
  durationMs?: number;
  /** Stop early once production has been quiet this long and no lag is left (after some work). */
  untilDrainedQuietMs?: number;
  /** Where a group without committed offsets starts: the beginning, or new records only (default). */
  fromBeginning?: boolean;
  sampleIntervalMs?: number;
  signal?: AbortSignal;
  /** Called after each lag sample (for progress lines). */
  onSample?: (s: { tMs: number; processed: number; totalLag: number; maxLag: number }) => void;
  /**
   * Record end-to-end latency from each record's timestamp (default true). False when timestamps are
   * event times of a history (a backfill): then they say the record's age, not a latency.
   */
  latencyFromRecordTime?: boolean;
}

export interface ConsumerSim {
  /** Resolves once the consumer has joined its group and partitions are assigned. */
  readonly ready: Promise<void>;
  readonly done: Promise<ConsumerSimReport>;
  /** Stops early (same as aborting the signal). */
  stop(): void;
}

const pk = (topic: string, partition: number) => `${topic}\u0000${partition}`;

export function startConsumerSim(opts: ConsumerSimOptions): ConsumerSim {
  return new ConsumerSimulation(opts);
}

interface LagPoint {
  topic: string;
  partition: number;
  endOffset: number;
  position: number;
}

class ConsumerSimulation implements ConsumerSim {
  readonly ready: Promise<void>;
  readonly done: Promise<ConsumerSimReport>;
  private readonly sliceMs: number;
  private readonly sampleIntervalMs: number;
  private readonly lag: LagSeries;
  private readonly latency = newLatencyHistogram();
  /** Next offset to process per partition; set from the group's offsets, then from each batch. */
  private readonly position = new Map<string, number>();
  private readonly seenBatch = new Set<string>();
  private processed = 0;
  private readonly stopCtl = new AbortController();
  private readonly member: GroupMember;
  private joinedAtMs = 0;
  private startedAt = new Date();
  private readonly clock = { now: () => performance.now() };

  constructor(private readonly opts: ConsumerSimOptions) {
    this.sliceMs = opts.sliceMs ?? 100;
    this.sampleIntervalMs = opts.sampleIntervalMs ?? 500;
    this.lag = new LagSeries(this.sampleIntervalMs);
    opts.signal?.addEventListener('abort', this.stop, { once: true });
    this.member = startGroupMember({
      connection: opts.connection,
      groupId: opts.groupId,
      topics: opts.topics,
      fromBeginning: opts.fromBeginning ?? false,
      concurrency: opts.concurrency,
      // Small fetches: a time-sliced batch is fetched again, so big ones would be decoded many times.
      maxBytesPerPartition: 128 * 1024,
      handleBatch: (batch) => this.handleBatch(batch),
    });
    this.member.onCrash(this.stop);
    this.ready = this.join();
    this.ready.catch(() => undefined);
    this.done = this.sampleUntilDone();
    this.done.catch(() => undefined); // surfaced to whoever awaits `done`
  }

  readonly stop = (): void => this.stopCtl.abort();

  private async join(): Promise<void> {
    // Where each partition starts: the group's committed offset, else auto.offset.reset.
    const committed = await this.opts.admin.committedOffsets(this.opts.groupId, this.opts.topics);
    for (const topic of this.opts.topics) {
      for (const m of await this.opts.admin.watermarks(topic)) {
        const c = committed.get(topic)?.get(m.partition) ?? -1n;
        this.position.set(pk(topic, m.partition), Number(c >= 0n ? c : this.opts.fromBeginning ? m.low : m.high));
      }
    }
    try {
      await this.member.ready;
    } catch (err) {
      await this.member.stop();
      throw err;
    }
    this.joinedAtMs = performance.now();
    this.startedAt = new Date();
  }

  private async handleBatch(batch: GroupBatch): Promise<void> {
    const key = pk(batch.topic, batch.partition);
    if (!this.seenBatch.has(key) && batch.messages.length > 0) {
      // The first batch says where the group really started (e.g. "latest" resolved at join).
      this.seenBatch.add(key);
      this.position.set(key, Number(batch.messages[0]!.offset));
    }
    const pacer = new CostPacer(this.opts.perEventMs, this.sliceMs, this.clock);
    pacer.startBatch();
    let done = 0;
    for (const m of batch.messages) {
      if (!batch.isActive() || this.stopCtl.signal.aborted) break;
      const waitMs = pacer.charge();
      if (waitMs > 0) await sleep(waitMs);
      batch.resolveOffset(m.offset);
      this.position.set(key, Number(m.offset) + 1);
      done++;
      this.processed++;
      if (this.opts.latencyFromRecordTime !== false)
        this.latency.recordValue(Math.max(0, Math.round((Date.now() - Number(m.timestamp)) * 1000)));
      // Yield after a slice: kafkajs fetches again only once every batch of a fetch is handled,
      // so a long hot batch would stall the cold partitions too. The rest is fetched again.
      if (pacer.sliceUsed()) break;
    }
    const owedMs = pacer.owed();
    if (owedMs > 0) await sleep(owedMs);
    this.lag.addProcessed({ topic: batch.topic, partition: batch.partition }, done);
    await batch.heartbeat();
  }

  /** One lag sample: end offsets against the positions processed. */
  private async sample(): Promise<LagPoint[]> {
    const points: LagPoint[] = [];
    for (const topic of this.opts.topics) {
      for (const m of await this.opts.admin.watermarks(topic)) {
        const end = Number(m.high);
        points.push({
          topic,
          partition: m.partition,
          endOffset: end,
          position: this.position.get(pk(topic, m.partition)) ?? end,
        });
      }
    }
    return points;
  }

  private async sampleUntilDone(): Promise<ConsumerSimReport> {
    await this.ready;
    let stopReason: ConsumerSimReport['stopReason'] = 'duration';
    const endAtMs = this.opts.durationMs === undefined ? Infinity : this.joinedAtMs + this.opts.durationMs;
    let lastEndsKey = '';
    let quietSinceMs = performance.now();
    try {
      for (let next = this.joinedAtMs; ;) {
        next += this.sampleIntervalMs;
        const waitMs = Math.min(next, endAtMs) - performance.now();
        if (waitMs > 0) await sleep(waitMs, undefined, { signal: this.stopCtl.signal }).catch(() => undefined);
        if (this.stopCtl.signal.aborted) {
          stopReason = 'signal';
          break;
        }
        const nowMs = performance.now();
        const points = await this.sample();
        const tMs = Math.round(nowMs - this.joinedAtMs);
        this.lag.record(tMs, points);
        const totalLag = points.reduce((a, p) => a + Math.max(0, p.endOffset - p.position), 0);
        const maxLag = points.reduce((a, p) => Math.max(a, p.endOffset - p.position), 0);
        this.opts.onSample?.({ tMs, processed: this.processed, totalLag, maxLag });
        // Drained = production quiet for a while (end offsets unchanged) and nothing left to process.
        const endsKey = points.map((p) => p.endOffset).join(',');
        if (endsKey !== lastEndsKey) {
          lastEndsKey = endsKey;
          quietSinceMs = nowMs;
        }
        const quiet = this.opts.untilDrainedQuietMs;
        if (quiet !== undefined && this.processed > 0 && totalLag === 0 && nowMs - quietSinceMs >= quiet) {
          stopReason = 'drained';
          break;
        }
        if (nowMs >= endAtMs) break;
      }
    } finally {
      this.stop();
      await this.member.stop();
      this.opts.signal?.removeEventListener('abort', this.stop);
    }
    const crashed = this.member.crashed();
    if (crashed !== undefined)
      throw toKafkaError(crashed, this.opts.connection, {
        action: 'consume',
        groupId: this.opts.groupId,
        topics: this.opts.topics,
      });
    return this.report(stopReason);
  }

  private report(stopReason: ConsumerSimReport['stopReason']): ConsumerSimReport {
    const durationMs = Math.round(performance.now() - this.joinedAtMs);
    return {
      kind: CONSUMER_REPORT_KIND,
      schemaVersion: CONSUMER_REPORT_SCHEMA_VERSION,
      groupId: this.opts.groupId,
      topics: [...this.opts.topics],
      perEventMs: this.opts.perEventMs,
      concurrency: this.opts.concurrency,
      sliceMs: this.sliceMs,
      startedAt: this.startedAt.toISOString(),
      durationMs,
      stopReason,
      processed: this.processed,
      processedRatePerSec: durationMs > 0 ? (this.processed * 1000) / durationMs : 0,
      endToEndLatency: this.latency.totalCount > 0 ? snapshotLatency(this.latency) : null,
      lag: this.lag.data(),
      summary: this.lag.summary(),
    };
  }
}
