// Promotion family: suppliers create promotions over their published products, targeted at
// communities; approval (admin for global reach, each community's leader for community reach),
// optional scheduling, activation (once: the immutable marker), pause/resume, end or cancel.
// Impressions and clicks happen only while active; config.hot.promotion focuses them on one
// "viral" promotion that stays active for the whole run.
import { FEED_TYPES, PROMOTION_TYPES, type Payload, type PROMOTION_VISIBILITIES } from '../../catalog/events.js';
import type { Rng } from '../rng.js';
import type { Sim } from '../sim.js';
import type { Session } from '../sessions.js';
import type { Community, Order, Promotion, Supplier } from '../state.js';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../time.js';
import type { SimEvent } from '../types.js';
import { CURRENCY } from './products.js';
import { actOnOne, sample, slug, type Element, type FamilyActions } from './util.js';

type PromotionVisibility = (typeof PROMOTION_VISIBILITIES)[number];

const REJECT_REASONS = [
  'Discount claim not substantiated',
  'Product images do not match the listing',
  'Restricted product category',
  'Overlaps an existing campaign',
];
const LEADER_REJECT_REASONS = [
  'Not relevant for our members',
  'Too many promotions this week',
  'Members asked for fewer deals',
];
const PAUSE_REASONS = ['Stock running low', 'Updating creatives', 'Budget review'];
const CANCEL_REASONS = ['Campaign plan changed', 'Product discontinued', 'Pricing error in the offer'];
const NON_COMMUNITY_FEEDS = FEED_TYPES.filter((f) => f !== 'community');

export interface NewPromotionOptions {
  visibility?: PromotionVisibility;
  viral?: boolean;
}

/** Emits promotion.created (draft); null if the supplier has no published product to promote. */
export function createPromotion(
  sim: Sim,
  rng: Rng,
  supplier: Supplier,
  opts: NewPromotionOptions = {},
): Promotion | null {
  const published = supplier.products.filter((p) => p.status === 'published');
  if (published.length === 0) return null;
  const products = sample(rng, published, rng.range(1, 3));
  let visibility: PromotionVisibility =
    opts.visibility ?? (rng.chance(0.3) ? 'global' : rng.chance(0.65) ? 'community' : 'hybrid');
  const communities = visibility === 'global' ? [] : targetCommunities(sim, rng);
  if (communities.length === 0) visibility = 'global';
  const title = rng.pick(sim.pools.promotionTitles);
  const p: Promotion = {
    id: rng.uuid(),
    seq: 0,
    slots: sim.promotions.newSlots(),
    supplier,
    kind: rng.pick(PROMOTION_TYPES),
    title,
    campaign: `${slug(title)}-${rng.hex(4)}`,
    visibility,
    communities,
    products,
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
    viral: opts.viral ?? false,
    fitness: sim.promotions.popularity.fitness(rng),
    boost: 1,
  };
  sim.emit(rng, 'promotion.created', p, {
    promotion_id: p.id,
    supplier_id: supplier.id,
    promotion_type: p.kind,
    title,
    visibility_type: visibility,
    community_ids: communities.map((c) => c.id),
    product_ids: products.map((x) => x.id),
    status: 'draft',
  });
  sim.promotions.add(p);
  return p;
}

/** One to three distinct live communities (fewer when the draws repeat, none when there are none). */
function targetCommunities(sim: Sim, rng: Rng): Community[] {
  const communities: Community[] = [];
  for (let i = rng.range(1, 3); i > 0; i--) {
    const c = sim.communities.live.pick(rng);
    if (c && !communities.includes(c)) communities.push(c);
  }
  return communities;
}

export function submitPromotion(sim: Sim, rng: Rng, p: Promotion): void {
  sim.promotions.submit(p);
  const leaders: string[] = [];
  for (const c of p.pendingCommunities) if (!leaders.includes(c.owner.id)) leaders.push(c.owner.id);
  sim.emit(rng, 'promotion.submitted', p, {
    promotion_id: p.id,
    submitted_at: sim.iso(),
    requires_admin: p.requiresAdmin,
    requires_leaders: leaders,
  });
}

export function approveByAdmin(sim: Sim, rng: Rng, p: Promotion): void {
  sim.emit(rng, 'promotion.approved_admin', p, {
    promotion_id: p.id,
    approved_by: sim.admin(rng),
    notes: rng.pick(sim.pools.adminNotes),
  });
  sim.promotions.recordAdminApproval(p);
}

