// An in-memory sink for tests: assigns offsets per partition like a broker would, can answer
// after a simulated latency on the runner's clock, and can be told to fail.
import type { Clock } from '../../src/runner/clock.js';
import type { SendResult, Sink, SinkDescription, SinkRecord } from '../../src/sinks/types.js';

export interface MemorySinkOptions {
  /** Needed when latencyMs is set: the answer comes after that long on this clock. */
  clock?: Clock;
  /** Time to answer one batch (ms), or a function of the batch. */
  latencyMs?: number | ((batch: readonly SinkRecord[]) => number);
  /** Return an error message to fail the batch (e.g. to test error counting). */
  failWhen?: (batch: readonly SinkRecord[]) => { error: string; indeterminate?: boolean } | undefined;
  /** Keep every acked record (default true); off for long runs. */
  keepRecords?: boolean;
}

export class MemorySink implements Sink {
  readonly description: SinkDescription = { kind: 'memory', target: 'memory' };
  /** Acked records in the order they were acked. */
  readonly records: SinkRecord[] = [];
  /** Next offset per "topic/partition". */
  readonly nextOffsets = new Map<string, number>();
  batches = 0;
  closed = false;

  constructor(private readonly opts: MemorySinkOptions = {}) {}

  async send(batch: readonly SinkRecord[]): Promise<SendResult> {
    this.batches++;
    const { latencyMs, clock } = this.opts;
    const delayMs = typeof latencyMs === 'function' ? latencyMs(batch) : (latencyMs ?? 0);
    if (delayMs > 0) {
      if (!clock) throw new Error('MemorySink: latencyMs needs a clock');
      await clock.sleepUntil(clock.now() + delayMs);
    }
    const failure = this.opts.failWhen?.(batch);
    if (failure) return { ok: false, error: failure.error, indeterminate: failure.indeterminate ?? false };
    const offsets = batch.map((r) => {
      const tp = `${r.topic}/${r.partition}`;
      const offset = this.nextOffsets.get(tp) ?? 0;
      this.nextOffsets.set(tp, offset + 1);
      return offset;
    });
    if (this.opts.keepRecords ?? true) this.records.push(...batch);
    return { ok: true, offsets };
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
