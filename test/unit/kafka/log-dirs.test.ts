import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  describeLogDirs,
  describeLogDirsBody,
  logDirsUnavailable,
  parseDescribeLogDirsResponse,
} from '../../../src/kafka/log-dirs.js';

/** Kafka's fixed-width encodings, written out here independently of the module under test. */
const i16 = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const i32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const i64 = (n: number) => {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt(n));
  return b;
};
const str = (s: string) => Buffer.concat([i16(Buffer.byteLength(s)), Buffer.from(s)]);

interface Dir {
  error?: number;
  dir: string;
  topics: { name: string; partitions: { p: number; size: number; future?: boolean }[] }[];
}

function frame(dirs: Dir[]): Buffer {
  const body = Buffer.concat([
    i32(7), // correlation id
    i32(0), // throttle
    i32(dirs.length),
    ...dirs.flatMap((d) => [
      i16(d.error ?? 0),
      str(d.dir),
      i32(d.topics.length),
      ...d.topics.flatMap((t) => [
        str(t.name),
        i32(t.partitions.length),
        ...t.partitions.flatMap((p) => [i32(p.p), i64(p.size), i64(0), Buffer.from([p.future ? 1 : 0])]),
      ]),
    ]),
  ]);
  return Buffer.concat([i32(body.length), body]);
}

describe('DescribeLogDirs v1', () => {
  it('asks for exactly the given topics and partitions', () => {
    const body = describeLogDirsBody(new Map([['t-a.sc.domain.user', 2]]));
    expect(body).toEqual(Buffer.concat([i32(1), str('t-a.sc.domain.user'), i32(2), i32(0), i32(1)]));
  });

  it('sums a replica over log dirs, skips future copies, and lists the dirs that failed', () => {
    const parsed = parseDescribeLogDirsResponse(
      frame([
        {
          dir: '/data/a',
          topics: [
            {
              name: 'u',
              partitions: [
                { p: 0, size: 100 },
                { p: 1, size: 5_000_000_000 },
              ],
            },
          ],
        },
        { dir: '/data/b', topics: [{ name: 'u', partitions: [{ p: 0, size: 40, future: true }] }] },
        { dir: '/data/c', error: 57, topics: [] },
      ]),
    );
    expect(parsed.replicas).toEqual([
      { topic: 'u', partition: 0, bytes: 100 },
      { topic: 'u', partition: 1, bytes: 5_000_000_000 },
    ]);
    expect(parsed.errors).toEqual(['/data/c: error 57']);
  });

  it('a truncated answer is an error, not a short reading', () => {
    const whole = frame([{ dir: '/d', topics: [{ name: 'u', partitions: [{ p: 0, size: 1 }] }] }]);
    expect(() => parseDescribeLogDirsResponse(whole.subarray(0, whole.length - 3))).toThrow(/answer ends at byte/);
  });

  it('is not attempted on a SASL listener, and says why', () => {
    expect(logDirsUnavailable({ brokers: ['b:9092'] })).toBeNull();
    expect(
      logDirsUnavailable({
        brokers: ['b:9092'],
        security: {
          protocol: 'SASL_SSL',
          sasl: { mechanism: 'SCRAM-SHA-512', username: 'u', password: { value: 'p' } },
        },
      } as never),
    ).toMatch(/SCRAM-SHA-512/);
  });
});

describe('describeLogDirs against a socket', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

  async function listen(onData: (sock: import('node:net').Socket, data: Buffer) => void): Promise<string> {
    server = createServer((sock) => sock.on('data', (d) => onData(sock, d)));
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const addr = server.address() as { port: number };
    return `127.0.0.1:${addr.port}`;
  }

  it('reads an answer that arrives in pieces', async () => {
    const answer = frame([{ dir: '/d', topics: [{ name: 'u', partitions: [{ p: 0, size: 12 }] }] }]);
    const address = await listen((sock) => {
      sock.write(answer.subarray(0, 5));
      setTimeout(() => sock.write(answer.subarray(5)), 20);
    });
    const r = await describeLogDirs({ brokers: [address] }, { nodeId: 3, address }, new Map([['u', 1]]));
    expect(r).toEqual({ nodeId: 3, address, replicas: [{ topic: 'u', partition: 0, bytes: 12 }], errors: [] });
  });

  it('gives up within its bound on a broker that never answers, naming it', async () => {
    const address = await listen(() => undefined);
    const started = Date.now();
    await expect(
      describeLogDirs({ brokers: [address] }, { nodeId: 2, address }, new Map([['u', 1]]), 300),
    ).rejects.toThrow(/broker 2 .* did not describe its log dirs within 300 ms/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('a closed connection is an error that names the broker', async () => {
    const address = await listen((sock) => sock.destroy());
    await expect(describeLogDirs({ brokers: [address] }, { nodeId: 1, address }, new Map([['u', 1]]))).rejects.toThrow(
      /broker 1 .*closed the connection/,
    );
  });
});
