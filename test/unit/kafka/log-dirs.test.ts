import { describe, expect, it } from 'vitest';
import { describeLogDirs, describeLogDirsBody, parseDescribeLogDirsBody } from '../../../src/kafka/log-dirs.js';

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

/** A DescribeLogDirs v1 response body, as kafkajs hands it over (after the correlation id). */
function body(dirs: Dir[]): Buffer {
  return Buffer.concat([
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
}

describe('DescribeLogDirs v1', () => {
  it('asks for exactly the given topics and partitions', () => {
    expect(describeLogDirsBody(new Map([['t-a.sc.domain.user', 2]]))).toEqual(
      Buffer.concat([i32(1), str('t-a.sc.domain.user'), i32(2), i32(0), i32(1)]),
    );
  });

  it('sums a replica over log dirs, skips future copies, and lists the dirs that failed', () => {
    const parsed = parseDescribeLogDirsBody(
      body([
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

  it('no log dir at all is an error that names the ACL (a broker before v3 answers so when refused), not 0 bytes', () => {
    expect(() => parseDescribeLogDirsBody(body([]))).toThrow(/DESCRIBE on the CLUSTER resource/);
  });

  it('a truncated answer is an error, not a short reading', () => {
    const whole = body([{ dir: '/d', topics: [{ name: 'u', partitions: [{ p: 0, size: 1 }] }] }]);
    expect(() => parseDescribeLogDirsBody(whole.subarray(0, whole.length - 3))).toThrow(/answer ends at byte/);
  });

  it('an unreachable cluster: every broker rejected with a message that says so, within the bound', async () => {
    const started = Date.now();
    const brokers = [
      { nodeId: 1, address: '127.0.0.1:1' },
      { nodeId: 2, address: '127.0.0.1:2' },
    ];
    const settled = await describeLogDirs({ brokers: ['127.0.0.1:1'] }, brokers, new Map([['u', 1]]), 1_000);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    expect(String((settled[0] as PromiseRejectedResult).reason)).toMatch(/could not read log dirs/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