export function approveByLeader(sim: Sim, rng: Rng, p: Promotion, c: Community): void {
  sim.emit(rng, 'promotion.approved_leader', p, { promotion_id: p.id, community_id: c.id, approved_by: c.owner.id });
  sim.promotions.recordLeaderApproval(p, c);
}

/** Runs every approval the promotion needs (used to bring the initial population live). */
export function approveFully(sim: Sim, rng: Rng, p: Promotion): void {
  if (p.requiresAdmin) {
    sim.tick();
    approveByAdmin(sim, rng, p);
  }
  while (p.pendingCommunities.length > 0) {
    sim.tick();
    approveByLeader(sim, rng, p, p.pendingCommunities[0]!);
  }
}

/** Approved -> scheduled: goes live between 10 minutes and 3 hours from now, runs 1–7 days. */
export function schedulePromotion(sim: Sim, rng: Rng, p: Promotion): void {
  const startMs = sim.later(rng.range(10, 180) * MINUTE_MS);
  const endMs = startMs + sim.scaled(rng.range(1, 7) * DAY_MS + rng.range(0, 23) * HOUR_MS);
  sim.emit(rng, 'promotion.scheduled', p, {
    promotion_id: p.id,
    scheduled_start: sim.isoAt(startMs),
    scheduled_end: sim.isoAt(endMs),
  });
  sim.promotions.schedule(p, startMs, endMs);
}

/** Goes live (once); an unscheduled promotion runs 1–14 days. */
export function activatePromotion(sim: Sim, rng: Rng, p: Promotion): void {
  const endMs = p.scheduled ? p.scheduledEndMs : sim.later(rng.range(1, 14) * DAY_MS);
  sim.emit(rng, 'promotion.activated', p, {
    promotion_id: p.id,
    first_activated_at: sim.iso(),
    visibility_scope: p.visibility,
    community_ids: p.communities.map((c) => c.id),
    products_snapshot: p.products.map((x): Element<'promotion.activated', 'products_snapshot'> => ({
      product_id: x.id,
      name: x.name,
      price_cents: Math.min(...x.variants.map((v) => v.priceCents)),
      currency: CURRENCY,
    })),
  });
  sim.promotions.activate(p, endMs, sim.nowMs);
}

export function cancelPromotion(
  sim: Sim,
  rng: Rng,
  p: Promotion,
  reason: string,
  by: string,
  cause: SimEvent | null,
): void {
  sim.emitRootOrCaused(rng, 'promotion.cancelled', p, { promotion_id: p.id, cancelled_by: by, reason }, cause);
  sim.promotions.retire(p, 'cancelled');
}

/**
 * order.confirmed of an attributed order -> promotion.converted (if the promotion is still active),
 * which the order's attribution_recorded then names as its cause. Returns the converted event.
 */
export function recordConversion(sim: Sim, order: Order, cause: SimEvent): SimEvent | null {
  const a = order.attribution;
  if (!a || a.promotion.status !== 'active') return null;
  const p = a.promotion;
  sim.promotions.recordConversion(p);
  p.revenueCents += order.totalCents;
  const payload: Payload<'promotion.converted'> = a.community
    ? { promotion_id: p.id, order_id: order.id, community_id: a.community.id, revenue_cents: order.totalCents }
    : { promotion_id: p.id, order_id: order.id, revenue_cents: order.totalCents };
  return sim.emitCaused('promotion.converted', p, payload, cause);
}

/**
 * Where engagement goes: the viral promotion for its share of it — the fixed `hot` share, or the
 * cascade's share now (an impression or click also feeds the cascade) — else any active one.
 */
export function engagementTarget(
  sim: Sim,
  rng: Rng,
  engagement: 'impression' | 'click' | null = null,
): Promotion | undefined {
  const viral = sim.promotions.viral;
  const hot = sim.config.hot.promotion ?? 0;
  const cascade = sim.promotions.cascade;
  const share = cascade ? cascade.share(sim, hot, engagement !== null) : hot;
  if (viral && share > 0 && rng.chance(share)) {
    if (cascade && engagement !== null) cascade.excite(engagement === 'click');
    return viral;
  }
  return sim.promotions.popular.pick(rng);
}

