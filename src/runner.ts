// The runner: paces events against an injected clock (open model, absolute intended times),
// batches them, hands batches to a Sink with bounded concurrency and records what happened.
// It knows no Kafka: records arrive encoded and leave through the Sink interface.
import pLimit, { type LimitFunction } from 'p-limit';
import { DeliveryRecorder, type DeliverySnapshot } from './metrics/delivery.js';
import { MetricsRecorder, type LiveStats } from './metrics/recorder.js';
import type { MetricsSnapshot } from './metrics/snapshot.js';
import type { Clock } from './runner/clock.js';
import type { PacedSchedule, Schedule } from './runner/executors.js';
import { recordOutcome, type SendResult, type Sink, type SinkFatal, type SinkRecord } from './sinks/types.js';

export interface BatchLimits {
  /** A batch is handed to the sink once it holds this many events… */
  maxEvents: number;
  /** …or this many bytes (key + value)… */
  maxBytes: number;
  /** …or its first event has waited this long (Kafka's linger.ms). */
  lingerMs: number;
}

/**
 * Sees every completed send: the batch, its outcome, when it completed and when it was sent (runner clock, ms).
 * This is how a verifier attaches (topic, partition, offset, key, sequence of each acked record)
 * without the runner keeping anything per event.
 */
export type AckObserver = (
  batch: readonly SinkRecord[],
  result: SendResult,
  completedAtMs: number,
  sentAtMs: number,
) => void;

export interface Progress extends LiveStats {
  /** Batches handed to the sink and not answered yet. */
  inFlightBatches: number;
  /** Batches (and their events) generated and waiting for a free slot: the backlog. */
  waitingBatches: number;
  waitingEvents: number;
  /** Target rate now (events/s); undefined for unthrottled runs. */
  targetRatePerSec: number | undefined;
  /** Acked events per second over the last progress interval. */
  ackedRatePerSec: number;
}

export interface RunnerOptions {
  schedule: Schedule;
  /**
   * The next event, encoded, handed the time it happens at: its index in the schedule and its
   * intended offset from the run's start (ms). Called only for events that will be sent (dropped
   * ones are never generated).
   */
  nextRecord: (index: number, intendedOffsetMs: number) => SinkRecord;
  /**
   * For a source that may not hold records yet (generated on other threads): null when nextRecord
   * can be called `count` times now; otherwise a promise that settles once it can (null), or with
   * why it never will (the run stops as on a sink's fatal result).
   */
  recordsReady?: (count: number) => Promise<SinkFatal | null> | null;
  /**
   * The wall-clock time (ms since the epoch) of the run's start: per-second partition counts are
   * then kept on whole wall-clock seconds, the seconds a time-bucket key changes on. Without it they
   * are kept on seconds since the start.
   */
  wallClockStartMs?: number;
  sink: Sink;
  clock: Clock;
  batch: BatchLimits;
  /** Batches handed to the sink and not yet answered, at most. */
  maxInFlightBatches: number;
  /** Events generated but waiting for an in-flight slot, at most; beyond it due events are dropped. */
  maxBacklogEvents: number;
  /**
   * How long a batch may take from being queued to being acked, retries included (default 120 s,
   * the Java producer's delivery.timeout.ms). A batch whose time ran out while it waited for a
   * slot fails without being sent; the sink gets what is left as its retry budget.
   */
  deliveryTimeoutMs?: number;
  /** An event sent more than this after its intended time counts as late. */
  lateThresholdMs: number;
  /** Events intended in the first warmupMs are recorded apart and excluded from the summary. */
  warmupMs: number;
  onAck?: readonly AckObserver[];
  /**
   * Records that became due only through the answers to the last sends (dead letters name their
   * failed record's offset): asked for once the schedule is done and every send answered, and sent
   * as they come until there are none. Not called when the run was stopped.
   */
  finalRecords?: () => SinkRecord[];
  /** Aborting stops scheduling; what was generated is still sent and answered before returning. */
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  progressIntervalMs?: number;
}

export interface RunOutcome {
  metrics: MetricsSnapshot;
  /** Stopped by the caller's signal. */
  interrupted: boolean;
  /** Stopped because the sink could not go on: the first fatal result's reason. */
  fatal: SinkFatal | null;
  /** From the start to the last answered send, on the runner's clock. */
  durationMs: number;
  /** When scheduling ended (ms after the start): the schedule's end, or when it was stopped; null if unthrottled. */
  scheduleEndMs: number | null;
  /** Backlog bound and peak, retries, expired batches, undelivered events per entity. */
  delivery: DeliverySnapshot;
}

