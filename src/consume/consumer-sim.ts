// The consumer-group simulator: a real kafkajs consumer group whose processing costs a set time per
// event, recording lag per partition over time, so a team can see what a hot partition does to its
// consumers before launching them. The only file that runs a kafkajs consumer for that role.
import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import type { AdminSession } from '../kafka/admin.js';
import type { KafkaConnection } from '../kafka/client.js';
import { startGroupMember, type GroupBatch } from '../kafka/consumer.js';
import { newLatencyHistogram, snapshotLatency } from '../metrics/latency.js';
import { toBrokerError } from '../kafka/client.js';
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
  const sliceMs = opts.sliceMs ?? 100;
  const sampleIntervalMs = opts.sampleIntervalMs ?? 500;
  const lag = new LagSeries(sampleIntervalMs);
  const latency = newLatencyHistogram();
  /** Next offset to process per partition; set from the group's offsets, then from each batch. */
  const position = new Map<string, number>();
  const seenBatch = new Set<string>();
  let processed = 0;
  const stopCtl = new AbortController();
  const stop = () => stopCtl.abort();
  opts.signal?.addEventListener('abort', stop, { once: true });

  const clock = { now: () => performance.now() };

  const handleBatch = async (batch: GroupBatch): Promise<void> => {
    const key = pk(batch.topic, batch.partition);
    if (!seenBatch.has(key) && batch.messages.length > 0) {
      // The first batch says where the group really started (e.g. "latest" resolved at join).
      seenBatch.add(key);
      position.set(key, Number(batch.messages[0]!.offset));
    }
    const pacer = new CostPacer(opts.perEventMs, sliceMs, clock);
    pacer.startBatch();
    let done = 0;
    for (const m of batch.messages) {
      if (!batch.isActive() || stopCtl.signal.aborted) break;
      const waitMs = pacer.charge();
      if (waitMs > 0) await sleep(waitMs);
      batch.resolveOffset(m.offset);
      position.set(key, Number(m.offset) + 1);
      done++;
      processed++;
      latency.recordValue(Math.max(0, Math.round((Date.now() - Number(m.timestamp)) * 1000)));
      // Yield after a slice: kafkajs fetches again only once every batch of a fetch is handled,
      // so a long hot batch would stall the cold partitions too. The rest is fetched again.
      if (pacer.sliceUsed()) break;
    }
    const owedMs = pacer.owed();
    if (owedMs > 0) await sleep(owedMs);
    lag.addProcessed({ topic: batch.topic, partition: batch.partition }, done);
    await batch.heartbeat();
  };

  const member = startGroupMember({
    connection: opts.connection,
    groupId: opts.groupId,
    topics: opts.topics,
    fromBeginning: opts.fromBeginning ?? false,
    concurrency: opts.concurrency,
    // Small fetches: a time-sliced batch is fetched again, so big ones would be decoded many times.
    maxBytesPerPartition: 128 * 1024,
    handleBatch,
  });
  member.onCrash(stop);

  let joinedAtMs = 0;
  let startedAt = new Date();
  const ready = (async () => {
    // Where each partition starts: the group's committed offset, else auto.offset.reset.
    const committed = await opts.admin.committedOffsets(opts.groupId, opts.topics);
    for (const topic of opts.topics) {
      for (const m of await opts.admin.watermarks(topic)) {
        const c = committed.get(topic)?.get(m.partition) ?? -1n;
        position.set(pk(topic, m.partition), Number(c >= 0n ? c : opts.fromBeginning ? m.low : m.high));
      }
    }
    try {
      await member.ready;
    } catch (err) {
      await member.stop();
      throw err;
    }
    joinedAtMs = performance.now();
    startedAt = new Date();
  })();
  ready.catch(() => undefined);

  const done = (async (): Promise<ConsumerSimReport> => {
    await ready;
    let stopReason: ConsumerSimReport['stopReason'] = 'duration';
    const endAtMs = opts.durationMs === undefined ? Infinity : joinedAtMs + opts.durationMs;
    let lastEndsKey = '';
    let quietSinceMs = performance.now();
    try {
      for (let next = joinedAtMs; ;) {
        next += sampleIntervalMs;
        const waitMs = Math.min(next, endAtMs) - performance.now();
        if (waitMs > 0) await sleep(waitMs, undefined, { signal: stopCtl.signal }).catch(() => undefined);
        if (stopCtl.signal.aborted) {
          stopReason = 'signal';
          break;
        }
        const nowMs = performance.now();
        const points = [];
        for (const topic of opts.topics) {
          for (const m of await opts.admin.watermarks(topic)) {
            const end = Number(m.high);
            points.push({
              topic,
              partition: m.partition,
              endOffset: end,
              position: position.get(pk(topic, m.partition)) ?? end,
            });
          }
        }
        const tMs = Math.round(nowMs - joinedAtMs);
        lag.record(tMs, points);
        const totalLag = points.reduce((a, p) => a + Math.max(0, p.endOffset - p.position), 0);
        const maxLag = points.reduce((a, p) => Math.max(a, p.endOffset - p.position), 0);
        opts.onSample?.({ tMs, processed, totalLag, maxLag });

        const endsKey = points.map((p) => p.endOffset).join(',');
        if (endsKey !== lastEndsKey) {
          lastEndsKey = endsKey;
          quietSinceMs = nowMs;
        }
        if (
          opts.untilDrainedQuietMs !== undefined &&
          processed > 0 &&
          totalLag === 0 &&
          nowMs - quietSinceMs >= opts.untilDrainedQuietMs
        ) {
          stopReason = 'drained';
          break;
        }
        if (nowMs >= endAtMs) break;
      }
    } finally {
      stop();
      await member.stop();
      opts.signal?.removeEventListener('abort', stop);
    }
    const crashed = member.crashed();
    if (crashed !== undefined) throw toBrokerError(crashed, opts.connection.brokers);
    const durationMs = Math.round(performance.now() - joinedAtMs);
    return {
      kind: CONSUMER_REPORT_KIND,
      schemaVersion: CONSUMER_REPORT_SCHEMA_VERSION,
      groupId: opts.groupId,
      topics: [...opts.topics],
      perEventMs: opts.perEventMs,
      concurrency: opts.concurrency,
      sliceMs,
      startedAt: startedAt.toISOString(),
      durationMs,
      stopReason,
      processed,
      processedRatePerSec: durationMs > 0 ? (processed * 1000) / durationMs : 0,
      endToEndLatency: latency.totalCount > 0 ? snapshotLatency(latency) : null,
      lag: lag.data(),
      summary: lag.summary(),
    };
  })();
  done.catch(() => undefined); // surfaced to whoever awaits `done`

  return { ready, done, stop };
}
