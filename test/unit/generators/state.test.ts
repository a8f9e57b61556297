import { describe, expect, it } from 'vitest';
import { fakeUser } from '../../support/fake-entities.js';
import { Rng } from '../../../src/generators/rng.js';
import {
  availableUnits,
  CommunityState,
  LOCK_AFTER_FAILURES,
  OrderState,
  Population,
  PostState,
  ProductState,
  PromotionState,
  UserState,
  type Community,
  type Order,
  type OrderItem,
  type Post,
  type Product,
  type Promotion,
  type Supplier,
  type User,
  type Variant,
} from '../../../src/generators/state.js';

let ids = 0;
const nextId = (): string => `id-${++ids}`;

function user(users: UserState, over: Partial<User> = {}): User {
  return fakeUser(nextId(), users.newSlots(), over);
}

function supplier(): Supplier {
  return {
    id: nextId(),
    seq: 0,
    slots: [],
    status: 'verified',
    companyName: 'x',
    locations: ['loc'],
    products: [],
    promotions: [],
    fitness: 1,
  };
}

function community(communities: CommunityState, owner: User): Community {
  return {
    id: nextId(),
    seq: 0,
    slots: communities.newSlots(),
    owner,
    name: 'x',
    visibility: 'public',
    members: [],
    posts: [],
    promoRefs: 0,
    live: true,
    fitness: 1,
  };
}

function product(products: ProductState, s: Supplier): Product {
  return {
    id: nextId(),
    seq: 0,
    slots: products.newSlots(),
    supplier: s,
    name: 'x',
    category: 'x',
    status: 'published',
    variants: [],
    promoRefs: 0,
    reservedUnits: 0,
    si: -1,
    fitness: 1,
    unitsOrdered: 0,
    boost: 1,
  };
}

function variant(p: Product, onHandUnits: number): Variant {
  const v: Variant = {
    id: nextId(),
    product: p,
    name: 'x',
    locationId: 'loc',
    priceCents: 999,
    onHandUnits,
    reservedUnits: 0,
  };
  p.variants.push(v);
  return v;
}

describe('UserState', () => {
  it('makes a user lockable after LOCK_AFTER_FAILURES failed logins; a success or a lock ends the streak', () => {
    const users = new UserState(new Population(10));
    const u = user(users);
    users.add(u);
    for (let i = 0; i < LOCK_AFTER_FAILURES - 1; i++) users.recordFailedLogin(u);
    expect([users.failing.has(u), users.lockable.has(u)]).toEqual([true, false]);
    users.recordLogin(u);
    expect([u.failStreak, users.failing.has(u)]).toEqual([0, false]);
    for (let i = 0; i < LOCK_AFTER_FAILURES; i++) users.recordFailedLogin(u);
    expect(users.lockable.has(u)).toBe(true);
    users.lock(u, 1_000);
    expect([u.status, u.failStreak, users.locked.has(u), users.active.has(u)]).toEqual(['locked', 0, true, false]);
    users.expireLocks(999);
    expect(u.status).toBe('locked');
    users.expireLocks(1_000);
    expect([u.status, users.active.has(u), users.locked.size]).toEqual(['active', true, 0]);
  });

  it('counts the live population and drops a deleted user from every bag', () => {
    const users = new UserState(new Population(10));
    const [a, b] = [user(users), user(users, { status: 'suspended' })];
    users.add(a);
    users.add(b);
    expect([users.population.live, users.verified.bags.reduce((n, bag) => n + bag.size, 0)]).toEqual([2, 2]);
    users.remove(a);
    expect([a.status, users.population.live, users.active.has(a), a.slots.every((s) => s === -1)]).toEqual([
      'deleted',
      1,
      false,
      true,
    ]);
  });
});

