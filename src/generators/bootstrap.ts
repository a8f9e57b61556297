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

/** Yields after each action; the caller drains the queued events between steps. */
export function* bootstrap(sim: Sim): Generator<void, void, void> {
  const pop = sim.config.population;
  const hot = sim.config.hot;

  // Users: leaders spread evenly through the population and always verified (they own communities).
  const urng = sim.rng.user;
  for (let i = 0; i < pop.users; i++) {
    const leader =
      Math.floor((i + 1) * pop.leaderShare) > Math.floor(i * pop.leaderShare) || (i === 0 && pop.communities > 0);
    sim.tick();
    const u = registerUser(sim, urng, leader ? 'leader' : 'consumer');
    yield;
    if (leader || urng.chance(0.92)) {
      sim.tick();
      verifyUser(sim, urng, u);
      yield;
    }
  }

  // Suppliers: most verified, some still pending, submitted or rejected. The first is always verified.
  const srng = sim.rng.supplier;
  for (let i = 0; i < pop.suppliers; i++) {
    sim.tick();
    const s = registerSupplier(sim, srng);
    yield;
    if (i > 0 && srng.chance(0.15)) continue;
    sim.tick();
    submitVerification(sim, srng, s);
    yield;
    const r = srng.float();
    if (i > 0 && r < 0.1) continue;
    sim.tick();
    if (i > 0 && r < 0.2) rejectSupplier(sim, srng, s);
    else verifySupplier(sim, srng, s);
    yield;
  }

  // Communities, each owned by an active leader, then 1–3 memberships per active user.
  const crng = sim.rng.community;
  for (let i = 0; i < pop.communities; i++) {
    const owner = sim.users.activeLeaders.pick(crng);
    if (!owner) break;
    sim.tick();
    createCommunity(sim, crng, owner);
    yield;
  }
  const active: User[] = [];
  for (let i = 0; i < sim.users.active.size; i++) active.push(sim.users.active.at(i)!);
  for (const u of active) {
    for (let n = crng.range(1, 3); n > 0; n--) {
      const c = sim.communities.live.pick(crng);
      if (!c) break;
      sim.tick();
      if (joinCommunity(sim, crng, u, c)) yield;
    }
  }

  // Products of verified suppliers: 1–3 variants with stock, 85% published.
  const prng = sim.rng.product;
  for (let i = 0; i < pop.products; i++) {
    const s = sim.suppliers.verified.pick(prng);
    if (!s) break;
    sim.tick();
    const p = createProduct(sim, prng, s);
    yield;
    for (let n = prng.range(0, 2); n > 0; n--) {
      sim.tick();
      addVariant(sim, prng, p, null);
      yield;
    }
    if (i === 0 || prng.chance(0.85)) {
      sim.tick();
      publishProduct(sim, prng, p);
      yield;
    }
  }

  // Promotions: the first is the run's flagship (viral when config.hot.promotion > 0) and goes
  // live; the rest are spread over draft, submitted, scheduled and active.
  const mrng = sim.rng.promotion;
  let flagshipDone = false;
  for (let i = 0; i < pop.promotions; i++) {
    const s = sim.suppliers.verified.pick(mrng);
    if (!s) break;
    sim.tick();
    const flagship = !flagshipDone;
    const p = createPromotion(sim, mrng, s, flagship ? { visibility: 'hybrid', viral: (hot.promotion ?? 0) > 0 } : {});
    if (!p) continue;
    flagshipDone = true;
    yield;
    const r = flagship ? 0 : mrng.float();
    if (r >= 0.85) continue;
    sim.tick();
    submitPromotion(sim, mrng, p);
    yield;
    if (r >= 0.7) continue;
    approveFully(sim, mrng, p);
    yield;
    sim.tick();
    if (r >= 0.6) schedulePromotion(sim, mrng, p);
    else activatePromotion(sim, mrng, p);
    yield;
  }

  // Posts by members of live communities, 85% published; the first published one is the viral
  // post when config.hot.post > 0.
  const orng = sim.rng.post;
  for (let i = 0; i < pop.posts; i++) {
    const c = sim.communities.live.pick(orng);
    if (!c || c.members.length === 0) break;
    const author = orng.pick(c.members).user;
    if (author.status !== 'active') continue;
    sim.tick();
    const post = createPost(sim, orng, author, c);
    yield;
    if (orng.chance(0.85)) {
      sim.tick();
      publishPost(sim, orng, post);
      if (sim.posts.viral === null && (hot.post ?? 0) > 0) {
        post.viral = true;
        sim.posts.viral = post;
      }
      yield;
    }
  }
}
