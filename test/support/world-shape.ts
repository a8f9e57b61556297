// The shape of a generated stream, measured the way issue 17 states it: per key the events of each
// domain topic, order lines per product, membership events per community, posts per author and
// orders per customer, with the Gini and top shares of each.
import { giniOfCounts, keySkews, KeyTally, type KeySkew } from '../../src/metrics/key-skew.js';
import type { SimEvent } from '../../src/generators/types.js';

export interface Spread {
  /** Distinct entities seen. */
  entities: number;
  total: number;
  gini: number;
  /** Share of the total held by the busiest 10% (at least one) of the entities seen. */
  top10PctShare: number;
  /** Smallest share of entities (0..1) that together hold at least half of the total. */
  halfHeldBy: number;
  max: number;
  median: number;
  topTen: number[];
}

export function spread(counts: Iterable<number>): Spread {
  const xs = [...counts].sort((a, b) => b - a);
  const total = xs.reduce((s, x) => s + x, 0);
  const byCount = new Map<number, number>();
  for (const x of xs) byCount.set(x, (byCount.get(x) ?? 0) + 1);
  const top = xs.slice(0, Math.max(1, Math.ceil(xs.length * 0.1))).reduce((s, x) => s + x, 0);
  let acc = 0;
  let half = 0;
  while (half < xs.length && acc < total / 2) acc += xs[half++]!;
  return {
    entities: xs.length,
    total,
    gini: giniOfCounts([...byCount.entries()]),
    top10PctShare: total > 0 ? top / total : 0,
    halfHeldBy: xs.length > 0 ? half / xs.length : 0,
    max: xs[0] ?? 0,
    median: xs[Math.floor(xs.length / 2)] ?? 0,
    topTen: xs.slice(0, 10),
  };
}

function bump(m: Map<string, number>, k: string, n = 1): void {
  m.set(k, (m.get(k) ?? 0) + n);
}

export interface WorldShape {
  keys: KeySkew[];
  orderLinesPerProduct: Spread;
  membershipEventsPerCommunity: Spread;
  postsPerAuthor: Spread;
  ordersPerCustomer: Spread;
}

/** Measures a stream of domain events (any order). */
export function worldShape(events: Iterable<SimEvent>): WorldShape {
  const tally = new KeyTally();
  const lines = new Map<string, number>();
  const memberships = new Map<string, number>();
  const posts = new Map<string, number>();
  const orders = new Map<string, number>();
  for (const e of events) {
    tally.add(e.topic, e.key);
    const p = e.envelope.payload;
    switch (e.envelope.event_type) {
      case 'order.created':
        bump(orders, p['customer_id'] as string);
        for (const item of p['items'] as { product_id: string }[]) bump(lines, item.product_id);
        break;
      case 'community.member_joined':
      case 'community.member_left':
      case 'community.member_removed':
        bump(memberships, p['community_id'] as string);
        break;
      case 'post.created':
        bump(posts, p['author_id'] as string);
        break;
    }
  }
  return {
    keys: keySkews(tally.snapshot()),
    orderLinesPerProduct: spread(lines.values()),
    membershipEventsPerCommunity: spread(memberships.values()),
    postsPerAuthor: spread(posts.values()),
    ordersPerCustomer: spread(orders.values()),
  };
}