describe('CommunityState', () => {
  it('keeps both sides of every membership and their indexes in step through joins and leaves', () => {
    const users = new UserState(new Population(50));
    const communities = new CommunityState(new Population(5));
    const owner = user(users, { role: 'leader' });
    const cs = [community(communities, owner), community(communities, owner), community(communities, owner)];
    for (const c of cs) communities.add(c);
    expect([owner.ownedCommunities, communities.population.live]).toEqual([3, 3]);
    const us = Array.from({ length: 12 }, () => user(users));
    const rng = Rng.derive(1, 'state-test');
    for (let step = 0; step < 400; step++) {
      const u = rng.pick(us);
      const c = rng.pick(cs);
      if (rng.chance(0.5) && !communities.isMember(u, c)) communities.join(u, c);
      else if (u.memberships.length > 0) communities.leave(rng.pick(u.memberships));
    }
    let fromUsers = 0;
    for (const u of us) {
      u.memberships.forEach((m, i) => {
        expect(m.ui).toBe(i);
        expect(m.community.members[m.ci]).toBe(m);
      });
      fromUsers += u.memberships.length;
    }
    for (const c of cs) c.members.forEach((m, i) => expect(m.ci).toBe(i));
    expect(communities.membershipCount()).toBe(fromUsers);
  });

  it('ends every membership of a deleted community and gives the owner one community less', () => {
    const users = new UserState(new Population(10));
    const communities = new CommunityState(new Population(5));
    const owner = user(users, { role: 'leader' });
    const c = community(communities, owner);
    communities.add(c);
    const members = [owner, user(users), user(users)];
    for (const u of members) communities.join(u, c);
    communities.remove(c);
    expect([c.live, c.members.length, owner.ownedCommunities, communities.population.live]).toEqual([false, 0, 0, 0]);
    for (const u of members) expect(u.memberships).toEqual([]);
    expect(communities.membershipCount()).toBe(0);
  });

  it('never picks an owner as a non-owner member', () => {
    const users = new UserState(new Population(10));
    const communities = new CommunityState(new Population(5));
    const owner = user(users, { role: 'leader' });
    const c = community(communities, owner);
    communities.add(c);
    communities.join(owner, c);
    const rng = Rng.derive(2, 'state-test');
    expect(communities.nonOwnerMembers.pick(rng)).toBeUndefined();
    const other = user(users);
    communities.join(other, c);
    const picks = new Set(Array.from({ length: 100 }, () => communities.nonOwnerMembers.pick(rng)?.user));
    expect(picks).toEqual(new Set([undefined, other]));
  });
});

describe('ProductState', () => {
  it("keeps the supplier's product list and each product's index in it through adds and removals", () => {
    const products = new ProductState(new Population(10));
    const s = supplier();
    const ps = Array.from({ length: 5 }, () => product(products, s));
    for (const p of ps) products.add(p);
    products.remove(ps[1]!);
    products.remove(ps[4]!);
    expect(new Set(s.products)).toEqual(new Set([ps[0], ps[2], ps[3]]));
    s.products.forEach((p, i) => expect(p.si).toBe(i));
    expect([ps[1]!.status, products.population.live, products.live.has(ps[1]!)]).toEqual(['deleted', 3, false]);
  });

  it('moves reserved units of a variant and of its product together', () => {
    const products = new ProductState(new Population(10));
    const p = product(products, supplier());
    const [a, b] = [variant(p, 10), variant(p, 5)];
    products.reserve(a, 3);
    products.reserve(b, 2);
    expect([a.reservedUnits, b.reservedUnits, p.reservedUnits, availableUnits(a)]).toEqual([3, 2, 5, 7]);
    products.release(b, 2);
    products.ship(a, 3);
    expect([a.onHandUnits, a.reservedUnits, b.reservedUnits, p.reservedUnits, availableUnits(a)]).toEqual([
      7, 0, 0, 0, 7,
    ]);
  });
});

