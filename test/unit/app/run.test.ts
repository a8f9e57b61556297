import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../../src/app/run.js';
import { formatConsoleReport } from '../../../src/render/console.js';
import type { Sink } from '../../../src/sinks/types.js';
import { ExitCode } from '../../../src/errors.js';
import { ScenarioSchema } from '../../../src/scenarios/schema.js';

const tmp = mkdtempSync(join(tmpdir(), 'sc-sim-run-'));

function scenario(extra: Record<string, unknown> = {}) {
  return ScenarioSchema.parse({
    description: 'unit test',
    world: { seed: 7, population: { users: 20, suppliers: 3, communities: 3, products: 10, promotions: 2, posts: 5 } },
    load: { executor: 'constant-rate', rate: 4_000, count: 400 },
    ...extra,
  });
}

interface Line {
  topic: string;
  partition: number;
  offset: number;
  key: string;
  headers: Record<string, string>;
  value: { event_type: string; run_id: string; sequence: number };
}

describe('runScenario with the NDJSON sink (no broker)', () => {
  it('runs the whole pipeline and reports what it wrote, partition by partition', async () => {
    const file = join(tmp, 'events.ndjson');
    const { report, exitCode } = await runScenario({
      scenario: { name: 'unit', scenario: scenario({ thresholds: { errors: '== 0' } }) },
      sink: { kind: 'ndjson', file },
      prefix: 'p.',
    });
    expect(exitCode).toBe(ExitCode.ok);
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Line);
    expect(lines).toHaveLength(400);
    expect(report.summary.totals).toMatchObject({ sent: 400, acked: 400, failed: 0, dropped: 0 });
    expect(new Set(lines.map((l) => l.value.run_id))).toEqual(new Set([report.run.id]));
    expect(report.run.seed).toBe(7);
    // Per partition, the report counts exactly the lines written there.
    for (const t of report.summary.topics) {
      for (const p of t.partitions) {
        const written = lines.filter((l) => l.topic === t.physicalTopic && l.partition === p.partition).length;
        expect(p.events, `${t.physicalTopic}/${p.partition}`).toBe(written);
      }
    }
    expect(report.summary.topics.every((t) => t.physicalTopic.startsWith('p.sc.domain.'))).toBe(true);
    expect(report.sink).toEqual({ kind: 'ndjson', target: file });
    expect(report.offsets).toBeNull();
  });

  it('generates on worker threads when asked, and the report says which threads did what', async () => {
    const file = join(tmp, 'threaded.ndjson');
    const { report, exitCode } = await runScenario({
      scenario: { name: 'unit', scenario: scenario({ generator: { threads: 2 } }) },
      sink: { kind: 'ndjson', file },
      prefix: 'p.',
    });
    expect(exitCode).toBe(ExitCode.ok);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(400);
    expect(report.summary.totals).toMatchObject({ sent: 400, acked: 400, failed: 0 });
    const threads = report.run.threads!;
    expect(threads.generatorThreads).toEqual({ threads: 2, why: 'generator.threads: 2' });
    expect(threads.threads.map((t) => t.thread)).toEqual(['main', 'generator 1', 'generator 2']);
    expect(threads.threads[0]!.does).not.toContain('world');
    expect(threads.threads[1]!.does).toContain('world shard 1/2');
    // The --generator-threads override wins over the scenario's setting.
    const main = await runScenario({
      scenario: { name: 'unit', scenario: scenario({ generator: { threads: 2 } }) },
      sink: { kind: 'ndjson', file: join(tmp, 'main.ndjson') },
      generatorThreads: 0,
    });
    expect(main.report.run.threads!.threads.map((t) => t.thread)).toEqual(['main']);
    expect(main.report.run.threads!.threads[0]!.does).toContain('world');
  });

  it('a failed threshold gives exit code 3 and says which', async () => {
    const { report, exitCode } = await runScenario({
      scenario: { name: 'unit', scenario: scenario({ thresholds: { errors: '== 0', achieved_rate: '> 1000000' } }) },
      sink: { kind: 'ndjson', file: join(tmp, 'th.ndjson') },
    });
    expect(exitCode).toBe(ExitCode.thresholdFailed);
    expect(report.passed).toBe(false);
    expect(report.thresholds.map((t) => [t.metric, t.pass])).toEqual([
      ['errors', true],
      ['achieved_rate', false],
    ]);
  });

  it('an abort stops the run early with exit code 130 and still reports', async () => {
    const controller = new AbortController();
    const { report, exitCode } = await runScenario(
      {
        scenario: {
          name: 'unit',
          scenario: scenario({ load: { executor: 'constant-rate', rate: 500, duration: '20s' } }),
        },
        sink: { kind: 'ndjson', file: join(tmp, 'abort.ndjson') },
        signal: controller.signal,
      },
      { onAck: [() => controller.abort()] },
    );
    expect(exitCode).toBe(ExitCode.interrupted);
    expect(report.run.interrupted).toBe(true);
    expect(report.summary.totals.acked).toBeLessThan(100);
    expect(report.summary.totals.acked).toBe(report.summary.totals.sent);
  });

  it('refuses a --duration shorter than the warm-up', async () => {
    await expect(
      runScenario({
        scenario: {
          name: 'unit',
          scenario: scenario({ load: { executor: 'constant-rate', rate: 10, duration: '1m' }, warmup: '30s' }),
        },
        durationMs: 10_000,
        sink: { kind: 'ndjson', file: '/dev/null' },
      }),
    ).rejects.toMatchObject({ code: 'E_USAGE' });
  });
});

