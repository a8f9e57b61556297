// `npm run bench`: sc-sim's generator, produce (side by side with Kafka's ProducerPerformance),
// verification and memory figures on this machine; prints a table, writes bench/results/<date>.json.
// Starts its own broker (port 19192, .sc-sim/kafka-bench) unless --brokers (or --command-config) is
// given, and stops it.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { DOMAIN_TOPICS, getTopic } from '../src/catalog/topics.js';
import { ScSimError } from '../src/errors.js';
import { applyTopicCatalog } from '../src/app/topics.js';
import { resolveConnectionSettings } from '../src/app/connection.js';
import type { KafkaConnection } from '../src/config.js';
import { withAdmin } from '../src/kafka/admin.js';
import { kafkaDown, kafkaUp, KAFKA_VERSION } from '../src/kafka/local/index.js';
import { ensureJars } from '../src/kafka/local/jars.js';
import { isPortFree } from '../src/kafka/local/ports.js';
import { REPO_ROOT, resolveCacheRoot } from '../src/kafka/local/paths.js';
import { sampleEvents, writePayloadFile } from './events.js';
import { GENERATOR_BENCH_METHOD } from './generator.js';
import { runGeneratorPhase, runGenerationThreadsPhase, GENERATOR_TARGET_EV_PER_SEC } from './generator-phase.js';
import { GENERATION_THREADS_METHOD } from './generator-threads.js';
import { measureMemory } from './memory.js';
import { parseBenchArgs, USAGE, type BenchOptions } from './options.js';
import { compareProduce, peerBatching, type ProduceComparison } from './produce.js';
import { machineInfo, RESULTS_SCHEMA_VERSION, type BenchResults } from './results.js';
import { BENCH_SEED, buildBenchScenarios, PRODUCE_SCENARIO, writeScenariosFile } from './scenarios.js';
import { formatBenchTable } from './table.js';
import { CRC32C_IMPL } from '../src/kafka/producer/crc32c.js';
import { benchVerify } from './verify.js';

const BENCH_HOME = join(REPO_ROOT, '.sc-sim', 'kafka-bench');
// Below Linux's ephemeral port range (32768-60999), so no outgoing connection can hold it.
const BENCH_PORT = 19192;
const WORK_DIR = join(REPO_ROOT, '.sc-sim', 'bench');

const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

/** Smoke figures are not kept; a real run's results go to bench/results/<date>.json (committed). */
function defaultOut(o: BenchOptions, date: Date): string {
  return o.mode === 'smoke'
    ? join(WORK_DIR, 'results.smoke.json')
    : join(REPO_ROOT, 'bench', 'results', `${date.toISOString().slice(0, 10)}.json`);
}

function method(o: BenchOptions, peerPartitions: number): string[] {
  return [
    `${GENERATOR_BENCH_METHOD} Runs in this process before the broker starts.`,
    `${GENERATION_THREADS_METHOD} Runs before the broker starts.`,
    `produce: each round is a fresh process on each side (\`sc-sim run ${PRODUCE_SCENARIO('none')}|${PRODUCE_SCENARIO('gzip')}\` = the shipped \`throughput\` ` +
      `scenario with count ${o.produceCount}, seed ${BENCH_SEED}, idempotent, acks=all, the 3 envelope headers; ProducerPerformance --throughput -1 with ` +
      `enable.idempotence=true, acks=all, the compression, linger.ms = sc-sim's linger and batch.size = sc-sim's batch split over the partitions), ` +
      `alternating sc-sim, ProducerPerformance, … for ${o.rounds} round(s); figures are medians over rounds.`,
    `produce topics: sc-sim writes the catalog's ${DOMAIN_TOPICS.length} domain topics (default mix); ProducerPerformance writes one plain topic with the same ` +
      `total partition count (${peerPartitions}), null keys.`,
    `record size: ProducerPerformance --record-size = the median total record of the first ${o.produceCount} events sc-sim sends (same seed): key + value + ` +
      `header names and values; with gzip it reads a payload file of real sc-sim records (key, headers and value on one line) instead, so both sides ` +
      `compress the same kind of bytes. MiB/s counts the same bytes on both sides.`,
    `CPU per record: sc-sim = process.cpuUsage() (every thread) over the run, from connect to close, divided by the acked records; ProducerPerformance = ` +
      `its JVM's utime + stime from /proc (start-up and JIT included) divided by its records. Peak RSS: getrusage maxrss (sc-sim), VmHWM (JVM).`,
    `latency: sc-sim reports send→ack per batch (its runner bounds in-flight batches); ProducerPerformance measures send() call→callback, which includes ` +
      `time queued in its 32 MiB accumulator when unthrottled, so its latencies are not comparable one to one.`,
    `verify: \`sc-sim run bench-verify --verify\` (throughput scenario with an ordered producer, ${o.verifyCount} records; read back while sending, ` +
      `every record checked), then the run's offset range is read back again at full speed as \`sc-sim verify --report\` does (counts mode): ` +
      `that rate is the verifier's capacity, compared with the median unthrottled produce rate.`,
    `memory: \`sc-sim run bench-steady\` (the shipped steady scenario) at half the median sc-sim produce rate (compression none) for ${o.memoryDurationMs / 1000} s; ` +
      `RSS sampled from /proc/<pid>/status every ${o.rssSampleIntervalMs} ms, peak = VmHWM; growth = mean RSS of the last vs first third of the post-warm-up samples.`,
  ];
}

