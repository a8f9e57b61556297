// End-to-end latency (produced -> consumed) in the histogram configuration every sc-sim latency
// uses (µs, src/metrics/histogram.ts), leaving as a summary in ms plus the encoded histogram so
// results from several verifiers or processes merge exactly.
import type { Histogram } from 'hdr-histogram-js';
import {
  decodeHistogram,
  encodeHistogram,
  mergeEncodedHistograms,
  newHistogram,
  summarizeUs,
  type EncodedHistogram,
  type LatencySummaryMs,
} from './histogram.js';

export interface LatencySnapshot extends LatencySummaryMs {
  /** Percentiles above are in ms; the histogram records µs. */
  unit: 'ms';
  histogramUs: EncodedHistogram;
}

export function newLatencyHistogram(): Histogram {
  return newHistogram();
}

export function snapshotLatency(h: Histogram): LatencySnapshot {
  return { unit: 'ms', ...summarizeUs(h), histogramUs: encodeHistogram(h) };
}

export function decodeLatency(snapshot: Pick<LatencySnapshot, 'histogramUs'>): Histogram {
  return decodeHistogram(snapshot.histogramUs);
}

/** Exact merge: the histogram counts every value of both inputs, bucket by bucket. */
export function mergeLatency(a: LatencySnapshot, b: LatencySnapshot): LatencySnapshot {
  return snapshotLatency(decodeHistogram(mergeEncodedHistograms(a.histogramUs, b.histogramUs)));
}
