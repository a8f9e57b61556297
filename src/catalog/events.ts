// The event catalog of ../shared/spec/topic-event-catalog.md §3 as typed data: 74 event types with
// their topic and payload fields. Generators, JSON Schemas, `sc-sim catalog events` and the docs are
// all derived from it, and payload TypeScript types are computed from it (see `Payload<T>`), so a
// generator cannot emit a type or a field this file does not declare.
import type { DomainTopicName } from './topics.js';
import type { EntityType } from '../envelope.js';
import {
  arrayOf,
  bool,
  cents,
  currency,
  datetime,
  ext,
  int,
  nullable,
  objectOf,
  oneOf,
  opt,
  str,
  stringMap,
  url,
  uuid,
  type FieldMap,
  type PayloadOfFields,
} from './fields.js';

export type { FieldMap, FieldSpec, ScalarKind, PayloadOfFields, TsOf } from './fields.js';

// ---------------------------------------------------------------------------------------------
// Closed value sets (exported so generators draw from exactly what the schemas allow)

export const USER_ROLES = ['consumer', 'leader'] as const;
export const USER_STATUSES = ['pending', 'active', 'suspended', 'locked', 'deleted'] as const;
export const USER_PROFILE_FIELDS = ['display_name', 'avatar_url', 'bio'] as const;
export const USER_STAT_TYPES = ['followers', 'following', 'orders', 'posts'] as const;
export const LOGIN_METHODS = ['password', 'oauth_google', 'oauth_apple', 'magic_link', 'passkey'] as const;
export const LOGIN_FAILURE_REASONS = ['invalid_password', 'unknown_account', 'mfa_failed', 'expired_password'] as const;
export const LOCK_TRIGGER_REASONS = ['too_many_failed_logins'] as const;

export const SUPPLIER_DOCUMENT_TYPES = [
  'business_license',
  'tax_certificate',
  'identity_document',
  'bank_statement',
  'proof_of_address',
] as const;
export const SUPPLIER_TIERS = ['basic', 'standard', 'premium'] as const;
export const SUPPLIER_REJECTION_REASONS = [
  'document_unreadable',
  'document_expired',
  'business_not_found',
  'information_mismatch',
  'missing_tax_certificate',
] as const;
export const SUPPLIER_PROFILE_FIELDS = [
  'company_name',
  'description',
  'logo_url',
  'website_url',
  'return_policy',
  'shipping_regions',
] as const;
export const SUPPLIER_STAT_TYPES = ['products', 'orders', 'followers', 'reviews'] as const;

export const COMMUNITY_VISIBILITIES = ['public', 'private'] as const;
export const COMMUNITY_FIELDS = ['name', 'description', 'cover_image_url', 'rules', 'tags'] as const;
/** `owner`: the creator joins their own community right after `community.created`. */
export const JOIN_METHODS = ['owner', 'invite', 'link', 'search', 'feed', 'approval'] as const;
export const COMMUNITY_STAT_TYPES = ['posts', 'engagement', 'views', 'active_members'] as const;

export const PRODUCT_STATUSES = ['draft', 'published', 'unpublished', 'deleted'] as const;
export const PRODUCT_FIELDS = ['name', 'description', 'category', 'images', 'tags'] as const;
/** `initial` stocks a new variant; `fulfillment` consumes an order's reservation (with order_id). */
export const ADJUSTMENT_TYPES = ['initial', 'restock', 'correction', 'damage', 'return', 'fulfillment'] as const;

export const PROMOTION_TYPES = ['percentage_discount', 'fixed_discount', 'bogo', 'free_shipping', 'bundle'] as const;
/** `global` needs admin approval; `community` needs each targeted community's leader; `hybrid` both. */
export const PROMOTION_VISIBILITIES = ['global', 'community', 'hybrid'] as const;
export const PROMOTION_END_REASONS = ['end_date_reached', 'manual', 'budget_exhausted'] as const;
export const FEED_TYPES = ['global', 'community', 'profile', 'search'] as const;

export const POST_TYPES = ['text', 'image', 'video', 'product_showcase', 'poll'] as const;
export const POST_FIELDS = ['title', 'body', 'media', 'tags'] as const;
export const POST_STAT_TYPES = ['likes', 'comments', 'shares', 'views'] as const;

