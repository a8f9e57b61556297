// The Kafka sink on a worker thread against the real broker: records arrive with the offsets it
// reports, and a broker it cannot reach is the same ScSimError as with the in-thread sink.
import { describe, expect, inject, it } from 'vitest';
import { DOMAIN_TOPICS, physicalTopicName } from '../../src/catalog/topics.js';
import { createEncoder } from '../../src/records/encode.js';
import { ScSimError } from '../../src/errors.js';
import { createWorld } from '../../src/generators/world.js';
import { applyCatalog, endOffsets } from '../support/kafka.js';
import { WorkerKafkaSink } from '../../src/sinks/kafka-worker.js';
import type { ProducerMode } from '../../src/sinks/types.js';
import { uniquePrefix } from '../support/cli.js';
import { resolveScenario, type NamedScenario } from '../../src/app/prepare.js';
import { runScenario } from '../../src/app/run.js';
import { describeThreads } from '../../src/render/console.js';

const brokers = inject('brokers').split(',');
const mode: ProducerMode = { acks: 'all', idempotent: true, maxInFlightRequests: null, compression: 'none' };

describe('WorkerKafkaSink', () => {
  it('sends batches from its worker and reports each record’s offset', async () => {
    const prefix = uniquePrefix('worker-sink');
    await applyCatalog(brokers, prefix);
    const physical = DOMAIN_TOPICS.map((t) => physicalTopicName(t, prefix));
    const start = await endOffsets(brokers, physical);
    const partitions = new Map(DOMAIN_TOPICS.map((t) => [t, start.get(physicalTopicName(t, prefix))!.size]));
    const world = createWorld({ seed: 3 }, { runId: 'run-worker-sink' });
    const encode = createEncoder({ runId: 'run-worker-sink', prefix, partitions });

    const sink = await WorkerKafkaSink.connect({ connection: { brokers }, mode, ackTimeoutMs: 30_000 });
    const sent: { topic: string; partition: number; offset: number }[] = [];
    try {
      for (let b = 0; b < 3; b++) {
        const batch = Array.from({ length: 400 }, () => encode(world.next()));
        const result = await sink.send(batch);
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        batch.forEach((r, i) => sent.push({ topic: r.topic, partition: r.partition, offset: result.offsets![i]! }));
      }
    } finally {
      await sink.close();
    }

    const end = await endOffsets(brokers, physical);
    for (const [topic, parts] of end) {
      for (const [partition, endOffset] of parts) {
        const mine = sent.filter((s) => s.topic === topic && s.partition === partition).map((s) => s.offset);
        const from = Number(start.get(topic)!.get(partition)!);
        // Every offset the sink reported, once each, exactly filling what the partition gained.
        expect(mine, `${topic}/${partition}`).toEqual(
          Array.from({ length: Number(endOffset) - from }, (_, i) => from + i),
        );
      }
    }
  });

  it('a run with producer.worker reports two threads and how busy each was', async () => {
    const prefix = uniquePrefix('worker-threads');
    await applyCatalog(brokers, prefix);
    const { scenario } = resolveScenario('seed-dev');
    const paced = (worker: boolean): NamedScenario => ({
      name: `seed-dev-paced-${worker ? 'worker' : 'main'}`,
      scenario: {
        ...scenario,
        load: { executor: 'constant-rate', rate: 2_000, count: 6_000 },
        time: { mode: 'live', timeScale: 1, shape: 'flat' },
        producer: { ...scenario.producer, worker },
      },
    });
    for (const worker of [true, false]) {
      const { report, exitCode } = await runScenario({
        scenario: paced(worker),
        connection: { brokers },
        prefix,
        ratePerSec: 2_000,
        durationMs: 3_000,
      });
      expect(exitCode).toBe(0);
      const t = report.run.threads!;
      process.stderr.write(`[threads] ${describeThreads(t)}\n`);
      expect(t.threads.map((x) => x.thread)).toEqual(worker ? ['main', 'producer'] : ['main']);
      // Both did work at 2,000 ev/s; neither was saturated by it.
      for (const x of t.threads) {
        expect(x.busy, x.thread).toBeGreaterThan(0);
        expect(x.busy, x.thread).toBeLessThan(1);
      }
      expect(t.cpuCores).toBeGreaterThan(0);
    }
  });

  it('an unreachable broker is E_BROKER_UNREACHABLE', async () => {
    const err = await WorkerKafkaSink.connect({
      connection: { brokers: ['127.0.0.1:1'] },
      mode,
      ackTimeoutMs: 1_000,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScSimError);
    expect((err as ScSimError).code).toBe('E_BROKER_UNREACHABLE');
  });
});
