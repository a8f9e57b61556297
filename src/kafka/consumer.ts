// The one module that runs kafkajs consumers. Two shapes: a range reader (every partition from a
// start offset to an end offset, for read-back verification) and a group member with a batch
// handler (for the consumer simulator). Features get records as plain data, never a client.
import { randomUUID } from 'node:crypto';
import type { Consumer, EachBatchPayload, IHeaders } from 'kafkajs';
import { ScSimError } from '../errors.js';
import type { OffsetsByTopic } from './admin.js';
import { connectWithin, createKafka, toKafkaError, type KafkaConnection, type KafkaOperation } from './client.js';

/** A record as read from Kafka (the parts sc-sim reads; kept minimal so tests need no client). */
export interface KafkaRecord {
  key: Buffer | string | null;
  value: Buffer | string | null;
  /** int64 as a decimal string. */
  offset: string;
  /** CreateTime (or LogAppendTime), ms since the epoch, as a decimal string. */
  timestamp: string;
  headers?: IHeaders;
}

export interface PartitionProgress {
  topic: string;
  partition: number;
  start: string;
  end: string | null;
  /** Next offset to read. */
  position: string;
}

export interface RangeReaderOptions {
  connection: KafkaConnection;
  /** First offset to read per partition (inclusive). */
  startOffsets: OffsetsByTopic;
  /** Every record of the range, in offset order per partition. */
  onRecord: (topic: string, partition: number, record: KafkaRecord) => void;
  /** Consumer group id; default a fresh `sc-sim-verify-<uuid>`, deleted afterwards with `deleteGroup`. */
  groupId?: string;
  /** Removes the throwaway group when done (the caller's admin session does it). */
  deleteGroup?: (groupId: string) => Promise<void>;
  clientId?: string;
}

export interface RangeReader {
  /** Resolves once the consumer has joined its group and seeked every partition. */
  readonly ready: Promise<void>;
  /** Reads until every partition reaches `endOffsets` (exclusive), then stops and cleans up. */
  finish(endOffsets: OffsetsByTopic, timeoutMs: number): Promise<{ tookMs: number; partitions: PartitionProgress[] }>;
  /** Stops without waiting for the end offsets (e.g. on error). */
  stop(): Promise<void>;
}

interface PartitionState {
  start: bigint;
  end: bigint | null;
  position: bigint;
}

/**
 * Starts reading at the start offsets right away, so a run can be checked while it produces.
 * kafkajs has no manual assignment: a throwaway group is joined and every partition seeked.
 */
export function startRangeReader(opts: RangeReaderOptions): RangeReader {
  return new RangeReaderImpl(opts);
}

class RangeReaderImpl implements RangeReader {
  readonly ready: Promise<void>;
  private readonly startedMs = Date.now();
  private readonly groupId: string;
  private readonly consumer: Consumer;
  private readonly state = new Map<string, Map<number, PartitionState>>();
  private crashed: unknown = undefined;
  /** Re-checks whether reading is done (set while finish() waits). */
  private onProgress: (() => void) | undefined;
  private stopped = false;

  constructor(private readonly opts: RangeReaderOptions) {
    this.groupId = opts.groupId ?? `sc-sim-verify-${randomUUID()}`;
    this.consumer = createKafka({ ...opts.connection, clientId: opts.clientId ?? 'sc-sim-verify' }).consumer({
      groupId: this.groupId,
      // Short fetch waits so the end of the range is noticed quickly; large fetches for throughput.
      maxWaitTimeInMs: 100,
      maxBytesPerPartition: 8 * 1024 * 1024,
      maxBytes: 64 * 1024 * 1024,
      sessionTimeout: 30_000,
      allowAutoTopicCreation: false,
    });
    for (const [topic, byPartition] of opts.startOffsets) {
      const m = new Map<number, PartitionState>();
      for (const [partition, start] of byPartition) m.set(partition, { start, end: null, position: start });
      this.state.set(topic, m);
    }
    this.consumer.on(this.consumer.events.CRASH, (e) => {
      // kafkajs restarts itself after retriable crashes (it rejoins, and we seek again on join).
      if (e.payload.restart) return;
      this.crashed = e.payload.error;
      this.onProgress?.();
    });
    this.ready = this.join();
    // Errors surface through `ready` or `finish`; keep an unobserved rejection from crashing the process.
    this.ready.catch(() => undefined);
  }