/** A new promotion of a verified supplier, while the population has room. */
function createNewPromotion(sim: Sim, rng: Rng): boolean {
  if (!sim.promotions.population.canGrow) return false;
  const s = sim.suppliers.popular.pick(rng);
  if (!s) return false;
  return createPromotion(sim, rng, s) !== null;
}

function approveForSomeCommunity(sim: Sim, rng: Rng, p: Promotion): void {
  approveByLeader(sim, rng, p, rng.pick(p.pendingCommunities));
}

function rejectByAdmin(sim: Sim, rng: Rng, p: Promotion): void {
  sim.emit(rng, 'promotion.rejected_admin', p, {
    promotion_id: p.id,
    rejected_by: sim.admin(rng),
    rejection_reason: rng.pick(REJECT_REASONS),
  });
  sim.promotions.retire(p, 'rejected');
}

/** One targeted community's leader says no: the whole promotion is rejected. */
function rejectByLeader(sim: Sim, rng: Rng, p: Promotion): void {
  const c = rng.pick(p.pendingCommunities);
  sim.emit(rng, 'promotion.rejected_leader', p, {
    promotion_id: p.id,
    community_id: c.id,
    rejected_by: c.owner.id,
    rejection_reason: rng.pick(LEADER_REJECT_REASONS),
  });
  sim.promotions.retire(p, 'rejected');
}

/** A scheduled promotion goes live only once its start time has come. */
function isDue(p: Promotion, sim: Sim): boolean {
  return p.status !== 'scheduled' || sim.nowMs >= p.scheduledStartMs;
}

/** The supplier pauses a running promotion. */
function pausePromotion(sim: Sim, rng: Rng, p: Promotion): void {
  sim.emit(rng, 'promotion.paused', p, {
    promotion_id: p.id,
    paused_by: p.supplier.id,
    reason: rng.pick(PAUSE_REASONS),
  });
  sim.promotions.setStatus(p, 'paused');
}

function resumePromotion(sim: Sim, rng: Rng, p: Promotion): void {
  sim.emit(rng, 'promotion.resumed', p, { promotion_id: p.id, resumed_by: p.supplier.id });
  sim.promotions.setStatus(p, 'active');
}

/** Ends at its end date, or earlier (manually, or its budget ran out), with its final counters. */
function endPromotion(sim: Sim, rng: Rng, p: Promotion): void {
  sim.emit(rng, 'promotion.ended', p, {
    promotion_id: p.id,
    end_reason: sim.nowMs >= p.scheduledEndMs ? 'end_date_reached' : rng.chance(0.7) ? 'manual' : 'budget_exhausted',
    final_stats: {
      impressions: p.impressions,
      clicks: p.clicks,
      conversions: p.conversions,
      revenue_cents: p.revenueCents,
    },
  });
  sim.promotions.retire(p, 'ended');
}

function cancelBySupplier(sim: Sim, rng: Rng, p: Promotion): void {
  cancelPromotion(sim, rng, p, rng.pick(CANCEL_REASONS), p.supplier.id, null);
}

/** Community-only promotions are seen in their communities' feeds; the others anywhere. */
function seenInCommunity(rng: Rng, p: Promotion): boolean {
  return p.communities.length > 0 && (p.visibility === 'community' || rng.chance(0.5));
}

/**
 * The session whose turn it is (sessions.ts), or without sessions (or none open) an active user
 * picked by activity: only signed-in, active users see promotions.
 */
function viewerSession(sim: Sim, rng: Rng, needsSeen: boolean): Session | undefined {
  return sim.sessions?.next(rng, sim.users.busy, needsSeen);
}

function recordImpression(sim: Sim, rng: Rng): boolean {
  const p = engagementTarget(sim, rng, 'impression');
  if (!p) return false;
  const session = viewerSession(sim, rng, false);
  // The viewer is what a salted record key hashes.
  const viewer = session?.user ?? sim.users.busy.pick(rng);
  if (!viewer) return false;
  if (session) {
    session.seen = p;
    sim.sessions!.stepped(rng, session);
  }
  p.impressions++;
  if (seenInCommunity(rng, p)) {
    sim.emit(rng, 'promotion.impression', p, {
      promotion_id: p.id,
      community_id: rng.pick(p.communities).id,
      feed_type: 'community',
      viewer_id: viewer.id,
    });
  } else {
    sim.emit(rng, 'promotion.impression', p, {
      promotion_id: p.id,
      feed_type: rng.pick(NON_COMMUNITY_FEEDS),
      viewer_id: viewer.id,
    });
  }
  return true;
}

