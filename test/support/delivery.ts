// What the fault tests assert of a run that survived a fault, written once.
import { expect } from 'vitest';
import type { RunResult } from '../../src/app/run.js';
import type { RunReport } from '../../src/report/types.js';

/** The read-back found nothing lost, duplicated, reordered or skipped. */
export function expectNoAnomalies(report: RunReport): void {
  const v = report.verification!.result.totals;
  expect({ lost: v.lost, duplicate: v.duplicate, reordered: v.reordered, gaps: v.gaps }).toEqual({
    lost: 0,
    duplicate: 0,
    reordered: 0,
    gaps: 0,
  });
}

/**
 * Every generated event acked (none failed, indeterminate or unsent), no fatal error, and the
 * read-back found each of them once, in order.
 */
export function expectDeliveredInFull(result: RunResult): void {
  const r = result.report;
  const t = r.summary.totals;
  expect(result.error).toBeUndefined();
  expect({ failed: t.failed, indeterminate: t.indeterminate, unsent: t.unsent ?? 0 }).toEqual({
    failed: 0,
    indeterminate: 0,
    unsent: 0,
  });
  expect(t.acked).toBe(t.scheduled - t.dropped);
  expectNoAnomalies(r);
  expect(r.verification!.result.totals.consumed).toBe(t.acked);
}
