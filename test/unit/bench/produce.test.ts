import { describe, expect, it } from 'vitest';
import {
  PEER,
  SC_SIM,
  scSimFigures,
  summarizeProduce,
  type ProduceFigures,
  type ProduceRound,
} from '../../../bench/produce.js';
import type { RunReport } from '../../../src/report/types.js';

const figures = (recordsPerSec: number, p99LatencyMs = 10): ProduceFigures => ({
  records: 1000,
  recordsPerSec,
  mbPerSec: recordsPerSec / 2000,
  p50LatencyMs: 1,
  p99LatencyMs,
  errors: 0,
});

describe('summarizeProduce', () => {
  const rounds: ProduceRound[] = [
    { round: 1, side: SC_SIM, figures: figures(80, 12), wallMs: 1 },
    { round: 1, side: PEER, figures: figures(100, 300), wallMs: 1 },
    { round: 2, side: SC_SIM, figures: figures(40, 50), wallMs: 1 },
    { round: 2, side: PEER, figures: figures(50, 200), wallMs: 1 },
    { round: 3, side: SC_SIM, figures: figures(90, 11), wallMs: 1 },
    { round: 3, side: PEER, figures: figures(120, 250), wallMs: 1 },
  ];

  it('takes medians per side and the ratio of the median rates', () => {
    const c = summarizeProduce('none', 'record-size', rounds);
    expect(c.scSim.recordsPerSec).toBe(80);
    expect(c.peer.recordsPerSec).toBe(100);
    expect(c.scSim.p99LatencyMs).toBe(12);
    expect(c.peer.p99LatencyMs).toBe(250);
    expect(c.ratio).toBe(0.8);
  });

  it('also gives the ratio per round (pairing each round’s two sides)', () => {
    expect(summarizeProduce('gzip', 'payload-file', rounds).roundRatios).toEqual([0.8, 0.8, 0.75]);
  });

  it('has no ratio when one side has no rounds', () => {
    const c = summarizeProduce(
      'none',
      'record-size',
      rounds.filter((r) => r.side === SC_SIM),
    );
    expect(c.ratio).toBeNaN();
    expect(c.roundRatios).toEqual([]);
  });
});

describe('scSimFigures', () => {
  it('takes rate, MiB/s, ack latency and errors from a run report', () => {
    // Only the fields the comparison reads; the rest of a report plays no part here.
    const report = {
      summary: {
        totals: { acked: 200_000, achievedRatePerSec: 50_000, bytesPerSec: 26_214_400, failed: 2, indeterminate: 1 },
        ackLatencyMs: { p50: 4.5, p99: 20.25 },
      },
    } as unknown as RunReport;
    expect(scSimFigures(report)).toEqual({
      records: 200_000,
      recordsPerSec: 50_000,
      mbPerSec: 25,
      p50LatencyMs: 4.5,
      p99LatencyMs: 20.25,
      errors: 3,
    });
  });
});
