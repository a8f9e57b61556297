// The broker's own view of where a run's bytes are: DescribeLogDirs (API 35), asked of each broker
// in turn, gives the size on disk of every replica of the run's partitions it holds. kafkajs has no
// call for it, so this module speaks the request itself (version 1: fixed-width fields, no tagged
// fields; every broker since Kafka 1.1, Kafka 4's included, answers it) over a plain or TLS socket.
// A SASL listener wants a login first: sc-sim does not read log dirs there, and says so.
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { KafkaConnection } from '../config.js';
import { kafkaRequest } from './probe.js';
import { hostPort, kafkaSecurityConfig } from './security.js';

const DESCRIBE_LOG_DIRS = 35;
const VERSION = 1;
/** A response larger than this is not a DescribeLogDirs answer for a run's topics. */
const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

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
 * Parses a whole DescribeLogDirs v1 response frame (size, correlation id, body): the replica sizes
 * summed over the broker's log dirs (a replica being moved between dirs counts once, its current
 * copy), and the log dirs that reported an error.
 */
export function parseDescribeLogDirsResponse(frame: Buffer): { replicas: ReplicaSize[]; errors: string[] } {
  const r = new Reader(frame);
  r.int32(); // size
  r.int32(); // correlation id
  r.int32(); // throttle time
  const replicas = new Map<string, ReplicaSize>();
  const errors: string[] = [];
  for (let d = r.int32(); d > 0; d--) {
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

/** Why log dirs cannot be read over this connection, or null when they can. */
export function logDirsUnavailable(connection: KafkaConnection): string | null {
  const mechanism = connection.security?.sasl?.mechanism;
  return mechanism
    ? `sc-sim reads log dirs over PLAINTEXT and SSL listeners only (this one logs in with ${mechanism})`
    : null;
}

/**
 * Asks one broker for the sizes of its replicas of `partitions` (physical topic -> partition count).
 * Bounded by `timeoutMs`; rejects with a plain Error that says what failed.
 */
export function describeLogDirs(
  connection: KafkaConnection,
  broker: { nodeId: number; address: string },
  partitions: ReadonlyMap<string, number>,
  timeoutMs = 5_000,
): Promise<BrokerLogDirs> {
  const { host, port } = hostPort(broker.address);
  const ssl = kafkaSecurityConfig(connection).ssl;
  const request = kafkaRequest(DESCRIBE_LOG_DIRS, VERSION, describeLogDirsBody(partitions));
  return new Promise((resolve, reject) => {
    let socket: Socket | undefined = undefined;
    let settled = false;
    const finish = (err: Error | undefined, value?: BrokerLogDirs) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket?.destroy();
      if (err) reject(err);
      else resolve(value!);
    };
    const timer = setTimeout(
      () =>
        finish(
          new Error(`broker ${broker.nodeId} (${broker.address}) did not describe its log dirs within ${timeoutMs} ms`),
        ),
      timeoutMs,
    );
    const tls = ssl === undefined || ssl === false ? undefined : ssl === true ? {} : ssl;
    socket = tls
      ? tlsConnect({ host, port, ...(isIP(host) ? {} : { servername: host }), ...tls })
      : netConnect({ host, port });
    let buf = Buffer.alloc(0);
    socket.once(tls ? 'secureConnect' : 'connect', () => socket!.write(request));
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length < 4) return;
      const size = buf.readInt32BE(0);
      if (size < 0 || size > MAX_RESPONSE_BYTES)
        return finish(new Error(`broker ${broker.nodeId} sent a ${size}-byte answer to DescribeLogDirs`));
      if (buf.length < 4 + size) return;
      try {
        finish(undefined, { ...broker, ...parseDescribeLogDirsResponse(buf.subarray(0, 4 + size)) });
      } catch (err) {
        finish(new Error(`broker ${broker.nodeId} sent a DescribeLogDirs answer sc-sim cannot read: ${String(err)}`));
      }
    });
    socket.once('error', (err) => finish(new Error(`broker ${broker.nodeId} (${broker.address}): ${err.message}`)));
    socket.once('close', () =>
      finish(new Error(`broker ${broker.nodeId} (${broker.address}) closed the connection before answering`)),
    );
  });
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
