// Verification throughput: events read back from the broker and verified per second (the verifier
// must keep up with the producer). One run is produced with `--verify` attached (read back while
// sending, every record checked), then its whole offset range is read back again at full speed:
// that second figure is the read-back + verifier's own capacity, not bounded by the producer.
import type { VerificationSection } from '../src/verify/section.js';
import { verifySavedReport } from '../src/app/verify-report.js';
import { runScSimRound, type ScSimTarget } from './produce.js';
import { VERIFY_SCENARIO } from './scenarios.js';

export interface VerifyPass {
  /** records: every send's records checked; counts: acked counts per partition (as `verify --report`). */
  mode: 'records' | 'counts';
  /** Records of the run read back and verified. */
  verified: number;
  /** Read-back time as the read-back reports it (group join to the last end offset), ms. */
  readBackMs: number;
  verifiedPerSec: number;
  anomalies: { lost: number; duplicate: number; reordered: number; gaps: number; indeterminate: number };
  passed: boolean;
}

export interface VerifyBenchResult {
  /** Records the run acked (what must be read back). */
  acked: number;
  /** The producer's rate in that run, with the live verification attached. */
  producedPerSec: number;
  /** Read back while sending (`run --verify`): its rate is capped by the producer's. */
  live: VerifyPass | null;
  /** The same range read back again after the run, as fast as it goes. */
  capacity: VerifyPass;
  /** The rate the verifier must keep up with: the median unthrottled produce rate when measured, else this run's. */
  mustKeepUpWithPerSec: number;
  keepsUp: boolean;
}

function pass(section: VerificationSection): VerifyPass {
  const t = section.result.totals;
  const { records, tookMs } = section.readBack;
  return {
    mode: section.result.mode,
    verified: records,
    readBackMs: tookMs,
    verifiedPerSec: tookMs > 0 ? Math.round((records * 1_000) / tookMs) : 0,
    anomalies: {
      lost: t.lost,
      duplicate: t.duplicate,
      reordered: t.reordered,
      gaps: t.gaps,
      indeterminate: t.indeterminate,
    },
    passed: section.passed,
  };
}

export async function benchVerify(
  setup: ScSimTarget,
  count: number,
  maxProducePerSec: number | undefined,
): Promise<VerifyBenchResult> {
  const { report } = await runScSimRound(setup, VERIFY_SCENARIO, 'verify', Math.max(180_000, count * 2), true);
  const live = report.verification;
  const capacity = pass(await verifySavedReport(report, setup.connection, Math.max(60_000, count)));
  const producedPerSec = report.summary.totals.achievedRatePerSec;
  const mustKeepUpWithPerSec = maxProducePerSec ?? producedPerSec;
  return {
    acked: report.summary.totals.acked,
    producedPerSec,
    live: live ? pass(live) : null,
    capacity,
    mustKeepUpWithPerSec,
    keepsUp: capacity.verifiedPerSec >= mustKeepUpWithPerSec,
  };
}
