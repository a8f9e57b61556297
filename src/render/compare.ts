// `sc-sim compare`: the comparison as a table (or rows for --json); a pure function of the data.
// Two sides get a B/A ratio column; more sides get one column each.
import type { CompareResult, CompareSide } from '../report/compare.js';
import { fixed, pct } from './format.js';
import { renderTable } from './table.js';

export interface CompareRow {
  metric: string;
  /** Every side's value, formatted, in the order of the sides. */
  values: string[];
  /** The first two sides' values (two-way comparisons). */
  a: string;
  b: string;
  /** b / a where both are numbers and a is not 0 (two sides only; null with more). */
  ratio: number | null;
}

const num = (v: number | null, digits = 0): string => (v === null ? '-' : fixed(v, digits));
const partitionOf = (p: string | null) => p?.replace(/^.*\[/, '').replace(']', '') ?? '';

/** The rows of the comparison, every side formatted; metrics no side has are left out. */
export function compareRows(result: CompareResult): CompareRow[] {
  const { sides } = result;
  const rows: CompareRow[] = [];
  const push = (metric: string, values: string[], ratio: number | null) =>
    rows.push({ metric, values, a: values[0]!, b: values[1]!, ratio: sides.length === 2 ? ratio : null });
  const row = (
    metric: string,
    pick: (s: CompareSide) => number | null,
    digits = 0,
    show?: (s: CompareSide) => string,
  ) => {
    const vs = sides.map(pick);
    if (vs.every((v) => v === null)) return;
    const [va, vb] = vs as [number | null, number | null];
    push(
      metric,
      sides.map((s, i) => (show ? show(s) : num(vs[i]!, digits))),
      va !== null && vb !== null && va !== 0 ? vb / va : null,
    );
  };
  const text = (metric: string, pick: (s: CompareSide) => string | null) => {
    const vs = sides.map(pick);
    if (vs.every((v) => v === null)) return;
    push(
      metric,
      vs.map((v) => v ?? '-'),
      null,
    );
  };
  const share = (v: number | null) => (v === null ? '-' : pct(v));
  text('scenario', (s) => s.scenario);
  text('key strategy', (s) => s.keyStrategy);
  text('time', (s) => s.timeMode);
  row('target rate (ev/s)', (s) => s.targetRatePerSec);
  row('achieved rate (ev/s)', (s) => s.achievedRatePerSec);
  row('ack latency p99 (ms)', (s) => s.ackP99Ms, 2);
  text('topic', (s) =>
    s.focusTopic === null ? null : `${s.focusTopic} (${pct(s.focusShareOfEvents ?? 0)} of events)`,
  );
  row('skew max/mean', (s) => s.skew, 2);
  row(
    'hottest partition share',
    (s) => s.hottestPartitionShare,
    3,
    (s) =>
      s.hottestPartitionShare === null ? '-' : `${pct(s.hottestPartitionShare)} [${partitionOf(s.hottestPartition)}]`,
  );
  row(
    'hottest broker share (all events)',
    (s) => s.hottestBrokerShare,
    3,
    (s) => (s.hottestBrokerShare === null ? '-' : `${pct(s.hottestBrokerShare)} [broker ${s.hottestBroker}]`),
  );
  row('leader changes', (s) => s.leaderChanges);
  row(
    'hottest partition per second, p50',
    (s) => s.perSecondShareP50,
    3,
    (s) => share(s.perSecondShareP50),
  );
  row(
    'hottest partition per second, max',
    (s) => s.perSecondShareMax,
    3,
    (s) => share(s.perSecondShareMax),
  );
  row(
    'worst skew, any topic',
    (s) => s.worstSkew,
    2,
    (s) => (s.worstSkew === null ? '-' : `${num(s.worstSkew, 2)} ${s.worstSkewTopic}`),
  );
  row(
    'consumer max lag (records)',
    (s) => s.maxLag,
    0,
    (s) =>
      s.maxLag === null
        ? '-'
        : `${num(s.maxLag)}${s.maxLagPartition && s.maxLag > 0 ? ` [${partitionOf(s.maxLagPartition)}]` : ''}`,
  );
  row('consumer lag skew', (s) => s.lagSkew, 2);
  row(
    'time to drain (s)',
    (s) => (s.timeToDrainMs === null ? null : s.timeToDrainMs / 1000),
    1,
    (s) => (s.drained === false ? 'not drained' : s.timeToDrainMs === null ? '-' : num(s.timeToDrainMs / 1000, 1)),
  );
  row('consumer rate (ev/s)', (s) => s.consumerRatePerSec, 1);
  row('consumer end-to-end p99 (ms)', (s) => s.consumerP99Ms, 1);
  row('lost', (s) => s.lost);
  row('duplicate', (s) => s.duplicate);
  row('reordered', (s) => s.reordered);
  return rows;
}

export function formatCompare(r: CompareResult): string {
  const columns = [
    { header: 'METRIC', value: (x: CompareRow) => x.metric },
    ...r.sides.map((s, i) => ({ header: s.label, value: (x: CompareRow) => x.values[i]!, align: 'right' as const })),
  ];
  if (r.sides.length === 2) {
    columns.push({
      header: 'B/A',
      value: (x) => (x.ratio === null ? '' : `${x.ratio.toFixed(2)}×`),
      align: 'right',
    });
  }
  return renderTable(compareRows(r), columns);
}
