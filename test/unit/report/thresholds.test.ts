import { describe, expect, it } from 'vitest';
import {
  THRESHOLD_METRIC_NAMES,
  ThresholdsSchema,
  evaluateThresholds,
  type ThresholdMetric,
} from '../../../src/report/thresholds.js';

const observed = Object.fromEntries(THRESHOLD_METRIC_NAMES.map((m) => [m, 0])) as Record<
  ThresholdMetric,
  number | null
>;

describe('thresholds', () => {
  it('evaluates each operator against the observed value', () => {
    const values = {
      ...observed,
      ack_latency_p99_ms: 49.9,
      errors: 0,
      achieved_rate_ratio: 0.95,
      late: 3,
      dropped: 2,
      achieved_rate: 1000,
    };
    const results = evaluateThresholds(
      {
        ack_latency_p99_ms: '< 50',
        errors: '== 0',
        achieved_rate_ratio: '>= 0.95',
        late: '<= 2',
        dropped: '!= 2',
        achieved_rate: ' > 999.5 ',
      },
      values,
    );
    expect(results.map((r) => [r.metric, r.actual, r.pass])).toEqual([
      ['ack_latency_p99_ms', 49.9, true],
      ['errors', 0, true],
      ['achieved_rate_ratio', 0.95, true],
      ['late', 3, false],
      ['dropped', 2, false],
      ['achieved_rate', 1000, true],
    ]);
    expect(results[5]!.condition).toBe('> 999.5');
  });

  it('fails a threshold whose metric has no value (e.g. a rate ratio without a target)', () => {
    const [r] = evaluateThresholds({ achieved_rate_ratio: '>= 0.95' }, { ...observed, achieved_rate_ratio: null });
    expect(r).toMatchObject({ actual: null, pass: false });
  });

  it('validates metric names and conditions', () => {
    expect(ThresholdsSchema.safeParse({ errors: '== 0' }).success).toBe(true);
    expect(ThresholdsSchema.safeParse({ errors: '= 0' }).success).toBe(false);
    expect(ThresholdsSchema.safeParse({ errors: '< fast' }).success).toBe(false);
    expect(ThresholdsSchema.safeParse({ p99: '< 5' }).success).toBe(false);
  });
});
