import { afterEach, describe, expect, it } from 'vitest';
import { eventTimes, type Tallied } from '../../../src/app/event-time.js';
import {
  autoThreads,
  generationOf,
  generatorThreads,
  mergedIndex,
  startGenerationThreads,
  threadShard,
  type ThreadedRecordSource,
} from '../../../src/app/generation.js';
import { prepareRun } from '../../../src/app/prepare.js';
import { createRecordSource, recordSourceOf } from '../../../src/app/record-source.js';
import { TOPICS } from '../../../src/catalog/topics.js';
import { worldFromConfig } from '../../../src/generators/index.js';
import { createEncoder } from '../../../src/records/encode.js';
import { ScenarioSchema } from '../../../src/scenarios/schema.js';
import type { SinkFatal, SinkRecord } from '../../../src/sinks/types.js';

const population = { users: 300, suppliers: 20, communities: 15, products: 150, promotions: 20, posts: 80 };
const START_MS = Date.parse('2026-12-01T12:00:00Z');

function prepared(topics: unknown = 'all') {
  const scenario = ScenarioSchema.parse({
    description: 'generation threads',
    world: { seed: 11, population },
    load: { executor: 'unthrottled', count: 20_000 },
    time: { mode: 'backfill', history: '1d' },
    topics,
  });
  return prepareRun({ scenario: { name: 'gen', scenario }, runId: 'run-gen', prefix: 'p.' }, new Date(START_MS));
}

const partitionsOf = () => new Map(TOPICS.map((t) => [t.name as string, t.partitions]));

