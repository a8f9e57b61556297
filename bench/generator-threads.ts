// Generation on worker threads (`generator.threads`): records handed to the runner per wall-clock
// second when the main thread generates them (0 worker threads) and when 1 or 2 worker threads do,
// the main thread only taking them (unpacking each chunk) as the runner would. No Kafka: this is
// what the generation side can feed a producer. Rounds alternate (0, 1, 2, 0, 1, 2, …) in one
// process; each round starts its threads first and times only the records (thread start-up and
// world building excluded, as a run starts them before its clock). Figures are medians.
//
// `npx tsx bench/generator-threads.ts [--records N] [--rounds R]` prints one JSON line.
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { generationOf, startGenerationThreads } from '../src/app/generation.js';
import { prepareRun } from '../src/app/prepare.js';
import { createRecordSource, recordSourceOf } from '../src/app/record-source.js';
import { TOPICS } from '../src/catalog/topics.js';
import { worldFromConfig } from '../src/generators/index.js';
import { createEncoder } from '../src/records/encode.js';
import { ScenarioSchema } from '../src/scenarios/schema.js';
import { median } from './stats.js';

export interface GenerationThreadsFigures {
  /** Worker threads (0: the main thread generates). */
  threads: number;
  /** Records handed to the runner per wall-clock second, median over rounds. */
  recordsPerSec: number;
  rounds: number[];
}

export const GENERATION_THREADS_METHOD =
  'generation threads: the throughput scenario’s world (7 domain topics, default mix), records handed to the runner per ' +
  'wall-clock second with 0 (main thread), 1 and 2 worker threads; rounds alternate in one process, thread start-up ' +
  'excluded; medians. No Kafka.';

function prepared() {
  const scenario = ScenarioSchema.parse({
    description: 'bench',
    world: { seed: 42 },
    load: { executor: 'unthrottled', count: 1_000_000 },
    topics: 'domain',
  });
  return prepareRun({ scenario: { name: 'bench', scenario }, runId: 'bench-threads', prefix: 'b.' });
}

/** Seconds to take `records` records with `threads` worker threads (0: on this thread). */
async function round(threads: number, records: number): Promise<number> {
  const p = prepared();
  const partitions = new Map<string, number>(TOPICS.map((t) => [t.name, t.partitions]));
  if (threads === 0) {
    const source = createRecordSource({
      ...recordSourceOf(p, partitions),
      world: worldFromConfig(p.world, { runId: p.runId }),
      encode: createEncoder({ runId: p.runId, prefix: p.prefix, partitions }),
    });
    const t0 = performance.now();
    let bytes = 0;
    for (let i = 0; i < records; i++) bytes += source.next(0).sizeBytes;
    if (bytes === 0) throw new Error('no bytes');
    return (performance.now() - t0) / 1_000;
  }
  const generation = await startGenerationThreads(generationOf(p, threads, partitions));
  const source = generation.source(Date.now());
  try {
    const t0 = performance.now();
    let bytes = 0;
    for (let taken = 0; taken < records;) {
      const want = Math.min(1_000, records - taken);
      const wait = source.recordsReady(want);
      if (wait) {
        const fatal = await wait;
        if (fatal) throw new Error(fatal.message);
      }
      for (let i = 0; i < want; i++) bytes += source.next().sizeBytes;
      taken += want;
    }
    if (bytes === 0) throw new Error('no bytes');
    return (performance.now() - t0) / 1_000;
  } finally {
    await source.close();
  }
}

export async function runGenerationThreadsBench(
  records = 300_000,
  rounds = 3,
  counts: readonly number[] = [0, 1, 2],
): Promise<GenerationThreadsFigures[]> {
  const rates = new Map<number, number[]>(counts.map((c) => [c, []]));
  // A short warm-up round per count, so the JIT has compiled the main thread's side of each.
  for (const c of counts) await round(c, Math.min(20_000, records));
  for (let r = 0; r < rounds; r++) {
    for (const c of counts) rates.get(c)!.push(Math.round(records / (await round(c, records))));
  }
  return counts.map((threads) => ({
    threads,
    recordsPerSec: Math.round(median(rates.get(threads)!)),
    rounds: rates.get(threads)!,
  }));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { records: { type: 'string' }, rounds: { type: 'string' } } });
  const figures = await runGenerationThreadsBench(Number(values.records ?? 300_000), Number(values.rounds ?? 3));
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}