/** A click: in a session, on the promotion it saw last (if still live), which may go in the cart. */
function recordClick(sim: Sim, rng: Rng): boolean {
  const session = viewerSession(sim, rng, true);
  const seen = session?.seen;
  let p: Promotion | undefined;
  if (seen && seen.status === 'active') {
    p = seen;
    // Counts toward the cascade as a click drawn by engagementTarget would.
    sim.promotions.cascade?.engaged(sim, p === sim.promotions.viral, true);
  } else p = engagementTarget(sim, rng, 'click');
  const viewer = session?.user ?? sim.users.busy.pick(rng);
  if (!p || !viewer) {
    // Nothing to click: the session keeps its turn.
    if (session) sim.sessions!.putBack(session);
    return false;
  }
  if (session) sim.sessions!.stepped(rng, session);
  p.clicks++;
  const product = rng.pick(p.products);
  if (session) sim.sessions!.clicked(rng, session, p, product);
  if (seenInCommunity(rng, p)) {
    sim.emit(rng, 'promotion.clicked', p, {
      promotion_id: p.id,
      community_id: rng.pick(p.communities).id,
      product_id: product.id,
      viewer_id: viewer.id,
    });
  } else {
    sim.emit(rng, 'promotion.clicked', p, { promotion_id: p.id, product_id: product.id, viewer_id: viewer.id });
  }
  return true;
}

/** The viral promotion of config.hot.promotion stays active all run: never rejected, paused, ended or cancelled. */
const isOrdinary = (p: Promotion): boolean => !p.viral && p.boost === 1;

/**
 * A live campaign is stopped early (manually, its budget spent, cancelled) only after it has run a
 * while: campaigns run for days (1-14 here), and one stopped in its first hour is the exception.
 * A judgment, and what keeps a short live run realistic: without it, at thousands of events per
 * second the mix's end and cancel weights retired every campaign within seconds while new ones
 * were still scheduled minutes ahead, leaving the viral promotion the only active one.
 */
const MIN_LIVE_BEFORE_EARLY_STOP_MS = HOUR_MS;

function hasRunAWhile(p: Promotion, sim: Sim): boolean {
  return sim.nowMs - p.activatedAtMs >= sim.scaled(MIN_LIVE_BEFORE_EARLY_STOP_MS);
}

/** Ends at its end date, or early once it has run a while. */
const mayEnd = (p: Promotion, sim: Sim): boolean =>
  isOrdinary(p) && (sim.nowMs >= p.scheduledEndMs || hasRunAWhile(p, sim));

/** Cancelled before it goes live, or once live only after a while (as mayEnd). */
const mayCancel = (p: Promotion, sim: Sim): boolean =>
  isOrdinary(p) && ((p.status !== 'active' && p.status !== 'paused') || hasRunAWhile(p, sim));

export const PROMOTION_ACTIONS: FamilyActions<'promotion'> = {
  'promotion.created': createNewPromotion,
  'promotion.submitted': actOnOne((sim) => sim.promotions.draft, submitPromotion),
  'promotion.approved_admin': actOnOne((sim) => sim.promotions.needsAdmin, approveByAdmin),
  'promotion.approved_leader': actOnOne((sim) => sim.promotions.needsLeader, approveForSomeCommunity),
  'promotion.rejected_admin': actOnOne((sim) => sim.promotions.needsAdmin, rejectByAdmin, isOrdinary),
  'promotion.rejected_leader': actOnOne((sim) => sim.promotions.needsLeader, rejectByLeader, isOrdinary),
  'promotion.scheduled': actOnOne((sim) => sim.promotions.approved, schedulePromotion),
  'promotion.activated': actOnOne((sim) => sim.promotions.activatable, activatePromotion, isDue),
  'promotion.paused': actOnOne((sim) => sim.promotions.active, pausePromotion, isOrdinary),
  'promotion.resumed': actOnOne((sim) => sim.promotions.paused, resumePromotion),
  'promotion.ended': actOnOne((sim) => sim.promotions.endable, endPromotion, mayEnd),
  'promotion.cancelled': actOnOne((sim) => sim.promotions.cancellable, cancelBySupplier, mayCancel),
  'promotion.impression': recordImpression,
  'promotion.clicked': recordClick,
};
