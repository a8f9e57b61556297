// Produce side by side: sc-sim's unthrottled run vs Kafka's ProducerPerformance on the same broker,
// same acks, compression, record count and record size, alternating A B A B and taking medians.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KafkaConnection } from '../src/config.js';
import { ExitCode } from '../src/errors.js';
import type { ProducerSettings } from '../src/scenarios/index.js';
import type { RunReport } from '../src/report/types.js';
import { runScenarioChild } from './child.js';
import { runProducerPerformance } from './peer.js';
import { PROC_MARKER, type ChildProcFigures } from './scenario-child.js';
import { PRODUCE_SCENARIO, BENCH_SEED } from './scenarios.js';
import { alternationOrder, medianOf } from './stats.js';

export const SC_SIM = 'sc-sim';
export const PEER = 'ProducerPerformance';
export type ProduceSide = typeof SC_SIM | typeof PEER;

/** One side's figures in one round (or the medians over rounds). MB are MiB, as ProducerPerformance prints. */
export interface ProduceFigures {
  records: number;
  recordsPerSec: number;
  mbPerSec: number;
  p50LatencyMs: number;
  p99LatencyMs: number;
  /** Failed or unknown-outcome records (ProducerPerformance exits non-zero instead). */
  errors: number;
  /**
   * Client CPU per record, µs (user + system, every thread). sc-sim: spent inside the run (connect
   * to close); ProducerPerformance: its whole JVM, start-up and JIT included (no way to exclude them).
   */
  cpuUsPerRecord: number;
  /** Peak resident set of the client process, MiB. */
  peakRssMiB: number;
}

export const FIGURE_KEYS = [
  'records',
  'recordsPerSec',
  'mbPerSec',
  'p50LatencyMs',
  'p99LatencyMs',
  'errors',
  'cpuUsPerRecord',
  'peakRssMiB',
] as const;

export interface ProduceRound {
  round: number;
  side: ProduceSide;
  figures: ProduceFigures;
  /** Wall time of the whole round (process start to exit), ms. */
  wallMs: number;
}

export interface ProduceComparison {
  compression: 'none' | 'gzip';
  /** How ProducerPerformance got its records: random letters of the median size, or real sc-sim events. */
  peerPayload: 'record-size' | 'payload-file';
  rounds: ProduceRound[];
  /** Medians over the rounds, per side. */
  scSim: ProduceFigures;
  peer: ProduceFigures;
  /** sc-sim records/s ÷ ProducerPerformance records/s (medians). Target ≥ 0.8. */
  ratio: number;
  /** The ratio per round (sc-sim round i ÷ ProducerPerformance round i): its spread shows the noise. */
  roundRatios: number[];
}

export interface ProduceSetup {
  connection: KafkaConnection;
  /** A Kafka client properties file for ProducerPerformance on a secured cluster (--command-config). */
  peerConfigFile?: string;
  /** sc-sim's topic namespace (the catalog's domain topics under it). */
  prefix: string;
  /** The plain topic ProducerPerformance writes to. */
  peerTopic: string;
  scenariosFile: string;
  /** Where each sc-sim round writes its report. */
  workDir: string;
  count: number;
  rounds: number;
  recordSizeBytes: number;
  /** Real records, one per line, for the compressed comparison. */
  payloadFile: string;
  /** ProducerPerformance's linger.ms and batch.size, matched to sc-sim's (see bench/run.ts). */
  peerLingerMs: number;
  peerBatchSizeBytes: number;
  /** Header names and values per record (median): sc-sim's MiB/s counts them, as PP's record size does. */
  headerBytesPerRecord: number;
  log: (line: string) => void;
  /** Extra Node flags for the sc-sim rounds (e.g. --cpu-prof). */
  nodeArgs?: string[];
}

const MIB = 1024 * 1024;

/**
 * The figures a run report (and the child's process figures) give for the comparison. MiB/s counts
 * key + value + header bytes, as ProducerPerformance's MB/s counts its record size.
 */