export const ORDER_STATUSES = [
  'pending',
  'awaiting_payment',
  'payment_failed',
  'paid',
  'confirmed',
  'processing',
  'shipped',
  'delivered',
  'cancelled',
  'refunded',
] as const;
export const PAYMENT_METHODS = ['card', 'paypal', 'apple_pay', 'google_pay', 'bank_transfer'] as const;
export const PAYMENT_FAILURE_CODES = [
  'card_declined',
  'insufficient_funds',
  'expired_card',
  'authentication_failed',
  'processing_error',
] as const;
export const CARRIERS = ['UPS', 'FedEx', 'DHL', 'USPS'] as const;
export const UTM_SOURCES = ['community_feed', 'global_feed', 'promotion_card', 'share_link', 'search'] as const;

// ---------------------------------------------------------------------------------------------
// Event types

export type Family = EntityType;
type FamilyOf<T extends string> = T extends `${infer F}.${string}` ? F : never;

export interface EventSpec {
  /** `<family>.<action>`, e.g. `order.created`. */
  readonly type: string;
  readonly family: Family;
  readonly topic: DomainTopicName;
  readonly version: number;
  /** The spec's TRIGGER column. */
  readonly trigger: string;
  /** Payload fields in the order the spec lists them (extensions last). */
  readonly fields: FieldMap;
}

function ev<const T extends `${Family}.${string}`, const F extends FieldMap>(type: T, trigger: string, fields: F) {
  const family = type.slice(0, type.indexOf('.')) as FamilyOf<T>;
  return { type, family, topic: `sc.domain.${family}`, version: 1, trigger, fields } as const;
}

const REASON = 'Human-readable reason';
const ACTOR = 'Admin, leader or supplier id of whoever acted';

