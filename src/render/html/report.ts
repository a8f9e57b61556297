// The self-contained HTML report (`--html report.html`): achieved vs target rate, latency
// percentile curves, events per partition, a partition × second heat map per hot topic and consumer
// lag per partition, as inline SVG built here,
// plus a few lines of inline JS that only check the page rendered. Opens without any network.
import type { RunReport } from '../../report/types.js';
import { approxDuration, describeConnection, int, ms, pct } from '../format.js';
import type { GapSummaryMs, SessionsSummary } from '../../metrics/sessions.js';
import type { ConsumerSimReport } from '../../consume/report.js';
import type { VerificationSection } from '../../verify/section.js';
import type { GroupWatchReport } from '../../watch/group-watch.js';
import type { ExpectSection } from '../../watch/expect.js';
import { describeExpectExample } from '../expect.js';
import { decodeHistogram } from '../../metrics/histogram.js';
import { describePartitionChange, describeThreads, describeTimeReport } from '../console.js';
import { describeMovedKeys } from '../verification.js';
import { describePerSecondShare, perSecondView } from '../per-second.js';
import { brokerSecondShares } from '../brokers.js';
import {
  barChart,
  CURVE_PERCENTILES,
  escapeXml,
  heatMap,
  lineChart,
  PERCENTILE_TICKS,
  percentileX,
  type Bar,
  type LineSeries,
} from './svg.js';

export interface HtmlReportInput {
  run?: RunReport | null;
  /** Watched consumer groups (default: the run's `watch` section). */
  watch?: GroupWatchReport[] | null;
  verification?: VerificationSection | null;
  consumer?: ConsumerSimReport | null;
  title?: string;
}

const shortTopic = (t: string) => t.replace(/^.*?sc\.(domain|proj|analytics|dlq|internal)\./, '');

/** A latency curve (ms by percentile) from an encoded µs histogram; null when it has no values. */
export function latencyCurve(name: string, encodedUs: string | undefined): LineSeries | null {
  if (!encodedUs) return null;
  const h = decodeHistogram(encodedUs);
  if (h.totalCount === 0) return null;
  return { name, points: CURVE_PERCENTILES.map((p) => ({ x: percentileX(p), y: h.getValueAtPercentile(p) / 1000 })) };
}

function rateChart(run: RunReport): string {
  const series: LineSeries[] = [
    { name: 'target ev/s', dashed: true, points: run.series.map((p) => ({ x: p.second, y: p.scheduled })) },
    { name: 'acked ev/s', points: run.series.map((p) => ({ x: p.second, y: p.acked })) },
  ];
  if (run.series.some((p) => p.errors > 0))
    series.push({ name: 'errors/s', points: run.series.map((p) => ({ x: p.second, y: p.errors })) });
  return lineChart(series, {
    id: 'rate',
    title: 'Achieved vs target rate',
    x: { label: 'seconds since start' },
    y: { label: 'events / s' },
  });
}

function latencyChart(input: HtmlReportInput): string {
  const curves = [
    input.run ? latencyCurve('ack (send → ack)', input.run.metrics.measured.ackLatencyUs) : null,
    input.run ? latencyCurve('schedule delay', input.run.metrics.measured.scheduleDelayUs) : null,
    latencyCurve(
      input.verification?.result.mode === 'counts'
        ? 'age when read back (after the run)'
        : 'end-to-end (send → read back)',
      input.verification?.result.latency?.histogramUs,
    ),
    latencyCurve('consumer (record → processed)', input.consumer?.endToEndLatency?.histogramUs),
  ].filter((c): c is LineSeries => c !== null);
  return lineChart(curves, {
    id: 'latency',
    title: 'Latency by percentile',
    x: { label: 'percentile (log scale)', ticks: PERCENTILE_TICKS },
    y: {
      label: 'ms (log scale)',
      log: true,
      format: (v) => (v >= 1 ? `${Math.round(v).toLocaleString('en-US')}` : `${+v.toFixed(3)}`),
    },
  });
}

function partitionChart(run: RunReport): string {
  const bars: Bar[] = [];
  for (const t of run.summary.topics) {
    if (t.acked === 0) continue;
    const fair = 1 / Math.max(1, t.partitions.length);
    for (const p of t.partitions) {
      // Highlight a partition holding clearly more than its fair share: a hot partition.
      bars.push({
        label: `${shortTopic(t.physicalTopic)}/${p.partition}`,
        value: p.events,
        highlight: p.shareOfTopic > 1.5 * fair,
      });
    }
  }
  return barChart(bars, {
    id: 'partitions',
    title: 'Events per partition (highlighted: over 1.5× its fair share)',
    y: { label: 'events' },
  });
}

