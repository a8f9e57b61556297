// Weighted sampling for the world's popularity: Walker's alias method for fixed weights (O(1) per
// pick), a Fenwick tree for weights that change as entities come, go and grow (O(log n) per pick
// and update), Zipf weights, and the maximum-likelihood fit of a Zipf exponent that tests and
// reports use to check the shape. All pure: randomness comes from an injected seeded Rng.
import type { Rng } from './rng.js';

/** Zipf weight of rank `rank` (1-based) with exponent `s`: rank^-s. */
export function zipfWeight(rank: number, s: number): number {
  return rank ** -s;
}

/** The weights of ranks 1..n under Zipf(s). */
export function zipfWeights(n: number, s: number): Float64Array {
  const w = new Float64Array(n);
  for (let k = 0; k < n; k++) w[k] = zipfWeight(k + 1, s);
  return w;
}

/**
 * Walker's alias method (Vose's stable construction): after an O(n) build, each pick costs one
 * uniform index and one biased coin, whatever the weights.
 */
export class AliasTable {
  private readonly prob: Float64Array;
  private readonly alias: Uint32Array;

  constructor(weights: ArrayLike<number>) {
    const n = weights.length;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const w = weights[i]!;
      if (!(w >= 0) || !Number.isFinite(w))
        throw new RangeError(`weight ${i} is ${w}: weights must be finite and >= 0`);
      sum += w;
    }
    if (!(sum > 0)) throw new RangeError('an alias table needs at least one weight > 0');
    this.prob = new Float64Array(n);
    this.alias = new Uint32Array(n);
    const scaled = new Float64Array(n);
    const small: number[] = [];
    const large: number[] = [];
    for (let i = 0; i < n; i++) {
      scaled[i] = (weights[i]! * n) / sum;
      (scaled[i]! < 1 ? small : large).push(i);
    }
    while (small.length > 0 && large.length > 0) {
      const l = small.pop()!;
      const g = large.pop()!;
      this.prob[l] = scaled[l]!;
      this.alias[l] = g;
      scaled[g] = scaled[g]! + scaled[l]! - 1;
      (scaled[g]! < 1 ? small : large).push(g);
    }
    // Whatever is left is 1 up to rounding error.
    for (const i of large) this.prob[i] = 1;
    for (const i of small) this.prob[i] = 1;
  }

  get size(): number {
    return this.prob.length;
  }

  /** An index in [0, size), with probability proportional to its weight. */
  pick(rng: Rng): number {
    const i = rng.int(this.prob.length);
    return rng.float() < this.prob[i]! ? i : this.alias[i]!;
  }
}

/**
 * A growable array of weights with prefix sums (a Fenwick, or binary indexed, tree): set, push and
 * pop in O(log n), and `find` the index a uniform draw over the total falls in, in O(log n). The
 * tree is rebuilt from the exact weights every few `size` updates, so float error from long runs of
 * increments and decrements cannot build up (amortised O(1) per update).
 */
export class FenwickTree {
  private tree = new Float64Array(16);
  private weights = new Float64Array(16);
  private n = 0;
  /** Highest power of two <= n: where `find` starts its descent. */
  private topStep = 0;
  /** Sum of all weights, kept as it changes (picks read it on every call) and made exact on rebuild. */
  private sum = 0;
  private updatesSinceRebuild = 0;

  get size(): number {
    return this.n;
  }

  /** Sum of all weights. */
  get total(): number {
    return this.sum > 0 ? this.sum : 0;
  }

  get(index: number): number {
    return this.weights[index]!;
  }

  /** Appends a weight at index `size`. */
  push(weight: number): void {
    if (this.n + 1 >= this.tree.length) this.grow();
    this.n++;
    // A new last node covers (n - lowbit(n), n]: its sum is the weight plus the sums it spans.
    const i = this.n;
    let s = weight;
    const lowest = i - (i & -i);
    for (let j = i - 1; j > lowest; j -= j & -j) s += this.tree[j]!;
    this.tree[i] = s;
    this.weights[i - 1] = weight;
    this.sum += weight;
    if (i >= this.topStep * 2) this.topStep = this.topStep === 0 ? 1 : this.topStep * 2;
  }

