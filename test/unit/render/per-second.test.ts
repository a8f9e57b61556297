// The per-second picture for the console: one column per measured second, each partition's share.
import { beforeAll, describe, expect, it } from 'vitest';
import { formatPerSecond, perSecondView } from '../../../src/render/per-second.js';
import type { RunReport } from '../../../src/report.js';
import { fixtureRun } from '../../support/run-fixture.js';

const world = { population: { users: 100, suppliers: 5, communities: 4, products: 20, promotions: 5, posts: 10 } };
let report: RunReport;

beforeAll(async () => {
  report = (await fixtureRun('viral-promotion-bucketed', { ratePerSec: 2_000, durationMs: 4_000, world })).report;
});

describe('formatPerSecond', () => {
  it('shows each partition’s share of every second of the hot topic, a column per second', () => {
    expect(report.summary.hotTopics).toContain('sc.domain.promotion');
    const text = formatPerSecond(report);
    const block = text.slice(text.indexOf('PER SECOND fx.sc.domain.promotion'));
    const lines = block.split('\n');
    expect(lines[1]).toMatch(
      /^ {2}hottest partition per second: p50 \d+\.\d%, max \d+\.\d% \(\d+ measured s with ≥ 100 events\)$/,
    );
    const seconds = lines[2]!.trim().split(/\s+/).slice(1);
    const view = perSecondView(report, 'sc.domain.promotion', Number.POSITIVE_INFINITY)!;
    expect(seconds).toEqual(view.columns.map((c) => `${c.fromSecond}s`));
    // Three partition rows; every second's shares add up to ~100 %.
    const rows = lines.slice(4, 7).map((l) => l.trim().split(/\s+/).slice(1).map(Number));
    expect(lines[4]!.trim().startsWith('0')).toBe(true);
    seconds.forEach((_, i) => expect(Math.abs(rows.reduce((sum, r) => sum + r[i]!, 0) - 100)).toBeLessThanOrEqual(2));
  });

  it('says nothing for a report without hot topics', () => {
    expect(formatPerSecond({ ...report, summary: { ...report.summary, hotTopics: [] } })).toBe('');
  });
});