/** Per hot topic: each partition's share of every second's events; a hot spot is a dark run of cells. */
function heatMaps(run: RunReport): string[] {
  return (run.summary.hotTopics ?? []).flatMap((name) => {
    // One column per second up to 10 minutes; longer runs group seconds (the title says so).
    const view = perSecondView(run, name, 600);
    if (!view) return [];
    const rows = Array.from({ length: view.partitions }, (_, p) => String(p));
    const cells = rows.map((_, p) => view.columns.map((c) => (c.events === 0 ? null : c.shares[p]!)));
    const grouped = view.columns.some((c) => c.toSecond - c.fromSecond > 1) ? ' (seconds grouped)' : '';
    return [
      heatMap(cells, {
        id: `heat-${name}`,
        title: `Each partition's share of every second's events — ${shortTopic(view.topic.physicalTopic)}${grouped}`,
        rows,
        columns: view.columns.map((c) => `${c.fromSecond}s`),
        xLabel: `wall-clock seconds since start; ${describePerSecondShare(view.topic)}`,
        yLabel: 'partition',
      }),
    ];
  });
}

/** Each broker's share of every second's events (through the partitions it led): the hot broker. */
function brokerHeatMap(run: RunReport): string[] {
  const b = run.brokers;
  if (!b || b.seconds.length === 0) return [];
  const view = brokerSecondShares(b, 600);
  const grouped = view.columns.length < b.seconds.length ? ' (seconds grouped)' : '';
  const changes = b.leaderChanges.length;
  return [
    heatMap(view.shares, {
      id: 'heat-brokers',
      title: `Each broker's share of every second's events${grouped}`,
      rows: b.brokers.map((x) => String(x.nodeId)),
      columns: view.columns.map((c) => `${c.fromSecond}s`),
      xLabel: `wall-clock seconds since start; ${changes} leader change${changes === 1 ? '' : 's'}`,
      yLabel: 'broker',
    }),
  ];
}

function brokerSection(run: RunReport): string {
  const b = run.brokers!;
  const first = run.metrics.partitionSeconds?.firstSecondAtMs ?? 0;
  const disk = b.brokers.some((x) => x.disk);
  const diskCells = (x: (typeof b.brokers)[number]) =>
    disk
      ? [x.disk?.bytes, x.disk?.ledBytes, x.disk?.growthBytes]
          .map((n) => `<td class="num">${n === undefined || n === null ? '-' : int(n)}</td>`)
          .join('')
      : '';
  const rows = b.brokers
    .map(
      (x) =>
        `<tr><td>${x.nodeId}</td><td>${escapeXml(x.address)}</td><td class="num">${x.leadersAtStart}→${x.leadersAtEnd}</td><td class="num">${int(x.events)}</td><td class="num">${(x.shareOfEvents * 100).toFixed(1)}%</td><td class="num">${int(x.bytes)}</td><td class="num">${int(x.peakEventsPerSec)}</td>${diskCells(x)}</tr>`,
    )
    .join('');
  const changes = b.leaderChanges
    .slice(0, 50)
    .map(
      (c) =>
        `<li>${((c.atMs - first) / 1000).toFixed(1)} s: ${escapeXml(c.topic)}[${c.partition}] ${c.from} → ${c.to}</li>`,
    )
    .join('');
  const diskHeads = disk ? '<th>bytes on disk</th><th>led</th><th>+run</th>' : '';
  const diskNote = b.logDirs ? `<p>On disk: ${escapeXml(b.logDirs.note)}.</p>` : '';
  return `<section><h2>Brokers</h2><p>${escapeXml(b.note)}.</p>${diskNote}<table><tr><th>broker</th><th>address</th><th>leaders start→end</th><th>events</th><th>share</th><th>bytes</th><th>peak ev/s</th>${diskHeads}</tr>${rows}</table>
<p>${b.leaderChanges.length} leader change(s)${b.leaderChanges.length > 50 ? ' (first 50)' : ''}:</p><ul>${changes}</ul></section>`;
}