export const EVENT_CATALOG = [
  // §3.1 User events (sc.domain.user)
  ev('user.created', 'Registration complete', {
    user_id: uuid(),
    role: oneOf(USER_ROLES),
    status: oneOf(['pending']),
    created_at: datetime(),
    display_name: ext(str('Initial display name, so user cards can be built from the first event')),
  }),
  ev('user.verified', 'Email verified', {
    user_id: uuid(),
    previous_status: oneOf(['pending']),
    new_status: oneOf(['active']),
    verified_at: datetime(),
  }),
  ev('user.profile_updated', 'Profile fields changed', {
    user_id: uuid(),
    changed_fields: arrayOf(oneOf(USER_PROFILE_FIELDS)),
    display_name: str('Current value after the change'),
    avatar_url: url('Current value after the change'),
    bio: str('Current value after the change'),
  }),
  ev('user.role_changed', 'Consumer ↔ Leader', {
    user_id: uuid(),
    previous_role: oneOf(USER_ROLES),
    new_role: oneOf(USER_ROLES),
    reason: str(REASON),
    actor_id: uuid(ACTOR),
  }),
  ev('user.suspended', 'Account suspended', {
    user_id: uuid(),
    reason: str(REASON),
    suspended_by: uuid(ACTOR),
    suspended_until: datetime(),
  }),
  ev('user.reactivated', 'Suspension lifted', {
    user_id: uuid(),
    reactivated_by: uuid(ACTOR),
  }),
  ev('user.deleted', 'Soft delete', {
    user_id: uuid(),
    deleted_by: uuid('The user themselves or an admin'),
    reason: str(REASON),
  }),
  ev('user.stats_changed', 'Counter updates (followers, orders)', {
    user_id: uuid(),
    stat_type: oneOf(USER_STAT_TYPES),
    previous_value: int(0),
    new_value: int(0),
    delta: int(undefined, 'new_value - previous_value'),
  }),
  ev('user.login_succeeded', 'Successful login (security audit)', {
    user_id: uuid(),
    login_method: oneOf(LOGIN_METHODS),
    // Privacy: never an IP address or device fingerprint (spec §3.1).
  }),
  ev('user.login_failed', 'Failed login (security audit)', {
    user_id: opt(uuid('Absent when the attempted login matches no account')),
    failure_reason: oneOf(LOGIN_FAILURE_REASONS),
    attempt_count: int(1, 'Consecutive failures for this login'),
  }),
  ev('user.locked', 'Account locked (too many failures)', {
    user_id: uuid(),
    locked_until: datetime(),
    trigger_reason: oneOf(LOCK_TRIGGER_REASONS),
  }),

  // §3.2 Supplier events (sc.domain.supplier)
  ev('supplier.created', 'Registration', {
    supplier_id: uuid(),
    company_name: str(),
    status: oneOf(['pending']),
  }),
  ev('supplier.verification_submitted', 'Docs submitted', {
    supplier_id: uuid(),
    documents_types: arrayOf(oneOf(SUPPLIER_DOCUMENT_TYPES)),
    submitted_at: datetime(),
  }),
  ev('supplier.verified', 'Admin approved', {
    supplier_id: uuid(),
    verified_by: uuid(ACTOR),
    verification_tier: oneOf(SUPPLIER_TIERS),
  }),
  ev('supplier.verification_rejected', 'Admin rejected', {
    supplier_id: uuid(),
    rejected_by: uuid(ACTOR),
    rejection_reasons: arrayOf(oneOf(SUPPLIER_REJECTION_REASONS)),
  }),
  ev('supplier.profile_updated', 'Profile changed', {
    supplier_id: uuid(),
    changed_fields: arrayOf(oneOf(SUPPLIER_PROFILE_FIELDS)),
  }),
  ev('supplier.suspended', 'Account suspended', {
    supplier_id: uuid(),
    reason: str(REASON),
    suspended_by: uuid(ACTOR),
  }),
  ev('supplier.stats_changed', 'Counter updates', {
    supplier_id: uuid(),
    stat_type: oneOf(SUPPLIER_STAT_TYPES),
    delta: int(),
  }),

  // §3.3 Community events (sc.domain.community)
  ev('community.created', 'Leader creates', {
    community_id: uuid(),
    owner_id: uuid('A user with role leader'),
    name: str(),
    visibility: oneOf(COMMUNITY_VISIBILITIES),
  }),
  ev('community.updated', 'Settings changed', {
    community_id: uuid(),
    changed_fields: arrayOf(oneOf(COMMUNITY_FIELDS)),
  }),
  ev('community.visibility_changed', 'Public ↔ Private', {
    community_id: uuid(),
    previous_visibility: oneOf(COMMUNITY_VISIBILITIES),
    new_visibility: oneOf(COMMUNITY_VISIBILITIES),
  }),
  ev('community.member_joined', 'User joins', {
    community_id: uuid(),
    user_id: uuid(),
    join_method: oneOf(JOIN_METHODS),
    member_count_after: int(1),
  }),
  ev('community.member_left', 'User leaves', {
    community_id: uuid(),
    user_id: uuid(),
    member_count_after: int(0),
  }),
  ev('community.member_removed', 'Leader removes', {
    community_id: uuid(),
    user_id: uuid(),
    removed_by: uuid('The community owner'),
    reason: str(REASON),
    member_count_after: ext(int(0, 'Members after the removal, like member_left')),
  }),
  ev('community.deleted', 'Soft delete', {
    community_id: uuid(),
    deleted_by: uuid(ACTOR),
    member_count_at_del: int(0),
  }),
  ev('community.stats_changed', 'Counter updates', {
    community_id: uuid(),
    stat_type: oneOf(COMMUNITY_STAT_TYPES),
    delta: int(),
  }),

  // §3.4 Product events (sc.domain.product)
  ev('product.created', 'Supplier creates', {
    product_id: uuid(),
    supplier_id: uuid(),
    name: str(),
    category: str(),
    status: oneOf(['draft']),
  }),
  ev('product.updated', 'Details changed', {
    product_id: uuid(),
    changed_fields: arrayOf(oneOf(PRODUCT_FIELDS)),
  }),
  ev('product.published', 'Made visible', {
    product_id: uuid(),
    published_at: datetime(),
  }),
  ev('product.unpublished', 'Hidden from listing', {
    product_id: uuid(),
    reason: str(REASON),
  }),
  ev('product.price_changed', 'Price modified', {
    product_id: uuid(),
    variant_id: opt(uuid('Absent: the change applies to every variant (all had previous_price)')),
    previous_price: cents(),
    new_price: cents(),
    currency: currency(),
  }),
  ev('product.inventory_adjusted', 'Stock changed', {
    product_id: uuid(),
    variant_id: uuid(),
    location_id: uuid('Warehouse holding the variant'),
    previous_qty: int(0, 'On-hand quantity before (reserved units included)'),
    new_qty: int(0, 'On-hand quantity after; never below the reserved quantity except by fulfillment'),
    adjustment_type: oneOf(ADJUSTMENT_TYPES),
    reason: str(REASON),
    order_id: ext(opt(uuid('Set for fulfillment: the order whose reservation the shipped units consume'))),
  }),
  ev('product.inventory_reserved', 'Stock reserved (for pending order)', {
    product_id: uuid(),
    variant_id: uuid(),
    order_id: uuid(),
    reserved_qty: int(1),
  }),
  ev('product.inventory_released', 'Reserved released (order cancelled)', {
    product_id: uuid(),
    variant_id: uuid(),
    order_id: uuid(),
    released_qty: int(1),
  }),
  ev('product.variant_added', 'New variant', {
    product_id: uuid(),
    variant_id: uuid(),
    variant_name: str(),
    attributes: stringMap('e.g. { "color": "red", "size": "M" }'),
    price_cents: ext(cents('Initial unit price of the variant')),
    currency: ext(currency()),
  }),
  ev('product.deleted', 'Soft delete', {
    product_id: uuid(),
    reason: str(REASON),
  }),

  // §3.5 Promotion events (sc.domain.promotion)
  ev('promotion.created', 'Supplier creates', {
    promotion_id: uuid(),
    supplier_id: uuid(),
    promotion_type: oneOf(PROMOTION_TYPES),
    title: str(),
    visibility_type: oneOf(PROMOTION_VISIBILITIES),
    community_ids: arrayOf(uuid()),
    product_ids: arrayOf(uuid()),
    status: oneOf(['draft']),
  }),
  ev('promotion.submitted', 'Submitted for approval', {
    promotion_id: uuid(),
    submitted_at: datetime(),
    requires_admin: bool(),
    requires_leaders: arrayOf(uuid(), 'Owners of the targeted communities'),
  }),
  ev('promotion.approved_admin', 'Admin approved global visibility', {
    promotion_id: uuid(),
    approved_by: uuid(ACTOR),
    notes: str(),
  }),
  ev('promotion.approved_leader', 'Leader approved for their community', {
    promotion_id: uuid(),
    community_id: uuid(),
    approved_by: uuid('The community owner'),
  }),
  ev('promotion.rejected_admin', 'Admin rejected', {
    promotion_id: uuid(),
    rejected_by: uuid(ACTOR),
    rejection_reason: str(REASON),
  }),
  ev('promotion.rejected_leader', 'Leader rejected', {
    promotion_id: uuid(),
    community_id: uuid(),
    rejected_by: uuid('The community owner'),
    rejection_reason: str(REASON),
  }),
  ev('promotion.scheduled', 'Approved, future start date', {
    promotion_id: uuid(),
    scheduled_start: datetime(),
    scheduled_end: datetime(),
  }),
  ev('promotion.activated', 'Goes live (IMMUTABLE MARKER)', {
    promotion_id: uuid(),
    first_activated_at: datetime(),
    visibility_scope: oneOf(PROMOTION_VISIBILITIES),
    community_ids: arrayOf(uuid()),
    products_snapshot: arrayOf(
      objectOf({ product_id: uuid(), name: str(), price_cents: cents('Lowest variant price'), currency: currency() }),
    ),
  }),
  ev('promotion.paused', 'Supplier pauses', {
    promotion_id: uuid(),
    paused_by: uuid('The supplier'),
    reason: str(REASON),
  }),
  ev('promotion.resumed', 'Supplier resumes', {
    promotion_id: uuid(),
    resumed_by: uuid('The supplier'),
  }),
  ev('promotion.ended', 'End date reached or manually ended', {
    promotion_id: uuid(),
    end_reason: oneOf(PROMOTION_END_REASONS),
    final_stats: objectOf(
      { impressions: int(0), clicks: int(0), conversions: int(0), revenue_cents: cents() },
      'Totals of this promotion’s impression/clicked/converted events',
    ),
  }),
  ev('promotion.cancelled', 'Supplier cancels', {
    promotion_id: uuid(),
    cancelled_by: uuid('The supplier'),
    reason: str(REASON),
  }),
  ev('promotion.impression', 'User viewed (high volume)', {
    promotion_id: uuid(),
    community_id: opt(uuid()),
    feed_type: oneOf(FEED_TYPES),
    viewer_id: ext(uuid('The user who saw it: what a salted record key hashes (see `keys:` in scenarios)')),
  }),
  ev('promotion.clicked', 'User clicked', {
    promotion_id: uuid(),
    community_id: opt(uuid()),
    product_id: uuid(),
    viewer_id: ext(uuid('The user who clicked')),
  }),
  ev('promotion.converted', 'Purchase attributed', {
    promotion_id: uuid(),
    order_id: uuid(),
    community_id: opt(uuid()),
    revenue_cents: cents(),
  }),

  // §3.6 Post events (sc.domain.post)
  ev('post.created', 'Author creates', {
    post_id: uuid(),
    author_id: uuid('A member of the community'),
    community_id: uuid(),
    post_type: oneOf(POST_TYPES),
    status: oneOf(['draft']),
  }),
  ev('post.published', 'Made visible', {
    post_id: uuid(),
    published_at: datetime(),
  }),
  ev('post.updated', 'Content edited', {
    post_id: uuid(),
    changed_fields: arrayOf(oneOf(POST_FIELDS)),
  }),
  ev('post.global_requested', 'Author requests global distribution', {
    post_id: uuid(),
    requested_at: datetime(),
  }),
  ev('post.global_approved', 'Admin approved', {
    post_id: uuid(),
    approved_by: uuid(ACTOR),
    approved_at: datetime(),
  }),
  ev('post.global_rejected', 'Admin rejected', {
    post_id: uuid(),
    rejected_by: uuid(ACTOR),
    rejection_reason: str(REASON),
  }),
  ev('post.pinned', 'Leader pins', {
    post_id: uuid(),
    pinned_by: uuid('The community owner'),
    community_id: uuid(),
  }),
  ev('post.unpinned', 'Leader unpins', {
    post_id: uuid(),
    unpinned_by: uuid('The community owner'),
  }),
  ev('post.hidden', 'Moderation hide', {
    post_id: uuid(),
    hidden_by: uuid(ACTOR),
    reason: str(REASON),
  }),
  ev('post.deleted', 'Soft delete', {
    post_id: uuid(),
    deleted_by: uuid(ACTOR),
    reason: str(REASON),
  }),
  ev('post.stats_changed', 'Engagement updated (likes, comments)', {
    post_id: uuid(),
    stat_type: oneOf(POST_STAT_TYPES),
    delta: int(),
  }),

  // §3.7 Order events (sc.domain.order)
  ev('order.created', 'Checkout initiated', {
    order_id: uuid(),
    order_number: str(),
    customer_id: uuid(),
    item_count: int(1, 'Number of line items'),
    total_cents: cents(),
    currency: currency(),
    status: oneOf(['pending']),
    items: ext(
      arrayOf(
        objectOf({
          item_id: uuid(),
          product_id: uuid(),
          variant_id: uuid(),
          supplier_id: uuid(),
          quantity: int(1),
          unit_price_cents: cents(),
        }),
        'Line items, so per-item reservations and fulfilment can be followed',
      ),
    ),
  }),
  ev('order.payment_initiated', 'Payment started', {
    order_id: uuid(),
    payment_method: oneOf(PAYMENT_METHODS),
    amount_cents: cents(),
  }),
  ev('order.payment_succeeded', 'Payment captured', {
    order_id: uuid(),
    transaction_id: str(),
    amount_cents: cents(),
  }),
  ev('order.payment_failed', 'Payment rejected', {
    order_id: uuid(),
    failure_reason: str(REASON),
    failure_code: oneOf(PAYMENT_FAILURE_CODES),
  }),
  ev('order.confirmed', 'Payment complete, order locked', {
    order_id: uuid(),
    confirmed_at: datetime(),
    item_snapshots: arrayOf(
      objectOf({
        item_id: uuid(),
        product_id: uuid(),
        variant_id: uuid(),
        product_name: str(),
        variant_name: str(),
        quantity: int(1),
        unit_price_cents: cents(),
      }),
    ),
  }),
  ev('order.item_processing', 'Supplier started fulfillment', {
    order_id: uuid(),
    item_id: uuid(),
    supplier_id: uuid(),
  }),
  ev('order.item_shipped', 'Item shipped', {
    order_id: uuid(),
    item_id: uuid(),
    supplier_id: uuid(),
    tracking_number: str(),
    carrier: oneOf(CARRIERS),
    shipped_at: datetime(),
  }),
  ev('order.item_delivered', 'Item delivered', {
    order_id: uuid(),
    item_id: uuid(),
    delivered_at: datetime(),
  }),
  ev('order.status_changed', 'Aggregate status transition', {
    order_id: uuid(),
    previous_status: oneOf(ORDER_STATUSES),
    new_status: oneOf(ORDER_STATUSES),
    changed_at: datetime(),
  }),
  ev('order.cancelled', 'Order cancelled', {
    order_id: uuid(),
    cancelled_by: uuid('The customer or an admin'),
    reason: str(REASON),
    refund_amount: cents('Amount captured so far (0 if unpaid)'),
  }),
  ev('order.refund_initiated', 'Refund started (future)', {
    order_id: uuid(),
    refund_amount: cents(),
    reason: str(REASON),
  }),
  ev('order.attribution_recorded', 'Attribution snapshot captured', {
    order_id: uuid(),
    promotion_id: uuid(),
    community_id: nullable(uuid('null when the purchase came from the global feed')),
    leader_id: nullable(uuid('Owner of community_id; null with it')),
    supplier_id: uuid(),
    utm_source: oneOf(UTM_SOURCES),
    utm_campaign: str(),
  }),
] as const satisfies readonly EventSpec[];