  private get operation(): KafkaOperation {
    return { action: 'consume', groupId: this.groupId, topics: [...this.state.keys()] };
  }

  private async join(): Promise<void> {
    await connectWithin(this.opts.connection, this.operation, this.consumer, () => this.consumer.connect());
    try {
      const joined = new Promise<void>((resolve) => {
        this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
          // Seek on every join: a restarted consumer would otherwise start from the beginning again.
          this.seekAll();
          resolve();
        });
      });
      await this.consumer.subscribe({ topics: [...this.state.keys()], fromBeginning: true });
      await this.consumer.run({ autoCommit: false, eachBatch: (p) => this.eachBatch(p) });
      await joined;
    } catch (err) {
      await this.consumer.disconnect().catch(() => undefined);
      throw toKafkaError(err, this.opts.connection, this.operation);
    }
  }

  private seekAll(): void {
    for (const [topic, m] of this.state) {
      for (const [partition, p] of m) this.consumer.seek({ topic, partition, offset: p.position.toString() });
    }
  }

  private async eachBatch({ batch, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const p = this.state.get(batch.topic)?.get(batch.partition);
    if (p === undefined) return; // a partition outside the range
    for (const m of batch.messages) {
      if (!isRunning() || isStale()) return;
      const offset = BigInt(m.offset);
      if (offset < p.position) continue;
      if (p.end !== null && offset >= p.end) break;
      p.position = offset + 1n;
      this.opts.onRecord(batch.topic, batch.partition, m);
    }
    // Offsets can skip (compaction, aborted transactions): the fetch's last offset moves us on.
    if (!batch.isEmpty()) {
      const last = BigInt(batch.lastOffset()) + 1n;
      if (last > p.position && (p.end === null || last <= p.end)) p.position = last;
    }
    await heartbeat();
    this.onProgress?.();
  }

  private progress(): PartitionProgress[] {
    return [...this.state].flatMap(([topic, m]) =>
      [...m].map(([partition, p]) => ({
        topic,
        partition,
        start: p.start.toString(),
        end: p.end === null ? null : p.end.toString(),
        position: p.position.toString(),
      })),
    );
  }

  private allDone(): boolean {
    return [...this.state.values()].every((m) => [...m.values()].every((p) => p.end !== null && p.position >= p.end));
  }

  private setEnds(endOffsets: OffsetsByTopic): void {
    for (const [topic, m] of this.state) {
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
  }

  private timeoutError(timeoutMs: number): ScSimError {
    const behind = this.progress().filter((p) => p.end !== null && BigInt(p.position) < BigInt(p.end));
    return new ScSimError('E_VERIFY_TIMEOUT', `reading back did not reach the end offsets within ${timeoutMs} ms`, {
      details: behind.map(
        (p) =>
          `${p.topic}[${p.partition}]: at offset ${p.position}, end ${p.end} (${BigInt(p.end!) - BigInt(p.position)} to go)`,
      ),
      hint: 'the broker may be overloaded or the records deleted by retention; retry with a longer timeout',
    });
  }

  /** Resolves once every partition reached its end; rejects on a crash or at the timeout. */
  private untilDone(timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.onProgress = undefined;
        reject(this.timeoutError(timeoutMs));
      }, timeoutMs);
      this.onProgress = () => {
        if (this.crashed !== undefined) {
          clearTimeout(timer);
          reject(toKafkaError(this.crashed, this.opts.connection, this.operation));
        } else if (this.allDone()) {
          clearTimeout(timer);
          resolve();
        }
      };
      this.onProgress();
    });
  }

  async finish(endOffsets: OffsetsByTopic, timeoutMs: number) {
    this.setEnds(endOffsets);
    try {
      await this.ready;
      await this.untilDone(timeoutMs);
    } finally {
      this.onProgress = undefined;
      await this.cleanup();
    }
    return { tookMs: Date.now() - this.startedMs, partitions: this.progress() };
  }

  async stop(): Promise<void> {
    await this.ready.catch(() => undefined);
    await this.cleanup();
  }

  private async cleanup(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.consumer.disconnect().catch(() => undefined);
    // Our throwaway group: leave no trace in the cluster's group list.
    if (this.opts.groupId === undefined) await this.opts.deleteGroup?.(this.groupId).catch(() => undefined);
  }
}