export const DEFAULT_DELIVERY_TIMEOUT_MS = 120_000;

interface QueuedBatch {
  records: SinkRecord[];
  bytes: number;
  /** Its send has begun: nothing more may join it. */
  started: boolean;
  /** When it was queued (runner clock): its delivery time counts from here, as a Java producer batch's. */
  createdAtMs: number;
}

/**
 * Bounded concurrent sends: p-limit holds one job per batch, so `activeCount` is the batches in
 * flight and `pendingCount` the batches waiting for a slot (both reported as progress). A batch
 * that is still waiting takes in the next ones up to the batch limits (like Kafka's accumulator),
 * so a slow sink gets fewer, larger requests instead of a queue of small ones.
 */
class Dispatcher {
  private readonly limit: LimitFunction;
  private readonly queued: QueuedBatch[] = [];
  /** Sends begun and not yet answered; counted here so a completion is seen the moment it happens. */
  private sending = 0;
  /** Events in batches that wait for a slot (the backlog the runner bounds and reports). */
  queuedEvents = 0;
  private queuedBytes = 0;
  private waiters: (() => void)[] = [];
  observerError: unknown = undefined;
  fatal: SinkFatal | null = null;

  constructor(
    private readonly sink: Sink,
    private readonly clock: Clock,
    private readonly recorder: MetricsRecorder,
    private readonly delivery: DeliveryRecorder,
    private readonly deliveryTimeoutMs: number,
    private readonly observers: readonly AckObserver[],
    maxInFlight: number,
    private readonly limits: BatchLimits,
    /** Called once, on the first fatal result: scheduling stops. */
    private readonly onFatal: () => void,
  ) {
    this.limit = pLimit(maxInFlight);
  }

  /** Batches in flight or waiting for a slot. */
  get pendingBatches(): number {
    return this.sending + this.queued.length;
  }

  /** Batches in flight and batches waiting for a slot, as p-limit counts them. */
  get backlog(): { inFlightBatches: number; waitingBatches: number; waitingEvents: number } {
    return {
      inFlightBatches: this.limit.activeCount,
      waitingBatches: this.limit.pendingCount,
      waitingEvents: this.queuedEvents,
    };
  }

  enqueue(records: SinkRecord[], bytes: number): void {
    this.queuedEvents += records.length;
    this.queuedBytes += bytes;
    this.delivery.backlog(this.queuedEvents, this.queuedBytes);
    const tail = this.queued[this.queued.length - 1];
    if (
      tail &&
      !tail.started &&
      tail.records.length + records.length <= this.limits.maxEvents &&
      tail.bytes + bytes <= this.limits.maxBytes
    ) {
      tail.records = tail.records.concat(records);
      tail.bytes += bytes;
      return;
    }
    const batch: QueuedBatch = { records, bytes, started: false, createdAtMs: this.clock.now() };
    this.queued.push(batch);
    void this.limit(() => this.send(batch));
  }

