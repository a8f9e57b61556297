// Small helpers shared by the family generators: the shape of an action, and value helpers.
import type { EventType, Payload } from '../../catalog/events.js';
import type { Pickable } from '../bag.js';
import type { RootType } from '../mix.js';
import type { Rng } from '../rng.js';
import type { Sim } from '../sim.js';
import type { Population } from '../state.js';

/**
 * One attempt at an activity, drawing from the acting family's stream `rng`: true if it emitted,
 * false if no entity met its preconditions (then no time passes and the scheduler tries again).
 */
export type Action = (sim: Sim, rng: Rng) => boolean;
/** Every root (weighted) event type of one family maps to its action: checked by the compiler. */
export type FamilyActions<P extends string> = Record<Extract<RootType, `${P}.${string}`>, Action>;

/** One lifecycle step applied to an entity the caller picked: emits its event(s) and updates state. */
export type Step<E> = (sim: Sim, rng: Rng, entity: E) => void;

/**
 * The most common action: pick one entity from `from(sim)` (null: not now) and, if there is one and
 * `eligible` accepts it, apply `step` to it.
 */
export function actOnOne<E>(
  from: (sim: Sim) => Pickable<E> | null,
  step: Step<E>,
  eligible?: (entity: E, sim: Sim) => boolean,
): Action {
  return (sim, rng) => {
    const entity = from(sim)?.pick(rng);
    if (entity === undefined || (eligible !== undefined && !eligible(entity, sim))) return false;
    step(sim, rng, entity);
    return true;
  };
}

/** `pickable` while `family` is below the top of its population band, else null (see actOnOne). */
export function ifCanGrow<E>(family: { readonly population: Population }, pickable: Pickable<E>): Pickable<E> | null {
  return family.population.canGrow ? pickable : null;
}

/** `pickable` while `family` is above the low end of its population band, else null (see actOnOne). */
export function ifCanShrink<E>(family: { readonly population: Population }, pickable: Pickable<E>): Pickable<E> | null {
  return family.population.canShrink ? pickable : null;
}

/**
 * Element type of an array field, e.g. Element<'order.created', 'items'>. Annotate `.map()` callbacks
 * with it: TypeScript does not check excess properties of objects returned through a generic call.
 */
export type Element<T extends EventType, K extends keyof Payload<T>> = Payload<T>[K] extends readonly (infer E)[]
  ? E
  : never;

/** A counter's change: `delta`, unless that is 0 or would take `current` below zero, then +1. */
export function nonNegativeDelta(current: number, delta: number): number {
  return delta === 0 || current + delta < 0 ? 1 : delta;
}

/** A non-empty random subset of `values`, in catalog order. */
export function subset<T>(rng: Rng, values: readonly T[]): T[] {
  const out: T[] = [];
  for (const v of values) if (rng.chance(0.35)) out.push(v);
  if (out.length === 0) out.push(rng.pick(values));
  return out;
}

/** Up to `count` distinct random elements of `items` (fewer if it is shorter). */
export function sample<T>(rng: Rng, items: readonly T[], count: number): T[] {
  if (items.length <= count) return [...items];
  const out: T[] = [];
  while (out.length < count) {
    const x = rng.pick(items);
    if (!out.includes(x)) out.push(x);
  }
  return out;
}

/** A shop price in cents ending in 99 (e.g. 2499), roughly log-uniform between $3 and $400. */
export function priceCents(rng: Rng): number {
  const dollars = Math.floor(Math.exp(Math.log(3) + rng.float() * (Math.log(400) - Math.log(3))));
  return dollars * 100 + 99;
}

/** A price moved by -20%..+25%, still ending in 99 and at least $0.99. */
export function repriceCents(rng: Rng, previousCents: number): number {
  const factor = 0.8 + rng.float() * 0.45;
  let nextCents = Math.max(0, Math.round((previousCents * factor) / 100)) * 100 + 99;
  if (nextCents === previousCents) nextCents += 100;
  return nextCents;
}

/** URL-safe slug for utm_campaign values. */
export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
