// Verification against the real broker: the read-back consumer reads exactly a recorded offset range
// and the verifier names what it finds; `seed-dev --verify` reports a clean run.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CompressionTypes, type Admin, type Producer } from 'kafkajs';
import { createKafka } from '../../src/kafka/client.js';
import { applyCatalog, endOffsets } from '../support/kafka.js';
import { startReadBack, type ReadBackOptions } from '../../src/verify/read-back.js';
import { Verifier, type ConsumedRecord } from '../../src/verify/verifier.js';
import { HEADER_RUN_ID } from '../../src/envelope.js';
import { partitionForKey } from '../../src/partitioning/murmur2.js';
import { ExitCode, isScSimError } from '../../src/errors.js';
import { hasStackTrace, runCli, uniquePrefix } from '../support/cli.js';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunReport } from '../../src/report.js';
import { verifySavedReport } from '../../src/app/verify-report.js';
import { formatVerification } from '../../src/render/verification.js';

const brokers = inject('brokers').split(',');
let admin: Admin;
let producer: Producer;

beforeAll(async () => {
  const kafka = createKafka({ brokers, clientId: 'verify-test' });
  admin = kafka.admin();
  producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await Promise.all([admin.connect(), producer.connect()]);
});
afterAll(async () => {
  await Promise.all([admin.disconnect(), producer.disconnect()]);
});

const PARTITIONS = 3;

/** Reads a finished range: start offsets to end offsets. */
function readBack(
  opts: Omit<ReadBackOptions, 'connection'> & { endOffsets: ReadBackOptions['startOffsets']; timeoutMs: number },
) {
  return startReadBack({ ...opts, connection: { brokers } }).finish(opts.endOffsets, opts.timeoutMs);
}

async function topic(label: string): Promise<string> {
  const name = `${uniquePrefix(label)}sc.domain.order`;
  await admin.createTopics({
    waitForLeaders: true,
    topics: [{ topic: name, numPartitions: PARTITIONS, replicationFactor: 1 }],
  });
  return name;
}

function envelope(runId: string, entityId: string, sequence: number) {
  return {
    event_id: `${runId}-${entityId}-${sequence}`,
    event_type: 'order.created',
    entity_type: 'order',
    entity_id: entityId,
    sequence,
    run_id: runId,
    payload: {},
  };
}

/** Sends `perEntity` events for each entity in sequence order, keyed and partitioned as sc-sim does. */
async function send(t: string, runId: string, entities: string[], perEntity: number, firstSeq = 1): Promise<number> {
  const messages = [];
  for (let s = firstSeq; s < firstSeq + perEntity; s++) {
    for (const e of entities) {
      messages.push({
        key: e,
        partition: partitionForKey(e, PARTITIONS),
        value: JSON.stringify(envelope(runId, e, s)),
        headers: { [HEADER_RUN_ID]: runId },
      });
    }
  }
  await producer.send({ topic: t, acks: -1, compression: CompressionTypes.None, messages });
  return messages.length;
}