  /** Removes the last weight (its index is then free again). */
  pop(): void {
    if (this.n === 0) return;
    this.sum -= this.weights[this.n - 1]!;
    this.weights[this.n - 1] = 0;
    this.tree[this.n] = 0;
    this.n--;
    if (this.n < this.topStep) this.topStep >>= 1;
    if (this.n === 0) this.sum = 0;
  }

  set(index: number, weight: number): void {
    const delta = weight - this.weights[index]!;
    if (delta === 0) return;
    this.weights[index] = weight;
    this.sum += delta;
    if (++this.updatesSinceRebuild > 4 * this.n + 64) {
      this.rebuild();
      return;
    }
    for (let i = index + 1; i <= this.n; i += i & -i) this.tree[i]! += delta;
  }

  /**
   * The index whose share of the total `r` (in [0, total)) falls in: the smallest i with
   * prefixSum(i + 1) > r. Never a zero-weight index: -1 when every weight is 0.
   */
  find(r: number): number {
    let pos = 0;
    let rest = r;
    for (let step = this.topStep; step > 0; step >>= 1) {
      const next = pos + step;
      if (next <= this.n && this.tree[next]! <= rest) {
        pos = next;
        rest -= this.tree[next]!;
      }
    }
    return this.nonZeroFrom(Math.min(pos, this.n - 1));
  }

  /** A weighted random index, or -1 when every weight is 0. */
  pick(rng: Rng): number {
    const total = this.total;
    return total > 0 ? this.find(rng.float() * total) : -1;
  }

  /**
   * Rounding can leave `find` on a zero weight at the edge of its neighbours: move to the nearest
   * positive one (-1 if none is left: a total that drifted above 0 over weights that are all 0).
   */
  private nonZeroFrom(index: number): number {
    if (this.weights[index]! > 0) return index;
    for (let i = index + 1; i < this.n; i++) if (this.weights[i]! > 0) return i;
    for (let i = index - 1; i >= 0; i--) if (this.weights[i]! > 0) return i;
    return -1;
  }

  private grow(): void {
    const tree = new Float64Array(this.tree.length * 2);
    tree.set(this.tree);
    const weights = new Float64Array(this.weights.length * 2);
    weights.set(this.weights);
    this.tree = tree;
    this.weights = weights;
  }

  /** O(n) rebuild of the sums from the exact weights. */
  private rebuild(): void {
    this.updatesSinceRebuild = 0;
    this.tree.fill(0);
    let sum = 0;
    for (let i = 0; i < this.n; i++) sum += this.weights[i]!;
    this.sum = sum;
    for (let i = 1; i <= this.n; i++) {
      this.tree[i]! += this.weights[i - 1]!;
      const parent = i + (i & -i);
      if (parent <= this.n) this.tree[parent]! += this.tree[i]!;
    }
  }
}

/**
 * Maximum-likelihood Zipf exponent for counts by rank (counts[k] = how often rank k+1 was seen) on
 * the finite support 1..counts.length: the s where the mean log-rank of the data equals the model's,
 * found by bisection (the model's mean log-rank falls as s grows, so the root is unique).
 */
export function fitZipfExponent(counts: ArrayLike<number>, lo = 0, hi = 10): number {
  const n = counts.length;
  let total = 0;
  let sumLog = 0;
  for (let k = 0; k < n; k++) {
    total += counts[k]!;
    sumLog += counts[k]! * Math.log(k + 1);
  }
  if (total === 0) return Number.NaN;
  const dataMean = sumLog / total;
  const modelMean = (s: number): number => {
    let z = 0;
    let zl = 0;
    for (let k = 1; k <= n; k++) {
      const w = k ** -s;
      z += w;
      zl += w * Math.log(k);
    }
    return zl / z;
  };
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (modelMean(mid) > dataMean) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
