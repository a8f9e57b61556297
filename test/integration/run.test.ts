// `sc-sim run` against the real broker: what the report says was acked is what the topics hold,
// partition by partition, and a paced run holds its rate.
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka } from 'kafkajs';
import { describe, expect, inject, it, vi } from 'vitest';
import { resolveScenario, type NamedScenario } from '../../src/app/prepare.js';
import { runScenario } from '../../src/app/run.js';
import { verifySavedReport } from '../../src/app/verify-report.js';
import { readReportFile, writeHtmlReport, writeReportFile } from '../../src/app/report-files.js';
import { getTopic, physicalTopicName } from '../../src/catalog/topics.js';
import { EVENT_TYPES } from '../../src/catalog/events.js';
import { applyCatalog, endOffsets } from '../support/kafka.js';
import { AdminSession } from '../../src/kafka/admin.js';
import { partitionForKey } from '../../src/partitioning/murmur2.js';
import { REPORT_SCHEMA_VERSION, type RunReport } from '../../src/report.js';
import type { AckObserver } from '../../src/runner.js';
import { formatConsoleReport } from '../../src/render/console.js';
import { hasStackTrace, runCli, uniquePrefix } from '../support/cli.js';
import { expectNoAnomalies } from '../support/delivery.js';

const brokers = inject('brokers');
const brokerList = brokers.split(',');

/** seed-dev's small world, paced (seed-dev itself is an unthrottled backfill): for rate checks. */
function pacedSeedDev(): NamedScenario {
  const { scenario } = resolveScenario('seed-dev');
  return {
    name: 'seed-dev-paced',
    scenario: {
      ...scenario,
      load: { executor: 'constant-rate', rate: 1_000, count: 20_000 },
      time: { mode: 'live', timeScale: 1, shape: 'flat' },
    },
  };
}

async function freshTopics(label: string): Promise<string> {
  const prefix = uniquePrefix(label);
  // applyTopics returns once every partition has a leader.
  await applyCatalog(brokerList, prefix);
  return prefix;
}

/** The logical topics a report says its run wrote. */
const written = (report: RunReport): string[] => Object.keys(report.offsets!.topics);

/** Asks the broker (independently of the report) how many records each partition gained. */
async function brokerDeltas(report: RunReport): Promise<Map<string, number[]>> {
  const physical = written(report).map((t) => physicalTopicName(t, report.prefix));
  const end = await endOffsets(brokerList, physical);
  const out = new Map<string, number[]>();
  for (const logical of written(report)) {
    const start = report.offsets!.topics[logical]!.start;
    const now = end.get(physicalTopicName(logical, report.prefix))!;
    out.set(
      logical,
      [...now.entries()].sort(([a], [b]) => a - b).map(([p, o]) => Number(o - BigInt(start[String(p)] ?? '0'))),
    );
  }
  return out;
}

function expectReportMatchesBroker(report: RunReport, deltas: Map<string, number[]>) {
  for (const logical of written(report)) {
    const topic = report.summary.topics.find((t) => t.topic === logical);
    const perPartition = deltas.get(logical)!;
    const raised = report.partitionChanges?.find((c) => c.topic === logical)?.to;
    expect(perPartition).toHaveLength(raised ?? getTopic(logical)!.partitions);
    // Sum of end-offset deltas per topic == acked per topic; and partition by partition.
    expect(
      perPartition.reduce((s, n) => s + n, 0),
      logical,
    ).toBe(topic?.acked ?? 0);
    expect(topic?.partitions.map((p) => p.events) ?? perPartition.map(() => 0), logical).toEqual(perPartition);
  }
}

