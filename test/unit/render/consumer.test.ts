import { describe, expect, it } from 'vitest';
import { LagSeries } from '../../../src/consume/lag-series.js';
import { CONSUMER_REPORT_KIND, type ConsumerSimReport } from '../../../src/consume/report.js';
import { formatConsumerReport, lagOverTime } from '../../../src/render/consumer.js';

function report(): ConsumerSimReport {
  const lag = new LagSeries(500);
  for (let i = 1; i <= 24; i++) {
    const hot = i <= 12 ? i * 100 : Math.max(0, 1_200 - (i - 12) * 200);
    lag.record(i * 500, [
      { topic: 'p.sc.domain.promotion', partition: 0, endOffset: i * 10, position: i * 10 },
      { topic: 'p.sc.domain.promotion', partition: 2, endOffset: 5_000 + i, position: 5_000 + i - hot },
    ]);
  }
  return {
    kind: CONSUMER_REPORT_KIND,
    schemaVersion: 1,
    groupId: 'g',
    topics: ['p.sc.domain.promotion'],
    perEventMs: 1,
    concurrency: 3,
    sliceMs: 100,
    startedAt: new Date(0).toISOString(),
    durationMs: 12_000,
    stopReason: 'drained',
    processed: 10,
    processedRatePerSec: 1,
    endToEndLatency: null,
    lag: lag.data(),
    summary: lag.summary(),
  };
}

describe('consumer lag over time', () => {
  it('tables the partitions that lagged by columns of time, each the highest lag in it', () => {
    const table = lagOverTime(report(), 6);
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^LAG BY TIME\s+2\.0s\s+4\.0s\s+6\.0s\s+8\.0s\s+10\.0s\s+12\.0s$/);
    // Only the partition that lagged; it peaks at 1,200 in the third column, then drains.
    expect(lines.slice(2)).toEqual([
      expect.stringMatching(/^sc\.domain\.promotion\[2\]\s+400\s+800\s+1,200\s+1,000\s+200\s+0$/),
    ]);
    expect(formatConsumerReport(report())).toContain('LAG BY TIME');
  });
});
