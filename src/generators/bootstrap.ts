// The initial population: every configured entity is created up front, in causal order (users
// before the communities their leaders own, suppliers before products, products before the
// promotions and orders that use them), and walked into a realistic mix of lifecycle states.
import { createCommunity, joinCommunity } from './families/communities.js';
import { createPost, publishPost } from './families/posts.js';
import { addVariant, createProduct, publishProduct } from './families/products.js';
import {
  activatePromotion,
  approveFully,
  createPromotion,
  schedulePromotion,
  submitPromotion,
} from './families/promotions.js';
import { registerSupplier, rejectSupplier, submitVerification, verifySupplier } from './families/suppliers.js';
import { registerUser, verifyUser } from './families/users.js';
import type { Sim } from './sim.js';
import type { User } from './state.js';

/** One step of the initial population: yields after each action, so the caller can drain its events. */
type Seeding = Generator<void, void, void>;

/** Yields after each action; the caller drains the queued events between steps. */
export function* bootstrap(sim: Sim): Seeding {
  yield* seedUsers(sim);
  yield* seedSuppliers(sim);
  yield* seedCommunities(sim);
  yield* seedMemberships(sim);
  yield* seedProducts(sim);
  yield* seedPromotions(sim);
  yield* seedPosts(sim);
}

/** Leaders spread evenly through the population and always verified (they own communities). */
function* seedUsers(sim: Sim): Seeding {
  const pop = sim.config.population;
  const rng = sim.rng.user;
  for (let i = 0; i < pop.users; i++) {
    const leader =
      Math.floor((i + 1) * pop.leaderShare) > Math.floor(i * pop.leaderShare) || (i === 0 && pop.communities > 0);
    sim.tick();
    const u = registerUser(sim, rng, leader ? 'leader' : 'consumer');
    yield;
    if (leader || rng.chance(0.92)) {
      sim.tick();
      verifyUser(sim, rng, u);
      yield;
    }
  }
}

/** Most verified, some still pending, submitted or rejected. The first is always verified. */
function* seedSuppliers(sim: Sim): Seeding {
  const rng = sim.rng.supplier;
  for (let i = 0; i < sim.config.population.suppliers; i++) {
    sim.tick();
    const s = registerSupplier(sim, rng);
    yield;
    if (i > 0 && rng.chance(0.15)) continue;
    sim.tick();
    submitVerification(sim, rng, s);
    yield;
    const r = rng.float();
    if (i > 0 && r < 0.1) continue;
    sim.tick();
    if (i > 0 && r < 0.2) rejectSupplier(sim, rng, s);
    else verifySupplier(sim, rng, s);
    yield;
  }
}

/** Each community is owned by an active leader. */
function* seedCommunities(sim: Sim): Seeding {
  const rng = sim.rng.community;
  for (let i = 0; i < sim.config.population.communities; i++) {
    const owner = sim.users.activeLeaders.pick(rng);
    if (!owner) break;
    sim.tick();
    createCommunity(sim, rng, owner);
    yield;
  }
}

/** 1–3 memberships per active user. */
function* seedMemberships(sim: Sim): Seeding {
  const rng = sim.rng.community;
  const active: User[] = [];
  for (let i = 0; i < sim.users.active.size; i++) active.push(sim.users.active.at(i)!);
  for (const u of active) {
    for (let n = rng.range(1, 3); n > 0; n--) {
      const c = sim.communities.popular.pick(rng);
      if (!c) break;
      sim.tick();
      if (joinCommunity(sim, rng, u, c)) yield;
    }
  }
}

/** Products of verified suppliers: 1–3 variants with stock, 85% published (the first always). */
function* seedProducts(sim: Sim): Seeding {
  const rng = sim.rng.product;
  for (let i = 0; i < sim.config.population.products; i++) {
    const s = sim.suppliers.popular.pick(rng);
    if (!s) break;
    sim.tick();
    const p = createProduct(sim, rng, s);
    yield;
    for (let n = rng.range(0, 2); n > 0; n--) {
      sim.tick();
      addVariant(sim, rng, p, null);
      yield;
    }
    if (i === 0 || rng.chance(0.85)) {
      sim.tick();
      publishProduct(sim, rng, p);
      yield;
    }
  }
}

/**
 * The first promotion is the run's flagship (viral when config.hot.promotion > 0) and goes live;
 * the rest are spread over draft, submitted, scheduled and active.
 */
function* seedPromotions(sim: Sim): Seeding {
  const rng = sim.rng.promotion;
  // A cascade needs its viral promotion even at a baseline share of 0.
  const viral = (sim.config.hot.promotion ?? 0) > 0 || sim.config.cascade.promotion !== undefined;
  let flagshipDone = false;
  for (let i = 0; i < sim.config.population.promotions; i++) {
    const s = sim.suppliers.verified.pick(rng);
    if (!s) break;
    sim.tick();
    const flagship = !flagshipDone;
    const p = createPromotion(sim, rng, s, flagship ? { visibility: 'hybrid', viral } : {});
    if (!p) continue;
    flagshipDone = true;
    yield;
    const r = flagship ? 0 : rng.float();
    if (r >= 0.85) continue;
    sim.tick();
    submitPromotion(sim, rng, p);
    yield;
    if (r >= 0.7) continue;
    approveFully(sim, rng, p);
    yield;
    sim.tick();
    if (r >= 0.6) schedulePromotion(sim, rng, p);
    else activatePromotion(sim, rng, p);
    yield;
  }
}

/**
 * Posts by active users (mostly creators) in their communities, 85% published; the first published one is the viral post
 * when config.hot.post > 0.
 */
function* seedPosts(sim: Sim): Seeding {
  const rng = sim.rng.post;
  const viral = (sim.config.hot.post ?? 0) > 0;
  for (let i = 0; i < sim.config.population.posts; i++) {
    // Mostly creators write: the author first, then one of their communities.
    const author = sim.users.posters.pick(rng);
    if (!author) break;
    if (author.memberships.length === 0) continue;
    sim.tick();
    const post = createPost(sim, rng, author, rng.pick(author.memberships).community);
    yield;
    if (rng.chance(0.85)) {
      sim.tick();
      publishPost(sim, rng, post);
      if (viral && sim.posts.viral === null) sim.posts.makeViral(post);
      yield;
    }
  }
}