describe('sc-sim run against the broker', () => {
  it('seed-dev runs to completion on all 32 topics and every record it reports acked is in the topics', async () => {
    const prefix = await freshTopics('seed');
    const types = new Set<string>();
    const offsetsSeen = new Map<string, Set<number>>();
    let predictedRight = 0;
    const observe: AckObserver = (batch, result) => {
      if (!result.ok) return;
      batch.forEach((r, i) => {
        types.add(r.eventType);
        if (r.partition === partitionForKey(r.keyText, getTopic(r.logicalTopic)!.partitions)) predictedRight++;
        const tp = `${r.topic}/${r.partition}`;
        if (!offsetsSeen.has(tp)) offsetsSeen.set(tp, new Set());
        offsetsSeen.get(tp)!.add(result.offsets![i]!);
      });
    };
    const { report, exitCode } = await runScenario(
      { scenario: 'seed-dev', connection: { brokers: brokerList }, prefix },
      { onAck: [observe] },
    );

    expect(exitCode).toBe(0);
    // 40,000 scheduled records, then the dead letters whose failed records were acked last.
    const t = report.summary.totals;
    expect(t).toMatchObject({ failed: 0, indeterminate: 0, dropped: 0 });
    expect(t.sent).toBe(t.acked);
    expect(t.acked).toBeGreaterThanOrEqual(40_000);
    expect(t.acked).toBeLessThan(40_100);
    expect(written(report)).toHaveLength(32);
    expectReportMatchesBroker(report, await brokerDeltas(report));
    // Every record went to the partition murmur2 predicts, and got its own offset there.
    expect(predictedRight).toBe(t.acked);
    expect([...offsetsSeen.values()].reduce((s, set) => s + set.size, 0)).toBe(t.acked);
    // seed-dev promises every event type of the catalog.
    expect([...types].filter((x) => (EVENT_TYPES as readonly string[]).includes(x)).sort()).toEqual(
      [...EVENT_TYPES].sort(),
    );
    expect(report.producer).toMatchObject({ acks: 'all', idempotent: true });
  });

  // How closely the rate is held on the wall clock is a speed figure: `npm run bench` measures it
  // (its memory phase is a paced run). On a shared 2-core CI machine a pause can stretch any run, so
  // this test checks what holds on any machine: the schedule, and that nothing is sent ahead of it.
  it('a constant-rate run at 500 ev/s for 10 s schedules 500 in every second and never sends ahead of it', async () => {
    const prefix = await freshTopics('rate');
    const { report } = await runScenario({
      scenario: pacedSeedDev(),
      connection: { brokers: brokerList },
      prefix,
      ratePerSec: 500,
      durationMs: 10_000,
    });
    const t = report.summary.totals;
    // 5,000 scheduled; dead letters due at the end follow.
    expect(t.acked).toBeGreaterThanOrEqual(5_000);
    expect(t.acked).toBeLessThan(5_030);
    expect(t.targetRatePerSec).toBe(500);
    // The schedule itself never bent: 500 intended in every second.
    for (const p of report.series.slice(0, 10)) expect(p.scheduled, `second ${p.second}`).toBe(500);
    // Paced, not a burst: by the end of every second no more was sent than was due by then (plus
    // the few dead letters, records of their own that no second schedules).
    const extra = t.sent - t.scheduled;
    expect(extra).toBeGreaterThanOrEqual(0);
    expect(extra).toBeLessThan(30);
    let due = 0;
    let sent = 0;
    for (const p of report.series) {
      due += p.scheduled;
      sent += p.sent;
      expect(sent, `sent by the end of second ${p.second}`).toBeLessThanOrEqual(due + extra);
    }
    expect(sent).toBe(t.sent);
    // A run that stalled for seconds would show here (the ratio counts the tail past the schedule).
    expect(t.achievedRateRatio).toBeGreaterThan(0.5);
    expect(t.achievedRateRatio).toBeLessThanOrEqual(1.01);
    expectReportMatchesBroker(report, await brokerDeltas(report));
  });

  /** Runs paced seed-dev for `durationMs`, raising sc.domain.user (busy from the first second) to twice its count after 1,000 acks. */
  async function runWithRaise(label: string, durationMs: number, metadataMaxAgeMs?: number) {
    const prefix = await freshTopics(label);
    const users = physicalTopicName('sc.domain.user', prefix);
    const from = getTopic('sc.domain.user')!.partitions;
    let grown: Promise<unknown> | undefined;
    // Wall-clock ms when the raise was asked for and when Kafka said it was done.
    const raise = { askedAtMs: 0, doneAtMs: 0 };
    const result = await runScenario({
      scenario: pacedSeedDev(),
      connection: { brokers: brokerList },
      prefix,
      ratePerSec: 1_000,
      durationMs,
      metadataMaxAgeMs,
      checks: { verify: { timeoutMs: 60_000 } },
      onProgress: (p) => {
        // What `topics apply` does with a raised count, while the run writes.
        if (grown === undefined && p.acked >= 1_000) {
          raise.askedAtMs = Date.now();
          grown = AdminSession.open({ brokers: brokerList }).then(async (admin) => {
            try {
              expect(await admin.growPartitions([{ topic: users, count: from * 2 }])).toEqual([]);
              raise.doneAtMs = Date.now();
            } finally {
              await admin.close();
            }
          });
        }
      },
    });
    expect(grown, 'the partitions were never added').toBeDefined();
    await grown;
    return { ...result, users, from, raise };
  }

  it('partitions added mid-run are followed at the next metadata read: keys move, the verifier names them, nothing is lost', async () => {
    const { report, exitCode, users, from, raise } = await runWithRaise('follow', 8_000, 1_000);
    const [change] = report.partitionChanges ?? [];
    expect(change).toMatchObject({ topic: 'sc.domain.user', physicalTopic: users, from, to: from * 2 });
    // Followed at the first read after the raise: a period (1 s) and the read's own time later. Timed
    // from when Kafka said the raise was done, not from the run's start: on a busy CI the raise itself
    // has taken seconds.
    const followedAtMs = Date.parse(report.run.startedAt) + change!.followedAfterMs!;
    const times = JSON.stringify({ ...raise, followedAtMs });
    process.stderr.write(`[follow] raise and follow, wall-clock ms: ${times}\n`);
    expect(change!.followedAfterMs).toBeGreaterThan(500);
    expect(followedAtMs, `followed before the raise was asked for: ${times}`).toBeGreaterThan(raise.askedAtMs);
    expect(followedAtMs - raise.doneAtMs, `followed too late: ${times}`).toBeLessThan(6_000);
    // The new partitions took records from then on, and the report's partitions agree with the broker's.
    const deltas = await brokerDeltas(report);
    const added = deltas.get('sc.domain.user')!.slice(from);
    expect(added).toHaveLength(from);
    expect(added.filter((n) => n > 0).length, `records on the new partitions: ${added.join(',')}`).toBe(from);
    expect(report.summary.topics.find((t) => t.topic === 'sc.domain.user')!.partitions).toHaveLength(from * 2);
    expectReportMatchesBroker(report, deltas);
    // Every record read back (the new partitions too); keys moved, all of them by the raise.
    const v = report.verification!;
    expectNoAnomalies(report);
    expect(v.result.totals.consumed).toBe(v.result.totals.acked);
    const moved = v.movedKeys?.find((m) => m.topic === users);
    expect(moved, 'no moved keys reported').toBeDefined();
    expect(moved!.keys).toBeGreaterThan(0);
    expect(moved!.explainedByRaise).toBe(moved!.keys);
    for (const e of moved!.examples) {
      expect(e.partitions).toHaveLength(2);
      expect(new Set(e.partitions)).toEqual(new Set([partitionForKey(e.key, from), partitionForKey(e.key, from * 2)]));
    }
    expect(v.movedKeys!.every((m) => m.topic === users)).toBe(true);
    // The hottest keys sit where the counts the topic had put them: a moved key still matches.
    for (const h of v.hotKeys)
      for (const k of h.hottest) expect(k.matchesPrediction, `${h.topic} ${k.key}`).not.toBe(false);
    expect(v.passed).toBe(true);
    expect(exitCode).toBe(0);
    const text = formatConsoleReport(report);
    expect(text).toContain(`sc.domain.user ${from} → ${from * 2}, followed `);
    expect(text).toContain(`keys moved partition on ${users}: ${moved!.keys.toLocaleString('en-US')} keys`);
    // The saved report reads back with its schema, and the HTML says the same.
    const file = join(tmpdir(), `sc-sim-follow-${process.pid}.json`);
    writeReportFile(file, report);
    const saved = readReportFile(file);
    expect(saved.partitionChanges).toEqual(report.partitionChanges);
    expect(saved.verification!.movedKeys).toEqual(v.movedKeys);
    const html = join(tmpdir(), `sc-sim-follow-${process.pid}.html`);
    writeHtmlReport(html, saved);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain(`sc.domain.user ${from} → ${from * 2}, followed `);
    expect(page).toContain(`keys moved partition on ${users}`);
    // Verifying the saved report later reads the added partitions too, and finds the same moves.
    const later = await verifySavedReport(report, { brokers: brokerList }, 60_000);
    expect(later.result.totals).toMatchObject({ lost: 0, duplicate: 0, reordered: 0 });
    expect(later.movedKeys?.find((m) => m.topic === users)).toMatchObject({
      keys: moved!.keys,
      explainedByRaise: moved!.keys,
    });
  });

  it('partitions added less than metadataMaxAge before the end: reported after the run, no key moves, the new partitions get nothing', async () => {
    // The default metadataMaxAge (5 min, as Kafka's producer) is longer than the run.
    // 8 s, so that the raise (asked for ~1 s in) is done before the run reads the counts at its end.
    const { report, exitCode, users, from, raise } = await runWithRaise('grow', 8_000);
    expect(raise.doneAtMs, 'the raise was done only after the run').toBeLessThan(Date.parse(report.run.endedAt));
    expect(report.partitionChanges).toEqual([
      { topic: 'sc.domain.user', physicalTopic: users, from, to: from * 2, followedAfterMs: null },
    ]);
    const deltas = await brokerDeltas(report);
    expect(deltas.get('sc.domain.user')!.slice(from)).toEqual(new Array(from).fill(0));
    expect(
      deltas
        .get('sc.domain.user')!
        .slice(0, from)
        .reduce((a, b) => a + b, 0),
    ).toBeGreaterThan(0);
    expectNoAnomalies(report);
    expect(report.verification!.result.totals.keyPartitionMoves).toBe(0);
    expect(report.verification!.movedKeys).toBeUndefined();
    expect(exitCode).toBe(0);
    expect(formatConsoleReport(report)).toContain(
      `partitions changed during the run: sc.domain.user ${from} → ${from * 2}, seen only after the run`,
    );
  });

  it('a run with --verify and a consumer opens one admin client for all of it', async () => {
    const prefix = await freshTopics('one-admin');
    const sessions = vi.spyOn(AdminSession, 'open');
    const adminClients = vi.spyOn(Kafka.prototype, 'admin');
    try {
      const { report, exitCode } = await runScenario({
        scenario: pacedSeedDev(),
        connection: { brokers: brokerList },
        prefix,
        ratePerSec: 1_000,
        durationMs: 2_000,
        checks: {
          verify: { timeoutMs: 60_000 },
          consumer: { perEventMs: 0, concurrency: 3, drainTimeoutMs: 30_000 },
        },
      });
      expect(exitCode).toBe(0);
      expect(report.verification?.passed).toBe(true);
      // The consumer group reads the domain topics (its default): every domain record the run sent.
      const domainAcked = report.summary.topics
        .filter((t) => t.topic.startsWith('sc.domain.'))
        .reduce((n, t) => n + t.acked, 0);
      expect(domainAcked).toBeGreaterThan(500);
      expect(report.consumer?.processed).toBe(domainAcked);
      // Topic check, offsets before and after, verification, consumer lag and group clean-up.
      expect(sessions).toHaveBeenCalledTimes(1);
      expect(adminClients).toHaveBeenCalledTimes(1);
    } finally {
      sessions.mockRestore();
      adminClients.mockRestore();
    }
  });

  it('refuses to send when the catalog topics are missing, with a hint', async () => {
    const r = await runCli(['run', 'seed-dev', '--brokers', brokers, '--prefix', uniquePrefix('missing'), '--quiet']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error\[E_TOPIC_MISSING\]/);
    expect(r.stderr).toMatch(/sc-sim topics apply --prefix/);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it('the CLI writes the report as JSON and re-renders it', async () => {
    const prefix = await freshTopics('cli');
    const out = join(tmpdir(), `sc-sim-run-${Date.now()}.json`);
    const r = await runCli(['run', 'seed-dev', '--brokers', brokers, '--prefix', prefix, '--json', '--out', out]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as RunReport;
    expect(report.schemaVersion).toBe(REPORT_SCHEMA_VERSION);
    // seed-dev's 40,000 scheduled records, and the dead letters due at the end.
    expect(report.summary.totals.acked).toBeGreaterThanOrEqual(40_000);
    expect(report.run.time?.mode).toBe('backfill');
    expect(r.stderr).toMatch(/seed 42, run id run-/);
    const again = await runCli(['report', out]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/sc-sim run seed-dev/);
    expect(again.stdout).toMatch(/result: PASS/);
  });
});
