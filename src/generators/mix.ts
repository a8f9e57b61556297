// Activity weights: which event types the world's scheduler picks, and how often. Weights are
// "share points" (the defaults sum to 100, so a weight reads as roughly "% of activity"); a family
// key rescales that family's defaults to the given total, an event-type key sets one type's weight.
import { EVENT_CATALOG, closestNames, type EventType, type Family } from '../catalog/events.js';
import { EntityTypes } from '../envelope.js';
import { ScSimError } from '../errors.js';

/**
 * Types that only happen as the consequence of another event (their cause is in parentheses), so
 * they have no weight of their own: raise the cause's weight instead.
 */
export const DERIVED_TYPES = {
  'product.inventory_reserved': 'order.created',
  'product.inventory_released': 'order.cancelled',
  'promotion.converted': 'order.confirmed of an order that came through a promotion',
  'order.status_changed': 'order.item_processing / item_shipped / item_delivered',
  'order.attribution_recorded': 'promotion.converted',
} as const satisfies Partial<Record<EventType, string>>;
export type DerivedType = keyof typeof DERIVED_TYPES;
export type RootType = Exclude<EventType, DerivedType>;

export function isDerivedType(type: string): type is DerivedType {
  return Object.hasOwn(DERIVED_TYPES, type);
}

/** Default weights (share points, sum 100) tuned so every type shows up within ~20k events. */
export const DEFAULT_WEIGHTS: Readonly<Record<RootType, number>> = {
  // user: 14
  'user.created': 1.0,
  'user.verified': 1.0,
  'user.profile_updated': 1.5,
  'user.role_changed': 0.4,
  'user.suspended': 0.3,
  'user.reactivated': 0.3,
  'user.deleted': 0.15,
  'user.stats_changed': 3.0,
  'user.login_succeeded': 4.15,
  'user.login_failed': 1.6,
  'user.locked': 0.6,
  // supplier: 3
  'supplier.created': 0.3,
  'supplier.verification_submitted': 0.35,
  'supplier.verified': 0.3,
  'supplier.verification_rejected': 0.15,
  'supplier.profile_updated': 0.67,
  'supplier.suspended': 0.03,
  'supplier.stats_changed': 1.2,
  // community: 9
  'community.created': 0.4,
  'community.updated': 0.8,
  'community.visibility_changed': 0.4,
  'community.member_joined': 3.14,
  'community.member_left': 1.2,
  'community.member_removed': 0.4,
  'community.deleted': 0.06,
  'community.stats_changed': 2.6,
  // product: 9
  'product.created': 0.8,
  'product.updated': 1.4,
  'product.published': 0.8,
  'product.unpublished': 0.4,
  'product.price_changed': 1.6,
  'product.inventory_adjusted': 2.8,
  'product.variant_added': 0.8,
  'product.deleted': 0.4,
  // promotion: 38 (impressions dominate, as on the real platform)
  'promotion.created': 0.5,
  'promotion.submitted': 0.6,
  'promotion.approved_admin': 0.4,
  'promotion.approved_leader': 0.5,
  'promotion.rejected_admin': 0.2,
  'promotion.rejected_leader': 0.1,
  'promotion.scheduled': 0.3,
  'promotion.activated': 0.5,
  'promotion.paused': 0.2,
  'promotion.resumed': 0.2,
  'promotion.ended': 0.12,
  'promotion.cancelled': 0.08,
  'promotion.impression': 28.9,
  'promotion.clicked': 5.4,
  // post: 12
  'post.created': 1.2,
  'post.published': 1.1,
  'post.updated': 0.8,
  'post.global_requested': 0.5,
  'post.global_approved': 0.3,
  'post.global_rejected': 0.2,
  'post.pinned': 0.4,
  'post.unpinned': 0.3,
  'post.hidden': 0.2,
  'post.deleted': 0.3,
  'post.stats_changed': 6.7,
  // order: 15
  'order.created': 1.7,
  'order.payment_initiated': 1.8,
  'order.payment_succeeded': 1.6,
  'order.payment_failed': 0.25,
  'order.confirmed': 1.6,
  'order.item_processing': 2.55,
  'order.item_shipped': 2.55,
  'order.item_delivered': 2.55,
  'order.cancelled': 0.25,
  'order.refund_initiated': 0.15,
};

export interface FamilyMix {
  readonly family: Family;
  /** Sum of the family's type weights: the scheduler's weight for the family. */
  readonly total: number;
  /** Root types of the family with a weight > 0, and their weights. */
  readonly types: readonly RootType[];
  readonly weights: readonly number[];
}

export interface ResolvedMix {
  readonly families: readonly FamilyMix[];
  /** Effective weight of every root type (0 = off). */
  readonly weightOf: Readonly<Record<RootType, number>>;
}

const ROOT_TYPES = EVENT_CATALOG.map((e) => e.type).filter((t): t is RootType => !isDerivedType(t));

function familyOf(type: string): Family {
  return type.slice(0, type.indexOf('.')) as Family;
}

/** Applies a scenario's `mix` to the defaults; unknown keys and derived types are E_CONFIG errors. */
export function resolveMix(mix: Readonly<Partial<Record<string, number>>>, where = 'world.mix'): ResolvedMix {
  const weights: Record<string, number> = { ...DEFAULT_WEIGHTS };
  const keys = Object.keys(mix);
  const validKeys = [...EntityTypes, ...ROOT_TYPES];
  const problems: string[] = [];
  for (const key of keys) {
    const value = mix[key]!;
    if (!Number.isFinite(value) || value < 0) problems.push(`${where}.${key}: weight must be a number >= 0`);
    if ((EntityTypes as readonly string[]).includes(key) || ROOT_TYPES.includes(key as RootType)) continue;
    if (isDerivedType(key)) {
      problems.push(`${where}.${key}: has no weight of its own; it follows ${DERIVED_TYPES[key]}`);
    } else {
      problems.push(
        `${where}.${key}: not an entity family or event type (did you mean ${closestNames(key, validKeys).join(', ')}?)`,
      );
    }
  }
  if (problems.length > 0) {
    throw new ScSimError(
      'E_CONFIG',
      `invalid event mix (${problems.length} problem${problems.length > 1 ? 's' : ''})`,
      {
        details: problems,
        hint: `keys are families (${EntityTypes.join(', ')}) or event types listed by \`sc-sim catalog events\`; weights are share points >= 0`,
      },
    );
  }
  // Family keys first (rescale that family's defaults to the given total), then single types.
  for (const family of EntityTypes) {
    const target = mix[family];
    if (target === undefined) continue;
    const members = ROOT_TYPES.filter((t) => familyOf(t) === family);
    const sum = members.reduce((s, t) => s + DEFAULT_WEIGHTS[t], 0);
    for (const t of members) weights[t] = sum > 0 ? (DEFAULT_WEIGHTS[t] * target) / sum : 0;
  }
  for (const t of ROOT_TYPES) if (mix[t] !== undefined) weights[t] = mix[t];

  const families = EntityTypes.map((family): FamilyMix => {
    const types = ROOT_TYPES.filter((t) => familyOf(t) === family && weights[t]! > 0);
    const ws = types.map((t) => weights[t]!);
    return { family, total: ws.reduce((s, w) => s + w, 0), types, weights: ws };
  });
  if (families.every((f) => f.total === 0)) {
    throw new ScSimError('E_CONFIG', `${where} turns every activity off`, {
      hint: 'give at least one family or event type a weight > 0',
    });
  }
  return { families, weightOf: weights as Record<RootType, number> };
}