async function createPeerTopic(connection: KafkaConnection, topic: string, partitions: number): Promise<void> {
  await withAdmin(connection, async (admin) => {
    if (!(await admin.listTopics()).includes(topic)) {
      await admin.createTopics([{ topic, partitions, replicationFactor: 1, configs: {} }]);
    }
    await admin.waitForPartitions([{ topic, count: partitions }]);
  });
}

/**
 * Starts the bench's own broker. A port left in TIME_WAIT by a previous run (seen here when the
 * bench port was in the ephemeral range) fails the start: on a port conflict, wait until the port
 * is free again (at most 90 s), then retry once.
 */
async function startBenchBroker(): Promise<Awaited<ReturnType<typeof kafkaUp>>> {
  const up = () => kafkaUp({ home: BENCH_HOME, port: BENCH_PORT, mode: 'jvm', freshData: true, onProgress: log });
  try {
    return await up();
  } catch (err) {
    if (!(err instanceof ScSimError) || !['E_BROKER_START_FAILED', 'E_PORT_IN_USE'].includes(err.code)) throw err;
    log(
      `the bench broker did not start (${err.message}); waiting for port ${BENCH_PORT} to be free, then retrying once`,
    );
    const deadline = Date.now() + 90_000;
    while (!(await isPortFree(BENCH_PORT)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2_000));
    return up();
  }
}

/** Deletes the topics this bench run created (its prefix only: never anyone else's). */
async function deleteBenchTopics(connection: KafkaConnection, prefix: string): Promise<void> {
  await withAdmin(connection, async (admin) => {
    const ours = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    await admin.deleteTopics(ours);
  });
}