export function scSimFigures(
  report: RunReport,
  proc: ChildProcFigures | undefined,
  headerBytesPerRecord: number,
): ProduceFigures {
  const t = report.summary.totals;
  const bytesPerSec = t.bytesPerSec + headerBytesPerRecord * t.achievedRatePerSec;
  return {
    records: t.acked,
    recordsPerSec: t.achievedRatePerSec,
    mbPerSec: Math.round((bytesPerSec / MIB) * 100) / 100,
    p50LatencyMs: report.summary.ackLatencyMs.p50,
    p99LatencyMs: report.summary.ackLatencyMs.p99,
    errors: t.failed + t.indeterminate + (t.unsent ?? 0),
    cpuUsPerRecord: proc && t.acked > 0 ? round2(proc.runCpuUs / t.acked) : Number.NaN,
    peakRssMiB: proc ? round2(proc.maxRssBytes / MIB) : Number.NaN,
  };
}

/** The process figures the scenario child printed, if it did. */
export function parseProcFigures(stdout: string): ChildProcFigures | undefined {
  const line = stdout.split('\n').find((l) => l.startsWith(PROC_MARKER));
  return line ? (JSON.parse(line.slice(PROC_MARKER.length)) as ChildProcFigures) : undefined;
}

export type ScSimTarget = Pick<ProduceSetup, 'connection' | 'prefix' | 'scenariosFile' | 'workDir' | 'nodeArgs'>;

/** Runs a scenario as `sc-sim run` does, in its own process, and returns its report. */
export async function runScSimRound(
  setup: ScSimTarget,
  scenario: string,
  tag: string,
  timeoutMs: number,
  verify = false,
): Promise<{ report: RunReport; wallMs: number; proc: ChildProcFigures | undefined }> {
  const out = join(setup.workDir, `${tag}.report.json`);
  const r = await runScenarioChild({
    scenario: {
      scenario,
      file: setup.scenariosFile,
      connection: setup.connection,
      prefix: setup.prefix,
      seed: BENCH_SEED,
      out,
      verbose: false,
      verify,
    },
    timeoutMs,
    ...(setup.nodeArgs ? { nodeArgs: setup.nodeArgs } : {}),
  });
  // 3 = a threshold failed, 4 = verification found anomalies: the run completed, its report stands.
  const completed: readonly number[] = [ExitCode.ok, ExitCode.thresholdFailed, ExitCode.verificationFailed];
  if (!completed.includes(r.exitCode)) {
    throw new Error(`scenario ${scenario} exited ${r.exitCode}:\n${r.stderr.slice(-2000)}`);
  }
  return {
    report: JSON.parse(readFileSync(out, 'utf8')) as RunReport,
    wallMs: r.tookMs,
    proc: parseProcFigures(r.stdout),
  };
}

/**
 * ProducerPerformance's linger.ms and batch.size, matched to sc-sim's where both have them:
 * the same linger; Java's batch.size is per partition, sc-sim's batch spans every partition
 * (batchMaxEvents records), so the peer gets sc-sim's batch split over the partitions, in bytes,
 * and never less than Java's 16 KiB default.
 */
export function peerBatching(
  producer: Pick<ProducerSettings, 'linger' | 'batchMaxEvents'>,
  medianRecordBytes: number,
  partitions: number,
): { peerLingerMs: number; peerBatchSizeBytes: number } {
  const perPartition = Math.ceil((producer.batchMaxEvents * medianRecordBytes) / partitions / 1024) * 1024;
  return { peerLingerMs: producer.linger, peerBatchSizeBytes: Math.max(16_384, perPartition) };
}

