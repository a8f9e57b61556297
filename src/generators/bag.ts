// Bags: unordered sets of entities with O(1) add, remove and uniform random pick. Each entity keeps
// its index in every bag of its family in `slots`, so no Map lookups happen on the hot path and a
// retired entity leaves every bag at once.
import type { Rng } from './rng.js';

export interface Slotted {
  /** slots[bag.id] = index of this entity in that bag, or -1. */
  readonly slots: number[];
}

export class Bag<T extends Slotted> implements Pickable<T> {
  private readonly items: T[] = [];

  constructor(
    readonly id: number,
    readonly name: string,
    /** Membership rule: refresh() puts an entity in exactly the bags whose predicate holds. */
    readonly predicate: (entity: T) => boolean,
  ) {}

  get size(): number {
    return this.items.length;
  }

  has(entity: T): boolean {
    return entity.slots[this.id]! >= 0;
  }

  add(entity: T): void {
    if (entity.slots[this.id]! >= 0) return;
    entity.slots[this.id] = this.items.length;
    this.items.push(entity);
  }

  remove(entity: T): void {
    const i = entity.slots[this.id]!;
    if (i < 0) return;
    const last = this.items.pop()!;
    if (last !== entity) {
      this.items[i] = last;
      last.slots[this.id] = i;
    }
    entity.slots[this.id] = -1;
  }

  pick(rng: Rng): T | undefined {
    const n = this.items.length;
    return n === 0 ? undefined : this.items[rng.int(n)];
  }

  at(index: number): T | undefined {
    return this.items[index];
  }
}

/** The bags of one entity family; `refresh` re-evaluates every predicate after a state change. */
export class BagSet<T extends Slotted> {
  private readonly bags: Bag<T>[] = [];

  bag(name: string, predicate: (entity: T) => boolean): Bag<T> {
    const b = new Bag<T>(this.bags.length, name, predicate);
    this.bags.push(b);
    return b;
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

/** Uniform pick over the union of disjoint bags (weighted by their sizes). */
export function pickFromBags<T extends Slotted>(rng: Rng, bags: readonly Bag<T>[]): T | undefined {
  let total = 0;
  for (const b of bags) total += b.size;
  if (total === 0) return undefined;
  let r = rng.int(total);
  for (const b of bags) {
    if (r < b.size) return b.at(r);
    r -= b.size;
  }
  return undefined;
}
