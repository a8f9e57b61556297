// The run's record source when the world is generated on worker threads (`generator.threads`):
// thread k of N generates the world's shard k of N — exactly as the pods of a sharded run split it
// (its own population, seed and id stamp; every entity lives in one thread, so per-entity order and
// references hold) — encodes and serializes its records, and hands them over in chunks of
// CHUNK_RECORDS as a few transferred buffers (sinks/packed-records.ts). The main thread keeps the
// runner, the producer, the dead letters (they need acks) and the heartbeats (they need the clock).
//
// Chunks are taken strictly in turn (thread 0, 1, …, N-1, 0, …), so the same seed and thread count
// give the same stream whatever the threads' speeds, and every thread knows where each of its
// records lands in it: its backfill time and its live intended time are those of that place.
// Each thread works at most DEPTH chunks ahead (credits), which bounds memory.
import { availableParallelism, loadavg } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { ScSimError } from '../errors.js';
import type { WorldConfig } from '../generators/index.js';
import type { KeyStrategies } from '../records/encode.js';
import { MAX_GENERATOR_THREADS } from '../scenarios/index.js';
import { CARRIED, packedCount, unpackRecords, type PackedRecords } from '../sinks/packed-records.js';
import { startTsWorker, workerClock } from '../sinks/ts-worker.js';
import type { SinkFatal, SinkRecord, ThreadClock } from '../sinks/types.js';
import type { Tallied } from './event-time.js';
import type { PreparedRun, PreparedTime, ScheduleSpec, Shard } from './prepare.js';
import {
  createRunRecords,
  recordSourceOf,
  type DeadLetterCandidate,
  type RecordSource,
  type RecordSourceOptions,
} from './record-source.js';

/** Records per chunk: big enough that a hand-over costs little per record, small enough to start fast. */
export const CHUNK_RECORDS = 1_000;
/** Chunks a thread may have generated and not yet handed out. */
const DEPTH = 3;
/** How long a generation thread may take to start (load the code, build its world) before the run gives up. */
const START_TIMEOUT_MS = 60_000;

/**
 * What a generation thread needs to build its part of the stream: the run's generation settings as
 * plain data (they cross threads), which thread it is, and the chunk size.
 */
export type GenerationThreadData = Omit<GenerationThreadsOptions, 'instanceId' | 'nowMs'> & {
  thread: number;
  chunkRecords: number;
};

/** Main thread → generation thread. */
export type ToGenerationThread =
  | { kind: 'start'; wallClockStartMs: number; credits: number }
  | { kind: 'credit' }
  /** Partition counts raised during the run (logical topic, count): keys hash over them from now on. */
  | { kind: 'partitions'; raised: [string, number][] }
  | { kind: 'crash' };

/** Generation thread → main thread. */
export type FromGenerationThread =
  | { kind: 'ready' }
  /** firstMs: the thread's first event instant (its time tally's; each record carries the rest). */
  | { kind: 'chunk'; packed: PackedRecords; firstMs: number | null; deadLetters: DeadLetterCandidate[] }
  | { kind: 'failed'; message: string };

/** The part of the stream thread `thread` of `threads` generates: shard thread of threads of this process's part. */
export function threadShard(shard: Shard | undefined, thread: number, threads: number): Shard {
  const outer = shard ?? { index: 0, count: 1 };
  return { index: outer.index * threads + thread, count: outer.count * threads };
}

/**
 * Where record `j` of thread `thread` lands in the merged stream, when chunks of `chunk` records
 * are taken in turn from `threads` threads. Positions may be fractional (a backfill's running
 * position): the formula is applied to the whole and the fraction kept.
 */
export function mergedIndex(j: number, thread: number, threads: number, chunk: number): number {
  const round = Math.floor(j / chunk);
  return round * chunk * threads + thread * chunk + (j - round * chunk);
}

/** How many threads generate the world, and why: the scenario's number, or what `auto` found. */
export function generatorThreads(setting: number | 'auto'): { threads: number; why: string } {
  return setting === 'auto' ? autoThreads() : { threads: setting, why: `generator.threads: ${setting}` };
}

/** `generator.threads: auto`: the cores free now (all of them less the load average), less the main thread's. */
export function autoThreads(cores = availableParallelism(), load1 = loadavg()[0]!): { threads: number; why: string } {
  const free = Math.max(0, Math.floor(cores - load1));
  const threads = Math.min(MAX_GENERATOR_THREADS, Math.max(0, free - 1));
  return {
    threads,
    why:
      free > 1
        ? `auto: ${cores} cores, load ${load1.toFixed(1)} → ${free} free, one of them kept for the main thread`
        : `auto: ${cores} cores, load ${load1.toFixed(1)} → ${free} free, none to spare beside the main thread`,
  };
}

