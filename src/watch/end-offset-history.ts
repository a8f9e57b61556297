// When did a partition's end offset pass a given offset? Sampled end offsets with their times,
// interpolated between samples: how kafka-lag-exporter estimates the time lag of records it did
// not write. Used for the records sc-sim has no send time for.

interface Sample {
  endOffset: number;
  atMs: number;
}

export class EndOffsetHistory {
  private readonly samples = new Map<string, Sample[]>();

  /** @param maxSamples  samples kept per partition (older ones are dropped, oldest first). */
  constructor(private readonly maxSamples = 3_600) {}

  private key(topic: string, partition: number): string {
    return `${topic}\u0000${partition}`;
  }

  record(topic: string, partition: number, endOffset: number, atMs: number): void {
    const k = this.key(topic, partition);
    let list = this.samples.get(k);
    if (!list) this.samples.set(k, (list = []));
    const last = list.at(-1);
    // Only changes matter for interpolation; a flat stretch keeps its first sample.
    if (last && last.endOffset === endOffset) return;
    list.push({ endOffset, atMs });
    if (list.length > this.maxSamples) list.shift();
  }

  /**
   * The estimated time the record at `offset` was appended: interpolated between the last sample
   * with an end offset <= offset and the first one past it; undefined before the first sample.
   */
  appendedAt(topic: string, partition: number, offset: number): number | undefined {
    const list = this.samples.get(this.key(topic, partition));
    if (!list || list.length === 0) return undefined;
    // The record at `offset` exists once the end offset is above it.
    const after = list.findIndex((s) => s.endOffset > offset);
    if (after < 0) return undefined; // not appended yet
    if (after === 0) return list[0]!.atMs; // before watching began: no better than the first sample
    const a = list[after - 1]!;
    const b = list[after]!;
    const f = (offset + 1 - a.endOffset) / (b.endOffset - a.endOffset);
    return a.atMs + f * (b.atMs - a.atMs);
  }
}
