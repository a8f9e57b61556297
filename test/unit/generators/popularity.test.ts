import { describe, expect, it } from 'vitest';
import { fakeUser } from '../../support/fake-entities.js';
import { EVENT_TYPES } from '../../../src/catalog/events.js';
import { parseWorldConfig } from '../../../src/generators/world.js';
import { createWorld } from '../../../src/generators/world.js';
import { DEFAULT_USER_KINDS, drawUserRates, Popularity, USER_KINDS } from '../../../src/generators/popularity.js';
import { Rng } from '../../../src/generators/rng.js';
import { fitZipfExponent } from '../../../src/generators/sampling.js';
import type { SimEvent } from '../../../src/generators/types.js';
import { CommunityState, Population, type Community, type User } from '../../../src/generators/state.js';
import { scSimErrorOf } from '../../support/errors.js';
import { checkStream } from '../../support/lifecycle-checker.js';
import { worldShape } from '../../support/world-shape.js';

/** seed-dev's world: the default population and seed 42; its 40,000 records hold about 18,600 domain events. */
const SEED_DEV_DOMAIN_EVENTS = 18_600;

function take(input: Parameters<typeof createWorld>[0], n: number): SimEvent[] {
  const world = createWorld(input, { runId: 'shape' });
  const out: SimEvent[] = [];
  for (let i = 0; i < n; i++) out.push(world.next());
  return out;
}

const UNIFORM = {
  popularity: {
    suppliers: 'uniform',
    communities: 'uniform',
    products: 'uniform',
    posts: 'uniform',
    promotions: 'uniform',
  },
  userKinds: 'uniform',
} as const;

describe('popularity in the world (seed-dev, defaults)', () => {
  const events = take({ seed: 42 }, SEED_DEV_DOMAIN_EVENTS);
  const shape = worldShape(events);
  const users = new Set(events.filter((e) => e.envelope.event_type === 'user.created').map((e) => e.key)).size;

  it('the top 10% of products hold >= 40% of order items, the top 10% of communities >= 40% of membership events', () => {
    expect(shape.orderLinesPerProduct.top10PctShare).toBeGreaterThanOrEqual(0.4);
    expect(shape.membershipEventsPerCommunity.top10PctShare).toBeGreaterThanOrEqual(0.4);
  });

  it('10% or fewer of the users write at least half of the posts; orders come from a minority of repeat buyers', () => {
    const { postsPerAuthor, ordersPerCustomer } = shape;
    expect((postsPerAuthor.halfHeldBy * postsPerAuthor.entities) / users).toBeLessThanOrEqual(0.1);
    expect(ordersPerCustomer.entities / users).toBeLessThan(0.7);
    expect(ordersPerCustomer.max).toBeGreaterThanOrEqual(5 * ordersPerCustomer.median);
  });

  it('every event type still appears, with no lifecycle or reference violation', () => {
    const seen = new Set(events.map((e) => e.envelope.event_type));
    expect(EVENT_TYPES.filter((t) => !seen.has(t))).toEqual([]);
    expect(checkStream(events.map((e) => JSON.parse(JSON.stringify(e)) as SimEvent)).anomalies.slice(0, 5)).toEqual([]);
  });

  it('is far from the uniform world on the same seed (the control)', () => {
    const flat = worldShape(take({ seed: 42, ...UNIFORM }, SEED_DEV_DOMAIN_EVENTS));
    expect(flat.orderLinesPerProduct.top10PctShare).toBeLessThan(0.3);
    expect(flat.membershipEventsPerCommunity.top10PctShare).toBeLessThan(0.3);
    const gini = (s: typeof shape, topic: string) => s.keys.find((k) => k.topic === topic)!.gini;
    for (const topic of ['sc.domain.product', 'sc.domain.community', 'sc.domain.post', 'sc.domain.user']) {
      expect(gini(shape, topic)).toBeGreaterThan(gini(flat, topic) + 0.1);
    }
  });
});

