// `sc-sim compare`: the comparison as a table (or rows for --json); a pure function of the data.
import type { CompareResult, CompareSide } from '../report/compare.js';
import { fixed, pct } from './format.js';
import { renderTable } from './table.js';

export interface CompareRow {
  metric: string;
  a: string;
  b: string;
  /** b / a where both are numbers and a is not 0. */
  ratio: number | null;
}

const num = (v: number | null, digits = 0): string => (v === null ? '-' : fixed(v, digits));

/** The rows of the comparison, both sides formatted; metrics neither side has are left out. */
export function compareRows(result: CompareResult): CompareRow[] {
  const { a: A, b: B } = result;
  const rows: CompareRow[] = [];
  const row = (
    metric: string,
    pick: (s: CompareSide) => number | null,
    digits = 0,
    show?: (s: CompareSide) => string,
  ) => {
    const va = pick(A);
    const vb = pick(B);
    if (va === null && vb === null) return;
    rows.push({
      metric,
      a: show ? show(A) : num(va, digits),
      b: show ? show(B) : num(vb, digits),
      ratio: va !== null && vb !== null && va !== 0 ? vb / va : null,
    });
  };
  const text = (metric: string, pick: (s: CompareSide) => string | null) => {
    const va = pick(A);
    const vb = pick(B);
    if (va === null && vb === null) return;
    rows.push({ metric, a: va ?? '-', b: vb ?? '-', ratio: null });
  };
  text('scenario', (s) => s.scenario);
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
      s.hottestPartitionShare === null
        ? '-'
        : `${pct(s.hottestPartitionShare)} [${s.hottestPartition?.replace(/^.*\[/, '').replace(']', '')}]`,
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
        : `${num(s.maxLag)}${s.maxLagPartition && s.maxLag > 0 ? ` [${s.maxLagPartition.replace(/^.*\[/, '').replace(']', '')}]` : ''}`,
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
  return renderTable(compareRows(r), [
    { header: 'METRIC', value: (x) => x.metric },
    { header: r.a.label, value: (x) => x.a, align: 'right' },
    { header: r.b.label, value: (x) => x.b, align: 'right' },
    { header: 'B/A', value: (x) => (x.ratio === null ? '' : `${x.ratio.toFixed(2)}×`), align: 'right' },
  ]);
}
