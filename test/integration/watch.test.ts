// Watching a real consumer group (examples/user-cards-builder.ts, run as child processes) under
// sc-sim's load, on the real broker: lag agrees with Kafka's own ConsumerGroupCommand, time lag
// grows while the consumer falls behind, the drain is timed within a second, a member joining
// mid-run is a rebalance, an idle group gets its error, and live metrics parse as OpenMetrics.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { resolveScenario } from '../../src/app/prepare.js';
import { runScenario } from '../../src/app/run.js';
import { physicalTopicName } from '../../src/catalog/topics.js';
import type { GroupWatchReport } from '../../src/watch/group-watch.js';
import type { RunReport } from '../../src/report.js';
import { hasStackTrace, REPO_ROOT, runCli, uniquePrefix } from '../support/cli.js';
import { applyCatalog, endOffsets, runKafkaTool } from '../support/kafka.js';

const brokers = inject('brokers');
const brokerList = brokers.split(',');

interface Consumer {
  child: ChildProcess;
  lines: {
    event: string;
    atMs: number;
    topics?: { topic: string; partitions: { partition: number; offset: string }[] }[];
  }[];
  joined: Promise<void>;
}

/** The example projection builder in a child process, its JSON event lines collected. */
function startConsumer(prefix: string, group: string, extra: string[] = []): Consumer {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'examples/user-cards-builder.ts',
      '--brokers',
      brokers,
      '--prefix',
      prefix,
      '--group',
      group,
      ...extra,
    ],
    { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const lines: Consumer['lines'] = [];
  let joinedResolve!: () => void;
  const joined = new Promise<void>((r) => (joinedResolve = r));
  let buf = '';
  child.stderr!.on('data', (d: Buffer) => {
    buf += d.toString();
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      try {
        const parsed = JSON.parse(line) as Consumer['lines'][number];
        lines.push(parsed);
        if (parsed.event === 'joined') joinedResolve();
      } catch {
        // not one of its event lines
      }
    }
  });
  return { child, lines, joined };
}

async function stopConsumer(c: Consumer): Promise<void> {
  if (c.child.exitCode !== null) return;
  const exited = new Promise((r) => c.child.once('exit', r));
  c.child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
  if (c.child.exitCode === null) c.child.kill('SIGKILL');
}

/** Lag per partition as Kafka's own kafka-consumer-groups tool reports it. */
function kafkaToolLag(group: string): Map<number, number> {
  const r = runKafkaTool('org.apache.kafka.tools.consumer.group.ConsumerGroupCommand', [
    '--bootstrap-server',
    brokers,
    '--describe',
    '--group',
    group,
  ]);
  // The tool exits 0 even when it fails: its error is a line on stdout.
  expect(r.stdout, r.stdout + r.stderr).not.toMatch(/^Error:/m);
  const lag = new Map<number, number>();
  for (const line of r.stdout.split('\n')) {
    const cols = line.trim().split(/\s+/);
    // GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID
    if (cols[0] === group && /^\d+$/.test(cols[2] ?? '') && /^\d+$/.test(cols[5] ?? ''))
      lag.set(Number(cols[2]), Number(cols[5]));
  }
  return lag;
}

