// When each offset sc-sim wrote was sent: a compact per-partition index fed by the runner's acks,
// so a watched consumer group's time lag and end-to-end latency are exact for sc-sim's records
// (a lag monitor can only estimate them). Memory is bounded and reported.

/** One acked batch's records on one partition: offsets [first, first + count) sent at sentAtMs. */
interface Run {
  first: number;
  count: number;
  sentAtMs: number;
}

export interface OffsetTimeStats {
  /** Runs (one per partition per acked batch) held now, and the most ever held. */
  runs: number;
  peakRuns: number;
  /** Runs dropped because the index was full (their offsets fall back to estimates). */
  evicted: number;
  /** Approximate bytes held (runs × a per-run cost measured for V8's small objects). */
  approxBytes: number;
}

/** Bytes per run object in V8 (three small fields plus the array slot): an estimate for reports. */
const BYTES_PER_RUN = 56;

export class OffsetTimeIndex {
  private readonly partitions = new Map<string, Run[]>();
  private runs = 0;
  private peakRuns = 0;
  private evicted = 0;

  /** @param maxRuns  runs kept at most over all partitions; the oldest are dropped beyond it. */
  constructor(private readonly maxRuns = 1_000_000) {}

  private key(topic: string, partition: number): string {
    return `${topic}\u0000${partition}`;
  }

  /** Records that these offsets (in order, one partition) were sent at `sentAtMs` (wall clock). */
  add(topic: string, partition: number, offsets: readonly number[], sentAtMs: number): void {
    if (offsets.length === 0) return;
    const k = this.key(topic, partition);
    let list = this.partitions.get(k);
    if (!list) this.partitions.set(k, (list = []));
    // Offsets of one batch and partition are consecutive; a gap (another producer's records in
    // between) starts a new run.
    let start = offsets[0]!;
    let count = 1;
    for (let i = 1; i <= offsets.length; i++) {
      if (i < offsets.length && offsets[i] === start + count) {
        count++;
        continue;
      }
      list.push({ first: start, count, sentAtMs });
      this.runs++;
      if (i < offsets.length) {
        start = offsets[i]!;
        count = 1;
      }
    }
    this.peakRuns = Math.max(this.peakRuns, this.runs);
    if (this.runs > this.maxRuns) this.evictOldest(k);
  }

  private evictOldest(preferKey: string): void {
    // The partition that just grew holds the newest runs; drop from the largest list's front.
    let victim = this.partitions.get(preferKey)!;
    for (const list of this.partitions.values()) if (list.length > victim.length) victim = list;
    const drop = Math.max(1, Math.floor(victim.length / 10));
    victim.splice(0, drop);
    this.runs -= drop;
    this.evicted += drop;
  }

  private find(list: readonly Run[], offset: number): number {
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const r = list[mid]!;
      if (offset < r.first) hi = mid - 1;
      else if (offset >= r.first + r.count) lo = mid + 1;
      else return mid;
    }
    return -1;
  }

  /** When the record at `offset` was sent, if sc-sim sent it and it is still indexed. */
  sentAt(topic: string, partition: number, offset: number): number | undefined {
    const list = this.partitions.get(this.key(topic, partition));
    if (!list) return undefined;
    const i = this.find(list, offset);
    return i < 0 ? undefined : list[i]!.sentAtMs;
  }

  /** Calls `each` with the send time of every indexed record in [from, to). */
  forEachIn(topic: string, partition: number, from: number, to: number, each: (sentAtMs: number) => void): void {
    const list = this.partitions.get(this.key(topic, partition));
    if (!list || to <= from) return;
    for (const r of list) {
      const lo = Math.max(from, r.first);
      const hi = Math.min(to, r.first + r.count);
      for (let o = lo; o < hi; o++) each(r.sentAtMs);
    }
  }

  /** Forgets what lies below `offset` (every watched group has committed past it). */
  prune(topic: string, partition: number, offset: number): void {
    const list = this.partitions.get(this.key(topic, partition));
    if (!list) return;
    let n = 0;
    while (n < list.length && list[n]!.first + list[n]!.count <= offset) n++;
    if (n > 0) {
      list.splice(0, n);
      this.runs -= n;
    }
  }

  stats(): OffsetTimeStats {
    return {
      runs: this.runs,
      peakRuns: this.peakRuns,
      evicted: this.evicted,
      approxBytes: this.peakRuns * BYTES_PER_RUN,
    };
  }
}