export interface GenerationThreadsOptions extends Omit<RecordSourceOptions, 'world' | 'encode' | 'at'> {
  threads: number;
  world: WorldConfig & { seed: number };
  keys: KeyStrategies;
  time: PreparedTime;
  scheduleSpec: ScheduleSpec;
  /** Partition counts the run follows (raised in place during the run): passed on to the threads. */
  partitions: ReadonlyMap<string, number>;
}

/** The generation threads' settings for a prepared run. */
export function generationOf(
  prepared: PreparedRun,
  threads: number,
  partitions: ReadonlyMap<string, number>,
): GenerationThreadsOptions {
  return {
    ...recordSourceOf(prepared, partitions),
    threads,
    world: prepared.world,
    keys: prepared.scenario.keys,
    time: prepared.time,
    scheduleSpec: prepared.scheduleSpec,
  };
}

/** The record source of a run generated on threads, with what a run needs of the threads themselves. */
export interface ThreadedRecordSource extends RecordSource {
  /** For the runner: null when `count` records can be taken now, else a promise (see RunnerOptions.recordsReady). */
  recordsReady(count: number): Promise<SinkFatal | null> | null;
  /**
   * The report's time tally as of the last record taken: as on one thread, every event the threads
   * encoded up to it (also those of topics the run does not write), not the ones generated ahead.
   */
  tallied(): Tallied;
  /** Each generation thread's event loop clock (for the report's `threads`), null for one that ended. */
  threadClocks(): (ThreadClock | null)[];
  close(): Promise<void>;
  /** Test hook: generation thread `k` throws. */
  crashForTest(k: number): void;
}

interface Received {
  packed: PackedRecords;
  firstMs: number | null;
  deadLetters: DeadLetterCandidate[];
}

/** Starts `threads` generation threads and waits until each has built its world. */
export async function startGenerationThreads(o: GenerationThreadsOptions): Promise<GenerationThreads> {
  // The heartbeats' instance id and clock stay here (a function cannot cross to a thread).
  const { instanceId: _instanceId, nowMs: _nowMs, ...plain } = o;
  const workers: Worker[] = [];
  for (let k = 0; k < o.threads; k++) {
    const data: GenerationThreadData = {
      ...plain,
      thread: k,
      chunkRecords: CHUNK_RECORDS,
      // A copy: the main thread's map is raised in place, and the threads hear of raises by message.
      partitions: new Map(o.partitions),
    };
    workers.push(startTsWorker(new URL('./generation-thread.ts', import.meta.url), { generation: data }));
  }
  const started = workers.map(
    (w, k) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`generation thread ${k + 1} did not start within ${START_TIMEOUT_MS / 1_000} s`)),
          START_TIMEOUT_MS,
        );
        const settle = (err?: Error) => {
          clearTimeout(timer);
          w.off('message', onMessage);
          w.off('error', settle);
          w.off('exit', onExit);
          if (err) reject(err);
          else resolve();
        };
        const onMessage = (m: FromGenerationThread) =>
          m.kind === 'ready' ? settle() : settle(new Error(m.kind === 'failed' ? m.message : `unexpected ${m.kind}`));
        const onExit = (code: number) => settle(new Error(`generation thread ${k + 1} exited with code ${code}`));
        w.on('message', onMessage);
        w.once('error', settle);
        w.once('exit', onExit);
      }),
  );
  try {
    await Promise.all(started);
  } catch (err) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw new ScSimError('E_GENERATOR_CRASHED', `the generation threads did not start: ${(err as Error).message}`, {
      hint: 'run with generator.threads: 0 (or --generator-threads 0) to generate on the main thread, and report this with the scenario',
    });
  }
  return new GenerationThreads(workers, o);
}

export class GenerationThreads {
  private readonly queues: Received[][];
  private readonly exited: boolean[];
  private turn = 0;
  private current: SinkRecord[] = [];
  /** The current chunk's thread, and per record its tally (CARRIED numbers: last instant, clamped so far). */
  private currentThread = 0;
  private currentTallies: Float64Array = new Float64Array(0);
  private head = 0;
  /** The merged tally: the first chunk's first instant, the last record's instant, each thread's clamped count. */
  private firstMs: number | null = null;
  private lastMs: number | null = null;
  private readonly clampedOf: number[];
  private waiting: { count: number; resolve: (why: SinkFatal | null) => void } | null = null;
  private failure: SinkFatal | null = null;
  private closing = false;
  private readonly sentPartitions: Map<string, number>;