describe('PromotionState', () => {
  function setUp(visibility: Promotion['visibility']) {
    const users = new UserState(new Population(10));
    const communities = new CommunityState(new Population(5));
    const products = new ProductState(new Population(5));
    const promotions = new PromotionState(new Population(5));
    const s = supplier();
    const p1 = product(products, s);
    const owner = user(users, { role: 'leader' });
    const c = community(communities, owner);
    const promo: Promotion = {
      id: nextId(),
      seq: 0,
      slots: promotions.newSlots(),
      supplier: s,
      kind: 'bogo',
      title: 'x',
      campaign: 'x',
      visibility,
      communities: visibility === 'global' ? [] : [c],
      products: [p1],
      status: 'draft',
      requiresAdmin: false,
      adminApproved: false,
      pendingCommunities: [],
      scheduled: false,
      scheduledStartMs: 0,
      scheduledEndMs: 0,
      activatedAtMs: 0,
      impressions: 0,
      clicks: 0,
      conversions: 0,
      revenueCents: 0,
      viral: false,
      fitness: 1,
      boost: 1,
    };
    promotions.add(promo);
    return { promotions, promo, p1, c, s };
  }

  it('holds its products and communities while running and lets go of them when retired', () => {
    const { promotions, promo, p1, c, s } = setUp('hybrid');
    expect([p1.promoRefs, c.promoRefs, s.promotions, promotions.population.live]).toEqual([1, 1, [promo], 1]);
    promotions.retire(promo, 'cancelled');
    expect([p1.promoRefs, c.promoRefs, s.promotions, promotions.population.live]).toEqual([0, 0, [], 0]);
    expect([promo.status, promotions.cancellable.pick(Rng.derive(1, 'x'))]).toEqual(['cancelled', undefined]);
  });

  it('is approved only after every approval its reach needs', () => {
    const { promotions, promo, c } = setUp('hybrid');
    promotions.submit(promo);
    expect([promo.requiresAdmin, promo.pendingCommunities, promotions.needsAdmin.has(promo)]).toEqual([
      true,
      [c],
      true,
    ]);
    promotions.recordAdminApproval(promo);
    expect([promo.status, promotions.needsAdmin.has(promo), promotions.needsLeader.has(promo)]).toEqual([
      'submitted',
      false,
      true,
    ]);
    promotions.recordLeaderApproval(promo, c);
    expect([promo.status, promotions.approved.has(promo)]).toEqual(['approved', true]);

    const community = setUp('community');
    community.promotions.submit(community.promo);
    expect(community.promo.requiresAdmin).toBe(false);
    const global = setUp('global');
    global.promotions.submit(global.promo);
    expect([global.promo.requiresAdmin, global.promo.pendingCommunities]).toEqual([true, []]);
  });
});

describe('PostState', () => {
  it("keeps the community's post list and each post's index in it", () => {
    const users = new UserState(new Population(10));
    const communities = new CommunityState(new Population(5));
    const posts = new PostState(new Population(10));
    const c = community(communities, user(users));
    const ps = Array.from({ length: 4 }, (): Post => ({
      id: nextId(),
      seq: 0,
      slots: posts.newSlots(),
      author: c.owner,
      community: c,
      status: 'published',
      pinned: false,
      global: 'none',
      stats: [0, 0, 0, 0],
      viral: false,
      ci: -1,
      fitness: 1,
      engagement: 0,
    }));
    for (const p of ps) posts.add(p);
    posts.setPinned(ps[0]!, true);
    expect([posts.pinned.has(ps[0]!), posts.pinnable.has(ps[0]!)]).toEqual([true, false]);
    posts.remove(ps[0]!);
    expect(new Set(c.posts)).toEqual(new Set(ps.slice(1)));
    c.posts.forEach((p, i) => expect(p.ci).toBe(i));
    expect([posts.population.live, posts.pinned.size]).toEqual([3, 0]);
  });
});

describe('OrderState', () => {
  function order(orders: OrderState, p: Product): Order {
    const items: OrderItem[] = [];
    const o: Order = {
      id: nextId(),
      seq: 0,
      slots: orders.newSlots(),
      number: orders.nextNumber(),
      customer: {} as User,
      items,
      totalCents: 999,
      status: 'pending',
      paymentAttempts: 0,
      paidCents: 0,
      correlationId: '',
      lastEventId: '',
      attribution: null,
      processingItems: 0,
      shippedItems: 0,
      deliveredItems: 0,
    };
    const v = p.variants[0]!;
    items.push({
      id: nextId(),
      order: o,
      product: p,
      variant: v,
      quantity: 1,
      unitPriceCents: 999,
      state: 'pending',
      slots: orders.newItemSlots(),
    });
    return o;
  }

  it('numbers orders, indexes their items once confirmed, and is cancellable only until the first shipment', () => {
    const orders = new OrderState(2);
    const p = product(new ProductState(new Population(1)), supplier());
    variant(p, 10);
    const o = order(orders, p);
    expect(o.number).toBe('SC-00000001');
    orders.add(o);
    expect([orders.live, orders.hasRoom, orders.cancellable.has(o), orders.toProcess.size]).toEqual([1, true, true, 0]);
    orders.setStatus(o, 'confirmed');
    expect(orders.toProcess.size).toBe(1);
    orders.advanceItem(o.items[0]!, 'processing');
    orders.refresh(o);
    expect([o.processingItems, orders.toProcess.size, orders.toShip.size]).toEqual([1, 0, 1]);
    orders.advanceItem(o.items[0]!, 'shipped');
    orders.refresh(o);
    expect([o.shippedItems, orders.cancellable.has(o), orders.toDeliver.size]).toEqual([1, false, 1]);
    orders.retire(o, 'refunded');
    expect([o.status, orders.live, orders.toDeliver.size]).toEqual(['refunded', 0, 0]);
  });
});
