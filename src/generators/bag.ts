// Bags: unordered sets of entities with O(1) add, remove and uniform random pick, or, for a bag with
// a weight function, a pick proportional to each entity's weight (popularity) in O(log n). Each
// entity keeps its index in every bag of its family in `slots`, so no Map lookups happen on the hot
// path and a retired entity leaves every bag at once.
import type { Rng } from './rng.js';
import { FenwickTree } from './sampling.js';

export interface Slotted {
  /** slots[bag.id] = index of this entity in that bag, or -1. */
  readonly slots: number[];
}

export class Bag<T extends Slotted> implements Pickable<T> {
  private readonly items: T[] = [];
  /** Weights by index, kept in step with `items` (weighted bags only). */
  private readonly weights: FenwickTree | null;

  constructor(
    readonly id: number,
    readonly name: string,
    /** Membership rule: refresh() puts an entity in exactly the bags whose predicate holds. */
    readonly predicate: (entity: T) => boolean,
    /** An entity's weight (>= 0) in weighted picks; absent: picks are uniform. */
    readonly weightOf?: (entity: T) => number,
  ) {
    this.weights = weightOf ? new FenwickTree() : null;
  }

  get size(): number {
    return this.items.length;
  }

  /** What a pick is proportional to, summed: the total weight, or the size of an unweighted bag. */
  get totalWeight(): number {
    return this.weights ? this.weights.total : this.items.length;
  }

  has(entity: T): boolean {
    return entity.slots[this.id]! >= 0;
  }

  add(entity: T): void {
    if (entity.slots[this.id]! >= 0) return;
    entity.slots[this.id] = this.items.length;
    this.items.push(entity);
    this.weights?.push(this.weightOf!(entity));
  }

  remove(entity: T): void {
    const i = entity.slots[this.id]!;
    if (i < 0) return;
    const last = this.items.pop()!;
    if (last !== entity) {
      this.items[i] = last;
      last.slots[this.id] = i;
      this.weights?.set(i, this.weights.get(this.items.length));
    }
    this.weights?.pop();
    entity.slots[this.id] = -1;
  }

  /** Reads the entity's weight again after it changed (weighted bags it is in). */
  reweigh(entity: T): void {
    const i = entity.slots[this.id]!;
    if (i >= 0 && this.weights) this.weights.set(i, this.weightOf!(entity));
  }

  /** A random entity: uniform, or proportional to weight (undefined if empty or every weight is 0). */
  pick(rng: Rng): T | undefined {
    if (this.weights) return this.items[this.weights.pick(rng)];
    const n = this.items.length;
    return n === 0 ? undefined : this.items[rng.int(n)];
  }

  /** The entity a draw `r` in [0, totalWeight) falls on (undefined if every weight is 0). */
  atWeight(r: number): T | undefined {
    return this.weights ? this.items[this.weights.find(r)] : this.items[Math.floor(r)];
  }

  at(index: number): T | undefined {
    return this.items[index];
  }
}

/** The bags of one entity family; `refresh` re-evaluates every predicate after a state change. */
export class BagSet<T extends Slotted> {
  private readonly bags: Bag<T>[] = [];
  private readonly weighted: Bag<T>[] = [];

  bag(name: string, predicate: (entity: T) => boolean, weightOf?: (entity: T) => number): Bag<T> {
    const b = new Bag<T>(this.bags.length, name, predicate, weightOf);
    this.bags.push(b);
    if (weightOf) this.weighted.push(b);
    return b;
  }

  /** After an entity's weight changed: the weighted bags it is in read it again. */
  reweigh(entity: T): void {
    for (const b of this.weighted) b.reweigh(entity);
  }

  newSlots(): number[] {
    return new Array<number>(this.bags.length).fill(-1);
  }

  refresh(entity: T): void {
    for (const b of this.bags) {
      if (b.predicate(entity)) b.add(entity);
      else b.remove(entity);
    }
  }

  retire(entity: T): void {
    for (const b of this.bags) b.remove(entity);
  }
}

/** Anything an action can draw its entity from: a bag, or a union of bags. */
export interface Pickable<T> {
  pick(rng: Rng): T | undefined;
}

/** Disjoint bags seen as one (e.g. every user that may be deleted): a uniform pick over them all. */
export class BagUnion<T extends Slotted> implements Pickable<T> {
  constructor(readonly bags: readonly Bag<T>[]) {}

  pick(rng: Rng): T | undefined {
    return pickFromBags(rng, this.bags);
  }
}

/**
 * A pick over the union of disjoint bags: uniform over their entities (each bag weighted by its
 * size), or, for weighted bags, proportional to the entities' weights.
 */
export function pickFromBags<T extends Slotted>(rng: Rng, bags: readonly Bag<T>[]): T | undefined {
  let total = 0;
  for (const b of bags) total += b.totalWeight;
  if (!(total > 0)) return undefined;
  let r = rng.float() * total;
  for (const b of bags) {
    const w = b.totalWeight;
    if (r < w) return b.atWeight(r);
    r -= w;
  }
  // Rounding put r just past the end: the last non-empty bag's last entity.
  for (let i = bags.length - 1; i >= 0; i--)
    if (bags[i]!.totalWeight > 0) return bags[i]!.atWeight(bags[i]!.totalWeight * (1 - 1e-12));
  return undefined;
}
