// A real run report without a broker: a shipped scenario's world and encoder, the runner on a
// manual clock and the in-memory sink (which assigns offsets like a broker), then buildReport.
// Returns what the sink stored too, so tests can read it back as a consumer would.
import { createEncoder } from '../../src/records/encode.js';
import { createWorld } from '../../src/generators/world.js';
import type { WorldConfigInput } from '../../src/generators/config.js';
import { buildReport, type RunReport } from '../../src/report.js';
import { runLoad, type AckObserver } from '../../src/runner.js';
import { ManualClock } from './manual-clock.js';
import { applyOverrides, createSchedule } from '../../src/runner/executors.js';
import { getScenario, loadScenarios } from '../../src/scenarios/loader.js';
import { planLine } from '../../src/scenarios/plan.js';
import { DOMAIN_TOPICS, getTopic } from '../../src/catalog/topics.js';
import { MemorySink } from './memory-sink.js';
import type { SinkRecord } from '../../src/sinks/types.js';
import type { ConsumedRecord, ProducedRecord } from '../../src/verify/verifier.js';

export interface FixtureRun {
  report: RunReport;
  /** Acked records with the offsets the memory sink gave them, in ack order. */
  log: { record: SinkRecord; offset: number }[];
}

export async function fixtureRun(
  scenarioName: string,
  opts: {
    ratePerSec: number;
    durationMs: number;
    prefix?: string;
    onAck?: AckObserver[];
    seed?: number;
    world?: Partial<WorldConfigInput>;
  },
): Promise<FixtureRun> {
  const scenario = getScenario(loadScenarios(), scenarioName);
  const load = applyOverrides(scenario.load, { ratePerSec: opts.ratePerSec, durationMs: opts.durationMs });
  const prefix = opts.prefix ?? 'fx.';
  const partitions = new Map(DOMAIN_TOPICS.map((t) => [t, getTopic(t)!.partitions]));
  const runId = `run-fixture-${scenarioName}`;
  const seed = opts.seed ?? 42;
  const world = createWorld({ ...(scenario.world as WorldConfigInput), ...opts.world, seed }, { runId });
  const encode = createEncoder({ runId, prefix, partitions, keys: scenario.keys });
  const clock = new ManualClock(0);
  const sink = new MemorySink({ clock, latencyMs: (b) => 2 + b.length * 0.01 });
  const log: FixtureRun['log'] = [];
  const keep: AckObserver = (batch, result) => {
    if (!result.ok) return;
    batch.forEach((record, i) => log.push({ record, offset: result.offsets![i]! }));
  };
  const outcome = await runLoad({
    schedule: createSchedule(load),
    nextRecord: () => encode(world.next()),
    sink,
    clock,
    batch: { maxEvents: 200, maxBytes: 900_000, lingerMs: 5 },
    maxInFlightBatches: 4,
    maxBacklogEvents: 100_000,
    lateThresholdMs: 100,
    warmupMs: 0,
    onAck: [keep, ...(opts.onAck ?? [])],
  });
  const report = buildReport({
    tool: 'sc-sim/test',
    runId,
    scenarioName,
    description: scenario.description,
    plan: planLine({ ...scenario, load }),
    seed,
    startedAt: new Date(0),
    endedAt: new Date(outcome.durationMs),
    durationMs: outcome.durationMs,
    interrupted: false,
    metrics: outcome.metrics,
    scheduleEndMs: outcome.scheduleEndMs,
    sink: sink.description,
    prefix,
    partitions,
    // The memory sink starts every partition at offset 0, as a fresh topic would.
    offsets: {
      topics: Object.fromEntries(
        DOMAIN_TOPICS.map((t) => {
          const physicalTopic = `${prefix}${t}`;
          const parts = Array.from({ length: partitions.get(t)! }, (_, p) => String(p));
          return [
            t,
            {
              physicalTopic,
              start: Object.fromEntries(parts.map((p) => [p, '0'])),
              end: Object.fromEntries(
                parts.map((p) => [p, String(sink.nextOffsets.get(`${physicalTopic}/${p}`) ?? 0)]),
              ),
            },
          ];
        }),
      ),
    },
    thresholds: scenario.thresholds,
  });
  return { report, log };
}

/** What the verifier learns from the producer about one sent record. */
export function asProduced(
  r: SinkRecord,
  offset: number | undefined,
  outcome: ProducedRecord['outcome'] = 'acked',
): ProducedRecord {
  const { topic, partition, entityId, sequence, eventId } = r;
  return { topic, partition, offset, key: r.keyText, entityId, sequence, eventId, outcome };
}

/** The same record as a consumer reads it back. */
export function asConsumed(r: SinkRecord, offset: number): ConsumedRecord {
  const { topic, partition, entityId, sequence, eventId } = r;
  return { topic, partition, offset, key: r.keyText, entityId, sequence, eventId };
}
