// Pass/fail thresholds (k6 style): `metric: "<op> <number>"` in a scenario, evaluated on the
// post-warm-up summary; a failed threshold gives the run its own exit code.
import { z } from 'zod';

/** Metrics a threshold can name, with what each means (shown in docs and the JSON Schema). */
export const THRESHOLD_METRICS = {
  ack_latency_p50_ms: 'median send→ack latency (ms)',
  ack_latency_p90_ms: 'p90 send→ack latency (ms)',
  ack_latency_p99_ms: 'p99 send→ack latency (ms)',
  ack_latency_p999_ms: 'p99.9 send→ack latency (ms)',
  ack_latency_max_ms: 'worst send→ack latency (ms)',
  schedule_delay_p50_ms: 'median intended→send delay (ms)',
  schedule_delay_p99_ms: 'p99 intended→send delay (ms)',
  schedule_delay_max_ms: 'worst intended→send delay (ms)',
  errors: 'records that failed or whose outcome is unknown',
  error_rate: 'errors / records sent (0..1)',
  late: 'records sent later than the late threshold',
  dropped: 'due records dropped because the backlog was full',
  achieved_rate_ratio: 'achieved rate / target rate (paced runs only)',
  achieved_rate: 'acked records per second',
  group_max_lag: 'watched consumer groups: the highest lag of any partition (records)',
  group_max_time_lag_ms: 'watched consumer groups: the oldest uncommitted record, at worst (ms)',
  group_drain_s: 'watched consumer groups: seconds from the end of the load to no lag (fails if never drained)',
  group_rebalances: 'watched consumer groups: rebalances seen while watching',
} as const;
export type ThresholdMetric = keyof typeof THRESHOLD_METRICS;
export const THRESHOLD_METRIC_NAMES = Object.keys(THRESHOLD_METRICS) as ThresholdMetric[];

/** Thresholds on watched consumer groups (`--watch-group`): evaluated once the watch is over. */
export const GROUP_THRESHOLD_METRICS = [
  'group_max_lag',
  'group_max_time_lag_ms',
  'group_drain_s',
  'group_rebalances',
] as const satisfies readonly ThresholdMetric[];
export type GroupThresholdMetric = (typeof GROUP_THRESHOLD_METRICS)[number];
export type RunThresholdMetric = Exclude<ThresholdMetric, GroupThresholdMetric>;

export const isGroupThreshold = (m: string): m is GroupThresholdMetric =>
  (GROUP_THRESHOLD_METRICS as readonly string[]).includes(m);

/** The thresholds of one kind (run or group), in their original order. */
export function thresholdsOf(thresholds: Thresholds, group: boolean): Thresholds {
  return Object.fromEntries(Object.entries(thresholds).filter(([m]) => isGroupThreshold(m) === group));
}

type Op = '<=' | '>=' | '==' | '!=' | '<' | '>';
const CONDITION = /^\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/;

export const ThresholdsSchema = z.partialRecord(
  z.enum(THRESHOLD_METRIC_NAMES),
  z.string().regex(CONDITION, { message: 'expected "<op> <number>" with op one of < <= > >= == !=, e.g. "< 50"' }),
);
export type Thresholds = z.output<typeof ThresholdsSchema>;

export interface ThresholdResult {
  metric: ThresholdMetric;
  condition: string;
  /** The observed value; null when the metric does not apply (e.g. a rate ratio without a target). */
  actual: number | null;
  pass: boolean;
}

function compare(actual: number, op: Op, limit: number): boolean {
  switch (op) {
    case '<':
      return actual < limit;
    case '<=':
      return actual <= limit;
    case '>':
      return actual > limit;
    case '>=':
      return actual >= limit;
    case '==':
      return actual === limit;
    case '!=':
      return actual !== limit;
  }
}

/** Evaluates each threshold against observed values; a metric with no value fails (it cannot be shown to pass). */
export function evaluateThresholds(
  thresholds: Thresholds,
  observed: Readonly<Partial<Record<ThresholdMetric, number | null>>>,
): ThresholdResult[] {
  return Object.entries(thresholds).map(([metric, condition]) => {
    const m = CONDITION.exec(condition!)!;
    const actual = observed[metric as ThresholdMetric] ?? null;
    return {
      metric: metric as ThresholdMetric,
      condition: condition!.trim(),
      actual,
      pass: actual !== null && compare(actual, m[1] as Op, Number(m[2])),
    };
  });
}