describe('watching a real consumer group', () => {
  it('times the lag, the drain and a rebalance, and agrees with kafka-consumer-groups', async () => {
    const prefix = uniquePrefix('watch');
    await applyCatalog(brokerList, prefix);
    const group = `${prefix}user-cards`;
    // ~250 events/s per member: slower than the user events the load sends.
    const first = startConsumer(prefix, group, ['--delay-ms', '4', '--commit-interval-ms', '100']);
    let second: Consumer | undefined;
    try {
      await first.joined;
      const secondJoins = setTimeout(() => {
        second = startConsumer(prefix, group, ['--delay-ms', '4', '--commit-interval-ms', '100']);
      }, 3_000);
      const { report } = await runScenario({
        scenario: 'login-storm',
        connection: { brokers: brokerList },
        prefix,
        seed: 3,
        ratePerSec: 1_000,
        durationMs: 8_000,
        checks: {
          watch: {
            groups: [group],
            topics: ['sc.domain.user'],
            intervalMs: 500,
            drainTimeoutMs: 120_000,
            noCommitTimeoutMs: 30_000,
          },
        },
      });
      clearTimeout(secondJoins);
      const w = report.watch![0]! as GroupWatchReport;
      // The consumer fell behind: lag and time lag grew while the load ran (exactly timed: ours).
      expect(w.summary.maxLag).toBeGreaterThan(500);
      expect(w.summary.maxTimeLagExact).toBe(true);
      const during = w.samples.filter((s) => s.tMs < (w.drain.loadStoppedAtMs ?? 0));
      const maxAge = (s: (typeof during)[number]) => Math.max(0, ...s.timeLagMs.map((t) => t ?? 0));
      expect(maxAge(during.at(-1)!)).toBeGreaterThan(maxAge(during[2]!));
      expect(w.endToEndLatency?.count).toBeGreaterThan(1_000);
      // The second member joining mid-run is a rebalance.
      expect(w.summary.rebalances).toBeGreaterThanOrEqual(1);
      // It drained; the drain ends within a second of the moment the group's lag really reached 0:
      // the first commit at or past the run's end offsets on every partition.
      expect(w.drain.drained).toBe(true);
      const ends = report.offsets!.topics['sc.domain.user']!.end;
      /** Per partition, when a member first committed at or past the run's end offset (the member's own clock). */
      const reachedAt = () => {
        const commits = [first, second]
          .flatMap((c) => c?.lines ?? [])
          .filter((l) => l.event === 'committed')
          .sort((a, b) => a.atMs - b.atMs);
        const reached = new Map<number, number>();
        for (const c of commits)
          for (const t of c.topics ?? [])
            for (const p of t.partitions)
              if (!reached.has(p.partition) && BigInt(p.offset) >= BigInt(ends[String(p.partition)]!))
                reached.set(p.partition, c.atMs);
        return reached;
      };
      // The members log their commits on stderr, read through a pipe: the line of the last commit can
      // arrive after the watch saw that commit on the broker (it once did, in a fresh-clone rehearsal).
      // Its time is the member's own, so waiting for the line changes no figure.
      let reached = reachedAt();
      for (let waited = 0; reached.size < Object.keys(ends).length && waited < 10_000; waited += 100) {
        await new Promise((r) => setTimeout(r, 100));
        reached = reachedAt();
      }
      expect(reached.size, `partitions whose commit reached the end: ${[...reached.keys()].join(', ')}`).toBe(
        Object.keys(ends).length,
      );
      const lagZeroAtMs = Math.max(...reached.values());
      const drainedAtMs = Date.parse(w.startedAt) + w.drain.drainedAtMs!;
      process.stderr.write(
        `\n[watch] max lag ${w.summary.maxLag}, max time lag ${w.summary.maxTimeLagMs} ms (exact), ` +
          `${w.summary.rebalances} rebalance(s), drained ${w.drain.drainMs} ms after the load; ` +
          `drain seen ${drainedAtMs - lagZeroAtMs} ms after the group's lag really reached 0\n`,
      );
      // Seen within a few 500 ms polls (a busy CI machine can hold a poll back by a second or so); a
      // drain read from the wrong offsets or the wrong clock is off by seconds or never seen.
      expect(Math.abs(drainedAtMs - lagZeroAtMs)).toBeLessThan(2_500);

      // Stopped, with new records on the topic: sc-sim's lag equals Kafka's own tool's.
      await stopConsumer(first);
      if (second) await stopConsumer(second);
      await runScenario({
        scenario: 'login-storm',
        connection: { brokers: brokerList },
        prefix,
        seed: 4,
        ratePerSec: 300,
        // login-storm warms up for 5 s: the run must be longer.
        durationMs: 6_000,
      });
      const watched = await runCli([
        'watch',
        '--brokers',
        brokers,
        '--prefix',
        prefix,
        '--group',
        group,
        '--topics',
        'sc.domain.user',
        '--duration',
        '2s',
        '--json',
      ]);
      expect(watched.code, watched.stderr).toBe(0);
      const again = JSON.parse(watched.stdout) as GroupWatchReport;
      const last = again.samples.at(-1)!;
      const ours = new Map(again.partitions.map((p, i) => [p.partition, last.lag[i]!]));
      const theirs = kafkaToolLag(group);
      expect(theirs.size).toBeGreaterThan(0);
      expect(ours).toEqual(theirs);
      expect([...ours.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    } finally {
      await stopConsumer(first);
      if (second) await stopConsumer(second);
    }
  }, 240_000);

  it('an unknown group gets an error that says what to check, within the bound', async () => {
    const prefix = uniquePrefix('watch-idle');
    await applyCatalog(brokerList, prefix);
    const r = await runCli([
      'watch',
      '--brokers',
      brokers,
      '--prefix',
      prefix,
      '--group',
      'no-such-group',
      '--topics',
      'sc.domain.post',
      '--commit-timeout',
      '3s',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error[E_GROUP_IDLE]: group no-such-group has committed nothing on');
    expect(r.stderr).toMatch(/hint: is it running, subscribed/);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(r.durationMs).toBeLessThan(20_000);
  });

  it('serves live metrics that a real OpenMetrics parser reads', async () => {
    const prefix = uniquePrefix('metrics');
    await applyCatalog(brokerList, prefix);
    let address: string | undefined;
    let scraped: string | undefined;
    const run = runScenario({
      // seed-dev's world, paced and live (seed-dev itself is an unthrottled backfill), so the run
      // lasts long enough to be scraped.
      scenario: {
        name: 'seed-dev-paced',
        scenario: {
          ...resolveScenario('seed-dev').scenario,
          topics: 'domain',
          load: { executor: 'constant-rate', rate: 1_000, duration: 4_000 },
          time: { mode: 'live', timeScale: 1, shape: 'flat' },
        },
      },
      connection: { brokers: brokerList },
      prefix,
      ratePerSec: 1_000,
      durationMs: 4_000,
      metricsListen: '127.0.0.1:0',
      log: (line) => {
        address ??= /metrics \(OpenMetrics\) at (http:\/\/\S+)/.exec(line)?.[1];
      },
      onProgress: () => {
        if (!address || scraped !== undefined) return;
        scraped = '';
        void fetch(address).then(async (res) => {
          expect(res.headers.get('content-type')).toMatch(/^application\/openmetrics-text; version=1\.0\.0/);
          scraped = await res.text();
        });
      },
    });
    await run;
    expect(scraped).toMatch(/# EOF\n$/);
    // Python's prometheus_client has the reference OpenMetrics parser (strict: it needs # EOF).
    const parsed = spawnSync(
      'python3',
      [
        '-c',
        'import sys, json\nfrom prometheus_client.openmetrics.parser import text_string_to_metric_families as p\n' +
          'print(json.dumps({f.name: len(f.samples) for f in p(sys.stdin.read())}))',
      ],
      { input: scraped, encoding: 'utf8' },
    );
    expect(parsed.status, parsed.stderr).toBe(0);
    const families = JSON.parse(parsed.stdout) as Record<string, number>;
    expect(families['scsim_records']).toBeGreaterThan(0);
    expect(families).toHaveProperty('scsim_produce_rate');
    const physical = physicalTopicName('sc.domain.user', prefix);
    expect(scraped).toContain(`topic="${physical}"`);
  }, 60_000);

  it('topics delete --prefix removes exactly that prefix’s topics', async () => {
    const a = uniquePrefix('del-a');
    const b = uniquePrefix('del-b');
    await applyCatalog(brokerList, a);
    await applyCatalog(brokerList, b);
    const refused = await runCli(['topics', 'delete', '--brokers', brokers]);
    expect(refused.code).toBe(2);
    const r = await runCli(['topics', 'delete', '--brokers', brokers, '--prefix', a, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).deleted).toHaveLength(32);
    const left = await runCli(['topics', 'list', '--brokers', brokers, '--prefix', a, '--json']);
    expect((JSON.parse(left.stdout) as { counts: { create: number } }).counts.create).toBe(32);
    const other = await runCli(['topics', 'list', '--brokers', brokers, '--prefix', b, '--json']);
    expect((JSON.parse(other.stdout) as { counts: { ok: number } }).counts.ok).toBe(32);
    expect((await endOffsets(brokerList, [physicalTopicName('sc.domain.user', b)])).size).toBe(1);
  }, 90_000);
});

describe("--expect: what the consumer under test wrote, against sc-sim's derivation", () => {
  // User events at a modest rate with opt-in poison records: the builder folds them into cards and
  // dead-letters what it cannot parse.
  const dir = mkdtempSync(join(tmpdir(), 'sc-sim-expect-'));
  const scenarios = join(dir, 'scenarios.yaml');
  writeFileSync(
    scenarios,
    [
      'scenarios:',
      '  cards:',
      '    description: user events for a user-cards builder under --expect.',
      '    world:',
      '      seed: 11',
      '      population: { users: 300, suppliers: 5, communities: 5, products: 20, promotions: 3, posts: 10 }',
      '      mix: { user: 100 }',
      '    pathologies: { poison: 0.01 }',
      '    load: { executor: constant-rate, rate: 400, duration: 6s }',
      '',
    ].join('\n'),
  );
  const expectRun = async (prefix: string, group: string) => {
    const out = join(dir, `${group}.json`);
    const r = await runCli([
      'run',
      'cards',
      '--file',
      scenarios,
      '--brokers',
      brokers,
      '--prefix',
      prefix,
      '--watch-group',
      group,
      '--expect',
      'sc.proj.consumer.user-cards,sc.dlq.proj-user-cards',
      '--drain-timeout',
      '60s',
      '--out',
      out,
    ]);
    return { ...r, report: JSON.parse(readFileSync(out, 'utf8')) as RunReport };
  };

  it('a correct consumer passes: every card at its source position, every poison record dead-lettered', async () => {
    const prefix = uniquePrefix('expect-ok');
    await applyCatalog(brokerList, prefix);
    const group = `${prefix}cards`;
    const builder = startConsumer(prefix, group, ['--commit-interval-ms', '200']);
    try {
      await builder.joined;
      const r = await expectRun(prefix, group);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      const [cards, letters] = r.report.expect!;
      expect(cards).toMatchObject({ topic: 'sc.proj.consumer.user-cards', passed: true, partial: false });
      expect(cards!.read).toBeGreaterThan(500);
      expect(cards!.keysExpected).toBeGreaterThan(100);
      expect(letters).toMatchObject({ topic: 'sc.dlq.proj-user-cards', passed: true });
      expect(letters!.counts['poisonDeadLettered']).toBeGreaterThan(0);
      expect(r.stdout).toMatch(/expect sc\.proj\.consumer\.user-cards: PASSED/);
    } finally {
      await stopConsumer(builder);
    }
  }, 120_000);

  it('a consumer that drops some role changes fails with exit 3, naming the key and the field', async () => {
    const prefix = uniquePrefix('expect-bug');
    await applyCatalog(brokerList, prefix);
    const group = `${prefix}cards`;
    const builder = startConsumer(prefix, group, ['--commit-interval-ms', '200', '--bug']);
    try {
      await builder.joined;
      const r = await expectRun(prefix, group);
      expect(r.code, r.stdout + r.stderr).toBe(3);
      expect(hasStackTrace(r.stderr)).toBe(false);
      const cards = r.report.expect!.find((e) => e.topic === 'sc.proj.consumer.user-cards')!;
      expect(cards.passed).toBe(false);
      expect(cards.counts['wrongValue']).toBeGreaterThan(0);
      const example = cards.examples.find((e) => e.kind === 'wrongValue')!;
      expect(example.field).toBe('role');
      expect(example.key.startsWith('a')).toBe(true);
      expect(r.stdout).toContain(example.key);
      expect(r.stdout).toMatch(/expect sc\.proj\.consumer\.user-cards: FAILED/);
    } finally {
      await stopConsumer(builder);
    }
  }, 120_000);
});
