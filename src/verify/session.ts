// Wires the verifier to a run: during `run --verify` the runner's ack observer feeds what was sent
// while the read-back consumer reads the run's offset range concurrently (so end-to-end latency is
// real); `verify --report` reads a saved report's range after the fact and checks acked counts.
import type { OffsetsByTopic } from '../kafka/admin.js';
import type { AckObserver } from '../runner.js';
import type { ProducerMode, SendResult, SinkRecord } from '../sinks/types.js';
import type { ReadBack } from './read-back.js';
import { HotKeyTracker } from './hot-keys.js';
import { buildVerificationSection, type VerificationSection } from './section.js';
import { Verifier, type ConsumedRecord } from './verifier.js';
import { HEADER_PATHOLOGY, HEADER_RUN_ID, HEADER_SHARD } from '../envelope.js';
import { runIdentity } from './decode.js';

/** Starts reading back a run's offset range, handing each decoded record to `onRecord`. */
export type OpenReadBack = (onRecord: (record: ConsumedRecord, runId: string) => void, runId?: string) => ReadBack;

export interface LiveVerifyOptions {
  /** Reads from the end offsets recorded before the run (startReadBack, or a fake in tests). */
  openReader: OpenReadBack;
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

function outcomeOf(result: SendResult): 'acked' | 'indeterminate' | 'failed' {
  if (result.ok) return 'acked';
  return result.indeterminate ? 'indeterminate' : 'failed';
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
    this.readBack = opts.openReader((record, runId) => this.read(record, runId), opts.runId);
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
    const outcome = outcomeOf(result);
    const offsets = result.ok ? result.offsets : undefined;
    for (let i = 0; i < batch.length; i++) {
      const r = batch[i]!;
      // Deliberate pathologies (a duplicate, a late copy, a poison record) are not events to check.
      if (r.headers[HEADER_PATHOLOGY] !== undefined) continue;
      this.verifier.addProduced({
        topic: r.topic,
        partition: r.partition,
        offset: offsets?.[i],
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
  ): Promise<VerificationSection> {
    const stats = await this.readBack.finish(endOffsets, timeoutMs);
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
      hotKeys: this.hotKeys.result(),
    });
  }

  async abort(): Promise<void> {
    await this.readBack.stop();
  }
}
