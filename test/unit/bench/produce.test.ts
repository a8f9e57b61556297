import { describe, expect, it } from 'vitest';
import {
  PEER,
  SC_SIM,
  parseProcFigures,
  peerBatching,
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
  cpuUsPerRecord: 3,
  peakRssMiB: 200,
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
  it('takes rate, MiB/s (headers included), ack latency, errors, CPU and RSS from a run and its process', () => {
    // Only the fields the comparison reads; the rest of a report plays no part here.
    const report = {
      summary: {
        totals: {
          acked: 200_000,
          achievedRatePerSec: 50_000,
          bytesPerSec: 26_214_400,
          failed: 2,
          indeterminate: 1,
          unsent: 4,
        },
        ackLatencyMs: { p50: 4.5, p99: 20.25 },
      },
    } as unknown as RunReport;
    const proc = { runCpuUs: 600_000, processCpuUs: 2_000_000, maxRssBytes: 300 * 1024 * 1024 };
    // 80 header bytes a record at 50,000 records/s add 4,000,000 B/s to the 25 MiB/s of keys and values.
    expect(scSimFigures(report, proc, 80)).toEqual({
      records: 200_000,
      recordsPerSec: 50_000,
      mbPerSec: 28.81,
      p50LatencyMs: 4.5,
      p99LatencyMs: 20.25,
      errors: 7,
      cpuUsPerRecord: 3,
      peakRssMiB: 300,
    });
    expect(scSimFigures(report, undefined, 0).cpuUsPerRecord).toBeNaN();
  });

  it('reads the process figures the scenario child prints', () => {
    const line = 'sc-sim-bench-proc {"runCpuUs":5,"processCpuUs":9,"maxRssBytes":1024}';
    expect(parseProcFigures(`noise\n${line}\n`)).toEqual({ runCpuUs: 5, processCpuUs: 9, maxRssBytes: 1024 });
    expect(parseProcFigures('nothing here')).toBeUndefined();
  });
});

describe('peerBatching: ProducerPerformance batches like sc-sim where both have a setting', () => {
  it('the same linger; batch.size = sc-sim’s batch split over the partitions, in whole KiB, at least 16 KiB', () => {
    expect(peerBatching({ linger: 5, batchMaxEvents: 2000 }, 640, 24)).toEqual({
      peerLingerMs: 5,
      peerBatchSizeBytes: 53 * 1024,
    });
    expect(peerBatching({ linger: 0, batchMaxEvents: 100 }, 640, 24).peerBatchSizeBytes).toBe(16_384);
  });
});