/** One fetched batch of one partition, as a group member's handler sees it. */
export interface GroupBatch {
  topic: string;
  partition: number;
  messages: readonly KafkaRecord[];
  /** Marks an offset as processed (committed with the next commit). */
  resolveOffset(offset: string): void;
  heartbeat(): Promise<void>;
  /** False once the member is stopping or the batch is stale after a rebalance: return soon. */
  isActive(): boolean;
}

export interface GroupMemberOptions {
  connection: KafkaConnection;
  groupId: string;
  topics: readonly string[];
  /** Where a group without committed offsets starts: the beginning, or new records only. */
  fromBeginning: boolean;
  /** Partitions handled at the same time. */
  concurrency: number;
  maxBytesPerPartition: number;
  handleBatch: (batch: GroupBatch) => Promise<void>;
  clientId?: string;
}

export interface GroupMember {
  /** Resolves once the member has joined and partitions are assigned. */
  readonly ready: Promise<void>;
  /** The error that stopped the member for good (kafkajs restarts it after retriable ones). */
  crashed(): unknown;
  /** Called when the member crashes for good. */
  onCrash(listener: () => void): void;
  stop(): Promise<void>;
}

export function startGroupMember(opts: GroupMemberOptions): GroupMember {
  const consumer: Consumer = createKafka({ ...opts.connection, clientId: opts.clientId ?? 'sc-sim-consumer' }).consumer(
    {
      groupId: opts.groupId,
      maxBytesPerPartition: opts.maxBytesPerPartition,
      maxWaitTimeInMs: 100,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      allowAutoTopicCreation: false,
    },
  );
  let crashed: unknown = undefined;
  const crashListeners: (() => void)[] = [];
  let stopping = false;
  consumer.on(consumer.events.CRASH, (e) => {
    if (e.payload.restart) return;
    crashed = e.payload.error;
    for (const l of crashListeners) l();
  });

  const operation: KafkaOperation = { action: 'consume', groupId: opts.groupId, topics: opts.topics };
  const ready = (async () => {
    await connectWithin(opts.connection, operation, consumer, () => consumer.connect());
    try {
      const joined = new Promise<void>((resolve) => {
        const off = consumer.on(consumer.events.GROUP_JOIN, () => {
          off();
          resolve();
        });
      });
      await consumer.subscribe({ topics: [...opts.topics], fromBeginning: opts.fromBeginning });
      await consumer.run({
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: opts.concurrency,
        eachBatch: ({ batch, resolveOffset, heartbeat, isRunning, isStale }) =>
          opts.handleBatch({
            topic: batch.topic,
            partition: batch.partition,
            messages: batch.messages,
            resolveOffset,
            heartbeat,
            isActive: () => !stopping && isRunning() && !isStale(),
          }),
      });
      await joined;
    } catch (err) {
      await consumer.disconnect().catch(() => undefined);
      throw toKafkaError(err, opts.connection, operation);
    }
  })();
  ready.catch(() => undefined);

  return {
    ready,
    crashed: () => crashed,
    onCrash: (l) => crashListeners.push(l),
    async stop() {
      stopping = true;
      await consumer.disconnect().catch(() => undefined);
    },
  };
}
