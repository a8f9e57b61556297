// A real run report without a broker: a shipped scenario through the app layer's runScenario, on
// a manual clock and the in-memory sink (which assigns offsets like a broker). Returns what the
// sink stored too, so tests can read it back as a consumer would.
import { resolveScenario } from '../../src/app/prepare.js';
import { runScenario } from '../../src/app/run.js';
import { getTopic, physicalTopicName } from '../../src/catalog/topics.js';
import { resolveTopics } from '../../src/scenarios/index.js';
import type { WorldConfigInput } from '../../src/generators/config.js';
import { offsetsReport, type RunReport } from '../../src/report.js';
import type { AckObserver } from '../../src/runner.js';
import { ManualClock } from './manual-clock.js';
import { MemorySink } from './memory-sink.js';
import type { SinkRecord } from '../../src/sinks/types.js';
import type { ConsumedRecord, ProducedRecord } from '../../src/verify/verifier.js';
import { verifierKey } from '../../src/verify/session.js';

export interface FixtureRun {
  report: RunReport;
  /** Acked records with the offsets the memory sink gave them, in ack order. */
  log: { record: SinkRecord; offset: number }[];
}

/** A fixture run's wall-clock start, unless given. */
export const FIXTURE_WALL_CLOCK_MS = Date.parse('2026-12-01T12:00:00.250Z');

/**
 * The viral scenarios' promotion at a steady 90% share of promotion engagement from the first event,
 * without their cascade (which sparks after the warm-up and fades): for tests of what a steady hot
 * partition looks like in compare, the HTML and the console, in runs of a few seconds.
 */
export const STEADY_VIRAL = { hot: { promotion: 0.9 }, cascade: {} };

export async function fixtureRun(
  scenarioName: string,
  opts: {
    ratePerSec: number;
    durationMs: number;
    prefix?: string;
    onAck?: AckObserver[];
    seed?: number;
    world?: Partial<WorldConfigInput>;
    shard?: { index: number; count: number };
    runId?: string;
    /** The wall clock at the start (default 2026-12-01T12:00:00.250Z: fixtures do not depend on today). */
    wallClockStartMs?: number;
  },
): Promise<FixtureRun> {
  const { scenario } = resolveScenario(scenarioName);
  const prefix = opts.prefix ?? 'fx.';
  const clock = new ManualClock(0);
  const sink = new MemorySink({ clock, latencyMs: (b) => 2 + b.length * 0.01 });
  const log: FixtureRun['log'] = [];
  const keep: AckObserver = (batch, result) => {
    if (!result.ok) return;
    batch.forEach((record, i) => log.push({ record, offset: result.offsets![i]! }));
  };
  const { report } = await runScenario(
    {
      scenario: {
        name: scenarioName,
        // Small batches, several in flight and no warm-up: many sends in a short fixture run. An
        // unthrottled scenario (seed-dev) is paced at the given rate, so it runs on the manual clock.
        scenario: {
          ...scenario,
          load:
            scenario.load.executor === 'unthrottled'
              ? { executor: 'constant-rate', rate: opts.ratePerSec, duration: opts.durationMs }
              : scenario.load,
          world: { ...scenario.world, ...opts.world } as typeof scenario.world,
          warmup: 0,
          producer: { ...scenario.producer, batchMaxEvents: 200, inFlightBatches: 4, linger: 5 },
        },
      },
      prefix,
      seed: opts.seed ?? 42,
      ratePerSec: opts.ratePerSec,
      durationMs: opts.durationMs,
      ...(opts.shard ? { shard: opts.shard } : {}),
      ...(opts.runId ? { runId: opts.runId } : {}),
    },
    {
      clock,
      sink,
      onAck: [keep, ...(opts.onAck ?? [])],
      wallClock: () => opts.wallClockStartMs ?? FIXTURE_WALL_CLOCK_MS,
    },
  );
  // The memory sink starts every partition at offset 0, as a fresh topic would.
  const topics = resolveTopics(scenario.topics);
  const partitions = new Map(topics.map((t) => [t, getTopic(t)!.partitions]));
  const start = new Map<string, Map<number, bigint>>();
  const end = new Map<string, Map<number, bigint>>();
  for (const t of topics) {
    const physical = physicalTopicName(t, prefix);
    const parts = Array.from({ length: partitions.get(t)! }, (_, p) => p);
    start.set(physical, new Map(parts.map((p) => [p, 0n])));
    end.set(physical, new Map(parts.map((p) => [p, BigInt(sink.nextOffsets.get(`${physical}/${p}`) ?? 0)])));
  }
  report.offsets = offsetsReport(topics, prefix, start, end);
  return { report, log };
}

/** What the verifier learns from the producer about one sent record. */
export function asProduced(
  r: SinkRecord,
  offset: number | undefined,
  outcome: ProducedRecord['outcome'] = 'acked',
): ProducedRecord {
  const { topic, partition, entityId, sequence, eventId } = r;
  return { topic, partition, offset, key: verifierKey(r), entityId, sequence, eventId, outcome };
}

/** The same record as a consumer reads it back. */
export function asConsumed(r: SinkRecord, offset: number): ConsumedRecord {
  const { topic, partition, entityId, sequence, eventId } = r;
  return { topic, partition, offset, key: verifierKey(r), entityId, sequence, eventId };
}