function lagChart(c: ConsumerSimReport): string {
  const { partitions, samples } = c.lag;
  // The 8 partitions that lagged most; a flat line at zero for the rest would only add noise.
  const order = partitions
    .map((p, i) => ({ p, i, max: Math.max(0, ...samples.map((s) => s.lag[i] ?? 0)) }))
    .sort((a, b) => b.max - a.max || a.p.topic.localeCompare(b.p.topic) || a.p.partition - b.p.partition)
    .slice(0, 8);
  const series = order.map(({ p, i }) => ({
    name: `${shortTopic(p.topic)}/${p.partition}`,
    points: samples.map((s) => ({ x: s.tMs / 1000, y: s.lag[i] ?? 0 })),
  }));
  return lineChart(series, {
    id: 'lag',
    title: `Consumer lag per partition (${c.perEventMs} ms/event, ${c.concurrency} at once)`,
    x: { label: 'seconds since the consumer joined' },
    y: { label: 'records behind' },
  });
}

/** A watched group's lag and time lag per partition (the 8 that lagged most), rebalances marked. */
function watchCharts(w: GroupWatchReport, n: number): string[] {
  const order = w.partitions
    .map((p, i) => ({ p, i, max: Math.max(0, ...w.samples.map((s) => s.lag[i] ?? 0)) }))
    .sort((a, b) => b.max - a.max || a.p.partition - b.p.partition)
    .slice(0, 8);
  const markers = w.rebalances.map((r) => ({ x: r.startMs / 1000, label: 'rebalance' }));
  const x = { label: 'seconds since watching began' };
  const lag = lineChart(
    order.map(({ p, i }) => ({
      name: `${shortTopic(p.topic)}/${p.partition}`,
      points: w.samples.map((s) => ({ x: s.tMs / 1000, y: s.lag[i] ?? 0 })),
    })),
    {
      id: `watch-lag-${n}`,
      title: `Group ${w.groupId}: lag per partition`,
      x,
      y: { label: 'records behind' },
      markers,
    },
  );
  const timeLag = lineChart(
    order.map(({ p, i }) => ({
      name: `${shortTopic(p.topic)}/${p.partition}`,
      points: w.samples.map((s) => ({ x: s.tMs / 1000, y: (s.timeLagMs[i] ?? 0) / 1000 })),
    })),
    {
      id: `watch-time-lag-${n}`,
      title: `Group ${w.groupId}: time lag per partition`,
      x,
      y: { label: 'seconds behind' },
      markers,
    },
  );
  return [lag, timeLag];
}

function watchSection(w: GroupWatchReport): string {
  const s = w.summary;
  const drain = w.drain.drained
    ? `drained ${((w.drain.drainMs ?? 0) / 1000).toFixed(1)} s after the load stopped`
    : w.drain.loadStoppedAtMs === null
      ? 'the load did not stop while watched'
      : `<span class="fail">not drained</span> within ${(w.drain.timeoutMs / 1000).toFixed(0)} s`;
  const building = s.partitionsBuildingLag.map((p) => [
    p.topic,
    String(p.partition),
    p.maxLag,
    (p.hottestKeys ?? []).map((k) => `${k.key} (${int(k.events)})`).join(', '),
  ]);
  return `<section><h2>Consumer group ${escapeXml(w.groupId)}</h2><p>Max lag ${int(s.maxLag)}${s.maxLagAt ? ` on ${escapeXml(s.maxLagAt.topic)}[${s.maxLagAt.partition}]` : ''}; max time lag ${s.maxTimeLagMs === null ? '-' : `${int(s.maxTimeLagMs)} ms`}${s.maxTimeLagExact === false ? ' (estimated)' : ''}; ${drain}; ${s.rebalances} rebalance(s).</p>
${building.length ? `<h3>Where lag built up</h3>${table(['topic', 'partition', 'max lag', 'hottest keys'], building)}` : ''}</section>`;
}

/** `--expect`: pass or fail per derived topic, the counts, the first examples. */
function expectSection(e: ExpectSection): string {
  const counts = Object.entries(e.counts).map(([k, n]) => [k, n] as (string | number)[]);
  const examples = e.examples.map((x) => [describeExpectExample(x)]);
  return `<section><h2>Expect ${escapeXml(e.topic)}: ${e.passed ? 'passed' : '<span class="fail">FAILED</span>'}</h2><p>Read ${int(e.read)} record(s) of ${escapeXml(e.physicalTopic)}; ${int(e.keysExpected)} ${e.topic.startsWith('sc.dlq.') ? 'poison record(s) sent' : 'key(s) expected'}${e.partial ? `; partial: ${int(e.unchecked)} record(s) past the ${int(e.statesKept)} kept states not compared` : ''}.</p>
${table(['kind', 'records'], counts)}${examples.length ? `<h3>Examples</h3>${table(['what, where'], examples)}` : ''}</section>`;
}

