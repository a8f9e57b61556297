// Consumer lag per partition over time (end offset - processed position), sampled at a fixed
// interval, and what a consumer team asks of it: the peak, which partition, and the time to drain.
// Pure: the consumer simulator feeds it samples; reports and the HTML page read its summary.

export interface PartitionRef {
  topic: string;
  partition: number;
}

export interface LagSample {
  /** ms since the consumer started. */
  tMs: number;
  /** Lag (records) per partition, in the order of `LagSeriesData.partitions`. */
  lag: number[];
}

export interface LagSeriesData {
  sampleIntervalMs: number;
  partitions: PartitionRef[];
  samples: LagSample[];
}

export interface PartitionLagSummary extends PartitionRef {
  maxLag: number;
  /** ms after the start of the sample holding maxLag. */
  maxLagAtMs: number;
  finalLag: number;
  processed: number;
}

export interface LagSummary {
  /** The highest lag any single partition reached. */
  maxPartitionLag: number;
  maxPartitionLagAt: PartitionRef | null;
  /** The highest sum of lag over all partitions at one sample. */
  maxTotalLag: number;
  finalTotalLag: number;
  /** ms from the last growth of any end offset (production stopped) to the first sample with no lag. */
  timeToDrainMs: number | null;
  drained: boolean;
  /** max of per-partition max lag / mean of the per-partition max lags (1 = even). */
  lagSkew: number | null;
  partitions: PartitionLagSummary[];
}

/** Keeps at most this many samples; beyond it pairs are merged (max lag) and the interval doubles. */
export const MAX_SAMPLES = 2_000;

const id = (r: PartitionRef) => `${r.topic}\u0000${r.partition}`;

export class LagSeries {
  private readonly index = new Map<string, number>();
  private readonly refs: PartitionRef[] = [];
  private samples: LagSample[] = [];
  private intervalMs: number;
  private readonly processed: number[] = [];
  private lastEnds: number[] = [];
  /** tMs of the last sample in which some end offset grew. */
  private lastGrowthMs: number | null = null;
  private drainedAtMs: number | null = null;

  constructor(sampleIntervalMs: number) {
    this.intervalMs = sampleIntervalMs;
  }

  private slot(ref: PartitionRef): number {
    const key = id(ref);
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.refs.length;
      this.index.set(key, i);
      this.refs.push({ topic: ref.topic, partition: ref.partition });
      this.processed.push(0);
      // Earlier samples did not know this partition: it had no lag then.
      for (const s of this.samples) s.lag.push(0);
    }
    return i;
  }

  addProcessed(ref: PartitionRef, count: number): void {
    this.processed[this.slot(ref)]! += count;
  }

  /**
   * One sample: `endOffset` is the partition's high watermark, `position` the next offset the
   * consumer will process. Lag = end - position, never below 0.
   */
  record(tMs: number, points: readonly (PartitionRef & { endOffset: number; position: number })[]): void {
    for (const p of points) this.slot(p);
    const lag = new Array<number>(this.refs.length).fill(0);
    const ends = [...this.lastEnds];
    let grew = false;
    for (const p of points) {
      const i = this.slot(p);
      lag[i] = Math.max(0, p.endOffset - p.position);
      if (this.lastEnds[i] !== undefined && p.endOffset > this.lastEnds[i]!) grew = true;
      ends[i] = p.endOffset;
    }
    this.lastEnds = ends;
    if (grew) {
      this.lastGrowthMs = tMs;
      this.drainedAtMs = null;
    }
    const total = lag.reduce((a, b) => a + b, 0);
    if (total === 0 && this.lastGrowthMs !== null && this.drainedAtMs === null) this.drainedAtMs = tMs;
    if (total > 0) this.drainedAtMs = null;
    this.samples.push({ tMs, lag });
    if (this.samples.length > MAX_SAMPLES) this.decimate();
  }

  // Long runs: merge neighbouring samples keeping the higher lag, so peaks survive.
  private decimate(): void {
    const merged: LagSample[] = [];
    for (let i = 0; i < this.samples.length; i += 2) {
      const a = this.samples[i]!;
      const b = this.samples[i + 1];
      merged.push(b === undefined ? a : { tMs: b.tMs, lag: a.lag.map((v, j) => Math.max(v, b.lag[j] ?? 0)) });
    }
    this.samples = merged;
    this.intervalMs *= 2;
  }

  data(): LagSeriesData {
    return {
      sampleIntervalMs: this.intervalMs,
      partitions: this.refs.map((r) => ({ ...r })),
      samples: this.samples.map((s) => ({ tMs: s.tMs, lag: [...s.lag] })),
    };
  }

  summary(): LagSummary {
    return summarizeLag(this.data(), this.processed, this.lastGrowthMs, this.drainedAtMs);
  }
}

/** Summary of a series; `processed` per partition in series order (zeros when unknown). */
export function summarizeLag(
  data: LagSeriesData,
  processed: readonly number[] = [],
  lastGrowthMs: number | null = null,
  drainedAtMs: number | null = null,
): LagSummary {
  const partitions: PartitionLagSummary[] = data.partitions.map((ref, i) => {
    let maxLag = 0;
    let maxLagAtMs = 0;
    for (const s of data.samples) {
      const v = s.lag[i] ?? 0;
      if (v > maxLag) {
        maxLag = v;
        maxLagAtMs = s.tMs;
      }
    }
    const last = data.samples[data.samples.length - 1];
    return { ...ref, maxLag, maxLagAtMs, finalLag: last?.lag[i] ?? 0, processed: processed[i] ?? 0 };
  });
  let maxTotalLag = 0;
  for (const s of data.samples)
    maxTotalLag = Math.max(
      maxTotalLag,
      s.lag.reduce((a, b) => a + b, 0),
    );
  const top = partitions.reduce<PartitionLagSummary | null>(
    (best, p) => (best === null || p.maxLag > best.maxLag ? p : best),
    null,
  );
  const meanMax = partitions.length === 0 ? 0 : partitions.reduce((a, p) => a + p.maxLag, 0) / partitions.length;
  const finalTotalLag = partitions.reduce((a, p) => a + p.finalLag, 0);
  return {
    maxPartitionLag: top?.maxLag ?? 0,
    maxPartitionLagAt: top === null || top.maxLag === 0 ? null : { topic: top.topic, partition: top.partition },
    maxTotalLag,
    finalTotalLag,
    timeToDrainMs: lastGrowthMs !== null && drainedAtMs !== null ? drainedAtMs - lastGrowthMs : null,
    drained: finalTotalLag === 0,
    lagSkew: meanMax > 0 ? (top?.maxLag ?? 0) / meanMax : null,
    partitions,
  };
}
