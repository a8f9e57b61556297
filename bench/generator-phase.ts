// Generator phase of `npm run bench`: runGeneratorBench (default and order-heavy mix), events
// generated + serialized into record value bytes per second on one core, no Kafka, next to
// generation alone and serialization alone, per wall-clock second and per CPU-second.
import { DEFAULT_BENCH_MIXES, runGeneratorBench } from './generator.js';
import type { GeneratorFigures } from './results.js';
import { runGenerationThreadsBench, type GenerationThreadsFigures } from './generator-threads.js';

/** Issue 6's target, restated by issue 14: generation + serialization, one core. */
export const GENERATOR_TARGET_EV_PER_SEC = 300_000;

const int = (n: number) => n.toLocaleString('en-US');

export async function runGeneratorPhase(events: number, log: (line: string) => void): Promise<GeneratorFigures[]> {
  // Warm-up and chunks scaled down with the count, so --smoke stays a few seconds.
  const result = await runGeneratorBench({
    events,
    warmupEvents: Math.min(30_000, Math.ceil(events / 10)),
    chunkEvents: Math.min(25_000, Math.max(1_000, Math.ceil(events / 4))),
    mixes: DEFAULT_BENCH_MIXES,
  });
  return result.results.map((r) => {
    const d = r.details;
    log(
      `generator ${r.mix}: ${int(r.eventsPerSec)} ev/s, ${int(d.eventsPerCpuSec)} ev/CPU-s ` +
        `(generation alone ${int(d.generateOnlyEventsPerSec)} ev/s, ${int(d.generateOnlyEventsPerCpuSec)} ev/CPU-s; ` +
        `serialization alone ${int(d.serializeOnlyEventsPerSec)} ev/s, ${int(d.serializeOnlyEventsPerCpuSec)} ev/CPU-s)`,
    );
    return { mix: r.mix, events: r.events, eventsPerSec: r.eventsPerSec, details: { ...d } };
  });
}

/** Records handed to the runner per second with 0, 1 and 2 generation threads (3 rounds; 1 for --smoke). */
export async function runGenerationThreadsPhase(
  events: number,
  log: (line: string) => void,
): Promise<GenerationThreadsFigures[]> {
  const figures = await runGenerationThreadsBench(events, events >= 100_000 ? 3 : 1);
  const main = figures[0]!.recordsPerSec;
  for (const f of figures)
    log(
      `generation ${f.threads === 0 ? 'on the main thread' : `on ${f.threads} worker thread(s)`}: ${int(f.recordsPerSec)} records/s` +
        (f.threads === 0 ? '' : ` (${(f.recordsPerSec / main).toFixed(2)}× the main thread's)`) +
        `; rounds ${f.rounds.map(int).join(', ')}`,
    );
  return figures;
}