// ---------------------------------------------------------------------------------------------
// Types derived from the catalog

type CatalogEntry = (typeof EVENT_CATALOG)[number];
export type EventType = CatalogEntry['type'];
export type EventSpecOf<T extends EventType> = Extract<CatalogEntry, { type: T }>;

/** The payload type of one event type, e.g. `Payload<'order.created'>`. */
export type Payload<T extends EventType> = PayloadOfFields<EventSpecOf<T>['fields']>;

// ---------------------------------------------------------------------------------------------
// Lookups

export const EVENT_TYPES: readonly EventType[] = EVENT_CATALOG.map((e) => e.type);

const byType = new Map<string, EventSpec>(EVENT_CATALOG.map((e) => [e.type, e]));

export function getEventSpec(type: string): EventSpec | undefined {
  return byType.get(type);
}

export function isEventType(type: string): type is EventType {
  return byType.has(type);
}

export function eventsForTopic(topic: string): EventSpec[] {
  return EVENT_CATALOG.filter((e) => e.topic === topic);
}

/** Names of the fields a payload must always contain. */
export function requiredFields(spec: EventSpec): string[] {
  return Object.entries(spec.fields)
    .filter(([, f]) => !f.optional)
    .map(([name]) => name);
}

/** Levenshtein distance, for "did you mean" hints. */
function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = prev[j]!;
      prev[j] = Math.min(above + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = above;
    }
  }
  return prev[b.length]!;
}

