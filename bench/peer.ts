// Kafka's own ProducerPerformance (kafka-tools jar from the Maven-fetched cache), run as the peer
// that sc-sim's produce throughput is compared against, on the same broker in the same run.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { jarCachePaths, resolveCacheRoot, KAFKA_VERSION } from '../src/kafka/local/paths.js';

export interface PeerOptions {
  brokers: string[];
  /** Security settings (a Kafka client properties file: --producer.config). */
  configFile?: string;
  topic: string;
  numRecords: number;
  recordSizeBytes: number;
  acks: 'all' | '1' | '0';
  compression: 'none' | 'gzip' | 'lz4';
  /** enable.idempotence (Kafka 4's default is true; set explicitly so the bench says what it ran). */
  idempotent: boolean;
  /** Bytes per producer batch (Kafka's batch.size); the Java default is 16 KiB. */
  batchSizeBytes?: number;
  lingerMs?: number;
  /**
   * Payloads to pick from at random, one per line (ProducerPerformance's --payload-file), instead of
   * random letters of recordSizeBytes: same sizes and same compressibility as the events it holds.
   */
  payloadFile?: string;
}

export interface PeerResult {
  tool: 'ProducerPerformance';
  records: number;
  recordsPerSec: number;
  mbPerSec: number;
  avgLatencyMs: number;
  maxLatencyMs: number;
  p50LatencyMs: number;
  p99LatencyMs: number;
  /** CPU of the JVM (user + system, start-up and JIT included), from /proc, sampled every 100 ms. */
  cpuUs: number | null;
  /** Peak resident set (VmHWM) of the JVM. */
  peakRssBytes: number | null;
  raw: string;
}

/** utime + stime of a process in µs, from /proc/<pid>/stat; null when unreadable (not Linux, gone). */
export function procCpuUs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1_000_000) / CLOCK_TICKS_PER_SEC : null;
  } catch {
    return null;
  }
}

/** USER_HZ: 100 on every Linux the bench runs on (getconf CLK_TCK). */
const CLOCK_TICKS_PER_SEC = 100;

function procPeakRssBytes(pid: number): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/**
 * Parses ProducerPerformance's final summary line, e.g.
 * "100000 records sent, 61728.395062 records/sec (30.14 MB/sec), 312.21 ms avg latency, 602.00 ms max latency,
 *  308 ms 50th, 540 ms 95th, 590 ms 99th, 600 ms 99.9th."
 */
export function parseProducerPerformance(output: string): Omit<PeerResult, 'tool' | 'raw' | 'cpuUs' | 'peakRssBytes'> {
  const line = output
    .split('\n')
    .reverse()
    .find((l) => /records sent,.*50th/.test(l));
  const m =
    line &&
    /([\d.]+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency, ([\d.]+) ms 50th, [\d.]+ ms 95th, ([\d.]+) ms 99th/.exec(
      line,
    );
  if (!m) throw new Error(`ProducerPerformance printed no summary line:\n${output.slice(-2000)}`);
  return {
    records: Number(m[1]),
    recordsPerSec: Number(m[2]),
    mbPerSec: Number(m[3]),
    avgLatencyMs: Number(m[4]),
    maxLatencyMs: Number(m[5]),
    p50LatencyMs: Number(m[6]),
    p99LatencyMs: Number(m[7]),
  };
}

export function runProducerPerformance(o: PeerOptions): Promise<PeerResult> {
  const libs = jarCachePaths(resolveCacheRoot(undefined), KAFKA_VERSION).libsDir;
  const props = [
    `bootstrap.servers=${o.brokers.join(',')}`,
    `acks=${o.acks}`,
    `enable.idempotence=${o.idempotent}`,
    `compression.type=${o.compression}`,
    ...(o.batchSizeBytes ? [`batch.size=${o.batchSizeBytes}`] : []),
    ...(o.lingerMs !== undefined ? [`linger.ms=${o.lingerMs}`] : []),
  ];
  const args = [
    '-Xmx512m',
    '-cp',
    `${libs}/*`,
    'org.apache.kafka.tools.ProducerPerformance',
    '--topic',
    o.topic,
    '--num-records',
    String(o.numRecords),
    ...(o.payloadFile ? ['--payload-file', o.payloadFile] : ['--record-size', String(o.recordSizeBytes)]),
    '--throughput',
    '-1',
    ...(o.configFile ? ['--producer.config', o.configFile] : []),
    '--producer-props',
    ...props,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    // The last sample before the JVM exits (it misses at most the last 100 ms).
    let cpuUs: number | null = null;
    let peakRssBytes: number | null = null;
    const sampler = setInterval(() => {
      if (child.pid === undefined) return;
      cpuUs = procCpuUs(child.pid) ?? cpuUs;
      peakRssBytes = procPeakRssBytes(child.pid) ?? peakRssBytes;
    }, 100);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', (err) => {
      clearInterval(sampler);
      reject(err);
    });
    child.on('close', (code) => {
      clearInterval(sampler);
      if (code !== 0) return reject(new Error(`ProducerPerformance exited ${code}:\n${out.slice(-2000)}`));
      try {
        resolve({
          tool: 'ProducerPerformance',
          ...parseProducerPerformance(out),
          cpuUs,
          peakRssBytes,
          raw: out.trim().split('\n').slice(-1)[0] ?? '',
        });
      } catch (err) {
        reject(err);
      }
    });
  });
}
