// Small helpers shared by the family generators.
import type { EventType, Payload } from '../../catalog/events.js';
import type { RootType } from '../mix.js';
import type { Rng } from '../rng.js';

/** One attempt at an activity: true if it emitted, false if no entity met its preconditions. */
export type Action = () => boolean;
/** Every root (weighted) event type of one family maps to its action: checked by the compiler. */
export type FamilyActions<P extends string> = Record<Extract<RootType, `${P}.${string}`>, Action>;

/**
 * Element type of an array field, e.g. Element<'order.created', 'items'>. Annotate `.map()` callbacks
 * with it: TypeScript does not check excess properties of objects returned through a generic call.
 */
export type Element<T extends EventType, K extends keyof Payload<T>> = Payload<T>[K] extends readonly (infer E)[]
  ? E
  : never;

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
export function repriceCents(rng: Rng, previous: number): number {
  const factor = 0.8 + rng.float() * 0.45;
  let next = Math.max(0, Math.round((previous * factor) / 100)) * 100 + 99;
  if (next === previous) next += 100;
  return next;
}

/** URL-safe slug for utm_campaign values. */
export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
