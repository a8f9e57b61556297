// The verifying consumer: reads back exactly the offset range a run wrote, partition by partition
// (from the start offsets recorded before the run to the end offsets after it), decodes each record
// and hands it to a callback, bounded in time. The only file that runs a kafkajs consumer for it.
import { randomUUID } from 'node:crypto';
import type { Consumer, EachBatchPayload } from 'kafkajs';
import { ScSimError } from '../errors.js';
import { decodeRecord } from './decode.js';
import type { ConsumedRecord } from './verifier.js';
import { withAdmin } from '../kafka/admin.js';
import { createKafka, toBrokerError } from '../kafka/client.js';

/** physical topic -> partition -> offset. */
export type OffsetsByTopic = Map<string, Map<number, bigint>>;

export interface ReadBackOptions {
  brokers: string[];
  /** First offset to read per partition (inclusive): the end offsets recorded before the run. */
  startOffsets: OffsetsByTopic;
  /** Only this run's records are handed on; others are counted as foreign. Without it, all are. */
  runId?: string;
  /** Every decoded record of the range, with the run id its envelope carries. */
  onRecord: (record: ConsumedRecord, runId: string) => void;
  /** Consumer group id; default a fresh `sc-sim-verify-<uuid>` (deleted afterwards). */
  groupId?: string;
  clientId?: string;
  /** Wall clock for consumedAtMs (injectable for tests). */
  nowMs?: () => number;
}

export interface PartitionProgress {
  topic: string;
  partition: number;
  start: string;
  end: string | null;
  /** Next offset to read. */
  position: string;
}

export interface ReadBackStats {
  /** Records of this run handed to onRecord. */
  records: number;
  /** Records of other runs in the range (skipped). */
  foreign: number;
  /** Records that are not sc-sim envelopes (skipped), with the first reason seen. */
  undecodable: number;
  undecodableReason: string | null;
  tookMs: number;
  partitions: PartitionProgress[];
}

export interface ReadBack {
  /** Resolves once the consumer has joined its group and seeked every partition. */
  readonly ready: Promise<void>;
  /** Reads until every partition reaches `endOffsets` (exclusive), then stops and cleans up. */
  finish(endOffsets: OffsetsByTopic, timeoutMs: number): Promise<ReadBackStats>;
  /** Stops without waiting for the end offsets (e.g. on error). */
  stop(): Promise<void>;
}

interface PartitionState {
  start: bigint;
  end: bigint | null;
  position: bigint;
}

/**
 * Starts reading at the start offsets right away, so a run can be verified while it produces
 * (end-to-end latency then means something). Call `finish` with the end offsets once known.
 */
