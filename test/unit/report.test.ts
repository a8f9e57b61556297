import { describe, expect, it } from 'vitest';
import { buildReport, parseRunReport } from '../../src/report.js';
import { formatConsoleReport } from '../../src/render/console.js';
import { formatJsonReport } from '../../src/render/json.js';
import { runLoad } from '../../src/runner.js';
import { ManualClock } from '../support/manual-clock.js';
import { ExecutorSchema, createSchedule } from '../../src/runner/executors.js';
import { MemorySink } from '../support/memory-sink.js';
import { fakeRecords } from '../support/fake-records.js';

async function sampleReport(thresholds: Record<string, string> = {}) {
  const clock = new ManualClock();
  const sink = new MemorySink({ clock, latencyMs: (b) => 2 + b.length * 0.1 });
  const schedule = createSchedule(ExecutorSchema.parse({ executor: 'constant-rate', rate: 200, duration: '3s' }));
  const outcome = await runLoad({
    schedule,
    nextRecord: fakeRecords().next,
    sink,
    clock,
    batch: { maxEvents: 10, maxBytes: 1e6, lingerMs: 20 },
    maxInFlightBatches: 2,
    maxBacklogEvents: 1e6,
    lateThresholdMs: 100,
    warmupMs: 1_000,
  });
  return buildReport({
    tool: 'sc-sim/test',
    runId: 'run-x',
    scenarioName: 'unit',
    description: 'a unit test run',
    plan: '200 ev/s for 3s',
    seed: 1,
    startedAt: new Date('2026-01-01T00:00:00Z'),
    endedAt: new Date('2026-01-01T00:00:03Z'),
    durationMs: outcome.durationMs,
    interrupted: outcome.interrupted,
    metrics: outcome.metrics,
    scheduleEndMs: outcome.scheduleEndMs,
    sink: sink.description,
    prefix: 'test.',
    partitions: new Map([
      ['sc.domain.order', 6],
      ['sc.domain.user', 3],
    ]),
    offsets: null,
    thresholds,
  });
}

describe('buildReport', () => {
  it('summarises the measured window only, per topic and per partition', async () => {
    const r = await sampleReport();
    // 600 events in 3 s; the first second is warm-up.
    expect(r.warmup?.totals.acked).toBe(200);
    // Counts cover the whole run, warm-up included; the rate is the measured window's.
    expect(r.summary.totals).toMatchObject({ scheduled: 600, sent: 600, acked: 600, failed: 0 });
    expect(r.summary.totals.targetRatePerSec).toBe(200);
    // Every ack came before the schedule's end: exactly the target.
    expect(r.summary.totals.achievedRateRatio).toBe(1);
    expect(r.summary.durationMs).toBe(2_000);
    const order = r.summary.topics.find((t) => t.topic === 'sc.domain.order')!;
    // fakeRecords: even records go to the order topic, record n to partition n % 6: only even partitions.
    expect(order.physicalTopic).toBe('test.sc.domain.order');
    expect(order.acked).toBe(200);
    expect(order.partitions.map((p) => p.partition)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(order.partitions.filter((p) => p.events === 0).map((p) => p.partition)).toEqual([1, 3, 5]);
    expect(order.skew).toBeCloseTo(2, 1);
    expect(order.shareOfEvents).toBe(0.5);
    expect(r.summary.ackLatencyMs.count).toBe(400);
    expect(r.summary.ackLatencyMs.p50).toBeGreaterThanOrEqual(2);
    expect(r.series.filter((p) => p.warmup).map((p) => p.second)).toEqual([0]);
    expect(r.passed).toBe(true);
  });

  it('evaluates thresholds on the post-warm-up summary', async () => {
    const r = await sampleReport({ errors: '== 0', ack_latency_max_ms: '< 1', achieved_rate_ratio: '>= 0.95' });
    expect(r.thresholds.map((t) => t.pass)).toEqual([true, false, true]);
    expect(r.passed).toBe(false);
  });
});

describe('formatters and files', () => {
  it('console output is a pure function of the report and shows every section', async () => {
    const r = await sampleReport({ errors: '== 0' });
    const text = formatConsoleReport(r);
    expect(formatConsoleReport(JSON.parse(formatJsonReport(r)))).toBe(text);
    for (const part of [
      'TOTALS',
      'LATENCY ms',
      'SKEW max/mean',
      'SHARE OF TOPIC',
      'TARGET ev/s',
      'THRESHOLDS',
      'result: PASS',
    ]) {
      expect(text).toContain(part);
    }
    expect(text).toContain('test.sc.domain.order');
  });

  it('parseRunReport accepts a report and rejects what is not one, or another schema version', async () => {
    const r = await sampleReport();
    expect(parseRunReport(JSON.parse(formatJsonReport(r)), 'r.json')).toEqual(r);
    expect(() => parseRunReport({ hello: 1 }, 'bad.json')).toThrow(/bad.json is not an sc-sim run report/);
    expect(() => parseRunReport({ ...r, schemaVersion: 9 }, 'v9.json')).toThrow(/schemaVersion 9/);
  });
});
