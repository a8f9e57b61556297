import { describe, expect, it } from 'vitest';
import { summarizeProduce, PEER, SC_SIM, type ProduceFigures } from '../../../bench/produce.js';
import type { BenchResults } from '../../../bench/results.js';
import { formatBenchTable } from '../../../bench/table.js';

const f = (recordsPerSec: number): ProduceFigures => ({
  records: 1000,
  recordsPerSec,
  mbPerSec: 1.5,
  p50LatencyMs: 3,
  p99LatencyMs: 9.5,
  errors: 0,
  cpuUsPerRecord: 3.2,
  peakRssMiB: 180,
});

function results(over: Partial<BenchResults> = {}): BenchResults {
  return {
    schemaVersion: 2,
    mode: 'default',
    date: '2026-01-01T00:00:00.000Z',
    tookMs: 1000,
    machine: {
      cpuModel: 'Test CPU',
      cpus: 2,
      totalMemBytes: 8 * 1024 ** 3,
      os: 'Linux 6',
      loadAvg1AtStart: 1.5,
      loadAvg1AtEnd: 2,
      versions: { node: 'v20', java: 'openjdk 17', kafka: '4.4.0', kafkajs: '2.2.4', scSim: '0.1.0' },
    },
    broker: { brokers: ['127.0.0.1:19192'], startedByBench: true, kafkaVersion: '4.4.0' },
    method: [],
    generator: {
      targetEventsPerSec: 300_000,
      results: [{ mix: 'default', events: 300_000, eventsPerSec: 150_000, details: {} }],
    },
    produce: {
      count: 1000,
      rounds: 1,
      eventSizes: {
        count: 1000,
        medianValueBytes: 500,
        meanValueBytes: 510,
        p10ValueBytes: 400,
        p90ValueBytes: 700,
        medianKeyBytes: 36,
        medianHeaderBytes: 80,
        medianRecordBytes: 616,
      },
      recordSizeBytes: 616,
      scSimProducer: {
        idempotent: true,
        acks: 'all',
        batchMaxEvents: 2000,
        lingerMs: 5,
        inFlightBatches: 4,
        worker: true,
        crc32c: 'native',
      },
      peerProducer: { idempotent: true, acks: 'all', lingerMs: 5, batchSizeBytes: 52_224 },
      scSimTopics: { topics: 7, partitions: 24 },
      peerTopic: { name: 'bench-pp', partitions: 24 },
      comparisons: [
        summarizeProduce('none', 'record-size', [
          { round: 1, side: SC_SIM, figures: f(45_000), wallMs: 1 },
          { round: 1, side: PEER, figures: f(50_000), wallMs: 1 },
        ]),
        summarizeProduce('gzip', 'payload-file', [
          { round: 1, side: SC_SIM, figures: f(10_000), wallMs: 1 },
          { round: 1, side: PEER, figures: f(40_000), wallMs: 1 },
        ]),
      ],
    },
    verify: null,
    memory: null,
    failures: [],
    ...over,
  };
}

describe('formatBenchTable', () => {
  it('shows each side’s figures and the ratio against its 0.8 target', () => {
    const text = formatBenchTable(results());
    expect(text).toMatch(/none\s+sc-sim\s+45,000\s+1\.50\s+3\.0\s+9\.5/);
    expect(text).toMatch(/none\s+ProducerPerformance\s+50,000/);
    expect(text).toContain('ratio sc-sim / ProducerPerformance (none): 0.90 (target ≥ 0.8: met)');
    expect(text).toContain('ratio sc-sim / ProducerPerformance (gzip): 0.25 (target ≥ 0.8: NOT met)');
    expect(text).toContain('payload: sc-sim events');
    expect(text).toMatch(/default\s+300,000\s+150,000\s+0\.50/);
  });

  it('does not judge the ratio target on a smoke run (too few records to mean anything)', () => {
    const text = formatBenchTable(results({ mode: 'smoke' }));
    expect(text).toContain('(target ≥ 0.8: not judged in a smoke run: too few records)');
    expect(text).not.toContain('target ≥ 0.8: met');
  });

  it('names the Node flags the generator phases ran with, when the file records them', () => {
    const m = results().machine;
    const flagged = formatBenchTable(
      results({ machine: { ...m, nodeFlags: ['--max-semi-space-size=32', '--import', 'tsx'] } }),
    );
    expect(flagged).toContain('sc-sim 0.1.0; node flags: --max-semi-space-size=32 --import tsx');
    expect(formatBenchTable(results({ machine: { ...m, nodeFlags: [] } }))).toContain('; node flags: none');
    // A file written before the flags were recorded says nothing of them.
    expect(formatBenchTable(results())).not.toContain('node flags');
  });

  it('says which phases did not run and which failed', () => {
    const text = formatBenchTable(
      results({ generator: null, failures: [{ phase: 'verify', error: 'E_KAFKA: boom\nmore' }] }),
    );
    expect(text).toContain('3. Verification: (not run)');
    expect(text).toContain('4. Memory: (not run)');
    expect(text).toContain('verify: E_KAFKA: boom');
    expect(text).not.toContain('more');
  });

  it('states the memory verdict and whether the short or the full run was made', () => {
    const text = formatBenchTable(
      results({
        memory: {
          scenario: 'bench-steady',
          targetRatePerSec: 20_000,
          achievedRatePerSec: 19_900,
          achievedRateRatio: 0.995,
          durationMs: 60_000,
          warmupMs: 15_000,
          acked: 1_000_000,
          errors: 0,
          dropped: 0,
          ackLatencyP99Ms: 12,
          peakRssBytes: 200 * 1024 * 1024,
          growth: {
            samples: 45,
            firstThirdMeanBytes: 180 * 1024 * 1024,
            lastThirdMeanBytes: 182 * 1024 * 1024,
            growthRatio: 0.011,
            slopeBytesPerMin: 1024 * 1024,
            grows: false,
            middleThirdMeanBytes: 181 * 1024 * 1024,
            stillRising: false,
          },
          runStartAtMs: 1_500,
          samples: [],
          fullLength: false,
          rateBasis: 'half the max',
        },
      }),
    );
    expect(text).toContain('at 20,000 ev/s (half the max) for 60 s (short run; --full runs 5 minutes)');
    expect(text).toContain('peak RSS 200.0 MiB');
    expect(text).toContain('grows: no');
  });

  it('shows the verifier while sending and at full speed, and whether it keeps up with the producer', () => {
    const clean = { lost: 0, duplicate: 0, reordered: 0, gaps: 0, indeterminate: 0 };
    const text = formatBenchTable(
      results({
        verify: {
          acked: 200_000,
          producedPerSec: 15_000,
          live: {
            mode: 'records',
            verified: 200_000,
            readBackMs: 16_000,
            verifiedPerSec: 12_500,
            anomalies: clean,
            passed: true,
          },
          capacity: {
            mode: 'counts',
            verified: 200_000,
            readBackMs: 4_000,
            verifiedPerSec: 50_000,
            anomalies: clean,
            passed: true,
          },
          mustKeepUpWithPerSec: 20_000,
          keepsUp: true,
        },
      }),
    );
    expect(text).toContain('200,000 verified in 16.0 s (12,500 rec/s, capped by the producer) — passed');
    expect(text).toContain('200,000 in 4.0 s = 50,000 rec/s vs max produce 20,000 rec/s — keeps up: yes');
  });
});
