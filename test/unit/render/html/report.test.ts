// The HTML report: built from a real (in-memory) run, a verification and a consumer lag series;
// then loaded in headless Chromium, which must render every chart without a JS error.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { sessionsLines } from '../../../../src/render/console.js';
import { asConsumed, asProduced, fixtureRun, STEADY_VIRAL } from '../../../support/run-fixture.js';
import { renderHtmlReport, latencyCurve, type HtmlReportInput } from '../../../../src/render/html/report.js';
import { LagSeries } from '../../../../src/consume/lag-series.js';
import { CONSUMER_REPORT_KIND, type ConsumerSimReport } from '../../../../src/consume/report.js';
import { Verifier } from '../../../../src/verify/verifier.js';
import { buildVerificationSection } from '../../../../src/verify/section.js';
import { HotKeyTracker } from '../../../../src/verify/hot-keys.js';
import { newLatencyHistogram, snapshotLatency } from '../../../../src/metrics/latency.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);

function consumerReport(): ConsumerSimReport {
  const topic = 'fx.sc.domain.promotion';
  const lag = new LagSeries(500);
  for (let i = 1; i <= 20; i++) {
    const end = i <= 12 ? i * 300 : 3_600;
    lag.record(i * 500, [
      { topic, partition: 0, endOffset: i * 10, position: i * 10 },
      { topic, partition: 1, endOffset: end, position: Math.min(end, i * 200) },
      { topic, partition: 2, endOffset: i * 12, position: i * 12 - 1 },
    ]);
  }
  const e2e = newLatencyHistogram();
  for (let i = 1; i <= 500; i++) e2e.recordValue(i * 2_000);
  return {
    kind: CONSUMER_REPORT_KIND,
    schemaVersion: 1,
    groupId: 'g-test',
    topics: [topic],
    perEventMs: 2,
    concurrency: 3,
    sliceMs: 100,
    startedAt: new Date(0).toISOString(),
    durationMs: 10_000,
    stopReason: 'drained',
    processed: 4_000,
    processedRatePerSec: 400,
    endToEndLatency: snapshotLatency(e2e),
    lag: lag.data(),
    summary: lag.summary(),
  };
}

let input: HtmlReportInput;

beforeAll(async () => {
  const v = new Verifier();
  const hot = new HotKeyTracker(() => 3);
  // The bucketed viral promotion: a hot topic, so the page has its partition × second heat map too.
  const world = {
    population: { users: 100, suppliers: 5, communities: 4, products: 20, promotions: 5, posts: 10 },
    ...STEADY_VIRAL,
  };
  const { report, log } = await fixtureRun('viral-promotion-bucketed', { ratePerSec: 2_000, durationMs: 4_000, world });
  log.forEach(({ record: r, offset }, i) => {
    v.addProduced({ ...asProduced(r, offset), sentAtMs: i });
    v.addConsumed({ ...asConsumed(r, offset), consumedAtMs: i + 3 + (i % 7) });
    hot.addProduced(r.topic, r.keyText, r.partition);
  });
  const verification = buildVerificationSection({
    result: v.finish(),
    readBack: { records: log.length, foreign: 0, undecodable: 0, tookMs: 100 },
    producer: { idempotent: true, maxInFlightRequests: null },
    hotKeys: hot.result(),
  });
  input = { run: report, verification, consumer: consumerReport() };
});

