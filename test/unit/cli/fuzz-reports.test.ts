// Fuzzed report files: 1,000 seeded mutations of real run and consumer reports (values removed or
// swapped for odd ones, truncation) given to `report`, `verify --report` and `compare`. Each must
// end in exit 0 or a coded error naming the file — never E_INTERNAL, a stack trace, or more than 5 s.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { hasStackTrace } from '../../support/cli.js';
import { mutateJson, seededRandom } from '../../support/fuzz.js';
import { runMain, type InProcessResult } from '../../support/in-process-cli.js';
import { fixtureRun, STEADY_VIRAL } from '../../support/run-fixture.js';
import type { RunReport } from '../../../src/report.js';

// `verify --report` would read back from a broker: the fuzz is about the file, so the read-back is
// replaced by a clean section and everything else (parsing, checks, rendering) runs for real.
vi.mock('../../../src/app/verify-report.js', () => ({
  verifySavedReport: vi.fn(async (report: RunReport) => ({
    passed: true,
    failing: [],
    producer: null,
    readBack: { records: 0, foreign: 0, undecodable: 0, tookMs: 1 },
    result: {
      ok: true,
      mode: 'counts',
      totals: {
        lost: 0,
        duplicate: 0,
        reordered: 0,
        gaps: 0,
        keyPartitionMoves: 0,
        indeterminate: report.summary.totals.indeterminate,
        acked: 0,
        consumed: 0,
        indeterminateRead: 0,
        failedButRead: 0,
        unexpected: 0,
        redelivered: 0,
      },
      partitions: [],
      keys: [],
      keysWithAnomalies: 0,
      examples: [],
      compoundKeys: { note: '', keys: 0, entities: 0, entitiesOnSeveralPartitions: 0, entityOutOfOrder: 0, records: 0 },
      latency: null,
    },
    hotKeys: [],
  })),
}));

const CASES = 1_000;
const dir = mkdtempSync(join(tmpdir(), 'sc-sim-fuzz-reports-'));
let run: RunReport;
let consumer: unknown;

beforeAll(async () => {
  const world = {
    population: { users: 60, suppliers: 4, communities: 4, products: 12, promotions: 4, posts: 8 },
    ...STEADY_VIRAL,
  };
  run = (await fixtureRun('viral-promotion-entity', { ratePerSec: 2_000, durationMs: 2_000, world })).report;
  consumer = {
    kind: 'sc-sim.consumer-report',
    schemaVersion: 1,
    groupId: 'g',
    topics: ['fx.sc.domain.promotion'],
    perEventMs: 1,
    concurrency: 3,
    sliceMs: 100,
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 3_000,
    stopReason: 'drained',
    processed: 10,
    processedRatePerSec: 3.3,
    endToEndLatency: null,
    lag: {
      sampleIntervalMs: 500,
      partitions: [{ topic: 'fx.sc.domain.promotion', partition: 0 }],
      samples: [{ tMs: 500, lag: [4] }],
    },
    summary: {
      maxPartitionLag: 4,
      maxPartitionLagAt: { topic: 'fx.sc.domain.promotion', partition: 0 },
      maxTotalLag: 4,
      finalTotalLag: 0,
      timeToDrainMs: 500,
      drained: true,
      lagSkew: 1,
      partitions: [
        { topic: 'fx.sc.domain.promotion', partition: 0, maxLag: 4, maxLagAtMs: 500, finalLag: 0, processed: 10 },
      ],
    },
  };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function check(r: InProcessResult, where: string, file: string): void {
  expect(r.durationMs, where).toBeLessThan(5_000);
  expect([0, 1, 2, 4], `${where}: exit ${r.code}\n${r.stderr}`).toContain(r.code);
  expect(r.stderr, where).not.toContain('E_INTERNAL');
  expect(hasStackTrace(r.stderr), `${where}\n${r.stderr}`).toBe(false);
  if (r.code === 1 || r.code === 2) {
    expect(r.stderr, where).toMatch(/^error\[E_[A-Z_]+\]: /m);
    expect(r.stderr, where).toContain(file);
  }
}

describe('fuzzed report files', () => {
  it(`${CASES} mutants through report, verify --report and compare: exit 0 or a coded error, never a crash`, async () => {
    const rnd = seededRandom(1201);
    const outcomes = { ok: 0, rejected: 0 };
    writeFileSync(join(dir, 'good.json'), JSON.stringify(run));
    for (let i = 0; i < CASES; i++) {
      const base = rnd() < 0.85 ? run : consumer;
      const file = join(dir, `case-${i}.json`);
      writeFileSync(file, mutateJson(base, rnd));
      const rendered = await runMain(['report', file]);
      check(rendered, `case ${i} (report)`, file);
      outcomes[rendered.code === 0 ? 'ok' : 'rejected']++;
      check(await runMain(['verify', '--report', file, '--brokers', '127.0.0.1:1']), `case ${i} (verify)`, file);
      const compared = await runMain(['compare', join(dir, 'good.json'), file]);
      check(compared, `case ${i} (compare)`, file);
      rmSync(file);
    }
    process.stderr.write(`fuzzed reports: ${JSON.stringify(outcomes)}\n`);
    expect(outcomes.ok).toBeGreaterThan(50);
    expect(outcomes.rejected).toBeGreaterThan(300);
  }, 600_000);
});
