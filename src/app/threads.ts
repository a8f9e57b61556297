// How many threads a run used and how busy each was: the event loop utilization of the main thread
// (the world, JSON, the runner and, by default, the producer) and of the producer's worker thread
// when it has one (`producer.worker`), and the process's CPU time over the wall clock — the cores
// it kept busy, the JavaScript threads plus libuv's pool (gzip) and V8's garbage collector.
import { performance } from 'node:perf_hooks';
import type { Sink, ThreadClock } from '../sinks/types.js';
import type { ThreadsReport } from '../report/types.js';

export interface ThreadMeter {
  /** What the threads did since start(); call it before the sink closes (its worker goes with it). */
  stop(): ThreadsReport;
}

/** Cumulative active and idle ms of one thread's event loop. */
function mainThreadClock(): ThreadClock {
  const { active, idle } = performance.eventLoopUtilization();
  return { activeMs: active, idleMs: idle };
}

const busy = (a: ThreadClock, b: ThreadClock): number => {
  const active = b.activeMs - a.activeMs;
  const all = active + (b.idleMs - a.idleMs);
  return all <= 0 ? 0 : Math.min(1, Math.max(0, active / all));
};

/** The run's generation threads (generation.ts): none when the main thread generates the world. */
export interface GenerationMeter {
  /** How many, and how the number was chosen (`auto: …`, or the scenario's). */
  chosen: { threads: number; why: string };
  /** Each generation thread's clock, null for one that ended; empty when there are none. */
  clocks(): (ThreadClock | null)[];
}

export function startThreadMeter(
  sink: Sink,
  generation: GenerationMeter,
  nowMs: () => number = () => performance.now(),
): ThreadMeter {
  const startedMs = nowMs();
  const cpu = process.cpuUsage();
  const main = mainThreadClock();
  const producer = sink.producerThread?.() ?? null;
  const generators = generation.clocks();
  const count = generators.length;
  return {
    stop() {
      const wallMs = Math.max(1, nowMs() - startedMs);
      const used = process.cpuUsage(cpu);
      const world = count > 0 ? 'runner, dead letters, heartbeats' : 'world, JSON, keys, runner';
      const threads: ThreadsReport['threads'] = [
        {
          thread: 'main',
          does: producer ? world : `${world}, producer`,
          busy: busy(main, mainThreadClock()),
        },
      ];
      generation.clocks().forEach((now, k) => {
        const then = generators[k];
        if (then && now)
          threads.push({
            thread: `generator ${k + 1}`,
            does: count === 1 ? 'world, JSON, keys' : `world shard ${k + 1}/${count}, JSON, keys`,
            busy: busy(then, now),
          });
      });
      const producerNow = producer && sink.producerThread?.();
      if (producer && producerNow)
        threads.push({
          thread: 'producer',
          does: 'record batches, CRC, compression, Kafka client',
          busy: busy(producer, producerNow),
        });
      return {
        threads,
        generatorThreads: generation.chosen,
        cpuCores: (used.user + used.system) / 1_000 / wallMs,
        note: 'busy = event loop utilization of each JavaScript thread; cpuCores = the process CPU time (every thread, GC and libuv pool included) over the wall clock',
      };
    },
  };
}