describe('preferential attachment in the state', () => {
  it('a community that gains members is picked for joins in proportion to fitness × (1 + growth × members)', () => {
    const communities = new CommunityState(new Population(10), new Popularity({ zipf: 0, growth: 1 }, 10));
    let ids = 0;
    const user = (): User => fakeUser(`u${++ids}`, []);
    const community = (): Community => ({
      id: `c${++ids}`,
      seq: 0,
      slots: communities.newSlots(),
      owner: user(),
      name: 'x',
      visibility: 'public',
      members: [],
      posts: [],
      promoRefs: 0,
      live: true,
      fitness: 1,
    });
    const [big, small] = [community(), community()];
    communities.add(big);
    communities.add(small);
    for (let i = 0; i < 9; i++) communities.join(user(), big);
    const rng = Rng.derive(2, 'pa');
    let bigPicks = 0;
    for (let i = 0; i < 20_000; i++) if (communities.popular.pick(rng) === big) bigPicks++;
    // Weights 1 + 9 = 10 and 1 + 0 = 1.
    expect(Math.abs(bigPicks / 20_000 - 10 / 11)).toBeLessThan(0.01);
    // Members leave: the weight follows.
    while (big.members.length > 0) communities.leave(big.members[0]!);
    bigPicks = 0;
    for (let i = 0; i < 20_000; i++) if (communities.popular.pick(rng) === big) bigPicks++;
    expect(Math.abs(bigPicks / 20_000 - 0.5)).toBeLessThan(0.02);
  });
});

describe('Popularity', () => {
  it('deals the initial population every Zipf rank once, so their fitness follows the law exactly', () => {
    const pop = new Popularity({ zipf: 1.1, growth: 0 }, 1_000);
    const rng = Rng.derive(5, 'deck');
    const ranks = Array.from({ length: 1_000 }, () => Math.round(pop.fitness(rng) ** (-1 / 1.1)));
    expect(new Set(ranks).size).toBe(1_000);
    const counts = new Float64Array(1_000);
    for (const r of ranks) counts[r - 1] = r ** -1.1 * 1e6;
    expect(fitZipfExponent(counts)).toBeCloseTo(1.1, 6);
  });

  it('grows by preferential attachment: weight = fitness × (1 + growth × count); uniform draws nothing', () => {
    const pop = new Popularity({ zipf: 1, growth: 0.5 }, 10);
    expect(pop.weight(0.2, 4)).toBeCloseTo(0.2 * 3, 12);
    const uniform = new Popularity('uniform', 10);
    const rng = Rng.derive(1, 'u');
    const before = Rng.derive(1, 'u').u32();
    expect(uniform.fitness(rng)).toBe(1);
    expect(rng.u32()).toBe(before);
  });
});

describe('user kinds', () => {
  it('draws kinds in their configured shares, with mean-1 log-normal rates around each kind', () => {
    const kinds = parseWorldConfig({}).userKinds;
    const rng = Rng.derive(9, 'kinds');
    const n = 100_000;
    const byKind = new Map<string, { n: number; activity: number }>();
    for (let i = 0; i < n; i++) {
      const r = drawUserRates(rng, kinds);
      const k = byKind.get(r.kind) ?? { n: 0, activity: 0 };
      k.n++;
      k.activity += r.activity;
      byKind.set(r.kind, k);
    }
    for (const kind of USER_KINDS) {
      const k = byKind.get(kind)!;
      expect(Math.abs(k.n / n - DEFAULT_USER_KINDS[kind].share)).toBeLessThan(0.005);
      expect(k.activity / k.n / DEFAULT_USER_KINDS[kind].activity).toBeCloseTo(1, 0);
    }
    expect(drawUserRates(rng, 'uniform')).toMatchObject({ activity: 1, posts: 1, orders: 1 });
  });

  it('rejects user kinds that all have a zero share, and unknown popularity keys', () => {
    const zero = { share: 0, activity: 1, posts: 1, orders: 1 };
    const kinds = scSimErrorOf(() =>
      parseWorldConfig({ userKinds: { lurker: zero, regular: zero, power: zero, creator: zero } }),
    );
    expect(kinds.code).toBe('E_CONFIG');
    expect(kinds.details.join('\n')).toMatch(/world\.userKinds.*at least one user kind/);
    const unknown = scSimErrorOf(() => parseWorldConfig({ popularity: { widgets: 'uniform' } as never }));
    expect(unknown.details.join('\n')).toMatch(/world\.popularity/);
    const bad = scSimErrorOf(() => parseWorldConfig({ popularity: { products: { zipf: -1 } } }));
    expect(bad.details.join('\n')).toMatch(/world\.popularity\.products/);
  });
});