function table(headers: string[], rows: (string | number)[][]): string {
  const th = headers.map((h) => `<th>${escapeXml(h)}</th>`).join('');
  const tr = rows
    .map(
      (r) =>
        `<tr>${r.map((c) => `<td${typeof c === 'number' ? ' class="num"' : ''}>${escapeXml(typeof c === 'number' ? int(c) : c)}</td>`).join('')}</tr>`,
    )
    .join('');
  return `<table><thead><tr>${th}</tr></thead><tbody>${tr}</tbody></table>`;
}

function runSection(run: RunReport): string {
  const t = run.summary.totals;
  const facts: [string, string][] = [
    ['scenario', `${run.run.scenario} — ${run.run.description}`],
    ['plan', run.run.plan],
    ...(run.run.time ? [['time', describeTimeReport(run.run.time)] as [string, string]] : []),
    ['run id / seed', `${run.run.id} / ${run.run.seed}`],
    ['started', run.run.startedAt],
    ['duration', `${(run.run.durationMs / 1000).toFixed(1)} s${run.run.interrupted ? ' (interrupted)' : ''}`],
    ['sink', `${run.sink.kind} → ${run.sink.target}`],
    ...(run.connection ? [['connection', describeConnection(run.connection)] as [string, string]] : []),
    ...(run.run.threads ? [['threads', describeThreads(run.run.threads)] as [string, string]] : []),
    [
      'producer',
      run.producer
        ? `acks ${run.producer.acks}, ${run.producer.idempotent ? 'idempotent' : 'not idempotent'}, max in-flight ${run.producer.maxInFlightRequests ?? 'unbounded'}, compression ${run.producer.compression}`
        : '-',
    ],
    [
      'rate',
      `${int(t.achievedRatePerSec)} ev/s achieved${t.targetRatePerSec === null ? '' : ` of ${int(t.targetRatePerSec)} target (${pct(t.achievedRateRatio ?? 0)})`}`,
    ],
    [
      'events',
      `${int(t.acked)} acked, ${int(t.failed)} failed, ${int(t.indeterminate)} indeterminate, ${int(t.late)} late, ${int(t.dropped)} dropped`,
    ],
    ...(run.partitionChanges
      ? [['partitions changed', run.partitionChanges.map(describePartitionChange).join('; ')] as [string, string]]
      : []),
    [
      'ack latency',
      `p50 ${ms(run.summary.ackLatencyMs.p50)} ms, p99 ${ms(run.summary.ackLatencyMs.p99)} ms, max ${ms(run.summary.ackLatencyMs.max)} ms`,
    ],
    [
      'thresholds',
      run.thresholds.length === 0
        ? 'none'
        : run.thresholds
            .map((x) => `${x.metric} ${x.condition}: ${x.pass ? 'pass' : 'FAIL'} (${x.actual ?? '-'})`)
            .join('; '),
    ],
  ];
  const topics = table(
    ['topic', 'acked', 'share', 'ev/s', 'ack p99 ms', 'skew max/mean'],
    run.summary.topics
      .filter((x) => x.acked > 0)
      .map((x) => [
        x.physicalTopic,
        x.acked,
        pct(x.shareOfEvents),
        x.ratePerSec,
        ms(x.ackLatencyMs.p99),
        x.skew.toFixed(2),
      ]),
  );
  const keys =
    run.keys && run.keys.length > 1
      ? `<h3>Keys: ordering kept, and what a consumer must do</h3>${table(
          ['applies to', 'strategy', 'key', 'ordering kept', 'consumer must'],
          run.keys.map((k) => [k.appliesTo.join(', '), k.strategy, k.key, k.orderingScope, k.consumerRebuild]),
        )}`
      : '';
  return `<section><h2>Run</h2><dl>${facts.map(([k, v]) => `<dt>${escapeXml(k)}</dt><dd>${escapeXml(v)}</dd>`).join('')}</dl>${topics}${keys}</section>`;
}

