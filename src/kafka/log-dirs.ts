// The broker's own view of where a run's bytes are: DescribeLogDirs (API 35), asked of each broker
// in turn, gives the size on disk of every replica of the run's partitions it holds. kafkajs has no
// call for it, so this module writes the request itself (version 1: fixed-width fields, no tagged
// fields; every broker since Kafka 1.1, Kafka 4's included, answers it) and sends it on kafkajs's
// own connections, so TLS and every SASL login sc-sim supports work as for any other request.
import type { KafkaConnection } from '../config.js';
import { bounded } from './bounded.js';
import { createKafka } from './client.js';
import { clusterOf, sendRawRequest } from './producer/kafkajs-internals.js';

const DESCRIBE_LOG_DIRS = 35;
const VERSION = 1;

export interface ReplicaSize {
  topic: string;
  partition: number;
  bytes: number;
}

export interface BrokerLogDirs {
  nodeId: number;
  address: string;
  /** Size on disk of each replica of the asked partitions this broker holds (its log dirs summed). */
  replicas: ReplicaSize[];
  /** Log dirs that answered with an error (offline, storage error): their replicas are missing. */
  errors: string[];
}

/** The DescribeLogDirs v1 request body: the topics and partitions to describe. */
export function describeLogDirsBody(partitions: ReadonlyMap<string, number>): Buffer {
  const parts: Buffer[] = [int32(partitions.size)];
  for (const [topic, count] of partitions) {
    parts.push(kafkaString(topic), int32(count));
    for (let p = 0; p < count; p++) parts.push(int32(p));
  }
  return Buffer.concat(parts);
}

/**
 * Parses a DescribeLogDirs v1 response body (after the correlation id): the replica sizes summed
 * over the broker's log dirs (a replica being moved between dirs counts once, its current copy), and
 * the log dirs that reported an error. No log dir at all is how a broker before v3 says the user
 * may not describe the cluster: that is an error, not a reading of 0 bytes.
 */
export function parseDescribeLogDirsBody(body: Buffer): { replicas: ReplicaSize[]; errors: string[] } {
  const r = new Reader(body);
  r.int32(); // throttle time
  const dirs = r.int32();
  if (dirs <= 0)
    throw new Error('it described no log dirs: the user needs DESCRIBE on the CLUSTER resource (an ACL) to read them');
  const replicas = new Map<string, ReplicaSize>();
  const errors: string[] = [];
  for (let d = dirs; d > 0; d--) {
    const errorCode = r.int16();
    const logDir = r.string();
    if (errorCode !== 0) errors.push(`${logDir}: error ${errorCode}`);
    for (let t = r.int32(); t > 0; t--) {
      const topic = r.string();
      for (let p = r.int32(); p > 0; p--) {
        const partition = r.int32();
        const bytes = r.int64();
        r.int64(); // offset lag (of a future replica)
        const future = r.bool();
        if (future) continue;
        const key = `${topic}\u0000${partition}`;
        const had = replicas.get(key);
        if (had) had.bytes += bytes;
        else replicas.set(key, { topic, partition, bytes });
      }
    }
  }
  return { replicas: [...replicas.values()], errors };
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Asks every broker, at the same time, for the sizes of its replicas of `partitions` (physical
 * topic -> partition count), over one connection each as the run's own clients make them. Each
 * broker's answer or failure (with a message that names it) comes back in `brokers` order; the whole
 * is bounded by about twice `timeoutMs`.
 */
export async function describeLogDirs(
  connection: KafkaConnection,
  brokers: readonly { nodeId: number; address: string }[],
  partitions: ReadonlyMap<string, number>,
  timeoutMs = 5_000,
): Promise<PromiseSettledResult<BrokerLogDirs>[]> {
  const kafka = createKafka({
    ...connection,
    clientId: 'sc-sim-log-dirs',
    connectionTimeoutMs: Math.min(3_000, timeoutMs),
    requestTimeoutMs: timeoutMs,
    // No retries beyond trying each bootstrap broker once (createKafka's floor): a broker that does
    // not answer is named in the reading, not waited for.
    retries: 0,
  });
  const cluster = clusterOf(kafka);
  const body = describeLogDirsBody(partitions);
  try {
    // Connected, then the brokers' addresses from metadata (findBroker looks them up there).
    await bounded(
      cluster.connect().then(() => cluster.refreshMetadata()),
      timeoutMs,
      'could not reach the cluster for its log dirs',
    ).catch((err: unknown) => {
      throw new Error(`could not read log dirs: ${messageOf(err)}`);
    });
    return await Promise.allSettled(
      brokers.map(async (b) => {
        const name = `broker ${b.nodeId} (${b.address})`;
        try {
          const answer = await bounded(
            (async () => {
              const broker = await cluster.findBroker({ nodeId: b.nodeId });
              return sendRawRequest(broker, {
                apiKey: DESCRIBE_LOG_DIRS,
                apiVersion: VERSION,
                apiName: 'DescribeLogDirs',
                body,
                requestTimeoutMs: timeoutMs,
              });
            })(),
            timeoutMs,
            'no answer',
          );
          return { ...b, ...parseDescribeLogDirsBody(answer) };
        } catch (err) {
          throw new Error(`${name}: ${messageOf(err)}`);
        }
      }),
    );
  } catch (err) {
    return brokers.map(() => ({ status: 'rejected' as const, reason: err }));
  } finally {
    await bounded(cluster.disconnect(), timeoutMs, 'disconnect').catch(() => undefined);
  }
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

function kafkaString(s: string): Buffer {
  const bytes = Buffer.from(s, 'utf8');
  const len = Buffer.alloc(2);
  len.writeInt16BE(bytes.length);
  return Buffer.concat([len, bytes]);
}

/** Reads Kafka's fixed-width types in order; a read past the end throws (a truncated answer). */
class Reader {
  private at = 0;
  constructor(private readonly buf: Buffer) {}
  private need(n: number): number {
    if (this.at + n > this.buf.length)
      throw new RangeError(`answer ends at byte ${this.buf.length}, needed ${this.at + n}`);
    const at = this.at;
    this.at += n;
    return at;
  }
  int16(): number {
    return this.buf.readInt16BE(this.need(2));
  }
  int32(): number {
    return this.buf.readInt32BE(this.need(4));
  }
  int64(): number {
    return Number(this.buf.readBigInt64BE(this.need(8)));
  }
  bool(): boolean {
    return this.buf.readInt8(this.need(1)) !== 0;
  }
  string(): string {
    const len = this.int16();
    if (len < 0) return '';
    const at = this.need(len);
    return this.buf.toString('utf8', at, at + len);
  }
}
