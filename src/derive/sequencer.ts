// Per-key sequence numbers of the derived topics (1, 2, 3… per record key and topic). A key whose
// entity has ended is moved to a bounded retired set: consequences that still arrive for it (a
// post deleted with its community, an item shipped by a suspended supplier) continue its sequence,
// while memory stays bounded however long the run.
export class Sequencer {
  private readonly live = new Map<string, number>();
  private readonly retired = new Map<string, number>();

  constructor(private readonly retiredCapacity = 50_000) {}

  next(topic: string, key: string): number {
    const id = `${topic}\u0000${key}`;
    let n = this.live.get(id);
    if (n === undefined) {
      n = this.retired.get(id) ?? 0;
      if (n > 0) this.retired.delete(id);
    }
    this.live.set(id, n + 1);
    return n + 1;
  }

  /** The key's entity has ended: its counter leaves the live set for the bounded retired one. */
  retire(topic: string, key: string): void {
    const id = `${topic}\u0000${key}`;
    const n = this.live.get(id);
    if (n === undefined) return;
    this.live.delete(id);
    this.retired.set(id, n);
    if (this.retired.size > this.retiredCapacity) {
      // Maps iterate in insertion order: the first key is the longest retired.
      this.retired.delete(this.retired.keys().next().value!);
    }
  }

  get size(): { live: number; retired: number } {
    return { live: this.live.size, retired: this.retired.size };
  }
}