describe('read-back', () => {
  it('reads exactly the recorded range, skips other runs, and the verifier finds a real duplicate', async () => {
    const t = await topic('rb');
    const entities = Array.from({ length: 12 }, (_, i) => `order_${i}`);
    await send(t, 'earlier-run', entities, 3); // before the range: must not be read
    const start = await endOffsets(brokers, [t]);
    let sent = await send(t, 'run-1', entities, 50);
    await send(t, 'other-run', entities.slice(0, 2), 5); // inside the range, another run
    // A retry that wrote order_3#50 a second time: a duplicate in the log.
    const dup = entities[3]!;
    await producer.send({
      topic: t,
      messages: [
        {
          key: dup,
          partition: partitionForKey(dup, PARTITIONS),
          value: JSON.stringify(envelope('run-1', dup, 50)),
          headers: { [HEADER_RUN_ID]: 'run-1' },
        },
      ],
    });
    sent += await send(t, 'run-1', entities, 10, 51);
    const end = await endOffsets(brokers, [t]);

    const v = new Verifier();
    const read: ConsumedRecord[] = [];
    // Counts mode, as `verify --report` does it: the producer's acked count per partition.
    const ackedPerPartition = new Map<number, number>();
    for (const e of entities) {
      const p = partitionForKey(e, PARTITIONS);
      ackedPerPartition.set(p, (ackedPerPartition.get(p) ?? 0) + 60);
    }
    for (const [partition, acked] of ackedPerPartition) v.expectAcked(t, partition, acked);
    const stats = await readBack({
      startOffsets: start,
      endOffsets: end,
      runId: 'run-1',
      timeoutMs: 30_000,
      onRecord: (r) => {
        read.push(r);
        v.addConsumed(r);
      },
    });
    expect(stats.records).toBe(sent + 1);
    expect(stats.foreign).toBe(10);
    expect(stats.undecodable).toBe(0);
    expect(read.every((r) => r.key === r.entityId && partitionForKey(r.key, PARTITIONS) === r.partition)).toBe(true);
    expect(stats.partitions.every((p) => p.position === p.end)).toBe(true);

    const result = v.finish();
    expect(result.totals.duplicate).toBe(1);
    expect(result.keys.map((k) => [k.key, k.duplicate])).toEqual([[dup, 1]]);
    expect(result.totals.reordered).toBe(0);
    expect(result.totals.gaps).toBe(0);
    expect(result.totals.consumed).toBe(sent);
    expect(result.totals.lost).toBe(0);
    expect(result.totals.acked).toBe(sent);
  });

  it('fails with a clear, bounded error when the end offsets cannot be reached', async () => {
    const t = await topic('rb-timeout');
    const start = await endOffsets(brokers, [t]);
    await send(t, 'run-x', ['order_a'], 5);
    const end = await endOffsets(brokers, [t]);
    const p = partitionForKey('order_a', PARTITIONS);
    end.get(t)!.set(p, end.get(t)!.get(p)! + 100n); // 100 records that will never exist
    const started = Date.now();
    const err = await readBack({
      startOffsets: start,
      endOffsets: end,
      runId: 'run-x',
      timeoutMs: 4_000,
      onRecord: () => undefined,
    }).catch((e: unknown) => e);
    expect(isScSimError(err) && err.code).toBe('E_VERIFY_TIMEOUT');
    expect(isScSimError(err) && err.details.join('\n')).toContain(`${t}[${p}]: at offset 5, end 105 (100 to go)`);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('reads while the producer is still writing, and measures end-to-end latency', async () => {
    const t = await topic('rb-live');
    const start = await endOffsets(brokers, [t]);
    const v = new Verifier();
    const rb = startReadBack({
      connection: { brokers },
      startOffsets: start,
      runId: 'run-live',
      onRecord: (r) => v.addConsumed(r),
    });
    await rb.ready;
    const entities = ['order_x', 'order_y', 'order_z'];
    for (let s = 1; s <= 20; s++) {
      const sentAtMs = Date.now();
      const recs = await producer.send({
        topic: t,
        acks: -1,
        messages: entities.map((e) => ({
          key: e,
          partition: partitionForKey(e, PARTITIONS),
          value: JSON.stringify(envelope('run-live', e, s)),
          headers: { [HEADER_RUN_ID]: 'run-live' },
        })),
      });
      const ackedAtMs = Date.now();
      entities.forEach((e) => {
        const partition = partitionForKey(e, PARTITIONS);
        const meta = recs.find((r) => r.partition === partition)!;
        v.addProduced({
          topic: t,
          partition,
          offset: Number(meta.baseOffset),
          key: e,
          entityId: e,
          sequence: s,
          eventId: `run-live-${e}-${s}`,
          outcome: 'acked',
          sentAtMs,
          ackedAtMs,
        });
      });
      await new Promise((r) => setTimeout(r, 20));
    }
    const stats = await rb.finish(await endOffsets(brokers, [t]), 30_000);
    expect(stats.records).toBe(60);
    const result = v.finish();
    expect(result.ok).toBe(true);
    expect(result.totals).toMatchObject({
      acked: 60,
      consumed: 60,
      lost: 0,
      duplicate: 0,
      reordered: 0,
      gaps: 0,
      unexpected: 0,
    });
    expect(result.latency?.count).toBe(60);
    // Read while producing on loopback: well under a second end to end.
    expect(result.latency!.p50).toBeLessThan(1_000);
  });
});

/** `sc-sim run seed-dev --verify` on fresh topics under `prefix`, report to `out`; extra flags after. */
async function seedDevVerified(prefix: string, out: string, ...extra: string[]) {
  await applyCatalog(brokers, prefix);
  const cli = await runCli([
    'run',
    'seed-dev',
    '--brokers',
    brokers.join(','),
    '--prefix',
    prefix,
    '--verify',
    '--out',
    out,
    '--quiet',
    ...extra,
  ]);
  expect(hasStackTrace(cli.stderr)).toBe(false);
  expect(cli.code).toBe(0);
  return cli;
}

describe('seed-dev, verified', () => {
  it('generated on two worker threads, seed-dev reads back clean on all 32 topics, dead letters included', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'sc-sim-threads-')), 'report.json');
    await seedDevVerified(uniquePrefix('seed-threads'), out, '--generator-threads', '2');
    const report = JSON.parse(readFileSync(out, 'utf8')) as RunReport;
    expect(report.run.threads!.threads.map((t) => t.thread)).toEqual(['main', 'generator 1', 'generator 2']);
    const t = report.verification!.result.totals;
    expect(t.consumed).toBe(report.summary.totals.acked);
    expect(report.summary.totals.acked).toBeGreaterThanOrEqual(40_000);
    expect({
      lost: t.lost,
      duplicate: t.duplicate,
      reordered: t.reordered,
      gaps: t.gaps,
      unexpected: t.unexpected,
    }).toEqual({ lost: 0, duplicate: 0, reordered: 0, gaps: 0, unexpected: 0 });
    expect(report.verification!.result.derived).toMatchObject({ keyMismatches: 0, sourceReordered: 0 });
    const written = new Set(report.summary.topics.filter((x) => x.acked > 0).map((x) => x.topic));
    // Every domain, projection, analytics and DLQ topic (the heartbeat needs a run of a second or more).
    expect([...written].filter((x) => !x.startsWith('sc.internal.'))).toHaveLength(31);
  });

  it('reads back every acked event: 0 lost, duplicate, reordered (live, then again from the saved report)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sc-sim-verify-'));
    const out = join(dir, 'report.json');
    const html = join(dir, 'report.html');
    const cli = await seedDevVerified(uniquePrefix('seed-verify'), out, '--html', html);
    expect(cli.stdout).toContain('verification: PASSED');
    expect(cli.stdout).toMatch(/lost 0, duplicate 0, reordered 0/);
    const report = JSON.parse(readFileSync(out, 'utf8')) as RunReport;
    expect(readFileSync(html, 'utf8')).toContain('Verification: <span class="pass">passed</span>');
    const section = report.verification!;
    process.stderr.write(`\n[seed-dev --verify]\n${formatVerification(section)}\n`);
    const t = section.result.totals;
    // seed-dev writes all 32 topics: 40,000 scheduled records and the dead letters due at the end.
    const acked = report.summary.totals.acked;
    expect(acked).toBeGreaterThanOrEqual(40_000);
    expect(t.acked).toBe(acked);
    expect(t.consumed).toBe(acked);
    // Projection and analytics records were checked for their key and source order too.
    expect(section.result.derived?.records).toBeGreaterThan(15_000);
    expect(section.result.derived).toMatchObject({ keyMismatches: 0, sourceReordered: 0 });
    expect({
      lost: t.lost,
      duplicate: t.duplicate,
      reordered: t.reordered,
      gaps: t.gaps,
      moves: t.keyPartitionMoves,
      unexpected: t.unexpected,
    }).toEqual({ lost: 0, duplicate: 0, reordered: 0, gaps: 0, moves: 0, unexpected: 0 });
    expect(section.passed).toBe(true);
    expect(section.producer?.reorderingOnRetryPossible).toBe(false);
    // A backfill's record timestamps are its history, days old: no end-to-end latency is claimed.
    expect(section.result.latency).toBeNull();
    // Every hot key was read from the partition murmur2 predicts.
    expect(section.hotKeys.flatMap((h) => h.hottest).every((k) => k.matchesPrediction === true)).toBe(true);

    // After the fact, from the saved report alone (counts mode): the same verdict.
    const again = await verifySavedReport(report, { brokers }, 60_000);
    expect(again.result.mode).toBe('counts');
    expect(again.result.totals).toMatchObject({
      acked,
      consumed: acked,
      lost: 0,
      duplicate: 0,
      reordered: 0,
      gaps: 0,
    });
    expect(again.passed).toBe(true);

    // `sc-sim verify --report`: passes on the true report; a report claiming 5 more acks on one
    // partition than the log holds is 5 lost events and exit code 4.
    const ok = await runCli(['verify', '--report', out, '--brokers', brokers.join(',')]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('verification: PASSED');
    const tampered = join(dir, 'tampered.json');
    const claimed = structuredClone(report);
    claimed.metrics.measured.topics['sc.domain.order']!.partitions['0']!.events += 5;
    writeFileSync(tampered, JSON.stringify(claimed));
    const failed = await runCli(['verify', '--report', tampered, '--brokers', brokers.join(',')]);
    expect(failed.code).toBe(ExitCode.verificationFailed);
    expect(failed.stdout).toContain('verification: FAILED (lost: 5)');
    expect(hasStackTrace(failed.stderr)).toBe(false);
  });
});
