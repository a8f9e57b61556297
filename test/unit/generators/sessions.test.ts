import { describe, expect, it } from 'vitest';
import { sessionActorOf } from '../../../src/catalog/events.js';
import { Rng } from '../../../src/generators/rng.js';
import { DEFAULT_SESSIONS, SessionBook, type UserPool } from '../../../src/generators/sessions.js';
import type { Product, Promotion, User } from '../../../src/generators/state.js';
import type { SimEvent } from '../../../src/generators/types.js';
import { createWorld, worldFromConfig } from '../../../src/generators/world.js';
import { SessionTally, summarizeSessions } from '../../../src/metrics/sessions.js';
import { fakeUser } from '../../support/fake-entities.js';
import { BUNDLED_SCENARIOS_PATH, loadScenarios } from '../../../src/scenarios/loader.js';

function pool(users: User[]): UserPool {
  return {
    size: users.length,
    at: (i) => users[i],
    pick: (rng) => users[rng.int(users.length)],
  };
}

const promotion = (id: string) => ({ id, status: 'active' }) as unknown as Promotion;
const product = (id: string) => ({ id }) as unknown as Product;

describe('SessionBook', () => {
  it('logs users in by due time: a user 10x as active comes back about 10x as often', () => {
    const rng = Rng.derive(1, 'sessions-test');
    const users = [
      ...Array.from({ length: 50 }, (_, i) =>
        fakeUser(`u${i}`, [], { rates: { kind: 'lurker', activity: 1, posts: 0, orders: 1 } }),
      ),
      fakeUser('power', [], { rates: { kind: 'power', activity: 10, posts: 0, orders: 1 } }),
    ];
    const book = new SessionBook({ ...DEFAULT_SESSIONS, concurrent: 0.02 }, 1);
    const all = pool(users);
    const logins = new Map<string, number>();
    for (let i = 0; i < 20_000; i++) {
      const u = book.login(rng, all)!;
      logins.set(u.id, (logins.get(u.id) ?? 0) + 1);
      const s = book.start(rng, u, users.length);
      // Each session takes its steps at once, so its user goes back to idle.
      for (let g = book.next(rng, all); g; g = book.next(rng, all)) book.stepped(rng, g);
      expect(s.open).toBe(false);
    }
    const lurkers = users.slice(0, 50).map((u) => logins.get(u.id) ?? 0);
    const meanLurker = lurkers.reduce((a, b) => a + b, 0) / lurkers.length;
    const ratio = logins.get('power')! / meanLurker;
    expect(ratio).toBeGreaterThan(7);
    expect(ratio).toBeLessThan(13);
  });

  it('keeps at most `concurrent` of the active users in a session, ending the longest-open first', () => {
    const rng = Rng.derive(2, 'sessions-test');
    const users = Array.from({ length: 100 }, (_, i) => fakeUser(`u${i}`, []));
    const book = new SessionBook({ ...DEFAULT_SESSIONS, concurrent: 0.05 }, 1_000);
    const started = [];
    for (let i = 0; i < 8; i++) started.push(book.start(rng, users[i]!, users.length));
    expect(book.openCount).toBe(5);
    expect(started.slice(0, 3).map((s) => s.open)).toEqual([false, false, false]);
    expect(started.slice(3).every((s) => s.open)).toBe(true);
    // A login again ends the user's open session and opens a new one.
    const again = book.start(rng, users[7]!, users.length);
    expect(started[7]!.open).toBe(false);
    expect(book.sessionOf(users[7]!)).toBe(again);
  });

  it('serves steps in due order, a click to a session that saw a promotion, and ends a session after its steps', () => {
    const rng = Rng.derive(3, 'sessions-test');
    const users = Array.from({ length: 40 }, (_, i) => fakeUser(`u${i}`, []));
    const book = new SessionBook({ ...DEFAULT_SESSIONS, concurrent: 1 }, 4);
    const sessions = users.slice(0, 3).map((u) => book.start(rng, u, users.length));
    // No user to admit: only the three sessions started here take steps.
    const none = pool([]);
    const first = book.next(rng, none)!;
    expect(first.dueAt).toBe(Math.min(...sessions.map((s) => s.dueAt)));
    first.seen = promotion('p1');
    book.stepped(rng, first);
    // The two others saw nothing yet: a click goes to the one that did, even if it is not due first.
    const clicker = book.next(rng, none, true);
    expect(clicker).toBe(first);
    book.putBack(clicker!);
    // Steps run out: the session ends and its user is no longer in one.
    let steps = 0;
    for (let s = book.next(rng, none); s && steps < 10_000; s = book.next(rng, none)) {
      book.stepped(rng, s);
      steps++;
    }
    expect(book.openCount).toBe(0);
    expect(sessions.every((s) => !s.open && s.stepsLeft <= 0)).toBe(true);
    expect(book.next(rng, none)).toBeUndefined();
  });

  it('keeps its lists bounded when sessions end on their own (no eviction)', () => {
    const rng = Rng.derive(7, 'sessions-test');
    const users = Array.from({ length: 50 }, (_, i) => fakeUser(`u${i}`, []));
    const all = pool(users);
    const book = new SessionBook({ ...DEFAULT_SESSIONS, concurrent: 1 }, 1);
    for (let i = 0; i < 50_000; i++) {
      book.start(rng, book.login(rng, all)!, users.length);
      for (let s = book.next(rng, all); s; s = book.next(rng, all)) book.stepped(rng, s);
    }
    expect(book.openCount).toBe(0);
    expect(book.listedCount).toBeLessThanOrEqual(4 * users.length + 1_025);
  });

  it('starts with the concurrent share already in a session (begun before the stream, no login)', () => {
    const rng = Rng.derive(5, 'sessions-test');
    const users = Array.from({ length: 200 }, (_, i) => fakeUser(`u${i}`, []));
    const book = new SessionBook({ ...DEFAULT_SESSIONS, concurrent: 0.05 }, 10);
    const first = book.next(rng, pool(users))!;
    expect(book.openCount).toBe(10);
    expect(book.sessionOf(first.user)).toBe(first);
    // Admitted once: the next call opens nothing more.
    book.stepped(rng, first);
    book.next(rng, pool(users));
    expect(book.openCount).toBe(10);
  });

  it('draws a buyer among the open sessions by buying rate; a user who never buys is never drawn', () => {
    const rng = Rng.derive(6, 'sessions-test');
    const none = pool([]);
    const book = new SessionBook({ ...DEFAULT_SESSIONS, concurrent: 1 }, 4);
    expect(book.buyer(rng)).toBeUndefined();
    const heavy = fakeUser('heavy', [], { rates: { kind: 'power', activity: 1, posts: 0, orders: 9 } });
    const light = fakeUser('light', [], { rates: { kind: 'regular', activity: 1, posts: 0, orders: 1 } });
    const never = fakeUser('never', [], { rates: { kind: 'lurker', activity: 1, posts: 0, orders: 0 } });
    for (const u of [heavy, light, never]) book.start(rng, u, 3);
    const counts = new Map<string, number>();
    for (let i = 0; i < 20_000; i++) {
      // Undefined when every draw was the non-buyer (the caller then picks any buyer): (1/3)^4.
      const id = book.buyer(rng)?.id ?? 'none';
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    expect(counts.get('none')! / 20_000).toBeLessThan(0.03);
    expect(counts.get('never')).toBeUndefined();
    // Proportional within each draw of four: softer than 9:1, still well above even.
    expect(counts.get('heavy')! / counts.get('light')!).toBeGreaterThan(2);
    // Ended sessions leave the draw.
    for (let s = book.next(rng, none); s; s = book.next(rng, none)) {
      s.stepsLeft = 1;
      book.stepped(rng, s);
    }
    expect(book.buyer(rng)).toBeUndefined();
  });

  it('hands the latest cart to an order, skipping users no longer active', () => {
    const rng = Rng.derive(4, 'sessions-test');
    const a = fakeUser('a', [], { rates: { kind: 'power', activity: 1, posts: 0, orders: 5 } });
    const b = fakeUser('b', [], { rates: { kind: 'power', activity: 1, posts: 0, orders: 5 } });
    const book = new SessionBook({ ...DEFAULT_SESSIONS, concurrent: 1 }, 4);
    const sa = book.start(rng, a, 2);
    const sb = book.start(rng, b, 2);
    book.clicked(rng, sa, promotion('pa'), product('xa'));
    book.clicked(rng, sb, promotion('pb'), product('xb'));
    b.status = 'suspended';
    const cart = book.takeCart()!;
    expect([cart.user.id, cart.promotion.id, cart.product.id]).toEqual(['a', 'pa', 'xa']);
    expect(book.takeCart()).toBeUndefined();
    // A user who never buys (orders rate 0) never fills a cart.
    const lurker = fakeUser('l', [], { rates: { kind: 'lurker', activity: 1, posts: 0, orders: 0 } });
    const sl = book.start(rng, lurker, 3);
    for (let i = 0; i < 100; i++) book.clicked(rng, sl, promotion('p'), product('x'));
    expect(book.takeCart()).toBeUndefined();
  });
});

/** seed-dev's world (seed 42): about 18,600 domain events. */
function take(input: Parameters<typeof createWorld>[0], n = 18_600): SimEvent[] {
  const world = createWorld(input, { runId: 'sessions' });
  return Array.from({ length: n }, () => world.next());
}

function measured(events: readonly SimEvent[]) {
  const t = new SessionTally();
  for (const e of events) {
    const actor = sessionActorOf(e.envelope.event_type, e.envelope.payload);
    if (actor) t.add(e.envelope.event_type, actor, e.occurredAtMs);
  }
  return summarizeSessions(t.snapshot()!);
}

/** Per user since their last login: the promotions seen and the products clicked. */
function funnelOrder(events: readonly SimEvent[]) {
  const seen = new Map<string, { promotions: Set<string>; clicked: Set<string> }>();
  let clicks = 0;
  let clicksOnSeen = 0;
  let ordersAfterClick = 0;
  let orders = 0;
  let ordersInSession = 0;
  for (const e of events) {
    const p = e.envelope.payload as Record<string, unknown>;
    const type = e.envelope.event_type;
    if (type === 'user.login_succeeded') seen.set(e.key, { promotions: new Set(), clicked: new Set() });
    else if (type === 'promotion.impression') seen.get(p.viewer_id as string)?.promotions.add(p.promotion_id as string);
    else if (type === 'promotion.clicked') {
      clicks++;
      const s = seen.get(p.viewer_id as string);
      if (s?.promotions.has(p.promotion_id as string)) clicksOnSeen++;
      s?.clicked.add(p.product_id as string);
    } else if (type === 'order.created') {
      const s = seen.get(p.customer_id as string);
      orders++;
      if (s) ordersInSession++;
      const items = p.items as { product_id: string }[];
      if (s && items.some((i) => s.clicked.has(i.product_id))) ordersAfterClick++;
    }
  }
  return {
    clicks,
    clicksOnSeen: clicksOnSeen / clicks,
    ordersAfterClick,
    ordersInSession: ordersInSession / orders,
  };
}

describe('sessions in the world (seed-dev, defaults)', () => {
  const on = take({ seed: 42 });
  const off = take({ seed: 42, sessions: 'off' });

  it('runs login → impressions → click → order: clicks are on promotions the user saw in the session, orders buy clicked products', () => {
    const a = funnelOrder(on);
    const b = funnelOrder(off);
    expect(a.clicksOnSeen).toBeGreaterThan(0.9);
    expect(b.clicksOnSeen).toBeLessThan(0.5);
    expect(a.ordersAfterClick).toBeGreaterThan(20);
    expect(b.ordersAfterClick).toBeLessThan(a.ordersAfterClick / 4);
    // One has to be signed in to buy: orders come from users who logged in (the rest began their
    // session before the stream did).
    expect(a.ordersInSession).toBeGreaterThan(0.9);
    expect(b.ordersInSession).toBeLessThan(a.ordersInSession);
    const s = measured(on);
    expect(s.funnel.impression).toBeGreaterThan(s.funnel.click);
    expect(s.funnel.click).toBeGreaterThan(s.funnel.order);
    expect(s.funnel.order).toBeGreaterThan(0);
  });

  it('has log-normal-like gaps: short inside sessions, long between them (the control has one scale)', () => {
    const s = measured(on);
    const c = measured(off);
    expect(s.idleMs.p50 / s.gapMs.p50).toBeGreaterThan(10);
    expect(c.idleMs.p50 / c.gapMs.p50).toBeLessThan(3);
    // ln(gap) of a log-normal is normal: its median sits midway between its 10th and 90th percentiles.
    const mid = (Math.log(s.gapMs.p10) + Math.log(s.gapMs.p90)) / 2;
    expect(Math.abs(Math.log(s.gapMs.p50) - mid)).toBeLessThan(0.35 * (Math.log(s.gapMs.p90) - mid));
    expect(s.gapLogSigma).toBeGreaterThan(0.7);
    expect(s.gapLogSigma).toBeLessThan(1.8);
    expect(s.stepsPerSession.p90).toBeGreaterThan(1.5 * s.stepsPerSession.p50);
  });
});

describe('the shop-funnel scenario', () => {
  it("has a shop's drop-off: nearly every session sees a promotion, about a fifth clicks, 1-3 % order", () => {
    const config = loadScenarios(BUNDLED_SCENARIOS_PATH).scenarios['shop-funnel']!.world;
    const world = worldFromConfig(config, { runId: 'shop' });
    const s = measured(Array.from({ length: 100_000 }, () => world.next()));
    expect(s.sessions).toBeGreaterThan(1_000);
    expect(s.funnel.impression).toBeGreaterThan(0.95);
    expect(s.funnel.click).toBeGreaterThan(0.1);
    expect(s.funnel.click).toBeLessThan(0.35);
    expect(s.funnel.order).toBeGreaterThan(0.005);
    expect(s.funnel.order).toBeLessThan(0.03);
  });
});