  private async send(queued: QueuedBatch): Promise<void> {
    // p-limit starts jobs in the order they were queued: this batch is the oldest waiting one.
    queued.started = true;
    this.queued.shift();
    this.sending++;
    const batch = queued.records;
    this.queuedEvents -= batch.length;
    this.queuedBytes -= queued.bytes;
    const sentAtMs = this.clock.now();
    const leftMs = this.deliveryTimeoutMs - (sentAtMs - queued.createdAtMs);
    let result: SendResult;
    if (this.fatal) {
      // The run is stopping: what still waits is never handed over.
      result = {
        ok: false,
        error: `never sent: the run stopped (${this.fatal.code})`,
        indeterminate: false,
        unsent: true,
      };
    } else if (leftMs <= 0) {
      // Its delivery time ran out in the queue (the sink was busy retrying): failed, not written.
      this.delivery.expired(batch.length);
      result = {
        ok: false,
        error: `delivery timeout: waited more than ${this.deliveryTimeoutMs} ms for a send slot`,
        indeterminate: false,
      };
    } else {
      this.recorder.sent(batch, sentAtMs);
      try {
        result = await this.sink.send(batch, { timeoutMs: leftMs });
      } catch (err) {
        // Sinks report broker failures as results; a throw is unexpected, but still an outcome.
        result = { ok: false, error: err instanceof Error ? err.message : String(err), indeterminate: false };
      }
    }
    const doneAtMs = this.clock.now();
    this.recorder.completed(batch, result, sentAtMs, doneAtMs);
    if (!result.ok) {
      for (let i = 0; i < batch.length; i++) {
        const outcome = recordOutcome(result, i);
        if (outcome !== 'acked') this.delivery.undelivered(batch[i]!, outcome);
      }
    }
    this.delivery.retried(result.retried);
    if (!result.ok && result.fatal && this.fatal === null) {
      this.fatal = result.fatal;
      this.onFatal();
    }
    for (const observe of this.observers) {
      try {
        observe(batch, result, doneAtMs, sentAtMs);
      } catch (err) {
        this.observerError ??= err;
      }
    }
    this.sending--;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Resolves at the next answered send. */
  nextCompletion(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  async drain(): Promise<void> {
    while (this.pendingBatches > 0) await this.nextCompletion();
  }
}

export async function runLoad(opts: RunnerOptions): Promise<RunOutcome> {
  const { clock, schedule } = opts;
  if (opts.maxInFlightBatches < 1) throw new RangeError('maxInFlightBatches must be at least 1');
  const startMs = clock.now();
  const recorder = new MetricsRecorder({
    startMs,
    warmupMs: opts.warmupMs,
    lateThresholdMs: opts.lateThresholdMs,
    wallClockStartMs: opts.wallClockStartMs,
  });
  const deliveryTimeoutMs = opts.deliveryTimeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS;
  const delivery = new DeliveryRecorder(deliveryTimeoutMs, opts.maxBacklogEvents);
  // Scheduling stops on the caller's signal or on the sink's first fatal result.
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  if (opts.signal?.aborted) stop.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const signal = stop.signal;
  const dispatcher = new Dispatcher(
    opts.sink,
    clock,
    recorder,
    delivery,
    deliveryTimeoutMs,
    opts.onAck ?? [],
    opts.maxInFlightBatches,
    opts.batch,
    onAbort,
  );
  // A source that cannot go on stops scheduling; what it gave is still sent (the sink is fine).
  let sourceFatal: SinkFatal | null = null;
  const ready = opts.recordsReady;
  const recordsReady = ready
    ? (count: number) =>
        ready(count)?.then((why) => {
          if (why && sourceFatal === null) {
            sourceFatal = why;
            stop.abort();
          }
          return why;
        }) ?? null
    : undefined;
  const paced = { ...opts, signal, recordsReady };

  const stopProgress = new AbortController();
  const progressDone = opts.onProgress
    ? reportProgress(opts, recorder, dispatcher, startMs, stopProgress.signal, opts.onProgress)
    : Promise.resolve();

  let scheduleEndMs: number | null = null;
  if (schedule.kind === 'paced') {
    await runPaced(paced, schedule, startMs, recorder, dispatcher);
    scheduleEndMs = signal.aborted ? Math.min(clock.now() - startMs, schedule.durationMs) : schedule.durationMs;
  } else {
    await runUnthrottled(paced, startMs, recorder, dispatcher);
  }
  await dispatcher.drain();
  await sendFinalRecords(opts, recorder, dispatcher, signal);
  opts.signal?.removeEventListener('abort', onAbort);

  stopProgress.abort();
  await progressDone;
  if (dispatcher.observerError !== undefined) throw dispatcher.observerError;
  return {
    metrics: recorder.snapshot(),
    interrupted: opts.signal?.aborted ?? false,
    fatal: dispatcher.fatal ?? sourceFatal,
    durationMs: clock.now() - startMs,
    scheduleEndMs,
    delivery: delivery.snapshot(),
  };
}

async function runPaced(
  opts: RunnerOptions,
  schedule: PacedSchedule,
  startMs: number,
  recorder: MetricsRecorder,
  dispatcher: Dispatcher,
): Promise<void> {
  const { clock, signal, batch: limits } = opts;
  const total = schedule.totalEvents;
  // Generate at most this many events between two yields, so answers from the sink get processed.
  const chunk = Math.max(limits.maxEvents, 256);
  let open: SinkRecord[] = [];
  let openBytes = 0;
  let openSinceMs = 0;
  const flush = () => {
    if (open.length === 0) return;
    dispatcher.enqueue(open, openBytes);
    open = [];
    openBytes = 0;
  };

  let i = 0;
  while (i < total && !signal?.aborted) {
    const wait = opts.recordsReady?.(Math.min(chunk, total - i));
    if (wait) {
      await wait;
      continue;
    }
    const nowMs = clock.now();
    let generated = 0;
    while (i < total && generated < chunk) {
      const offsetMs = schedule.intendedOffsetMs(i);
      const intendedAtMs = startMs + offsetMs;
      if (intendedAtMs > nowMs) break;
      const index = i++;
      generated++;
      recorder.scheduled(intendedAtMs);
      // Open model: a sink that falls behind never slows the schedule; beyond the backlog bound
      // the event is counted as dropped instead of silently queueing.
      if (dispatcher.queuedEvents + open.length >= opts.maxBacklogEvents) {
        recorder.dropped(intendedAtMs);
        continue;
      }
      const record = opts.nextRecord(index, offsetMs);
      record.intendedAtMs = intendedAtMs;
      if (open.length === 0) openSinceMs = nowMs;
      open.push(record);
      openBytes += record.sizeBytes;
      if (open.length >= limits.maxEvents || openBytes >= limits.maxBytes) flush();
    }
    if (open.length > 0 && (i >= total || nowMs - openSinceMs >= limits.lingerMs)) flush();
    if (generated >= chunk) {
      await clock.sleepUntil(nowMs, signal);
      continue;
    }
    const nextDueMs = i < total ? startMs + schedule.intendedOffsetMs(i) : Infinity;
    const lingerDueMs = open.length > 0 ? openSinceMs + limits.lingerMs : Infinity;
    const wakeMs = Math.min(nextDueMs, lingerDueMs);
    if (wakeMs !== Infinity) await clock.sleepUntil(wakeMs, signal);
  }
  flush();
}

async function runUnthrottled(
  opts: RunnerOptions,
  startMs: number,
  recorder: MetricsRecorder,
  dispatcher: Dispatcher,
): Promise<void> {
  const { clock, signal, batch: limits, schedule } = opts;
  const total = schedule.totalEvents ?? Infinity;
  const endMs = schedule.durationMs !== undefined ? startMs + schedule.durationMs : Infinity;
  let i = 0;
  while (i < total && !signal?.aborted) {
    const nowMs = clock.now();
    if (nowMs >= endMs) break;
    if (dispatcher.pendingBatches >= opts.maxInFlightBatches) {
      await dispatcher.nextCompletion();
      continue;
    }
    const wait = opts.recordsReady?.(Math.min(limits.maxEvents, total - i));
    if (wait) {
      await wait;
      continue;
    }
    // As fast as the sink answers: a full batch whenever a slot is free; "intended" = generated.
    const batch: SinkRecord[] = [];
    let bytes = 0;
    while (i < total && batch.length < limits.maxEvents && bytes < limits.maxBytes) {
      recorder.scheduled(nowMs);
      const record = opts.nextRecord(i, nowMs - startMs);
      record.intendedAtMs = nowMs;
      batch.push(record);
      bytes += record.sizeBytes;
      i++;
    }
    dispatcher.enqueue(batch, bytes);
    // Let answers and timers run between batches.
    await clock.sleepUntil(nowMs, signal);
  }
}

async function sendFinalRecords(
  opts: RunnerOptions,
  recorder: MetricsRecorder,
  dispatcher: Dispatcher,
  signal: AbortSignal,
): Promise<void> {
  if (!opts.finalRecords) return;
  for (let records = opts.finalRecords(); records.length > 0 && !signal.aborted; records = opts.finalRecords()) {
    // Not part of the schedule (the target rate stays the schedule's): sent and acked like the rest.
    const nowMs = opts.clock.now();
    for (const r of records) r.intendedAtMs = nowMs;
    // Batch limits still hold: a long tail goes out in several batches.
    for (let i = 0; i < records.length; i += opts.batch.maxEvents) {
      const part = records.slice(i, i + opts.batch.maxEvents);
      dispatcher.enqueue(
        part,
        part.reduce((n, r) => n + r.sizeBytes, 0),
      );
    }
    await dispatcher.drain();
  }
}

async function reportProgress(
  opts: RunnerOptions,
  recorder: MetricsRecorder,
  dispatcher: Dispatcher,
  startMs: number,
  stop: AbortSignal,
  onProgress: (p: Progress) => void,
): Promise<void> {
  const intervalMs = opts.progressIntervalMs ?? 1_000;
  let nextMs = startMs + intervalMs;
  let lastAcked = 0;
  let lastMs = startMs;
  while (!stop.aborted) {
    await opts.clock.sleepUntil(nextMs, stop);
    if (stop.aborted) break;
    const nowMs = opts.clock.now();
    const live = recorder.live(nowMs);
    const targetRatePerSec = opts.schedule.kind === 'paced' ? opts.schedule.targetRateAt(nowMs - startMs) : undefined;
    const ackedRatePerSec = ((live.acked - lastAcked) * 1_000) / Math.max(1, nowMs - lastMs);
    onProgress({ ...live, ...dispatcher.backlog, targetRatePerSec, ackedRatePerSec });
    lastAcked = live.acked;
    lastMs = nowMs;
    nextMs += intervalMs;
  }
}
