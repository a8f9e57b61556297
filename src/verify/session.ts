// Wires the verifier to a run: during `run --verify` the runner's ack observer feeds what was sent
// while the read-back consumer reads the run's offset range concurrently (so end-to-end latency is
// real); `verify --report` reads a saved report's range after the fact and checks acked counts.
import type { OffsetsByTopic } from '../kafka/admin.js';
import type { AckObserver } from '../runner.js';
import { recordOffset, recordOutcome, type ProducerMode, type SendResult, type SinkRecord } from '../sinks/types.js';
import type { ReadBack } from './read-back.js';
import { HotKeyTracker } from './hot-keys.js';
import { buildVerificationSection, type VerificationSection } from './section.js';
import { Verifier, type ConsumedRecord } from './verifier.js';
import { HEADER_PATHOLOGY, HEADER_RUN_ID, HEADER_SHARD } from '../envelope.js';
import { runIdentity } from './decode.js';

/** Starts reading back an offset range (from `startOffsets`), handing each decoded record to `onRecord`. */
export type OpenReadBack = (
  startOffsets: OffsetsByTopic,
  onRecord: (record: ConsumedRecord, runId: string) => void,
  runId?: string,
) => ReadBack;

export interface LiveVerifyOptions {
  /** Reads from `startOffsets` (startReadBack, or a fake in tests). */
  openReader: OpenReadBack;
  /**
   * The end offsets recorded before the run: where reading starts. A partition added during the
   * run (a raised count) is read from 0 once the run is over.
   */
  startOffsets: OffsetsByTopic;
  /** The run's id; when not known up front it is learnt from the first acked record's header. */
  runId?: string;
  /** Physical topic -> partition count (for murmur2 predictions). */
  partitions: Map<string, number>;
  producer: Pick<ProducerMode, 'idempotent' | 'maxInFlightRequests'> | null;
  /**
   * End-to-end latency runs from each record's timestamp (its event time: in a live run the instant
   * it was due, so the figure includes the producer's schedule delay). False for a backfill, whose
   * timestamps lie in the history: no latency is recorded then.
   */
  latencyFromRecordTime?: boolean;
}

/**
 * The key a record is checked under: its key, or for a keyless record (the heartbeat) the entity it
 * numbers — its producer instance — so keyless records are ordered per instance.
 */
export function verifierKey(r: Pick<SinkRecord, 'key' | 'keyText' | 'entityId'>): string {
  return r.key === null ? r.entityId : r.keyText;
}

/** A verifier attached to a live run. Start it before the run, pass `onAck` to the runner. */
export class LiveVerification {
  private readonly verifier = new Verifier();
  private readonly hotKeys: HotKeyTracker;
  private runId: string | undefined;
  /** Reads that arrived before the run id was known (bounded by what precedes the first ack). */
  private early: { record: ConsumedRecord; runId: string }[] = [];
  private foreign = 0;
  private readonly readBack: ReadBack;

  private constructor(private readonly opts: LiveVerifyOptions) {
    this.runId = opts.runId;
    this.hotKeys = new HotKeyTracker((t) => opts.partitions.get(t));
    this.readBack = opts.openReader(opts.startOffsets, (record, runId) => this.read(record, runId), opts.runId);
  }

  /** Starts reading at the start offsets and resolves once the consumer is in place. */
  static async start(opts: LiveVerifyOptions): Promise<LiveVerification> {
    const self = new LiveVerification(opts);
    await self.readBack.ready;
    return self;
  }

