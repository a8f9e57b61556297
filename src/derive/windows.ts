// Tumbling windows of simulated time, per key: counts accumulate until the stream's event time
// passes the window's end, then every open window is written at once (a watermark of one event:
// the world's occurred_at is strictly increasing). Each window remembers its last counted event,
// which becomes the written record's source.
import type { Envelope } from '../envelope.js';

export interface OpenWindow<A> {
  key: string;
  startMs: number;
  acc: A;
  /** The last event counted in this window. */
  last: Envelope;
}

export class TumblingWindows<A> {
  private startMs = Number.NEGATIVE_INFINITY;
  private readonly open = new Map<string, OpenWindow<A>>();

  constructor(
    readonly widthMs: number,
    private readonly init: () => A,
  ) {}

  /**
   * Moves the watermark to `atMs`; when it passes the current window's end, every open window is
   * handed to `flush` (in the order the keys opened) and a new window starts.
   */
  advance(atMs: number, flush: (w: OpenWindow<A>, complete: boolean) => void): void {
    if (atMs < this.startMs + this.widthMs) return;
    for (const w of this.open.values()) flush(w, true);
    this.open.clear();
    this.startMs = Math.floor(atMs / this.widthMs) * this.widthMs;
  }

  /** Counts `event` for `key` in the current window. */
  add(key: string, event: Envelope, count: (acc: A) => void): void {
    let w = this.open.get(key);
    if (!w) {
      w = { key, startMs: this.startMs, acc: this.init(), last: event };
      this.open.set(key, w);
    }
    count(w.acc);
    w.last = event;
  }

  /** Writes `key`'s window now (its entity ended before the window did). */
  close(key: string, flush: (w: OpenWindow<A>, complete: boolean) => void): void {
    const w = this.open.get(key);
    if (!w) return;
    this.open.delete(key);
    flush(w, false);
  }

  get openCount(): number {
    return this.open.size;
  }
}
