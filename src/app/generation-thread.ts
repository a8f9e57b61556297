// Entry of a generation thread (started by generation.ts): its shard of the world, encoded and
// serialized as on the main thread (createWorldRecords), handed over in chunks on credit.
import { parentPort, workerData } from 'node:worker_threads';
import { worldFromConfig } from '../generators/index.js';
import { createEncoder } from '../records/encode.js';
import { CARRIED, packRecords, packedTransferList } from '../sinks/packed-records.js';
import type { SinkRecord } from '../sinks/types.js';
import { eventTimes, type EventTimes } from './event-time.js';
import {
  mergedIndex,
  threadShard,
  type FromGenerationThread,
  type GenerationThreadData,
  type ToGenerationThread,
} from './generation.js';
import { buildSchedule } from './prepare.js';
import { createWorldRecords, type DeadLetterCandidate, type WorldRecords } from './record-source.js';

const port = parentPort!;
const post = (m: FromGenerationThread, transfer?: ArrayBuffer[]) => port.postMessage(m, transfer);
const d = (workerData as { generation: GenerationThreadData }).generation;

function main(): void {
  const partitions = new Map(d.partitions);
  const world = worldFromConfig(d.world, {
    runId: d.runId,
    shard: threadShard(d.shard, d.thread, d.threads),
    timeScale: d.time.timeScale,
  });
  const encode = createEncoder({
    runId: d.runId,
    prefix: d.prefix,
    partitions,
    keys: d.keys,
    // The sc-shard header names the process's shard of a sharded run; the threads are internal.
    shard: d.shard,
    minTimestampMs: d.time.minTimestampMs,
  });
  const schedule = buildSchedule(d.scheduleSpec);
  /** Where this thread's record j lands in the merged stream. */
  const merged = (j: number) => mergedIndex(j, d.thread, d.threads, d.chunkRecords);

  // The report's time tally, counted here as on one thread (every event encoded), and read after
  // each record handed over: the main thread adopts the state at the last record it took.
  let times: EventTimes | undefined;
  let deadLetters: DeadLetterCandidate[] = [];
  let stream: WorldRecords | undefined;
  let wallClockStartMs = 0;
  let handed = 0;
  let credits = 0;
  let generating = false;

  const start = (startMs: number) => {
    wallClockStartMs = startMs;
    const t = (times = eventTimes(d.time, startMs));
    stream = createWorldRecords(
      {
        world,
        encode: t.tally(encode),
        at: (position, offsetMs) => t.at(merged(position), offsetMs),
        runId: d.runId,
        prefix: d.prefix,
        topics: d.topics,
        partitions,
        pathologies: d.pathologies,
        shard: d.shard,
        minTimestampMs: d.time.minTimestampMs,
      },
      (c) => deadLetters.push(c),
    );
  };

  // A live run's record takes the intended time of its place in the merged stream (as on one
  // thread); an unthrottled run's, the time it was generated.
  const offsetOf = (j: number) =>
    schedule.kind === 'paced'
      ? schedule.intendedOffsetMs(Math.min(merged(j), Math.max(0, schedule.totalEvents - 1)))
      : Date.now() - wallClockStartMs;

  const generate = () => {
    generating = false;
    if (credits === 0 || stream === undefined || times === undefined) return;
    credits--;
    const records = new Array<SinkRecord>(d.chunkRecords);
    // Per record: the last event instant and the clamped count so far (the thread's first instant
    // goes with the chunk). Every record follows at least one encoded event, so lastMs is set.
    const tallies = new Float64Array(d.chunkRecords * CARRIED);
    const tallied = times.tallied;
    for (let i = 0; i < d.chunkRecords; i++) {
      records[i] = stream.next(offsetOf(handed++));
      tallies[i * CARRIED] = tallied.lastMs ?? Number.NaN;
      tallies[i * CARRIED + 1] = tallied.clamped;
    }
    const packed = packRecords(records, tallies);
    post({ kind: 'chunk', packed, firstMs: tallied.firstMs, deadLetters }, packedTransferList(packed));
    deadLetters = [];
    generateSoon();
  };
  // One chunk per turn of the event loop, so credits and partition raises are read between chunks.
  const generateSoon = () => {
    if (credits > 0 && !generating) {
      generating = true;
      setImmediate(generate);
    }
  };

  port.on('message', (m: ToGenerationThread) => {
    switch (m.kind) {
      case 'start':
        start(m.wallClockStartMs);
        credits += m.credits;
        generateSoon();
        break;
      case 'credit':
        credits++;
        generateSoon();
        break;
      case 'partitions':
        for (const [topic, count] of m.raised) partitions.set(topic, count);
        break;
      case 'crash':
        throw new Error('crash requested by a test');
    }
  });
  post({ kind: 'ready' });
}

try {
  main();
} catch (err) {
  post({ kind: 'failed', message: err instanceof Error ? err.message : String(err) });
}