describe('runScenario when the sink cannot go on', () => {
  it('an NDJSON path in a missing directory fails at once with E_IO naming it', async () => {
    const started = Date.now();
    // A 10 s schedule: failing "at once" means well before it would have ended.
    const tenSeconds = scenario({ load: { executor: 'constant-rate', rate: 40, count: 400 } });
    await expect(
      runScenario({
        scenario: { name: 'unit', scenario: tenSeconds },
        sink: { kind: 'ndjson', file: join(tmp, 'no-such-dir', 'events.ndjson') },
      }),
    ).rejects.toMatchObject({ code: 'E_IO', exitCode: 1, message: expect.stringContaining('no-such-dir') });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('a full disk (/dev/full) stops the run with E_IO, and the report says so', async () => {
    const { report, exitCode, error } = await runScenario({
      scenario: {
        name: 'unit',
        scenario: scenario({ load: { executor: 'constant-rate', rate: 10_000, count: 100_000 } }),
      },
      sink: { kind: 'ndjson', file: '/dev/full' },
    });
    expect(error).toMatchObject({ code: 'E_IO', message: expect.stringContaining('/dev/full') });
    expect(exitCode).toBe(ExitCode.toolError);
    expect(report.run.stoppedBy).toMatchObject({ code: 'E_IO' });
    // It stopped scheduling: far fewer than the 100,000 events were generated, none acked.
    expect(report.summary.totals.sent).toBeLessThan(100_000);
    expect(report.summary.totals.acked).toBe(0);
    expect(formatConsoleReport(report)).toMatch(/result: FAILED — the run stopped early: .*\(E_IO\)/);
  });

  it('a sink that reports a crash stops scheduling; the reason is the run error', async () => {
    let sends = 0;
    const crashing: Sink = {
      description: { kind: 'memory', target: 'memory' },
      async send() {
        sends++;
        if (sends < 3) return { ok: true, offsets: undefined };
        const fatal = { code: 'E_PRODUCER_CRASHED' as const, message: 'the Kafka producer thread stopped: boom' };
        return { ok: false, error: fatal.message, indeterminate: true, fatal };
      },
      async close() {},
    };
    const { exitCode, error, report } = await runScenario(
      {
        scenario: { name: 'unit', scenario: scenario({ load: { executor: 'unthrottled', count: 50_000 } }) },
      },
      { sink: crashing },
    );
    expect(error?.code).toBe('E_PRODUCER_CRASHED');
    expect(exitCode).toBe(1);
    expect(report.summary.totals.indeterminate).toBeGreaterThan(0);
    expect(report.summary.totals.sent).toBeLessThan(50_000);
  });
});
