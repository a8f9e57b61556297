import { beforeAll, describe, expect, it } from 'vitest';
import { DERIVED_CATALOG } from '../../../src/catalog/derived.js';
import type { Envelope } from '../../../src/envelope.js';
import { Projector, type DerivedRecord } from '../../../src/derive/projector.js';
import { createWorld } from '../../../src/generators/world.js';
import { checkDerived } from '../../support/derived-check.js';

const SEED_DEV_POPULATION = { users: 200, suppliers: 20, communities: 15, products: 100, promotions: 10, posts: 50 };

function run(seed: number, events: number, population = SEED_DEV_POPULATION) {
  const world = createWorld({ seed, population }, { runId: 'derive-test' });
  const projector = new Projector({ runId: 'derive-test', producer: 'sc-sim/test' });
  const domain: Envelope[] = [];
  const derived: DerivedRecord[] = [];
  for (let i = 0; i < events; i++) {
    // What consumers see is JSON: both streams go through it, so nothing shares objects.
    const env = JSON.parse(JSON.stringify(world.next().envelope)) as Envelope;
    domain.push(env);
    for (const r of projector.project(env)) derived.push(JSON.parse(JSON.stringify(r)) as DerivedRecord);
  }
  return { domain, derived, projector };
}

describe('the projector over a seeded 20,000-event stream', () => {
  let r: ReturnType<typeof run>;
  beforeAll(() => {
    r = run(42, 20_000);
  });

  it('writes every one of the 20 projection and analytics topics', () => {
    const topics = new Set(r.derived.map((d) => d.topic));
    expect([...topics].sort()).toEqual(DERIVED_CATALOG.map((d) => d.topic).sort());
  });

  it('every record validates, is keyed by its catalog key, numbered per key, points at a real source event, and every card equals the fold of its entity’s events up to its source', () => {
    const check = checkDerived(r.domain, r.derived);
    expect(check.problems).toEqual([]);
    expect(check.sourcesFound).toBe(r.derived.length);
    expect(check.foldsCompared).toBeGreaterThan(8_000);
  });

  it('never sees an event of an entity it does not know', () => {
    expect(r.projector.stats().unknownEntityEvents).toBe(0);
  });

  it('keeps cards consistent with the world’s invariants', () => {
    for (const d of r.derived) {
      const p = d.envelope.payload as Record<string, unknown>;
      if (d.topic === 'sc.proj.consumer.product-listings') {
        const variants = p['variants'] as { on_hand_units: number; reserved_units: number }[];
        for (const v of variants) expect(v.reserved_units).toBeLessThanOrEqual(v.on_hand_units);
      }
      if (d.topic === 'sc.proj.consumer.order-summaries') {
        const items = p['items'] as { quantity: number; unit_price_cents: number }[];
        expect(items.reduce((s, i) => s + i.quantity * i.unit_price_cents, 0)).toBe(p['total_cents']);
        expect(items).toHaveLength(p['item_count'] as number);
      }
      if (d.topic === 'sc.proj.consumer.community-cards') expect(p['member_count']).toBeGreaterThanOrEqual(0);
    }
  });

  it('takes every record’s time from its source event', () => {
    const byId = new Map(r.domain.map((e) => [e.event_id, e]));
    for (const d of r.derived) expect(d.envelope.occurred_at).toBe(byId.get(d.envelope.source.event_id)!.occurred_at);
  });

  it('is deterministic: the same seed gives byte-identical records', () => {
    const again = run(42, 5_000);
    expect(JSON.stringify(again.derived)).toBe(JSON.stringify(r.derived.slice(0, again.derived.length)));
    // …and a record's count depends only on the stream prefix, not on what follows.
    const prefix = r.derived.filter((d) => again.domain.some((e) => e.event_id === d.envelope.source.event_id));
    expect(again.derived.length).toBeLessThanOrEqual(prefix.length + 100);
  });
});

describe('projector memory', () => {
  it('stays bounded on a long run: ended entities and their keys leave the live state', () => {
    const population = { users: 100, suppliers: 10, communities: 8, products: 40, promotions: 6, posts: 30 };
    const world = createWorld({ seed: 7, population }, { runId: 'mem' });
    const projector = new Projector({ runId: 'mem', producer: 'sc-sim/test' });
    const sizes: number[] = [];
    for (let i = 1; i <= 120_000; i++) {
      projector.project(world.next().envelope);
      if (i % 40_000 === 0) {
        const s = projector.stats();
        sizes.push(s.users + s.suppliers + s.communities + s.products + s.promotions + s.posts + s.orders);
        // Live entities stay near the world's population (+25 %) and its in-flight orders.
        expect(s.users).toBeLessThanOrEqual(population.users * 1.25 + 1);
        expect(s.posts).toBeLessThanOrEqual(population.posts * 1.25 + 1);
        expect(s.orders).toBeLessThanOrEqual(4_096 + Math.max(50, population.users) + 64);
      }
    }
    expect(projector.stats().unknownEntityEvents).toBe(0);
    // No growth from the second to the third sample beyond the orders kept for refunds.
    expect(sizes[2]!).toBeLessThanOrEqual(sizes[1]! * 1.5);
  });
});

describe('topic selection', () => {
  it('writes only the chosen topics and numbers them exactly as a full projection would', () => {
    const world = createWorld({ seed: 3, population: SEED_DEV_POPULATION }, { runId: 'sel' });
    const full = new Projector({ runId: 'sel', producer: 'p' });
    const some = new Projector({ runId: 'sel', producer: 'p', topics: new Set(['sc.proj.consumer.order-summaries']) });
    for (let i = 0; i < 5_000; i++) {
      const env = world.next().envelope;
      const a = full.project(env).filter((d) => d.topic === 'sc.proj.consumer.order-summaries');
      const b = some.project(env);
      expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    }
  });
});
