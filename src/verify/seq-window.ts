// Which sequence numbers of one entity have been seen, in memory proportional to the disorder, not
// to the stream: in-order arrivals only move a watermark; a bitset exists only while a hole is open.

const INITIAL_BITS_BYTES = 16;

export class SeqWindow {
  /** Every sequence in 1..contiguous has been seen. */
  contiguous = 0;
  /** Highest sequence seen. */
  max = 0;
  /** Bit i set = sequence `base + i` seen; only allocated while max > contiguous. */
  private bits: Uint8Array | undefined;
  private base = 1;

  has(seq: number): boolean {
    if (seq <= this.contiguous) return true;
    if (seq > this.max || this.bits === undefined) return false;
    const i = seq - this.base;
    return (this.bits[i >>> 3]! & (1 << (i & 7))) !== 0;
  }

  /** Marks `seq` seen; returns false when it had been seen already (a duplicate). */
  add(seq: number): boolean {
    if (seq === this.contiguous + 1 && this.bits === undefined) {
      // The hot path: the stream is in order.
      this.contiguous = seq;
      this.max = seq;
      return true;
    }
    if (this.has(seq)) return false;
    if (seq < 1 || !Number.isSafeInteger(seq)) return true; // not a sequence we can track: ignore
    this.setBit(seq);
    if (seq > this.max) this.max = seq;
    while (this.contiguous < this.max && this.bitAt(this.contiguous + 1)) this.contiguous++;
    if (this.contiguous === this.max) {
      this.bits = undefined;
      this.base = this.contiguous + 1;
    } else {
      this.compact();
    }
    return true;
  }

  /** Sequence numbers below the highest seen that never arrived (holes), counted. */
  missingCount(): number {
    let n = 0;
    for (let s = this.contiguous + 1; s < this.max; s++) if (!this.has(s)) n++;
    return n;
  }

  /** The first `limit` holes, for examples in a report. */
  missing(limit: number): number[] {
    const out: number[] = [];
    for (let s = this.contiguous + 1; s < this.max && out.length < limit; s++) if (!this.has(s)) out.push(s);
    return out;
  }

  private bitAt(seq: number): boolean {
    if (this.bits === undefined) return false;
    const i = seq - this.base;
    if (i < 0 || i >= this.bits.length * 8) return false;
    return (this.bits[i >>> 3]! & (1 << (i & 7))) !== 0;
  }

  private setBit(seq: number): void {
    if (this.bits === undefined) {
      this.base = this.contiguous + 1;
      this.bits = new Uint8Array(Math.max(INITIAL_BITS_BYTES, ((seq - this.base) >>> 3) + 1));
    }
    const i = seq - this.base;
    if (i >= this.bits.length * 8) {
      const grown = new Uint8Array(Math.max(this.bits.length * 2, (i >>> 3) + 1));
      grown.set(this.bits);
      this.bits = grown;
    }
    this.bits[i >>> 3]! |= 1 << (i & 7);
  }

  // Drops whole bytes below the watermark once they are half the buffer, so a long-lived hole
  // costs one bit per later event and nothing for what is already contiguous.
  private compact(): void {
    if (this.bits === undefined) return;
    const shiftBytes = (this.contiguous + 1 - this.base) >>> 3;
    if (shiftBytes === 0 || shiftBytes * 2 < this.bits.length) return;
    this.bits.copyWithin(0, shiftBytes);
    this.bits.fill(0, this.bits.length - shiftBytes);
    this.base += shiftBytes * 8;
  }
}
