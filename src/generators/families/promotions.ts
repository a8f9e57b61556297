// Promotion family: suppliers create promotions over their published products, targeted at
// communities; approval (admin for global reach, each community's leader for community reach),
// optional scheduling, activation (once: the immutable marker), pause/resume, end or cancel.
// Impressions and clicks happen only while active; config.hot.promotion focuses them on one
// "viral" promotion that stays active for the whole run.
import { FEED_TYPES, PROMOTION_TYPES, type Payload, type PROMOTION_VISIBILITIES } from '../../catalog/events.js';
import { pickFromBags } from '../bag.js';
import type { Rng } from '../rng.js';
import type { Sim } from '../sim.js';
import type { Community, Order, Promotion, Supplier } from '../state.js';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../time.js';
import type { SimEvent } from '../types.js';
import { CURRENCY } from './products.js';
import { sample, slug, type Element, type FamilyActions } from './util.js';

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
  const promotions = sim.promotions;
  const published = supplier.products.filter((p) => p.status === 'published');
  if (published.length === 0) return null;
  const products = sample(rng, published, rng.range(1, 3));
  let visibility: PromotionVisibility =
    opts.visibility ?? (rng.chance(0.3) ? 'global' : rng.chance(0.65) ? 'community' : 'hybrid');
  const communities: Community[] = [];
  if (visibility !== 'global') {
    for (let i = rng.range(1, 3); i > 0; i--) {
      const c = sim.communities.live.pick(rng);
      if (c && !communities.includes(c)) communities.push(c);
    }
    if (communities.length === 0) visibility = 'global';
  }
  const title = rng.pick(sim.pools.promotionTitles);
  const p: Promotion = {
    id: rng.uuid(),
    seq: 0,
    slots: promotions.set.newSlots(),
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
    impressions: 0,
    clicks: 0,
    conversions: 0,
    revenueCents: 0,
    viral: opts.viral ?? false,
  };
  for (const x of products) x.promoRefs++;
  for (const c of communities) c.promoRefs++;
  supplier.promotions.push(p);
  promotions.population.live++;
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
  promotions.set.refresh(p);
  if (p.viral) promotions.viral = p;
  return p;
}

export function submitPromotion(sim: Sim, rng: Rng, p: Promotion): void {
  p.requiresAdmin = p.visibility !== 'community';
  if (p.visibility !== 'global') p.pendingCommunities.push(...p.communities);
  const leaders: string[] = [];
  for (const c of p.pendingCommunities) if (!leaders.includes(c.owner.id)) leaders.push(c.owner.id);
  sim.emit(rng, 'promotion.submitted', p, {
    promotion_id: p.id,
    submitted_at: sim.iso(),
    requires_admin: p.requiresAdmin,
    requires_leaders: leaders,
  });
  p.status = 'submitted';
  sim.promotions.set.refresh(p);
}

function approvedIfComplete(sim: Sim, p: Promotion): void {
  if ((!p.requiresAdmin || p.adminApproved) && p.pendingCommunities.length === 0) p.status = 'approved';
  sim.promotions.set.refresh(p);
}

export function approveByAdmin(sim: Sim, rng: Rng, p: Promotion): void {
  sim.emit(rng, 'promotion.approved_admin', p, {
    promotion_id: p.id,
    approved_by: sim.admin(rng),
    notes: rng.pick(sim.pools.adminNotes),
  });
  p.adminApproved = true;
  approvedIfComplete(sim, p);
}