  /** The runner's ack observer: every send's outcome, record by record. */
  readonly onAck: AckObserver = (batch: readonly SinkRecord[], result: SendResult) => {
    if (this.runId === undefined && batch.length > 0) {
      const first = batch[0]!.headers;
      const text = (v: string | Buffer | undefined) => (typeof v === 'string' ? v : v?.toString('utf8'));
      this.runId = runIdentity(text(first[HEADER_RUN_ID]) ?? '', text(first[HEADER_SHARD]));
      const early = this.early;
      this.early = [];
      for (const e of early) this.read(e.record, e.runId);
    }
    for (let i = 0; i < batch.length; i++) {
      const r = batch[i]!;
      // Deliberate pathologies (a duplicate, a late copy, a poison record) are not events to check.
      if (r.headers[HEADER_PATHOLOGY] !== undefined) continue;
      const outcome = recordOutcome(result, i);
      this.verifier.addProduced({
        topic: r.topic,
        partition: r.partition,
        offset: recordOffset(result, i),
        key: verifierKey(r),
        entityId: r.entityId,
        sequence: r.sequence,
        eventId: r.eventId,
        outcome,
        // Latency starts at the record's CreateTime: its event time (see latencyFromRecordTime).
      });
      if (outcome === 'acked') this.hotKeys.addProduced(r.topic, verifierKey(r), r.partition);
    }
  };

  private read(r: ConsumedRecord, runId: string): void {
    if (this.runId === undefined) {
      this.early.push({ record: r, runId });
      return;
    }
    if (runId !== this.runId) {
      this.foreign++;
      return;
    }
    this.verifier.addConsumed(
      this.opts.latencyFromRecordTime === false ? { ...r, timestampMs: undefined, consumedAtMs: undefined } : r,
    );
    this.hotKeys.observe(r.topic, r.key, r.partition);
  }

  /**
   * Reads up to the end offsets recorded after the run, then closes the books. `producer` (e.g. from
   * the run report) replaces the mode given at start when that was not known yet.
   */
  async finish(
    endOffsets: OffsetsByTopic,
    timeoutMs: number,
    producer?: Pick<ProducerMode, 'idempotent' | 'maxInFlightRequests'> | null,
    countsDuringRun?: ReadonlyMap<string, readonly number[]>,
  ): Promise<VerificationSection> {
    const startedMs = Date.now();
    const stats = await this.readBack.finish(endOffsets, timeoutMs);
    const added = partitionsAdded(this.opts.startOffsets, endOffsets);
    if (added.size > 0) {
      // Partitions added during the run: the read-back's group was formed before they existed.
      const reader = this.opts.openReader(added, (record, runId) => this.read(record, runId), this.runId);
      try {
        await reader.ready;
        const more = await reader.finish(endOffsets, Math.max(1_000, timeoutMs - (Date.now() - startedMs)));
        stats.records += more.records;
        stats.foreign += more.foreign;
        stats.undecodable += more.undecodable;
        stats.tookMs += more.tookMs;
        for (const [k, n] of Object.entries(more.pathologies)) stats.pathologies[k] = (stats.pathologies[k] ?? 0) + n;
      } finally {
        await reader.stop();
      }
    }
    // Nothing was acked, so nothing read can be ours.
    this.foreign += this.early.length;
    this.early = [];
    return buildVerificationSection({
      result: this.verifier.finish(),
      readBack: {
        records: stats.records - this.foreign,
        foreign: stats.foreign + this.foreign,
        undecodable: stats.undecodable,
        tookMs: stats.tookMs,
        pathologies: stats.pathologies,
      },
      producer: producer === undefined ? this.opts.producer : producer,
      hotKeys: this.hotKeys.result((t) => countsDuringRun?.get(t)),
      movedKeys: this.verifier.movedKeys((t) => countsDuringRun?.get(t)),
    });
  }

  async abort(): Promise<void> {
    await this.readBack.stop();
  }
}

/** Partitions the end offsets have and the start offsets do not (added during the run), from 0. */
export function partitionsAdded(start: OffsetsByTopic, end: OffsetsByTopic): OffsetsByTopic {
  const added: OffsetsByTopic = new Map();
  for (const [topic, byPartition] of end) {
    const known = start.get(topic);
    if (known === undefined) continue;
    for (const partition of byPartition.keys()) {
      if (known.has(partition)) continue;
      let m = added.get(topic);
      if (!m) added.set(topic, (m = new Map()));
      m.set(partition, 0n);
    }
  }
  return added;
}