export async function compareProduce(setup: ProduceSetup, compression: 'none' | 'gzip'): Promise<ProduceComparison> {
  // Random letters compress differently from JSON: with compression on, ProducerPerformance sends
  // sc-sim's own events so both sides compress the same bytes.
  const peerPayload = compression === 'none' ? 'record-size' : 'payload-file';
  const rounds: ProduceRound[] = [];
  // Generous: a round on a busy 2-core machine can be slow, but a hung one must not hang the bench.
  const timeoutMs = Math.max(120_000, setup.count * 2);
  for (const slot of alternationOrder([SC_SIM, PEER] as const, setup.rounds)) {
    const started = Date.now();
    let figures: ProduceFigures;
    if (slot.side === SC_SIM) {
      const { report, proc } = await runScSimRound(
        setup,
        PRODUCE_SCENARIO(compression),
        `produce-${compression}-${slot.round}`,
        timeoutMs,
      );
      figures = scSimFigures(report, proc, setup.headerBytesPerRecord);
    } else {
      const r = await runProducerPerformance({
        brokers: setup.connection.brokers,
        ...(setup.peerConfigFile ? { configFile: setup.peerConfigFile } : {}),
        topic: setup.peerTopic,
        numRecords: setup.count,
        recordSizeBytes: setup.recordSizeBytes,
        acks: 'all',
        idempotent: true,
        compression,
        lingerMs: setup.peerLingerMs,
        batchSizeBytes: setup.peerBatchSizeBytes,
        ...(peerPayload === 'payload-file' ? { payloadFile: setup.payloadFile } : {}),
      });
      figures = {
        records: r.records,
        recordsPerSec: r.recordsPerSec,
        mbPerSec: r.mbPerSec,
        p50LatencyMs: r.p50LatencyMs,
        p99LatencyMs: r.p99LatencyMs,
        errors: 0,
        cpuUsPerRecord: r.cpuUs !== null && r.records > 0 ? round2(r.cpuUs / r.records) : Number.NaN,
        peakRssMiB: r.peakRssBytes !== null ? round2(r.peakRssBytes / MIB) : Number.NaN,
      };
    }
    const round: ProduceRound = { round: slot.round, side: slot.side, figures, wallMs: Date.now() - started };
    rounds.push(round);
    setup.log(
      `produce ${compression} round ${slot.round} ${slot.side}: ${Math.round(figures.recordsPerSec).toLocaleString('en-US')} rec/s, ` +
        `${figures.mbPerSec.toFixed(2)} MiB/s, p50 ${figures.p50LatencyMs} ms, p99 ${figures.p99LatencyMs} ms, ` +
        `${figures.cpuUsPerRecord} µs CPU/record, peak RSS ${figures.peakRssMiB} MiB`,
    );
  }
  return summarizeProduce(compression, peerPayload, rounds);
}

/** Medians per side and the ratio, from the rounds (pure: unit-tested). */
export function summarizeProduce(
  compression: 'none' | 'gzip',
  peerPayload: ProduceComparison['peerPayload'],
  rounds: readonly ProduceRound[],
): ProduceComparison {
  const side = (s: ProduceSide) => rounds.filter((r) => r.side === s).map((r) => r.figures);
  const scSim = medianOf(side(SC_SIM), FIGURE_KEYS);
  const peer = medianOf(side(PEER), FIGURE_KEYS);
  const byRound = new Map<number, Partial<Record<ProduceSide, number>>>();
  for (const r of rounds) byRound.set(r.round, { ...byRound.get(r.round), [r.side]: r.figures.recordsPerSec });
  const roundRatios = [...byRound.values()]
    .filter((v) => v[SC_SIM] !== undefined && v[PEER] !== undefined && v[PEER] > 0)
    .map((v) => round3(v[SC_SIM]! / v[PEER]!));
  return {
    compression,
    peerPayload,
    rounds: [...rounds],
    scSim,
    peer,
    ratio: peer.recordsPerSec > 0 ? round3(scSim.recordsPerSec / peer.recordsPerSec) : Number.NaN,
    roundRatios,
  };
}

const round3 = (v: number) => Math.round(v * 1000) / 1000;
const round2 = (v: number) => Math.round(v * 100) / 100;