function verificationSection(v: VerificationSection): string {
  const t = v.result.totals;
  const counts = table(
    [
      'lost',
      'duplicate',
      'reordered',
      'gaps',
      'key→partition moves',
      'indeterminate',
      'not delivered',
      'acked',
      'read',
    ],
    [
      [
        t.lost,
        t.duplicate,
        t.reordered,
        t.gaps,
        t.keyPartitionMoves,
        t.indeterminate,
        t.undelivered ?? 0,
        t.acked,
        t.consumed,
      ],
    ],
  );
  const hot = v.hotKeys
    .filter((h) => h.events > 0)
    .flatMap((h) =>
      h.hottest
        .slice(0, 3)
        .map((k) => [
          h.topic,
          k.key === '' ? '(no key)' : k.key,
          k.events,
          pct(k.share),
          k.predictedPartition === null ? '-' : String(k.predictedPartition),
          k.observedPartitions.join(',') || '-',
          k.matchesPrediction === false ? 'NO' : 'yes',
        ]),
    );
  const compound =
    v.result.compoundKeys.records > 0
      ? `<p>Compound keys: ${int(v.result.compoundKeys.records)} records under ${int(v.result.compoundKeys.keys)} keys; ${int(v.result.compoundKeys.entityOutOfOrder)} reads out of entity order — ${escapeXml(v.result.compoundKeys.note)}.</p>`
      : '';
  const moved = (v.movedKeys ?? []).map((m) => `<p>${escapeXml(describeMovedKeys(m))}.</p>`).join('');
  return `<section><h2>Verification: <span class="${v.passed ? 'pass' : 'fail'}">${v.passed ? 'passed' : `FAILED (${escapeXml(v.failing.join(', '))})`}</span></h2>
<p>${escapeXml(v.producer?.note ?? 'producer mode unknown')}</p>${counts}${compound}${moved}
<h3>Hottest keys</h3>${table(['topic', 'key', 'events', 'share', 'predicted partition', 'read from', 'match'], hot)}</section>`;
}

function consumerSection(c: ConsumerSimReport): string {
  const s = c.summary;
  return `<section><h2>Consumer simulator</h2><p>group ${escapeXml(c.groupId)}: ${c.perEventMs} ms/event, ${c.concurrency} partition(s) at once; processed ${int(c.processed)} events in ${(c.durationMs / 1000).toFixed(1)} s.
Max lag ${int(s.maxPartitionLag)}${s.maxPartitionLagAt ? ` on ${escapeXml(s.maxPartitionLagAt.topic)}[${s.maxPartitionLagAt.partition}]` : ''}; ${s.drained ? `drained${s.timeToDrainMs === null ? '' : ` ${(s.timeToDrainMs / 1000).toFixed(1)} s after production stopped`}` : `not drained (${int(s.finalTotalLag)} behind)`}.</p>
${table(
  ['topic', 'partition', 'processed', 'max lag', 'final lag'],
  [...s.partitions]
    .sort((a, b) => b.maxLag - a.maxLag)
    .map((p) => [p.topic, String(p.partition), p.processed, p.maxLag, p.finalLag]),
)}</section>`;
}

// The page's only script: record JS errors in the page and mark it rendered once every chart has
// drawn geometry, so a headless browser (and a person) can tell a broken page from a good one.
const SELF_CHECK = `(function () {
  var errors = [];
  function show() {
    var el = document.getElementById('errors');
    el.textContent = errors.join('\\n');
    el.hidden = errors.length === 0;
    document.body.setAttribute('data-errors', String(errors.length));
    if (errors.length > 0) document.body.setAttribute('data-rendered', 'error');
  }
  window.onerror = function (msg) { errors.push(String(msg)); show(); };
  window.addEventListener('DOMContentLoaded', function () {
    try {
      var charts = document.querySelectorAll('svg.chart');
      var drawn = 0;
      for (var i = 0; i < charts.length; i++) {
        var shapes = charts[i].querySelectorAll('path.series, rect.bar, rect.cell');
        var visible = 0;
        for (var j = 0; j < shapes.length; j++) {
          var box = shapes[j].getBBox();
          if (box.width > 0 || box.height > 0) visible++;
        }
        charts[i].setAttribute('data-drawn', String(visible));
        if (visible > 0) drawn++;
      }
      document.body.setAttribute('data-charts', String(charts.length));
      document.body.setAttribute('data-charts-drawn', String(drawn));
      show();
      document.body.setAttribute('data-rendered', errors.length === 0 ? 'ok' : 'error');
    } catch (e) { errors.push(String(e)); show(); document.body.setAttribute('data-rendered', 'error'); }
  });
})();`;