export function startReadBack(opts: ReadBackOptions): ReadBack {
  const startedMs = Date.now();
  const nowMs = opts.nowMs ?? Date.now;
  const groupId = opts.groupId ?? `sc-sim-verify-${randomUUID()}`;
  const consumer: Consumer = createKafka({
    brokers: opts.brokers,
    clientId: opts.clientId ?? 'sc-sim-verify',
  }).consumer({
    groupId,
    // Short fetch waits so the end of the range is noticed quickly; large fetches for throughput.
    maxWaitTimeInMs: 100,
    maxBytesPerPartition: 8 * 1024 * 1024,
    maxBytes: 64 * 1024 * 1024,
    sessionTimeout: 30_000,
    allowAutoTopicCreation: false,
  });

  const state = new Map<string, Map<number, PartitionState>>();
  for (const [topic, byPartition] of opts.startOffsets) {
    const m = new Map<number, PartitionState>();
    for (const [partition, start] of byPartition) m.set(partition, { start, end: null, position: start });
    state.set(topic, m);
  }
  const stats = { records: 0, foreign: 0, undecodable: 0, undecodableReason: null as string | null };

  let crashed: unknown = undefined;
  let onProgress: (() => void) | undefined;
  let stopped = false;

  const eachBatch = async ({ batch, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> => {
    const p = state.get(batch.topic)?.get(batch.partition);
    if (p === undefined) return; // a partition outside the plan: nothing of this run is there
    for (const m of batch.messages) {
      if (!isRunning() || isStale()) return;
      const offset = BigInt(m.offset);
      if (offset < p.position) continue;
      if (p.end !== null && offset >= p.end) break;
      p.position = offset + 1n;
      const d = decodeRecord(batch.topic, batch.partition, m, opts.runId, nowMs());
      if (d.kind === 'record') {
        stats.records++;
        opts.onRecord(d.record, d.runId);
      } else if (d.kind === 'foreign') stats.foreign++;
      else {
        stats.undecodable++;
        stats.undecodableReason ??= d.reason;
      }
    }
    // Offsets can skip (compaction, aborted transactions): the fetch's last offset moves us on.
    if (!batch.isEmpty()) {
      const last = BigInt(batch.lastOffset()) + 1n;
      if (last > p.position && (p.end === null || last <= p.end)) p.position = last;
    }
    await heartbeat();
    onProgress?.();
  };

  consumer.on(consumer.events.CRASH, (e) => {
    // kafkajs restarts itself after retriable crashes (it rejoins, and we seek again below).
    if (e.payload.restart) return;
    crashed = e.payload.error;
    onProgress?.();
  });
  // Seek on every join: a restarted consumer would otherwise start from the beginning again.
  const seekAll = () => {
    for (const [topic, m] of state) {
      for (const [partition, p] of m) consumer.seek({ topic, partition, offset: p.position.toString() });
    }
  };

  const ready = (async () => {
    try {
      await consumer.connect();
      const joined = new Promise<void>((resolve) => {
        consumer.on(consumer.events.GROUP_JOIN, () => {
          seekAll();
          resolve();
        });
      });
      await consumer.subscribe({ topics: [...state.keys()], fromBeginning: true });
      await consumer.run({ autoCommit: false, eachBatch });
      await joined;
    } catch (err) {
      await consumer.disconnect().catch(() => undefined);
      throw toBrokerError(err, opts.brokers);
    }
  })();
  // Errors surface through `ready` or `finish`; keep an unobserved rejection from crashing the process.
  ready.catch(() => undefined);

  const cleanup = async () => {
    if (stopped) return;
    stopped = true;
    await consumer.disconnect().catch(() => undefined);
    if (opts.groupId === undefined) {
      // Our throwaway group: leave no trace in the cluster's group list.
      await withAdmin({ brokers: opts.brokers }, (admin) => admin.deleteGroups([groupId])).catch(() => undefined);
    }
  };

  const progress = (): PartitionProgress[] =>
    [...state].flatMap(([topic, m]) =>
      [...m].map(([partition, p]) => ({
        topic,
        partition,
        start: p.start.toString(),
        end: p.end === null ? null : p.end.toString(),
        position: p.position.toString(),
      })),
    );

  const allDone = () =>
    [...state.values()].every((m) => [...m.values()].every((p) => p.end !== null && p.position >= p.end));

  return {
    ready,
    async finish(endOffsets, timeoutMs) {
      for (const [topic, m] of state) {
        for (const [partition, p] of m) {
          const end = endOffsets.get(topic)?.get(partition);
          if (end === undefined) {
            throw new ScSimError('E_KAFKA', `no end offset for ${topic}[${partition}]`, {
              hint: 'pass the end offsets of every partition whose start offset was recorded',
            });
          }
          p.end = end < p.start ? p.start : end;
        }
      }
      try {
        await ready;
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => {
            onProgress = undefined;
            const behind = progress().filter((p) => p.end !== null && BigInt(p.position) < BigInt(p.end));
            reject(
              new ScSimError(
                'E_VERIFY_TIMEOUT',
                `read-back did not reach the run's end offsets within ${timeoutMs} ms`,
                {
                  details: behind.map(
                    (p) =>
                      `${p.topic}[${p.partition}]: at offset ${p.position}, end ${p.end} (${BigInt(p.end!) - BigInt(p.position)} to go)`,
                  ),
                  hint: 'the broker may be overloaded or the records deleted by retention; retry with a longer --timeout',
                },
              ),
            );
          }, timeoutMs);
          onProgress = () => {
            if (crashed !== undefined) {
              clearTimeout(timer);
              reject(toBrokerError(crashed, opts.brokers));
            } else if (allDone()) {
              clearTimeout(timer);
              resolve();
            }
          };
          onProgress();
        });
      } finally {
        onProgress = undefined;
        await cleanup();
      }
      return { ...stats, tookMs: Date.now() - startedMs, partitions: progress() };
    },
    async stop() {
      await ready.catch(() => undefined);
      await cleanup();
    },
  };
}

/** Reads a finished range: start offsets to end offsets. */
export async function readBack(
  opts: ReadBackOptions & { endOffsets: OffsetsByTopic; timeoutMs: number },
): Promise<ReadBackStats> {
  const rb = startReadBack(opts);
  return rb.finish(opts.endOffsets, opts.timeoutMs);
}