const open: ThreadedRecordSource[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function threaded(threads: number, topics?: unknown, partitions = partitionsOf()) {
  const p = prepared(topics);
  const generation = await startGenerationThreads(generationOf(p, threads, partitions));
  const source = generation.source(START_MS);
  open.push(source);
  return { source };
}

/** `n` records from a threaded source, waiting for them as the runner does. */
async function take(source: ThreadedRecordSource, n: number): Promise<SinkRecord[]> {
  const out: SinkRecord[] = [];
  while (out.length < n) {
    const want = Math.min(500, n - out.length);
    const wait = source.recordsReady(want);
    if (wait && (await wait) !== null) throw new Error('the source failed');
    for (let i = 0; i < want; i++) out.push(source.next());
  }
  return out;
}

/** `n` records as the main thread generates them for the same run, and its time tally after them. */
function onMainThread(n: number, topics?: unknown): { records: SinkRecord[]; tallied: Tallied } {
  const p = prepared(topics);
  const partitions = partitionsOf();
  const times = eventTimes(p.time, START_MS);
  const source = createRecordSource({
    ...recordSourceOf(p, partitions),
    world: worldFromConfig(p.world, { runId: p.runId, timeScale: p.time.timeScale }),
    encode: times.tally(createEncoder({ runId: p.runId, prefix: p.prefix, partitions, keys: p.scenario.keys })),
    at: times.at,
  });
  const records = Array.from({ length: n }, () => source.next(0));
  return { records, tallied: { ...times.tallied } };
}

const bytes = (r: SinkRecord) => [
  r.topic,
  r.partition,
  r.key?.toString('utf8') ?? null,
  Buffer.isBuffer(r.value) ? r.value.toString('utf8') : r.value,
  r.headers,
  r.timestampMs,
  r.eventId,
  r.entityId,
  r.sequence,
  r.actorId,
];
const envelope = (r: SinkRecord) =>
  JSON.parse(r.value.toString()) as { event_id: string; entity_type: string; entity_id: string; sequence: number };

describe('where a thread’s records go', () => {
  it('merges chunks in turn: thread k’s record j lands at round·chunk·threads + k·chunk + j mod chunk', () => {
    expect([0, 1, 999, 1_000, 1_001].map((j) => mergedIndex(j, 0, 2, 1_000))).toEqual([0, 1, 999, 2_000, 2_001]);
    expect([0, 999, 1_000].map((j) => mergedIndex(j, 1, 2, 1_000))).toEqual([1_000, 1_999, 3_000]);
    // One thread: its stream is the merged stream.
    expect([0, 5, 12_345].map((j) => mergedIndex(j, 0, 1, 1_000))).toEqual([0, 5, 12_345]);
  });

  it('splits this process’s shard again: thread k of N in shard i of M is shard i·N + k of M·N', () => {
    expect(threadShard(undefined, 1, 2)).toEqual({ index: 1, count: 2 });
    expect(threadShard({ index: 2, count: 3 }, 1, 4)).toEqual({ index: 9, count: 12 });
    expect(threadShard(undefined, 0, 1)).toEqual({ index: 0, count: 1 });
  });

  it('auto takes the free cores less the main thread’s, 0 when none is free, at most 16', () => {
    expect(autoThreads(2, 3.2).threads).toBe(0);
    expect(autoThreads(2, 0.1).threads).toBe(0);
    expect(autoThreads(4, 0.5).threads).toBe(2);
    expect(autoThreads(64, 0).threads).toBe(16);
    expect(autoThreads(8, 1.9).why).toBe('auto: 8 cores, load 1.9 → 6 free, one of them kept for the main thread');
    expect(autoThreads(2, 1.1).why).toBe('auto: 2 cores, load 1.1 → 0 free, none to spare beside the main thread');
    expect(generatorThreads(3)).toEqual({ threads: 3, why: 'generator.threads: 3' });
  });
});

describe('generation threads', () => {
  it('one worker thread writes the very records the main thread writes, and the same time tally (all 32 topics, backfill)', async () => {
    const { source } = await threaded(1);
    // Not a whole number of chunks: the tally is the one at the last record taken, not at the chunk's end.
    const fromThread = await take(source, 6_500);
    const fromMain = onMainThread(6_500);
    expect(fromThread.map(bytes)).toEqual(fromMain.records.map(bytes));
    expect(new Set(fromThread.map((r) => r.logicalTopic)).size).toBeGreaterThan(20);
    expect(source.tallied()).toEqual(fromMain.tallied);
    expect(fromMain.tallied.firstMs).not.toBeNull();
  });

  it('counts the events of topics the run does not write, as the main thread does (a derived-only run)', async () => {
    const topics = ['sc.proj.consumer.user-cards'];
    const { source } = await threaded(1, topics);
    const fromThread = await take(source, 1_500);
    const fromMain = onMainThread(1_500, topics);
    expect(fromThread.map(bytes)).toEqual(fromMain.records.map(bytes));
    // Before, only records with an event of their own were counted here: first and last were null.
    expect(fromMain.tallied.firstMs).not.toBeNull();
    expect(source.tallied()).toEqual(fromMain.tallied);
  });

  // Each test starts its own threads (a worker boots tsx and the generators: ~1 s, more under load),
  // so one pair of sources serves several checks.
  it('two threads: the same stream for the same seed, unique ids, per-entity order, shards in turn, placed in the backfill by merged position; raised partition counts reach the threads', async () => {
    const partitions = partitionsOf();
    const first = await threaded(2, 'domain');
    const second = await threaded(2, 'domain', partitions);
    const a = await take(first.source, 8_000);
    const b = await take(second.source, 8_000);
    expect(a.map(bytes)).toEqual(b.map(bytes));
    expect(new Set(a.map((r) => r.eventId)).size).toBe(a.length);
    const last = new Map<string, number>();
    for (const r of a) {
      const e = envelope(r);
      const k = `${e.entity_type}/${e.entity_id}`;
      expect(e.sequence, k).toBeGreaterThan(last.get(k) ?? 0);
      last.set(k, e.sequence);
    }
    // Ids carry their shard's stamp (generators/rng.ts): chunk 0 is shard 0's, chunk 1 shard 1's.
    const stamps = (rs: SinkRecord[]) => new Set(rs.map((r) => envelope(r).event_id.slice(24, 28)));
    expect(stamps(a.slice(0, 1_000))).toEqual(new Set(['0000']));
    expect(stamps(a.slice(1_000, 2_000))).toEqual(new Set(['0001']));
    expect(stamps(a.slice(2_000, 3_000))).toEqual(new Set(['0000']));

    // Chunk means: the history goes forwards chunk by chunk, whichever thread made the chunk.
    const means = [0, 1, 2, 3, 4, 5, 6, 7].map(
      (c) => a.slice(c * 1_000, (c + 1) * 1_000).reduce((sum, r) => sum + r.timestampMs!, 0) / 1_000,
    );
    for (let c = 1; c < means.length; c++) expect(means[c]!).toBeGreaterThan(means[c - 1]!);
    const tallied = first.source.tallied();
    expect(tallied.lastMs!).toBeGreaterThan(tallied.firstMs!);

    // A partition count raised during the run: chunks made before the threads heard (at most three
    // per thread) still hash over the old count, later ones over the new.
    const topic = 'sc.domain.order';
    const count = partitions.get(topic)!;
    expect(Math.max(...b.filter((r) => r.logicalTopic === topic).map((r) => r.partition))).toBeLessThan(count);
    partitions.set(topic, count * 4);
    const after = await take(second.source, 20_000);
    const late = after.slice(10_000).filter((r) => r.logicalTopic === topic);
    expect(Math.max(...late.map((r) => r.partition))).toBeGreaterThanOrEqual(count);
  });

  it('hands dead-letter candidates to the main thread, which writes the letters once acks bring offsets; a thread that dies stops the run with E_GENERATOR_CRASHED instead of a hang', async () => {
    const { source } = await threaded(2, ['sc.domain.order', 'sc.dlq.proj-order-summaries']);
    const records = await take(source, 4_000);
    const orders = records.filter((r) => r.logicalTopic === 'sc.domain.order');
    expect(orders).toHaveLength(records.length);
    source.onAck(orders, { ok: true, offsets: orders.map((_, i) => 1_000 + i) }, 0, 0);
    const letters: SinkRecord[] = [];
    // Letters go out before the stream's next record (which ends the loop: wait until it is there).
    await source.recordsReady(1);
    for (let r = source.next(); r.logicalTopic.startsWith('sc.dlq.'); r = source.next()) letters.push(r);
    expect(letters.length).toBeGreaterThan(0);
    for (const l of letters) {
      expect(l.topic).toBe('p.sc.dlq.proj-order-summaries');
      const offset = Number((l.headers['kafka_dlt-original-offset'] as Buffer).readBigInt64BE());
      expect(offset, 'an acked order’s offset').toBeGreaterThanOrEqual(1_000);
      expect(offset).toBeLessThan(1_000 + orders.length);
    }

    source.crashForTest(1);
    const fatal = await new Promise<SinkFatal | null>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no answer in 10 s')), 10_000);
      const poll = () => {
        const wait = source.recordsReady(50_000);
        if (wait === null) return setImmediate(poll);
        void wait.then((why) => {
          clearTimeout(timer);
          resolve(why);
        });
      };
      poll();
    });
    expect(fatal).toMatchObject({
      code: 'E_GENERATOR_CRASHED',
      // The second thread (index 1), named as the report's threads line names it.
      message: expect.stringContaining('generation thread 2 stopped'),
      // 0 is the main thread: the way to go on without worker threads.
      hint: expect.stringContaining('--generator-threads 0'),
    });
  });
});