/** The `limit` names closest to `input` (substring matches first), for error hints. */
export function closestNames(input: string, names: readonly string[], limit = 3): string[] {
  const needle = input.toLowerCase();
  return [...names]
    .map((name) => ({ name, score: name.includes(needle) ? -1 : editDistance(needle, name) }))
    .sort((a, b) => a.score - b.score || a.name.localeCompare(b.name))
    .slice(0, limit)
    .map((s) => s.name);
}

/**
 * The session funnel as the stream shows it (metrics/sessions.ts): the types that are its steps, in
 * funnel order, and the payload field naming the user who acted. The catalog has no cart event: a
 * cart shows only as the order that buys it.
 */
export const SESSION_STEPS = {
  'user.login_succeeded': { step: 'login', actor: 'user_id' },
  'promotion.impression': { step: 'impression', actor: 'viewer_id' },
  'promotion.clicked': { step: 'click', actor: 'viewer_id' },
  'order.created': { step: 'order', actor: 'customer_id' },
} as const satisfies Partial<Record<EventType, { step: string; actor: string }>>;
export type SessionStep = (typeof SESSION_STEPS)[keyof typeof SESSION_STEPS]['step'];

/** The user who acted in a session step's payload, or undefined for any other type. */
export function sessionActorOf(eventType: string, payload: Readonly<Record<string, unknown>>): string | undefined {
  const step = SESSION_STEPS[eventType as keyof typeof SESSION_STEPS];
  if (step === undefined) return undefined;
  const actor = payload[step.actor];
  return typeof actor === 'string' ? actor : undefined;
}