export function approveByLeader(sim: Sim, rng: Rng, p: Promotion, c: Community): void {
  sim.emit(rng, 'promotion.approved_leader', p, { promotion_id: p.id, community_id: c.id, approved_by: c.owner.id });
  p.pendingCommunities.splice(p.pendingCommunities.indexOf(c), 1);
  approvedIfComplete(sim, p);
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
  p.scheduled = true;
  p.scheduledStartMs = sim.nowMs + rng.range(10, 180) * MINUTE_MS;
  p.scheduledEndMs = p.scheduledStartMs + rng.range(1, 7) * DAY_MS + rng.range(0, 23) * HOUR_MS;
  sim.emit(rng, 'promotion.scheduled', p, {
    promotion_id: p.id,
    scheduled_start: sim.isoAt(p.scheduledStartMs),
    scheduled_end: sim.isoAt(p.scheduledEndMs),
  });
  p.status = 'scheduled';
  sim.promotions.set.refresh(p);
}

export function activatePromotion(sim: Sim, rng: Rng, p: Promotion): void {
  if (!p.scheduled) p.scheduledEndMs = sim.nowMs + rng.range(1, 14) * DAY_MS;
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
  p.status = 'active';
  sim.promotions.set.refresh(p);
}

function retire(sim: Sim, p: Promotion): void {
  sim.promotions.population.live--;
  sim.promotions.set.retire(p);
  for (const x of p.products) x.promoRefs--;
  for (const c of p.communities) c.promoRefs--;
  const list = p.supplier.promotions;
  list.splice(list.indexOf(p), 1);
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
  p.status = 'cancelled';
  retire(sim, p);
}

/**
 * order.confirmed of an attributed order -> promotion.converted (if the promotion is still active),
 * which the order's attribution_recorded then names as its cause. Returns the converted event.
 */
export function recordConversion(sim: Sim, rng: Rng, order: Order, cause: SimEvent): SimEvent | null {
  const a = order.attribution;
  if (!a || a.promotion.status !== 'active') return null;
  const p = a.promotion;
  p.conversions++;
  p.revenueCents += order.totalCents;
  const payload: Payload<'promotion.converted'> = a.community
    ? { promotion_id: p.id, order_id: order.id, community_id: a.community.id, revenue_cents: order.totalCents }
    : { promotion_id: p.id, order_id: order.id, revenue_cents: order.totalCents };
  return sim.emitCaused('promotion.converted', p, payload, cause);
}

/** Where engagement goes: the viral promotion for a `hot` share of it, else any active one. */
export function engagementTarget(sim: Sim, rng: Rng): Promotion | undefined {
  const viral = sim.promotions.viral;
  const hot = sim.config.hot.promotion ?? 0;
  if (viral && hot > 0 && rng.chance(hot)) return viral;
  return sim.promotions.active.pick(rng);
}

