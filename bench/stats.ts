// Pure arithmetic of the bench: medians, the A B A B round order, and whether a run's memory grows.

/** Median of the values (mean of the middle two for an even count); NaN when there are none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface RoundSlot<S extends string> {
  /** 1-based round number. */
  round: number;
  side: S;
}

/**
 * The order in which sides run: A B A B … (every round runs each side once, in the same order),
 * so slow drift of the machine (another job starting, the broker's page cache filling) lands on
 * both sides instead of favouring whichever ran first.
 */
export function alternationOrder<S extends string>(sides: readonly S[], rounds: number): RoundSlot<S>[] {
  if (!Number.isInteger(rounds) || rounds < 1)
    throw new RangeError(`rounds must be a whole number >= 1, got ${rounds}`);
  const out: RoundSlot<S>[] = [];
  for (let round = 1; round <= rounds; round++) for (const side of sides) out.push({ round, side });
  return out;
}

/** The median of every numeric field over the rounds (fields missing in a round are skipped). */
export function medianOf<K extends string>(
  rounds: readonly Readonly<Record<K, number>>[],
  keys: readonly K[],
): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const k of keys) out[k] = median(rounds.map((r) => r[k]).filter((v) => Number.isFinite(v)));
  return out;
}

export interface RssSample {
  /** Since the process started, ms. */
  tMs: number;
  rssBytes: number;
}

export interface RssGrowth {
  samples: number;
  /** Mean RSS over the first and the last third of the samples. */
  firstThirdMeanBytes: number;
  lastThirdMeanBytes: number;
  /** last / first − 1 (0.05 = 5 % more in the last third). */
  growthRatio: number;
  /** Least-squares slope over all samples, bytes per minute. */
  slopeBytesPerMin: number;
  /** True when the last third's mean exceeds the first third's by more than the tolerance. */
  grows: boolean;
  middleThirdMeanBytes: number;
  /**
   * True when the last third is still above the middle third by more than half the tolerance: a
   * process whose heaps are still sizing up levels off (false here), a leak keeps rising (true).
   */
  stillRising: boolean;
}

/**
 * Does memory grow over a run? Compares the mean RSS of the first and the last third of the
 * samples: a bounded process levels off after start-up (GC keeps the heap in a band), a leak keeps
 * climbing. The tolerance (default 10 % and at least 16 MiB) absorbs V8 growing its heap once.
 */
export function rssGrowth(
  samples: readonly RssSample[],
  tolerance: { ratio: number; minBytes: number } = { ratio: 0.1, minBytes: 16 * 1024 * 1024 },
): RssGrowth {
  if (samples.length < 3) throw new RangeError(`need at least 3 RSS samples to judge growth, got ${samples.length}`);
  const third = Math.floor(samples.length / 3);
  const mean = (xs: readonly RssSample[]) => xs.reduce((s, x) => s + x.rssBytes, 0) / xs.length;
  const first = mean(samples.slice(0, third));
  const middle = mean(samples.slice(third, samples.length - third));
  const last = mean(samples.slice(samples.length - third));
  const n = samples.length;
  const meanT = samples.reduce((s, x) => s + x.tMs, 0) / n;
  const meanR = mean(samples);
  let num = 0;
  let den = 0;
  for (const x of samples) {
    num += (x.tMs - meanT) * (x.rssBytes - meanR);
    den += (x.tMs - meanT) ** 2;
  }
  const slopePerMs = den === 0 ? 0 : num / den;
  const delta = last - first;
  return {
    samples: n,
    firstThirdMeanBytes: Math.round(first),
    lastThirdMeanBytes: Math.round(last),
    growthRatio: first === 0 ? 0 : delta / first,
    slopeBytesPerMin: Math.round(slopePerMs * 60_000),
    grows: delta > Math.max(tolerance.ratio * first, tolerance.minBytes),
    middleThirdMeanBytes: Math.round(middle),
    stillRising: last - middle > Math.max((tolerance.ratio / 2) * middle, tolerance.minBytes / 2),
  };
}

/** Reads `VmRSS` and `VmHWM` (peak RSS) from a /proc/<pid>/status text, in bytes. */
export function parseProcStatus(text: string): { rssBytes: number; hwmBytes: number } | undefined {
  const kb = (name: string) => {
    const m = new RegExp(`^${name}:\\s+(\\d+)\\s+kB`, 'm').exec(text);
    return m ? Number(m[1]) * 1024 : undefined;
  };
  const rssBytes = kb('VmRSS');
  const hwmBytes = kb('VmHWM');
  if (rssBytes === undefined || hwmBytes === undefined) return undefined;
  return { rssBytes, hwmBytes };
}
