// Wires the verifier to a run: during `run --verify` the runner's ack observer feeds what was sent
// while the read-back consumer reads the run's offset range concurrently (so end-to-end latency is
// real); `verify --report` reads a saved report's range after the fact and checks acked counts.
import type { AckObserver } from '../runner.js';
import type { RunReport } from '../report.js';
import type { ProducerMode, SendResult, SinkRecord } from '../sinks/types.js';
import { startReadBack, type OffsetsByTopic, type ReadBack } from './read-back.js';
import { HotKeyTracker } from './hot-keys.js';
import { buildVerificationSection, type VerificationSection } from './section.js';
import { Verifier, type ConsumedRecord } from './verifier.js';
import { HEADER_RUN_ID } from '../envelope.js';

export interface LiveVerifyOptions {
  brokers: string[];
  /** End offsets recorded before the run: where reading starts. */
  startOffsets: OffsetsByTopic;
  /** The run's id; when not known up front it is learnt from the first acked record's header. */
  runId?: string;
  /** Physical topic -> partition count (for murmur2 predictions). */
  partitions: Map<string, number>;
  producer: Pick<ProducerMode, 'idempotent' | 'maxInFlightRequests'> | null;
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
    this.readBack = startReadBack({
      brokers: opts.brokers,
      startOffsets: opts.startOffsets,
      runId: opts.runId,
      onRecord: (record, runId) => this.read(record, runId),
    });
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
      this.runId = batch[0]!.headers[HEADER_RUN_ID];
      const early = this.early;
      this.early = [];
      for (const e of early) this.read(e.record, e.runId);
    }
    const outcome = outcomeOf(result);
    const offsets = result.ok ? result.offsets : undefined;
    for (let i = 0; i < batch.length; i++) {
      const r = batch[i]!;
      this.verifier.addProduced({
        topic: r.topic,
        partition: r.partition,
        offset: offsets?.[i],
        key: r.keyText,
        entityId: r.entityId,
        sequence: r.sequence,
        eventId: r.eventId,
        outcome,
        // Latency starts at the record's CreateTime, which the producer stamps at send.
      });
      if (outcome === 'acked') this.hotKeys.addProduced(r.topic, r.keyText, r.partition);
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
    this.verifier.addConsumed(r);
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
      },
      producer: producer === undefined ? this.opts.producer : producer,
      hotKeys: this.hotKeys.result(),
    });
  }

  async abort(): Promise<void> {
    await this.readBack.stop();
  }
}

/** The offsets a report recorded, as the read-back wants them. */
export function offsetsFromReport(report: RunReport): {
  start: OffsetsByTopic;
  end: OffsetsByTopic;
  partitions: Map<string, number>;
} {
  const start: OffsetsByTopic = new Map();
  const end: OffsetsByTopic = new Map();
  const partitions = new Map<string, number>();
  for (const t of Object.values(report.offsets?.topics ?? {})) {
    start.set(t.physicalTopic, new Map(Object.entries(t.start).map(([p, o]) => [Number(p), BigInt(o)])));
    end.set(t.physicalTopic, new Map(Object.entries(t.end).map(([p, o]) => [Number(p), BigInt(o)])));
    partitions.set(t.physicalTopic, Object.keys(t.start).length);
  }
  return { start, end, partitions };
}

/** Acked records per physical topic and partition over the whole run (warm-up included). */
export function ackedFromReport(report: RunReport): { topic: string; partition: number; acked: number }[] {
  const out: { topic: string; partition: number; acked: number }[] = [];
  const physical = new Map(
    Object.entries(report.offsets?.topics ?? {}).map(([logical, t]) => [logical, t.physicalTopic]),
  );
  for (const [logical, physicalTopic] of physical) {
    const counts = new Map<number, number>();
    for (const phase of [report.metrics.warmup, report.metrics.measured]) {
      for (const [p, c] of Object.entries(phase.topics[logical]?.partitions ?? {}))
        counts.set(Number(p), (counts.get(Number(p)) ?? 0) + c.events);
    }
    for (const p of Object.keys(report.offsets!.topics[logical]!.start)) {
      out.push({ topic: physicalTopic, partition: Number(p), acked: counts.get(Number(p)) ?? 0 });
    }
  }
  return out;
}

/**
 * `sc-sim verify --report`: reads back the range a saved report recorded and checks it against the
 * report's acked counts per partition (counts mode: no per-send records were kept).
 */
export async function verifySavedReport(
  report: RunReport,
  brokers: string[],
  timeoutMs: number,
): Promise<VerificationSection> {
  const { start, end, partitions } = offsetsFromReport(report);
  const verifier = new Verifier();
  for (const a of ackedFromReport(report)) verifier.expectAcked(a.topic, a.partition, a.acked);
  const hotKeys = new HotKeyTracker((t) => partitions.get(t));
  const rb = startReadBack({
    brokers,
    startOffsets: start,
    runId: report.run.id,
    onRecord: (r) => {
      verifier.addConsumed(r);
      // Without per-send records, the hottest keys are counted from what was read.
      hotKeys.addProduced(r.topic, r.key, r.partition);
      hotKeys.observe(r.topic, r.key, r.partition);
    },
  });
  const stats = await rb.finish(end, timeoutMs);
  const result = verifier.finish();
  // Timed-out sends are only known per run, not per partition, in a saved report.
  result.totals.indeterminate = report.summary.totals.indeterminate + (report.warmup?.totals.indeterminate ?? 0);
  return buildVerificationSection({
    result,
    readBack: { records: stats.records, foreign: stats.foreign, undecodable: stats.undecodable, tookMs: stats.tookMs },
    producer: report.producer,
    hotKeys: hotKeys.result(),
  });
}
