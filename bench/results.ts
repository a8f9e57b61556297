// The shape of bench/results/<date>.json and the facts about the machine it was measured on.
import type { GenerationThreadsFigures } from './generator-threads.js';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import { createRequire } from 'node:module';
import { KAFKA_VERSION } from '../src/kafka/local/paths.js';
import { VERSION } from '../src/version.js';
import type { EventSizes } from './events.js';
import type { MemoryResult } from './memory.js';
import type { ProduceComparison } from './produce.js';
import type { VerifyBenchResult } from './verify.js';

// 2: the record size is key + value + headers; both sides idempotent; CPU per record and peak RSS.
export const RESULTS_SCHEMA_VERSION = 2;

export type BenchMode = 'smoke' | 'default' | 'full';

export interface MachineInfo {
  cpuModel: string;
  cpus: number;
  totalMemBytes: number;
  os: string;
  /** 1-minute load average when the bench started: > cpus means other work competed for the cores. */
  loadAvg1AtStart: number;
  loadAvg1AtEnd: number | null;
  versions: { node: string; java: string; kafka: string; kafkajs: string; scSim: string };
  /**
   * The bench process's Node flags (process.execArgv): the generator phases run in it, so these are
   * the flags their figures were measured with. Absent in files written before it was recorded.
   */
  nodeFlags?: string[];
}

export interface GeneratorFigures {
  /** `default` or `order-heavy`. */
  mix: string;
  events: number;
  eventsPerSec: number;
  /** Anything else the generator bench reports (pool building time, Faker share…). */
  details: Record<string, unknown>;
}

export interface BenchResults {
  schemaVersion: typeof RESULTS_SCHEMA_VERSION;
  mode: BenchMode;
  date: string;
  tookMs: number;
  machine: MachineInfo;
  /** null when only the generator ran (no broker involved). */
  broker: { brokers: string[]; startedByBench: boolean; kafkaVersion: string } | null;
  /** What each phase did and why: the choices a reader needs to trust the figures. */
  method: string[];
  generator: {
    targetEventsPerSec: number;
    results: GeneratorFigures[];
    /** Records handed to the runner per second with 0, 1 and 2 generation threads (bench/generator-threads.ts). */
    threads?: GenerationThreadsFigures[];
  } | null;
  produce: {
    count: number;
    rounds: number;
    eventSizes: EventSizes;
    /** ProducerPerformance's --record-size: sc-sim's median record, key + value + headers. */
    recordSizeBytes: number;
    /** How each side produced: both idempotent with acks=all; batching matched where both have it. */
    scSimProducer: {
      idempotent: boolean;
      acks: string;
      batchMaxEvents: number;
      lingerMs: number;
      inFlightBatches: number;
      worker: boolean;
      crc32c: 'native' | 'js';
    };
    peerProducer: { idempotent: boolean; acks: string; lingerMs: number; batchSizeBytes: number };
    scSimTopics: { topics: number; partitions: number };
    peerTopic: { name: string; partitions: number };
    comparisons: ProduceComparison[];
  } | null;
  verify: VerifyBenchResult | null;
  /** rateBasis: why this rate (half the measured max, --memory-rate, or the shipped steady rate). */
  memory: (MemoryResult & { fullLength: boolean; rateBasis: string }) | null;
  /** Phases that failed (the others still ran), with their error. */
  failures: { phase: string; error: string }[];
}

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .find((l) => l.trim() !== '')
      ?.trim() ?? ''
  );
}

/** `java -version` prints to stderr; its first line names the runtime. */
function javaVersion(): Promise<string> {
  return new Promise((resolve) => {
    execFile('java', ['-version'], { timeout: 10_000 }, (err, stdout, stderr) => {
      resolve(err ? 'unavailable' : firstLine(`${stderr}\n${stdout}`));
    });
  });
}

function kafkajsVersion(): string {
  try {
    const require = createRequire(import.meta.url);
    const pkgPath = require.resolve('kafkajs/package.json');
    return (JSON.parse(readFileSync(pkgPath, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export async function machineInfo(): Promise<MachineInfo> {
  const cpu = cpus();
  return {
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    cpus: cpu.length,
    totalMemBytes: totalmem(),
    os: `${type()} ${release()}`,
    loadAvg1AtStart: Math.round(loadavg()[0]! * 100) / 100,
    loadAvg1AtEnd: null,
    versions: {
      node: process.version,
      java: await javaVersion(),
      kafka: KAFKA_VERSION,
      kafkajs: kafkajsVersion(),
      scSim: VERSION,
    },
    nodeFlags: [...process.execArgv],
  };
}
