// The Kafka sink on a worker thread: record-batch encoding, CRC, compression and the client's
// network work run on another core than the world's generation and JSON serialization. Batches
// cross as a few transferred buffers; the worker runs the ordinary KafkaSink.
import type { Worker } from 'node:worker_threads';
import { ScSimError, type ErrorCode, type ExitCode } from '../errors.js';
import type { KafkaSinkOptions } from './kafka.js';
import { packBatch, transferList, type PackedBatch } from './packed-batch.js';
import { startTsWorker, workerClock } from './ts-worker.js';
import type { SendOptions, SendResult, Sink, SinkDescription, SinkFatal, SinkRecord, ThreadClock } from './types.js';

/** How long close() waits for the worker to flush and exit before it is terminated. */
const CLOSE_TIMEOUT_MS = 30_000;

/** Main thread → worker. */
export type ToWorker =
  { kind: 'send'; id: number; batch: PackedBatch; options: SendOptions } | { kind: 'close' } | { kind: 'crash' };

/** A ScSimError as data (errors lose their class crossing threads). */
export interface ErrorData {
  code: ErrorCode;
  message: string;
  hint: string | undefined;
  details: string[];
  exitCode: ExitCode;
}

/** Worker → main thread. */
export type FromWorker =
  | { kind: 'ready' }
  | { kind: 'connect-failed'; error: ErrorData | { message: string } }
  | { kind: 'result'; id: number; result: SendResult };

function isErrorData(e: ErrorData | { message: string }): e is ErrorData {
  return 'code' in e;
}

export interface WorkerData {
  options: KafkaSinkOptions;
}

export class WorkerKafkaSink implements Sink {
  readonly description: SinkDescription;
  private nextId = 0;
  private readonly pending = new Map<number, (result: SendResult) => void>();
  private closed: Promise<void> | undefined;
  private exited = false;
  /** Set once the worker died: every send from then on fails at once with this reason. */
  private dead: SinkFatal | undefined;

  private constructor(
    private readonly worker: Worker,
    opts: KafkaSinkOptions,
  ) {
    this.description = { kind: 'kafka', target: opts.connection.brokers.join(','), producer: opts.mode };
    worker.on('message', (m: FromWorker) => {
      if (m.kind !== 'result') return;
      const resolve = this.pending.get(m.id);
      this.pending.delete(m.id);
      resolve?.(m.result);
    });
    // A crashed worker leaves its sends with an unknown outcome: they may have reached the broker.
    const die = (why: string) => {
      this.dead ??= {
        code: 'E_PRODUCER_CRASHED',
        message: `the Kafka producer thread stopped: ${why}`,
        hint: 'this is a bug in sc-sim or the Kafka client; re-run with SC_SIM_DEBUG=1 and SC_SIM_KAFKA_LOG=1 and report it',
      };
      for (const resolve of this.pending.values()) resolve(this.failure(true));
      this.pending.clear();
    };
    worker.on('error', (err) => die(err.message));
    worker.on('exit', (code) => {
      this.exited = true;
      if (this.closed === undefined) die(`it exited with code ${code}`);
    });
  }

  producerThread(): ThreadClock | null {
    if (this.exited) return null;
    return workerClock(this.worker);
  }

  /** A send the dead worker cannot answer: in flight (outcome unknown) or never handed over (unsent). */
  private failure(inFlight: boolean): SendResult {
    return inFlight
      ? { ok: false, error: this.dead!.message, indeterminate: true, fatal: this.dead }
      : { ok: false, error: this.dead!.message, indeterminate: false, unsent: true, fatal: this.dead };
  }

  /** Starts the worker and connects its producer; an unreachable broker becomes E_BROKER_UNREACHABLE. */
  static async connect(opts: KafkaSinkOptions): Promise<WorkerKafkaSink> {
    const worker = startTsWorker(new URL('./kafka-thread.ts', import.meta.url), { options: opts } satisfies WorkerData);
    const first = await new Promise<FromWorker>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    if (first.kind !== 'ready') {
      await worker.terminate();
      const e: ErrorData | { message: string } =
        first.kind === 'connect-failed'
          ? first.error
          : { message: `unexpected first message from the sink worker: ${first.kind}` };
      if (isErrorData(e))
        throw new ScSimError(e.code, e.message, { hint: e.hint, details: e.details, exitCode: e.exitCode });
      throw new Error(e.message);
    }
    return new WorkerKafkaSink(worker, opts);
  }

  send(batch: readonly SinkRecord[], options: SendOptions = {}): Promise<SendResult> {
    // Never handed to a dead worker: these records were not sent at all.
    if (this.dead) return Promise.resolve(this.failure(false));
    const id = this.nextId++;
    const packed = packBatch(batch);
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.worker.postMessage({ kind: 'send', id, batch: packed, options } satisfies ToWorker, transferList(packed));
    });
  }

  close(): Promise<void> {
    this.closed ??= new Promise<void>((resolve) => {
      if (this.exited) return resolve();
      const timer = setTimeout(() => void this.worker.terminate(), CLOSE_TIMEOUT_MS);
      this.worker.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      this.worker.postMessage({ kind: 'close' } satisfies ToWorker);
    });
    return this.closed;
  }

  /** Test hook: what a crash of the producer thread does (the worker throws from inside). */
  crashForTest(): void {
    this.worker.postMessage({ kind: 'crash' } satisfies ToWorker);
  }
}