async function main(): Promise<number> {
  const o = parseBenchArgs(process.argv.slice(2));
  if (o.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const started = Date.now();
  rmSync(WORK_DIR, { recursive: true, force: true });
  mkdirSync(WORK_DIR, { recursive: true });
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').toLowerCase();
  const prefix = `bench-${stamp}-`;
  const peerTopic = `${prefix}pp`;
  const peerPartitions = DOMAIN_TOPICS.reduce((sum, t) => sum + getTopic(t)!.partitions, 0);
  const results: BenchResults = {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    mode: o.mode,
    date: new Date().toISOString(),
    tookMs: 0,
    machine: await machineInfo(),
    broker: null,
    method: method(o, peerPartitions),
    generator: null,
    produce: null,
    verify: null,
    memory: null,
    failures: [],
  };
  const phase = async <T>(name: string, fn: () => Promise<T>): Promise<T | null> => {
    log(`— ${name}`);
    try {
      return await fn();
    } catch (err) {
      const message =
        err instanceof ScSimError ? `${err.code}: ${err.message}` : err instanceof Error ? err.message : String(err);
      log(`${name} failed: ${message}`);
      results.failures.push({ phase: name, error: message });
      return null;
    }
  };

  // 1. Generator: before the broker starts, so its JVM does not compete for the cores.
  if (o.phases.includes('generator')) {
    const figures = await phase('generator', () => runGeneratorPhase(o.generatorEvents, log));
    results.generator = figures === null ? null : { targetEventsPerSec: GENERATOR_TARGET_EV_PER_SEC, results: figures };
    const threads = await phase('generation threads', () => runGenerationThreadsPhase(o.generatorEvents, log));
    if (results.generator && threads) results.generator.threads = threads;
  }

  const needsKafka = o.phases.some((p) => p !== 'generator');
  let startedBroker = false;
  // A given cluster is reached as sc-sim's commands reach it (flags > SC_SIM_* > the file).
  const given = o.brokers !== undefined || o.commandConfig !== undefined;
  let connection: KafkaConnection = { brokers: [`127.0.0.1:${BENCH_PORT}`] };
  if (given) {
    const resolved = resolveConnectionSettings({ brokers: o.brokers?.join(','), commandConfig: o.commandConfig });
    for (const w of resolved.warnings) log(w);
    connection = resolved.connection;
    if (connection.security && !o.commandConfig)
      log('ProducerPerformance only gets security settings from --command-config: its rounds may fail to connect');
  }
  if (needsKafka) results.broker = { brokers: connection.brokers, startedByBench: !given, kafkaVersion: KAFKA_VERSION };
  let topicsCreated = false;
  const stopBroker = async () => {
    if (topicsCreated)
      await deleteBenchTopics(connection, prefix).catch((err: unknown) =>
        log(`could not delete the bench topics: ${String(err)}`),
      );
    topicsCreated = false;
    if (startedBroker) {
      startedBroker = false;
      log('stopping the bench broker…');
      await kafkaDown({ home: BENCH_HOME, mode: 'jvm' }).catch((err: unknown) =>
        log(`could not stop the bench broker: ${String(err)}`),
      );
    }
  };
  const onSignal = () => {
    log('interrupted: cleaning up…');
    void stopBroker().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    if (needsKafka) {
      // ProducerPerformance runs from the same Maven-fetched jars as the broker.
      await ensureJars({ cacheRoot: resolveCacheRoot(undefined), version: KAFKA_VERSION, onProgress: log });
      if (!given) {
        log(`starting the bench broker on port ${BENCH_PORT} (${BENCH_HOME})…`);
        const up = await startBenchBroker();
        // Stopped at the end even when it was already running: this home is the bench's own (a
        // broker left running there is from an interrupted bench).
        startedBroker = true;
        connection = { brokers: up.brokers };
        results.broker = { brokers: up.brokers, startedByBench: true, kafkaVersion: KAFKA_VERSION };
      }
      log(`creating topics with prefix ${prefix}…`);
      topicsCreated = true;
      await withAdmin(connection, (admin) => applyTopicCatalog(admin, { prefix, replicationFactor: 1, dryRun: false }));
      await createPeerTopic(connection, peerTopic, peerPartitions);
    }

    const bench = buildBenchScenarios({
      produceCount: o.produceCount,
      verifyCount: o.verifyCount,
      steadyDurationMs: o.memoryDurationMs,
      steadyWarmupMs: 0,
    });
    const steadyWarmupMs = Math.min(bench.steady.warmup, o.memoryWarmupMaxMs);
    bench.scenarios['bench-steady']!.warmup = steadyWarmupMs;
    const scenariosFile = join(WORK_DIR, 'scenarios.yaml');
    writeScenariosFile(scenariosFile, bench.scenarios);
    const target = {
      connection,
      ...(o.commandConfig ? { peerConfigFile: o.commandConfig } : {}),
      prefix,
      scenariosFile,
      workDir: WORK_DIR,
      ...(o.cpuProfDir ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${o.cpuProfDir}`] } : {}),
    };

    // 2. Produce side by side.
    if (o.phases.includes('produce')) {
      results.produce = await phase('produce', async () => {
        const sample = sampleEvents(bench.scenarios[PRODUCE_SCENARIO('none')]!, BENCH_SEED, o.produceCount, 5_000);
        const payloadFile = join(WORK_DIR, 'payloads.txt');
        writePayloadFile(payloadFile, sample.payloads);
        log(
          `sc-sim's median record: ${sample.sizes.medianRecordBytes} B = key + value + headers (value ${sample.sizes.medianValueBytes} B; of ${sample.sizes.count} events)`,
        );
        const producer = bench.scenarios[PRODUCE_SCENARIO('none')]!.producer;
        const setup = {
          ...target,
          peerTopic,
          count: o.produceCount,
          rounds: o.rounds,
          recordSizeBytes: sample.sizes.medianRecordBytes,
          payloadFile,
          log,
          ...peerBatching(producer, sample.sizes.medianRecordBytes, peerPartitions),
          headerBytesPerRecord: sample.sizes.medianHeaderBytes,
        };
        const comparisons: ProduceComparison[] = [];
        for (const compression of ['none', 'gzip'] as const) comparisons.push(await compareProduce(setup, compression));
        return {
          count: o.produceCount,
          rounds: o.rounds,
          eventSizes: sample.sizes,
          recordSizeBytes: sample.sizes.medianRecordBytes,
          scSimProducer: {
            idempotent: producer.idempotent,
            acks: producer.acks,
            batchMaxEvents: producer.batchMaxEvents,
            lingerMs: producer.linger,
            inFlightBatches: producer.inFlightBatches,
            worker: producer.worker,
            crc32c: CRC32C_IMPL,
          },
          peerProducer: {
            idempotent: true,
            acks: 'all',
            lingerMs: setup.peerLingerMs,
            batchSizeBytes: setup.peerBatchSizeBytes,
          },
          scSimTopics: { topics: DOMAIN_TOPICS.length, partitions: peerPartitions },
          peerTopic: { name: peerTopic, partitions: peerPartitions },
          comparisons,
        };
      });
    }

    // 3. Verification throughput.
    if (o.phases.includes('verify')) {
      const maxProducePerSec = results.produce?.comparisons.find((c) => c.compression === 'none')?.scSim.recordsPerSec;
      results.verify = await phase('verify', () => benchVerify(target, o.verifyCount, maxProducePerSec));
    }

    // 4. Memory at half the max rate (the measured one; else the shipped steady rate).
    if (o.phases.includes('memory')) {
      const measuredMax = results.produce?.comparisons.find((c) => c.compression === 'none')?.scSim.recordsPerSec;
      const shippedRate = bench.steady.load.executor === 'constant-rate' ? bench.steady.load.rate : 1_000;
      const ratePerSec =
        measuredMax !== undefined && measuredMax > 0 ? measuredMax / 2 : (o.memoryRatePerSec ?? shippedRate);
      const rateBasis =
        measuredMax !== undefined && measuredMax > 0
          ? 'half the max'
          : o.memoryRatePerSec !== undefined
            ? 'given with --memory-rate'
            : 'the shipped steady rate; no produce figure to halve';
      if (measuredMax === undefined) log(`no produce figure to halve: the memory run uses ${ratePerSec} ev/s`);
      const mem = await phase('memory', () =>
        measureMemory({
          ...target,
          ratePerSec,
          durationMs: o.memoryDurationMs,
          warmupMs: steadyWarmupMs,
          sampleIntervalMs: o.rssSampleIntervalMs,
        }),
      );
      results.memory = mem === null ? null : { ...mem, fullLength: o.memoryDurationMs >= 300_000, rateBasis };
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await stopBroker();
  }

  results.machine.loadAvg1AtEnd = Math.round(loadavg()[0]! * 100) / 100;
  results.tookMs = Date.now() - started;
  const out = o.out ?? defaultOut(o, new Date(results.date));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${formatBenchTable(results)}\n`);
  log(`results written to ${out} (${Math.round(results.tookMs / 1000)} s)`);
  return results.failures.length > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof ScSimError) {
      process.stderr.write(`bench: ${err.code}: ${err.message}\n${err.hint ? `hint: ${err.hint}\n` : ''}`);
      process.exitCode = err.exitCode;
      return;
    }
    process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