const STYLE = `body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1100px;color:#1b1b1b;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}h3{font-size:15px}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:16px}
svg.chart{width:100%;height:auto;background:#fff;border:1px solid #e3e3e3;border-radius:6px}
svg .title{font-weight:600;font-size:13px}svg .tick,svg .legend{font-size:11px;fill:#444}svg .label{font-size:11px;fill:#666}
svg .grid{stroke:#eee}svg .axis{stroke:#999}svg .bar{fill:#56B4E9}svg .bar.hot{fill:#D55E00}svg .empty{fill:#999;font-size:13px}
table{border-collapse:collapse;margin:8px 0;font-size:13px}th,td{border-bottom:1px solid #eee;padding:3px 10px;text-align:left}td.num{text-align:right;font-variant-numeric:tabular-nums}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px}dt{color:#666}dd{margin:0}
.pass{color:#007a3d}.fail{color:#b00020}#errors{color:#b00020;white-space:pre-wrap;border:1px solid #b00020;padding:8px}`;

/** The sessions in the stream sent: the funnel, steps per session, length and gaps. */
function sessionsSection(s: SessionsSummary): string {
  const f = s.funnel;
  const funnel = (
    [
      ['login', 1],
      ['impression', f.impression],
      ['click', f.click],
      ['order', f.order],
    ] as const
  )
    .map(
      ([step, share]) =>
        `<tr><td>${step}</td><td class="num">${int(share * s.sessions)}</td><td class="num">${pct(share)}</td></tr>`,
    )
    .join('');
  const gapRow = (name: string, g: GapSummaryMs) =>
    `<tr><td>${name}</td><td class="num">${int(g.count)}</td>${[g.p10, g.p50, g.p90, g.p99, g.max].map((v) => `<td class="num">${escapeXml(approxDuration(v))}</td>`).join('')}</tr>`;
  const outside =
    s.outsideSteps > 0 ? ` ${int(s.outsideSteps)} step(s) came from users not seen logging in during the run.` : '';
  return `<section><h2>Sessions</h2><p>In the stream sent: a user's login starts a session; their impressions, clicks and orders until their next login belong to it (event time). Steps per session (login included): mean ${s.stepsPerSession.mean.toFixed(1)}, p50 ${s.stepsPerSession.p50}, p90 ${s.stepsPerSession.p90}, max ${s.stepsPerSession.max}.${outside}</p>
<table><tr><th>funnel step</th><th>sessions</th><th>share</th></tr>${funnel}</table>
<table><tr><th></th><th>count</th><th>p10</th><th>p50</th><th>p90</th><th>p99</th><th>max</th></tr>${gapRow('session length', s.lengthMs)}${gapRow('gap between steps', s.gapMs)}${gapRow('idle between sessions', s.idleMs)}</table></section>`;
}

export function renderHtmlReport(input: HtmlReportInput): string {
  const run = input.run ?? null;
  const title = input.title ?? (run ? `sc-sim report — ${run.run.scenario}` : 'sc-sim report');
  const charts: string[] = [];
  if (run) charts.push(rateChart(run));
  charts.push(latencyChart(input));
  if (run) charts.push(partitionChart(run), ...heatMaps(run), ...brokerHeatMap(run));
  if (input.consumer) charts.push(lagChart(input.consumer));
  const watch = input.watch ?? run?.watch ?? [];
  watch.forEach((w, i) => charts.push(...watchCharts(w, i)));
  const sections = [
    run ? runSection(run) : '',
    run?.brokers ? brokerSection(run) : '',
    run?.summary.sessions ? sessionsSection(run.summary.sessions) : '',
    input.verification ? verificationSection(input.verification) : '',
    input.consumer ? consumerSection(input.consumer) : '',
    ...watch.map(watchSection),
    ...(run?.expect ?? []).map(expectSection),
  ].join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${escapeXml(title)}</title><style>${STYLE}</style></head>
<body data-rendered="pending">
<h1>${escapeXml(title)}</h1>
<pre id="errors" hidden></pre>
<div class="charts">${charts.join('\n')}</div>
${sections}
<script>${SELF_CHECK}</script>
</body></html>
`;
}