export function promotionActions(sim: Sim): FamilyActions<'promotion'> {
  const rng = sim.rng.promotion;
  const promotions = sim.promotions;
  const endable = [promotions.active, promotions.paused];
  const cancellable = [
    promotions.draft,
    promotions.submitted,
    promotions.approved,
    promotions.scheduled,
    promotions.active,
    promotions.paused,
  ];
  return {
    'promotion.created': () => {
      if (!promotions.population.canGrow) return false;
      const s = sim.suppliers.verified.pick(rng);
      if (!s) return false;
      return createPromotion(sim, rng, s) !== null;
    },
    'promotion.submitted': () => {
      const p = promotions.draft.pick(rng);
      if (!p) return false;
      submitPromotion(sim, rng, p);
      return true;
    },
    'promotion.approved_admin': () => {
      const p = promotions.needsAdmin.pick(rng);
      if (!p) return false;
      approveByAdmin(sim, rng, p);
      return true;
    },
    'promotion.approved_leader': () => {
      const p = promotions.needsLeader.pick(rng);
      if (!p) return false;
      approveByLeader(sim, rng, p, rng.pick(p.pendingCommunities));
      return true;
    },
    'promotion.rejected_admin': () => {
      const p = promotions.needsAdmin.pick(rng);
      if (!p || p.viral) return false;
      sim.emit(rng, 'promotion.rejected_admin', p, {
        promotion_id: p.id,
        rejected_by: sim.admin(rng),
        rejection_reason: rng.pick(REJECT_REASONS),
      });
      p.status = 'rejected';
      retire(sim, p);
      return true;
    },
    'promotion.rejected_leader': () => {
      const p = promotions.needsLeader.pick(rng);
      if (!p || p.viral) return false;
      const c = rng.pick(p.pendingCommunities);
      sim.emit(rng, 'promotion.rejected_leader', p, {
        promotion_id: p.id,
        community_id: c.id,
        rejected_by: c.owner.id,
        rejection_reason: rng.pick(LEADER_REJECT_REASONS),
      });
      p.status = 'rejected';
      retire(sim, p);
      return true;
    },
    'promotion.scheduled': () => {
      const p = promotions.approved.pick(rng);
      if (!p) return false;
      schedulePromotion(sim, rng, p);
      return true;
    },
    'promotion.activated': () => {
      const p = pickFromBags(rng, [promotions.approved, promotions.scheduled]);
      // A scheduled promotion goes live only once its start time has come.
      if (!p || (p.status === 'scheduled' && sim.nowMs < p.scheduledStartMs)) return false;
      activatePromotion(sim, rng, p);
      return true;
    },
    'promotion.paused': () => {
      const p = promotions.active.pick(rng);
      if (!p || p.viral) return false;
      sim.emit(rng, 'promotion.paused', p, {
        promotion_id: p.id,
        paused_by: p.supplier.id,
        reason: rng.pick(PAUSE_REASONS),
      });
      p.status = 'paused';
      promotions.set.refresh(p);
      return true;
    },
    'promotion.resumed': () => {
      const p = promotions.paused.pick(rng);
      if (!p) return false;
      sim.emit(rng, 'promotion.resumed', p, { promotion_id: p.id, resumed_by: p.supplier.id });
      p.status = 'active';
      promotions.set.refresh(p);
      return true;
    },
    'promotion.ended': () => {
      const p = pickFromBags(rng, endable);
      if (!p || p.viral) return false;
      sim.emit(rng, 'promotion.ended', p, {
        promotion_id: p.id,
        end_reason:
          sim.nowMs >= p.scheduledEndMs ? 'end_date_reached' : rng.chance(0.7) ? 'manual' : 'budget_exhausted',
        final_stats: {
          impressions: p.impressions,
          clicks: p.clicks,
          conversions: p.conversions,
          revenue_cents: p.revenueCents,
        },
      });
      p.status = 'ended';
      retire(sim, p);
      return true;
    },
    'promotion.cancelled': () => {
      const p = pickFromBags(rng, cancellable);
      if (!p || p.viral) return false;
      cancelPromotion(sim, rng, p, rng.pick(CANCEL_REASONS), p.supplier.id, null);
      return true;
    },
    'promotion.impression': () => {
      const p = engagementTarget(sim, rng);
      if (!p) return false;
      p.impressions++;
      // Community-only promotions are seen in their communities' feeds; the others anywhere.
      if (p.communities.length > 0 && (p.visibility === 'community' || rng.chance(0.5))) {
        sim.emit(rng, 'promotion.impression', p, {
          promotion_id: p.id,
          community_id: rng.pick(p.communities).id,
          feed_type: 'community',
        });
      } else {
        sim.emit(rng, 'promotion.impression', p, { promotion_id: p.id, feed_type: rng.pick(NON_COMMUNITY_FEEDS) });
      }
      return true;
    },
    'promotion.clicked': () => {
      const p = engagementTarget(sim, rng);
      if (!p) return false;
      p.clicks++;
      const product = rng.pick(p.products);
      if (p.communities.length > 0 && (p.visibility === 'community' || rng.chance(0.5))) {
        sim.emit(rng, 'promotion.clicked', p, {
          promotion_id: p.id,
          community_id: rng.pick(p.communities).id,
          product_id: product.id,
        });
      } else {
        sim.emit(rng, 'promotion.clicked', p, { promotion_id: p.id, product_id: product.id });
      }
      return true;
    },
  };
}