  constructor(
    private readonly workers: Worker[],
    private readonly o: GenerationThreadsOptions,
  ) {
    this.queues = workers.map(() => []);
    this.exited = workers.map(() => false);
    this.clampedOf = workers.map(() => 0);
    this.sentPartitions = new Map(o.partitions);
    workers.forEach((w, k) => {
      w.on('message', (m: FromGenerationThread) => {
        if (m.kind === 'chunk') {
          this.queues[k]!.push({ packed: m.packed, firstMs: m.firstMs, deadLetters: m.deadLetters });
          this.check();
        } else if (m.kind === 'failed') this.fail(k, m.message);
      });
      w.on('error', (err) => this.fail(k, err.message));
      w.on('exit', (code) => {
        this.exited[k] = true;
        if (!this.closing) this.fail(k, `it exited with code ${code}`);
      });
    });
  }

  /** Sends `start`: from now on the threads generate (live event times count from wallClockStartMs). */
  source(wallClockStartMs: number): ThreadedRecordSource {
    for (const w of this.workers)
      w.postMessage({ kind: 'start', wallClockStartMs, credits: DEPTH } satisfies ToGenerationThread);
    const run = createRunRecords(this.o);
    return {
      next: () => run.due() ?? this.take(run.expect),
      onAck: run.onAck,
      wantsProgress: run.wantsProgress,
      finalRecords: run.finalRecords,
      onProgress: (p) => run.onProgress(p),
      recordsReady: (count) => this.recordsReady(count),
      tallied: () => ({
        firstMs: this.firstMs,
        lastMs: this.lastMs,
        clamped: this.clampedOf.reduce((sum, n) => sum + n, 0),
      }),
      threadClocks: () => this.workers.map((w, k) => (this.exited[k] ? null : workerClock(w))),
      close: () => this.close(),
      crashForTest: (k) => this.workers[k]!.postMessage({ kind: 'crash' } satisfies ToGenerationThread),
    };
  }

  /** Records that can be taken now without waiting: the current chunk's, then the chunks ready in turn. */
  private available(): number {
    let n = this.current.length - this.head;
    const threads = this.workers.length;
    for (let step = 0; ; step++) {
      const queue = this.queues[(this.turn + step) % threads]!;
      if (queue.length <= Math.floor(step / threads)) return n;
      n += packedCount(queue[Math.floor(step / threads)]!.packed);
    }
  }

  private recordsReady(count: number): Promise<SinkFatal | null> | null {
    if (this.failure) return Promise.resolve(this.failure);
    if (this.available() >= count) return null;
    return new Promise((resolve) => {
      this.waiting = { count, resolve };
    });
  }

  private check(): void {
    const w = this.waiting;
    if (w === null) return;
    if (this.failure) {
      this.waiting = null;
      w.resolve(this.failure);
    } else if (this.available() >= w.count) {
      this.waiting = null;
      w.resolve(null);
    }
  }

  private fail(k: number, why: string): void {
    this.failure ??= {
      code: 'E_GENERATOR_CRASHED',
      // Numbered from 1, as the report's threads line names them (generator 1, 2, …).
      message: `generation thread ${k + 1} stopped: ${why}`,
      hint: 'this is a bug in sc-sim; re-run with generator.threads: 0 (or --generator-threads 0) to generate on the main thread, and report it with the scenario and seed',
    };
    this.check();
  }

  private take(expect: (c: DeadLetterCandidate) => void): SinkRecord {
    if (this.head >= this.current.length) this.advance(expect);
    const i = this.head++;
    const lastMs = this.currentTallies[i * CARRIED]!;
    if (!Number.isNaN(lastMs)) this.lastMs = lastMs;
    this.clampedOf[this.currentThread] = this.currentTallies[i * CARRIED + 1]!;
    return this.current[i]!;
  }

  private advance(expect: (c: DeadLetterCandidate) => void): void {
    const k = this.turn;
    const received = this.queues[k]!.shift();
    // The runner asks recordsReady first: taking a record that is not there is a bug, not a wait.
    if (received === undefined)
      throw new Error(`generation: no chunk from thread ${k} (the runner must wait for recordsReady)`);
    const { records, carried } = unpackRecords(received.packed);
    this.current = records;
    this.currentTallies = carried;
    this.currentThread = k;
    this.head = 0;
    // Chunks are taken in turn from thread 0: the first one taken holds the stream's first event.
    this.firstMs ??= received.firstMs;
    for (const c of received.deadLetters) expect(c);
    this.turn = (k + 1) % this.workers.length;
    const raised = this.raisedPartitions();
    if (raised)
      for (const w of this.workers) w.postMessage({ kind: 'partitions', raised } satisfies ToGenerationThread);
    this.workers[k]!.postMessage({ kind: 'credit' } satisfies ToGenerationThread);
  }

  /** Partition counts raised since the threads last heard (the run follows raises in place). */
  private raisedPartitions(): [string, number][] | undefined {
    let raised: [string, number][] | undefined;
    for (const [topic, count] of this.o.partitions) {
      if (this.sentPartitions.get(topic) !== count) {
        this.sentPartitions.set(topic, count);
        (raised ??= []).push([topic, count]);
      }
    }
    return raised;
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