describe('renderHtmlReport', () => {
  it('holds the five charts with data, and the run, verification and consumer sections', () => {
    const html = renderHtmlReport(input);
    for (const id of ['rate', 'latency', 'partitions', 'heat-sc.domain.promotion', 'lag']) {
      const m = new RegExp(`data-chart="${id}" data-points="(\\d+)"`).exec(html);
      expect(m, id).not.toBeNull();
      expect(Number(m![1]), id).toBeGreaterThan(0);
    }
    // Latency curves: ack, schedule delay, end-to-end and consumer.
    expect(html.match(/<path class="series" data-series="/g)!.length).toBeGreaterThanOrEqual(2 + 4 + 3);
    expect(html).toContain('Verification: <span class="pass">passed</span>');
    expect(html).toContain('viral-promotion-bucketed');
    expect(html).toContain('Consumer simulator');
    // The time mode and the key strategies with the ordering each keeps.
    expect(html).toContain('time: live — occurred_at = the wall clock');
    expect(html).toContain('order within one 1s bucket only');
  });

  it('shows the sessions of the stream sent: funnel, steps, length and gaps (console and HTML)', () => {
    const sessions = input.run!.summary.sessions!;
    expect(sessions.sessions).toBeGreaterThan(10);
    expect(sessions.funnel.impression).toBeGreaterThan(sessions.funnel.order);
    const html = renderHtmlReport(input);
    expect(html).toContain('<h2>Sessions</h2>');
    expect(html).toMatch(/<tr><td>login<\/td><td class="num">[\d,]+<\/td><td class="num">100\.0%<\/td><\/tr>/);
    expect(html).toContain('<td>gap between steps</td>');
    const text = sessionsLines(sessions).join('\n');
    expect(text).toContain(`${sessions.sessions.toLocaleString('en-US')} sessions; funnel login 100% → impression`);
    expect(text).toMatch(/gap between steps: p10 .+, p50 .+, p90 .+, max .+/);
  });

  it('draws one heat-map cell per partition and second, darker for a larger share', () => {
    const html = renderHtmlReport(input);
    const map = /<svg[^>]*data-chart="heat-sc\.domain\.promotion"[^]*?<\/svg>/.exec(html)![0];
    const cells = [...map.matchAll(/<rect class="cell"[^>]*fill="rgb\((\d+),(\d+),(\d+)\)"><title>([^<]*)<\/title>/g)];
    const view = input.run!.metrics.partitionSeconds!.topics['sc.domain.promotion']!;
    // Every second with events has a cell for each of the topic's 3 partitions.
    expect(cells.length).toBe(view.filter((row) => row.some((n) => n > 0)).length * 3);
    // In every second of impressions one partition takes most of them: some cells are nearly the hot colour.
    const shareOf = (title: string) => Number(/: (\d+)%$/.exec(title)![1]);
    const hottest = cells.reduce((a, c) => (shareOf(c[4]!) > shareOf(a[4]!) ? c : a));
    expect(shareOf(hottest[4]!)).toBeGreaterThan(80);
    expect(Number(hottest[2])).toBeLessThan(120); // green channel falls from 255 towards 0x5e as the share grows
  });

  it('needs no network: no external URL is referenced', () => {
    const html = renderHtmlReport(input);
    expect(html).not.toMatch(/(src|href)=["']?https?:/);
    expect(html).not.toMatch(/@import|url\(/);
    expect(html).toContain("default-src 'none'");
  });

  it('renders a consumer-only page (no run) with its lag chart', () => {
    const html = renderHtmlReport({ consumer: input.consumer! });
    expect(html).toContain('data-chart="lag"');
    expect(html).not.toContain('data-chart="rate"');
  });

  it('turns an empty histogram into no curve, not a flat line', () => {
    expect(latencyCurve('x', snapshotLatency(newLatencyHistogram()).histogramUs)).toBeNull();
  });
});

// CI installs Debian's chromium; elsewhere these are skipped, and the test name says why.
const skipWhy = hasChromium ? '' : ' — SKIPPED: /usr/bin/chromium is not installed (apt-get install -y chromium)';

async function loadInChromium(html: string): Promise<{ body: string; dom: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'sc-sim-html-'));
  try {
    const file = join(dir, 'report.html');
    writeFileSync(file, html);
    const { stdout } = await promisify(execFile)(
      CHROMIUM,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--user-data-dir=${join(dir, 'profile')}`,
        '--dump-dom',
        `file://${file}`,
      ],
      { timeout: 60_000, maxBuffer: 32 * 1024 * 1024 },
    );
    return { body: /<body([^>]*)>/.exec(stdout)?.[1] ?? '', dom: stdout };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('in headless Chromium', () => {
  it.skipIf(!hasChromium)(
    `loads without JS errors and every chart draws geometry${skipWhy}`,
    async () => {
      const { body, dom } = await loadInChromium(renderHtmlReport(input));
      expect(body).toContain('data-rendered="ok"');
      expect(body).toContain('data-errors="0"');
      // rate, latency, partitions and lag, plus a heat map per hot topic (the promotion topic among them).
      const charts = 4 + input.run!.summary.hotTopics!.length;
      expect(input.run!.summary.hotTopics).toContain('sc.domain.promotion');
      expect(body).toContain(`data-charts="${charts}"`);
      expect(body).toContain(`data-charts-drawn="${charts}"`);
      expect(dom).toMatch(/<pre id="errors" hidden(="")?>\s*<\/pre>/);
    },
    90_000,
  );

  it.skipIf(!hasChromium)(
    `reports a JS error on the page instead of claiming success${skipWhy}`,
    async () => {
      const broken = renderHtmlReport(input).replace(
        '</body>',
        '<script>window.addEventListener("DOMContentLoaded", function () { undefinedFn(); });</script></body>',
      );
      const { body, dom } = await loadInChromium(broken);
      expect(body).toContain('data-errors="1"');
      expect(body).toContain('data-rendered="error"');
      expect(dom).toContain('undefinedFn is not defined');
    },
    90_000,
  );
});
