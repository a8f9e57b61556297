// The derived topics of ../shared/spec/topic-event-catalog.md §2.2–2.4 as typed data: what sc-sim
// writes to the 8 projection, 12 analytics, 4 DLQ topics and the heartbeat. The spec gives their
// names, keys, partitions, retention and purpose, NOT their payloads: every payload below is
// sc-sim's own design, as the platform's projection and analytics services would emit them.
// JSON Schemas, the AsyncAPI document, the README tables and the projector's TypeScript types are
// all derived from this file (src/derive/ builds the records).
import {
  ADJUSTMENT_TYPES,
  COMMUNITY_VISIBILITIES,
  LOGIN_FAILURE_REASONS,
  LOGIN_METHODS,
  ORDER_STATUSES,
  PAYMENT_METHODS,
  POST_TYPES,
  PRODUCT_STATUSES,
  PROMOTION_END_REASONS,
  PROMOTION_TYPES,
  PROMOTION_VISIBILITIES,
  SUPPLIER_DOCUMENT_TYPES,
  SUPPLIER_REJECTION_REASONS,
  SUPPLIER_TIERS,
  USER_ROLES,
  USER_STATUSES,
  UTM_SOURCES,
  CARRIERS,
  type EventType,
} from './events.js';
import {
  arrayOf,
  bool,
  cents,
  currency,
  datetime,
  decimal,
  int,
  nullable,
  objectOf,
  oneOf,
  str,
  stringMap,
  url,
  uuid,
  type FieldMap,
  type PayloadOfFields,
} from './fields.js';
import type { TopicName } from './topics.js';

/** Bumped when the projector's logic changes what a record says: consumers rebuild on a new version. */
export const PROJECTION_VERSION = 1;
/** Width of the analytics windows (community growth, promotion performance), in simulated time. */
export const ANALYTICS_WINDOW_MS = 60 * 60 * 1000;
/** Fulfilment SLA targets, counted from the order's confirmation. */
export const SHIP_SLA_MS = 24 * 60 * 60 * 1000;
export const DELIVER_SLA_MS = 5 * 24 * 60 * 60 * 1000;
/** A product with fewer available units than this (but some) is `low_stock`. */
export const LOW_STOCK_UNITS = 5;

// ---------------------------------------------------------------------------------------------
// Value sets of derived records

export const SUPPLIER_CARD_STATUSES = ['pending', 'submitted', 'verified', 'rejected', 'suspended'] as const;
export const PROMOTION_STATUSES = [
  'draft',
  'submitted',
  'scheduled',
  'active',
  'paused',
  'ended',
  'cancelled',
  'rejected',
] as const;
export const FEED_ITEM_STATUSES = ['visible', 'hidden', 'removed'] as const;
export const FEED_ACTIONS = ['added', 'updated', 'removed'] as const;
export const ITEM_STATUSES = ['pending', 'processing', 'shipped', 'delivered', 'cancelled'] as const;
export const LIFECYCLE_CAUSES = [
  'user.created',
  'user.verified',
  'user.suspended',
  'user.reactivated',
  'user.deleted',
  'user.locked',
  'user.role_changed',
  'lock_expired',
] as const;
export const SECURITY_ACTIONS = ['login_succeeded', 'login_failed', 'locked', 'suspended', 'reactivated'] as const;
export const VERIFICATION_STEPS = ['registered', 'submitted', 'verified', 'rejected', 'suspended'] as const;
export const FULFILMENT_MILESTONES = ['processing', 'shipped', 'delivered'] as const;
export const MODERATION_ACTIONS = [
  'member_removed',
  'post_hidden',
  'post_deleted',
  'post_pinned',
  'post_unpinned',
  'promotion_approved',
  'promotion_rejected',
  'community_deleted',
] as const;
export const MODERATION_TARGETS = ['user', 'post', 'promotion', 'community'] as const;
export const CATALOG_HEALTH = ['draft', 'healthy', 'low_stock', 'out_of_stock', 'unpublished', 'deleted'] as const;
export const PROMOTION_ACTIONS = [
  'created',
  'submitted',
  'approved_admin',
  'approved_leader',
  'rejected_admin',
  'rejected_leader',
  'scheduled',
  'activated',
  'paused',
  'resumed',
  'ended',
  'cancelled',
] as const;
export const DISTRIBUTION_ACTIONS = [
  'published',
  'global_requested',
  'global_approved',
  'global_rejected',
  'pinned',
  'unpinned',
  'hidden',
  'deleted',
] as const;
export const FUNNEL_STEPS = [
  'checkout_started',
  'payment_initiated',
  'payment_succeeded',
  'payment_failed',
  'confirmed',
  'processing',
  'shipped',
  'delivered',
  'cancelled',
  'refunded',
] as const;
export const REVENUE_KINDS = ['recognized', 'attributed', 'reversed'] as const;

// ---------------------------------------------------------------------------------------------
// Projection and analytics record types

export interface DerivedSpec {
  readonly topic: TopicName;
  /** `event_type` of its records, e.g. `proj.user_card`. */
  readonly recordType: string;
  /** Version of this record type's payload schema (`event_version`). */
  readonly version: number;
  /** Payload field whose value is the record key (the catalog's key field). */
  readonly keyField: string;
  /** `entity_type` of its records: what the key identifies. */
  readonly entityType: string;
  /** Domain event types that can produce a record here. */
  readonly sources: readonly EventType[];
  /** When a record is written and what it holds, one or two sentences (README, schemas). */
  readonly derivation: string;
  readonly fields: FieldMap;
}

const AT = 'When the change happened: the source event’s occurred_at';

function derived<const T extends TopicName, const F extends FieldMap>(
  topic: T,
  recordType: string,
  entityType: string,
  sources: readonly EventType[],
  derivation: string,
  fields: F,
) {
  const keyField = Object.keys(fields)[0]!;
  return { topic, recordType, version: 1, keyField, entityType, sources, derivation, fields } as const;
}

const USER_EVENTS = [
  'user.created',
  'user.verified',
  'user.profile_updated',
  'user.role_changed',
  'user.suspended',
  'user.reactivated',
  'user.deleted',
  'user.stats_changed',
  'user.locked',
  'user.login_succeeded',
  'user.login_failed',
] as const satisfies readonly EventType[];

const feedItemFields = {
  feed_item_id: uuid('Stable id of the feed item (derived from the feed and the post id)'),
  post_id: uuid(),
  community_id: uuid(),
  author_id: uuid(),
  post_type: oneOf(POST_TYPES),
  action: oneOf(FEED_ACTIONS, 'added on the first record of the item, removed when it leaves the feed'),
  status: oneOf(FEED_ITEM_STATUSES),
  pinned: bool('Pinned by the community’s leader'),
  published_at: datetime(),
  likes: int(0),
  comments: int(0),
  shares: int(0),
  views: int(0),
  engagement_score: int(0, 'Ranking input: likes + 3 × comments + 5 × shares'),
  edit_count: int(0, 'post.updated events so far'),
  updated_at: datetime(AT),
} as const;

export const DERIVED_CATALOG = [
  // §2.2 Consumer projections: the entity's display state after each change, keyed like its domain topic.
  derived(
    'sc.proj.consumer.user-cards',
    'proj.user_card',
    'user',
    USER_EVENTS,
    'The user’s card after every user event that changes what is displayed (logins only when they are the first sign that a lock ran out).',
    {
      user_id: uuid(),
      display_name: str(),
      avatar_url: nullable(url('null until the first profile update')),
      bio: nullable(str('null until the first profile update')),
      role: oneOf(USER_ROLES),
      status: oneOf(USER_STATUSES, 'locked lasts until locked_until; the next event after it shows active'),
      follower_count: int(0),
      following_count: int(0),
      order_count: int(0),
      post_count: int(0),
      member_since: datetime('user.created’s created_at'),
      verified_at: nullable(datetime()),
      suspended_until: nullable(datetime()),
      locked_until: nullable(datetime()),
      updated_at: datetime(AT),
    },
  ),
  derived(
    'sc.proj.consumer.supplier-cards',
    'proj.supplier_card',
    'supplier',
    [
      'supplier.created',
      'supplier.verification_submitted',
      'supplier.verified',
      'supplier.verification_rejected',
      'supplier.profile_updated',
      'supplier.suspended',
      'supplier.stats_changed',
    ],
    'The supplier’s store card after every supplier event; counters are the sums of stats_changed deltas.',
    {
      supplier_id: uuid(),
      company_name: str(),
      status: oneOf(SUPPLIER_CARD_STATUSES),
      verification_tier: nullable(oneOf(SUPPLIER_TIERS)),
      documents_types: arrayOf(oneOf(SUPPLIER_DOCUMENT_TYPES), 'Documents of the latest submission'),
      product_count: int(),
      order_count: int(),
      follower_count: int(),
      review_count: int(),
      profile_edits: int(0, 'supplier.profile_updated events so far'),
      updated_at: datetime(AT),
    },
  ),
  derived(
    'sc.proj.consumer.community-cards',
    'proj.community_card',
    'community',
    [
      'community.created',
      'community.updated',
      'community.visibility_changed',
      'community.member_joined',
      'community.member_left',
      'community.member_removed',
      'community.deleted',
      'community.stats_changed',
    ],
    'The community’s card after every community event; member_count is the latest member_count_after.',
    {
      community_id: uuid(),
      owner_id: uuid(),
      name: str(),
      visibility: oneOf(COMMUNITY_VISIBILITIES),
      status: oneOf(['active', 'deleted']),
      member_count: int(0),
      post_count: int(),
      engagement_count: int(),
      view_count: int(),
      active_members: int(),
      settings_edits: int(0, 'community.updated events so far'),
      updated_at: datetime(AT),
    },
  ),
  derived(
    'sc.proj.consumer.product-listings',
    'proj.product_listing',
    'product',
    [
      'product.created',
      'product.updated',
      'product.published',
      'product.unpublished',
      'product.price_changed',
      'product.inventory_adjusted',
      'product.inventory_reserved',
      'product.inventory_released',
      'product.variant_added',
      'product.deleted',
    ],
    'The product’s listing card after every product event: status, variants with price and units available (on hand − reserved).',
    {
      product_id: uuid(),
      supplier_id: uuid(),
      name: str(),
      category: str(),
      status: oneOf(PRODUCT_STATUSES),
      currency: nullable(currency()),
      min_price_cents: nullable(cents('Lowest variant price; null without variants')),
      max_price_cents: nullable(cents()),
      available_units: int(0, 'Sum over variants of on hand − reserved'),
      in_stock: bool(),
      variants: arrayOf(
        objectOf({
          variant_id: uuid(),
          variant_name: str(),
          attributes: stringMap(),
          price_cents: cents(),
          on_hand_units: int(0),
          reserved_units: int(0),
        }),
      ),
      published_at: nullable(datetime()),
      updated_at: datetime(AT),
    },
  ),
  derived(
    'sc.proj.consumer.promotion-cards',
    'proj.promotion_card',
    'promotion',
    [
      'promotion.created',
      'promotion.submitted',
      'promotion.approved_admin',
      'promotion.approved_leader',
      'promotion.rejected_admin',
      'promotion.rejected_leader',
      'promotion.scheduled',
      'promotion.activated',
      'promotion.paused',
      'promotion.resumed',
      'promotion.ended',
      'promotion.cancelled',
    ],
    'The promotion’s display card after every lifecycle event (engagement — impressions, clicks, conversions — goes to promotion-performance, not to the card).',
    {
      promotion_id: uuid(),
      supplier_id: uuid(),
      title: str(),
      promotion_type: oneOf(PROMOTION_TYPES),
      visibility_type: oneOf(PROMOTION_VISIBILITIES),
      status: oneOf(PROMOTION_STATUSES),
      community_ids: arrayOf(uuid()),
      product_ids: arrayOf(uuid()),
      requires_admin: bool('Set by promotion.submitted'),
      admin_approved: bool(),
      approved_community_ids: arrayOf(uuid(), 'Targeted communities whose leader approved'),
      scheduled_start: nullable(datetime()),
      scheduled_end: nullable(datetime()),
      activated_at: nullable(datetime()),
      products: arrayOf(
        objectOf({ product_id: uuid(), name: str(), price_cents: cents(), currency: currency() }),
        'The activation snapshot (empty before activation)',
      ),
      end_reason: nullable(oneOf(PROMOTION_END_REASONS)),
      updated_at: datetime(AT),
    },
  ),
  derived(
    'sc.proj.consumer.feed-global',
    'proj.feed_item',
    'feed_item',
    ['post.global_approved', 'post.updated', 'post.stats_changed', 'post.hidden', 'post.deleted'],
    'A post in the global feed: added when its global distribution is approved, then updated with every engagement change or edit, removed when hidden or deleted.',
    { ...feedItemFields },
  ),
  derived(
    'sc.proj.consumer.feed-community',
    'proj.feed_item',
    'community',
    [
      'post.published',
      'post.updated',
      'post.stats_changed',
      'post.pinned',
      'post.unpinned',
      'post.hidden',
      'post.deleted',
    ],
    'A post in its community’s feed, keyed by community: added when published, updated on engagement, edits and pins, removed when hidden or deleted.',
    (() => {
      // Same item as the global feed, keyed by community_id (the catalog key) first.
      const { community_id, ...rest } = feedItemFields;
      return { community_id, ...rest };
    })(),
  ),
  derived(
    'sc.proj.consumer.order-summaries',
    'proj.order_summary',
    'order',
    [
      'order.created',
      'order.payment_initiated',
      'order.payment_succeeded',
      'order.payment_failed',
      'order.confirmed',
      'order.item_processing',
      'order.item_shipped',
      'order.item_delivered',
      'order.status_changed',
      'order.cancelled',
      'order.refund_initiated',
      'order.attribution_recorded',
    ],
    'The order’s summary card after every order event: status, totals, payment and each line item’s fulfilment.',
    {
      order_id: uuid(),
      order_number: str(),
      customer_id: uuid(),
      status: oneOf(ORDER_STATUSES),
      currency: currency(),
      item_count: int(1),
      total_cents: cents(),
      paid_cents: cents(),
      refunded_cents: cents(),
      payment_method: nullable(oneOf(PAYMENT_METHODS)),
      payment_attempts: int(0),
      promotion_id: nullable(uuid('Set once the order’s attribution is recorded')),
      items: arrayOf(
        objectOf({
          item_id: uuid(),
          product_id: uuid(),
          variant_id: uuid(),
          supplier_id: uuid(),
          product_name: nullable(str('From the confirmation snapshot')),
          quantity: int(1),
          unit_price_cents: cents(),
          status: oneOf(ITEM_STATUSES),
          carrier: nullable(oneOf(CARRIERS)),
          tracking_number: nullable(str()),
        }),
      ),
      placed_at: datetime(),
      confirmed_at: nullable(datetime()),
      updated_at: datetime(AT),
    },
  ),

  // §2.3 Admin analytics: transitions, audits and metrics, keyed by what they are aggregated on.
  derived(
    'sc.analytics.admin.user-lifecycle',
    'analytics.user_lifecycle',
    'user',
    USER_EVENTS,
    'One record per status or role transition (from → to), with the time spent in the previous state; a lock that expired shows as locked → active at the user’s next event.',
    {
      user_id: uuid(),
      dimension: oneOf(['status', 'role']),
      from_state: nullable(str('null for the first status (user.created)')),
      to_state: str(),
      cause: oneOf(LIFECYCLE_CAUSES),
      previous_state_ms: nullable(int(0, 'Time spent in from_state')),
      actor_id: nullable(uuid()),
      at: datetime(AT),
    },
  ),
  derived(
    'sc.analytics.admin.user-security',
    'analytics.user_security',
    'user',
    ['user.login_succeeded', 'user.login_failed', 'user.locked', 'user.suspended', 'user.reactivated'],
    'Security audit: every login (failed ones with reason and streak), lock and account suspension. The domain catalog has no password-change event, so none appear. Failed logins for unknown accounts are keyed by their pseudonymous anon-… id.',
    {
      user_id: str('The user id, or the pseudonymous anon-<16 hex> id of an unknown account'),
      action: oneOf(SECURITY_ACTIONS),
      known_account: bool(),
      login_method: nullable(oneOf(LOGIN_METHODS)),
      failure_reason: nullable(oneOf(LOGIN_FAILURE_REASONS)),
      consecutive_failures: int(0, 'Failed logins in a row before this record (after it, for a failure)'),
      locked_until: nullable(datetime()),
      actor_id: nullable(uuid()),
      reason: nullable(str()),
      at: datetime(AT),
    },
  ),
  derived(
    'sc.analytics.admin.supplier-verification',
    'analytics.supplier_verification',
    'supplier',
    [
      'supplier.created',
      'supplier.verification_submitted',
      'supplier.verified',
      'supplier.verification_rejected',
      'supplier.suspended',
    ],
    'The verification audit trail: registration, each submission, the decision (with tier or reasons and the time since submission) and suspension.',
    {
      supplier_id: uuid(),
      step: oneOf(VERIFICATION_STEPS),
      submission: int(0, 'Submissions so far'),
      documents_types: arrayOf(oneOf(SUPPLIER_DOCUMENT_TYPES)),
      verification_tier: nullable(oneOf(SUPPLIER_TIERS)),
      rejection_reasons: arrayOf(oneOf(SUPPLIER_REJECTION_REASONS)),
      actor_id: nullable(uuid()),
      since_submission_ms: nullable(int(0)),
      at: datetime(AT),
    },
  ),
  derived(
    'sc.analytics.admin.supplier-fulfillment',
    'analytics.supplier_fulfillment',
    'supplier',
    ['order.item_processing', 'order.item_shipped', 'order.item_delivered'],
    `One record per line item milestone (processing, shipped, delivered) with the time since the order’s confirmation against the SLA (ship within ${SHIP_SLA_MS / 3_600_000} h, deliver within ${DELIVER_SLA_MS / 86_400_000} days).`,
    {
      supplier_id: uuid(),
      order_id: uuid(),
      item_id: uuid(),
      milestone: oneOf(FULFILMENT_MILESTONES),
      carrier: nullable(oneOf(CARRIERS)),
      confirmed_at: nullable(datetime()),
      since_confirmed_ms: nullable(int(0)),
      sla_target_ms: nullable(int(0, 'null for processing (no SLA)')),
      within_sla: nullable(bool()),
      at: datetime(AT),
    },
  ),
  derived(
    'sc.analytics.admin.community-growth',
    'analytics.community_growth',
    'community',
    ['community.member_joined', 'community.member_left', 'community.member_removed', 'post.published'],
    `Per community and ${ANALYTICS_WINDOW_MS / 60_000}-minute window of simulated time: joins, leaves, removals, posts published and the member count at the window’s last event. Written when the stream passes the window’s end (or early, flagged, when the community is deleted); its source is the window’s last counted event.`,
    {
      community_id: uuid(),
      window_start: datetime(),
      window_end: datetime(),
      joins: int(0),
      leaves: int(0),
      removals: int(0),
      net_members: int(),
      member_count: int(0),
      posts_published: int(0),
      complete: bool('false when the community was deleted before the window ended'),
    },
  ),
  derived(
    'sc.analytics.admin.community-moderation',
    'analytics.community_moderation',
    'community',
    [
      'community.member_removed',
      'community.deleted',
      'post.hidden',
      'post.deleted',
      'post.pinned',
      'post.unpinned',
      'promotion.approved_leader',
      'promotion.rejected_leader',
    ],
    'Moderation actions in a community: members removed, posts hidden, pinned or deleted by someone else than their author, leaders’ promotion decisions, the community’s deletion.',
    {
      community_id: uuid(),
      action: oneOf(MODERATION_ACTIONS),
      actor_id: uuid(),
      target_type: oneOf(MODERATION_TARGETS),
      target_id: uuid(),
      reason: nullable(str()),
      at: datetime(AT),
    },
  ),
  derived(
    'sc.analytics.admin.product-catalog',
    'analytics.product_catalog',
    'product',
    [
      'product.created',
      'product.updated',
      'product.published',
      'product.unpublished',
      'product.price_changed',
      'product.variant_added',
      'product.deleted',
      'product.inventory_adjusted',
      'product.inventory_reserved',
      'product.inventory_released',
    ],
    `Catalog health per product: on every lifecycle, content, price or variant change, and on stock events only when the health changes (out_of_stock at 0 units available, low_stock below ${LOW_STOCK_UNITS}).`,
    {
      product_id: uuid(),
      supplier_id: uuid(),
      health: oneOf(CATALOG_HEALTH),
      previous_health: nullable(oneOf(CATALOG_HEALTH)),
      change: str('The source event type'),
      adjustment_type: nullable(oneOf(ADJUSTMENT_TYPES)),
      variant_count: int(0),
      variants_in_stock: int(0),
      available_units: int(0),
      min_price_cents: nullable(cents()),
      price_changes: int(0, 'product.price_changed events so far'),
      at: datetime(AT),
    },
  ),
  derived(
    'sc.analytics.admin.promotion-lifecycle',
    'analytics.promotion_lifecycle',
    'promotion',
    [
      'promotion.created',
      'promotion.submitted',
      'promotion.approved_admin',
      'promotion.approved_leader',
      'promotion.rejected_admin',
      'promotion.rejected_leader',
      'promotion.scheduled',
      'promotion.activated',
      'promotion.paused',
      'promotion.resumed',
      'promotion.ended',
      'promotion.cancelled',
    ],
    'The promotion audit trail: every lifecycle event with the status before and after, who acted, for which community and why.',
    {
      promotion_id: uuid(),
      action: oneOf(PROMOTION_ACTIONS),
      from_status: nullable(oneOf(PROMOTION_STATUSES)),
      to_status: oneOf(PROMOTION_STATUSES),
      actor_id: nullable(uuid()),
      community_id: nullable(uuid()),
      reason: nullable(str()),
      at: datetime(AT),
    },
  ),
  derived(
    'sc.analytics.admin.promotion-performance',
    'analytics.promotion_performance',
    'promotion',
    ['promotion.impression', 'promotion.clicked', 'promotion.converted'],
    `Per promotion and ${ANALYTICS_WINDOW_MS / 60_000}-minute window of simulated time: impressions (by feed), clicks, conversions and attributed revenue, with click-through and conversion rates. Written when the stream passes the window’s end (or early, flagged, when the promotion ends); its source is the window’s last counted event.`,
    {
      promotion_id: uuid(),
      window_start: datetime(),
      window_end: datetime(),
      impressions: int(0),
      impressions_by_feed: objectOf({
        global: int(0),
        community: int(0),
        profile: int(0),
        search: int(0),
      }),
      clicks: int(0),
      conversions: int(0),
      revenue_cents: cents(),
      click_through_rate: nullable(decimal('clicks / impressions; null without impressions')),
      conversion_rate: nullable(decimal('conversions / clicks; null without clicks')),
      complete: bool('false when the promotion ended before the window did'),
    },
  ),
  derived(
    'sc.analytics.admin.post-distribution',
    'analytics.post_distribution',
    'post',
    [
      'post.published',
      'post.global_requested',
      'post.global_approved',
      'post.global_rejected',
      'post.pinned',
      'post.unpinned',
      'post.hidden',
      'post.deleted',
    ],
    'The distribution audit of a post: community publication, the global distribution request and decision (with the time it took), pins, hiding and deletion.',
    {
      post_id: uuid(),
      community_id: uuid(),
      author_id: uuid(),
      action: oneOf(DISTRIBUTION_ACTIONS),
      scope: oneOf(['community', 'global']),
      actor_id: nullable(uuid()),
      reason: nullable(str()),
      since_request_ms: nullable(int(0, 'For global_approved/rejected: time since global_requested')),
      at: datetime(AT),
    },
  ),
  derived(
    'sc.analytics.admin.order-funnel',
    'analytics.order_funnel',
    'order',
    [
      'order.created',
      'order.payment_initiated',
      'order.payment_succeeded',
      'order.payment_failed',
      'order.confirmed',
      'order.status_changed',
      'order.cancelled',
      'order.refund_initiated',
    ],
    'One record per funnel step of an order (checkout, payment, confirmation, processing, shipped, delivered, cancelled, refunded) with the time since the previous step and since checkout.',
    {
      order_id: uuid(),
      customer_id: uuid(),
      step: oneOf(FUNNEL_STEPS),
      step_number: int(1),
      previous_step: nullable(oneOf(FUNNEL_STEPS)),
      since_previous_ms: nullable(int(0)),
      since_checkout_ms: int(0),
      payment_attempt: int(0),
      total_cents: cents(),
      currency: currency(),
      at: datetime(AT),
    },
  ),
  derived(
    'sc.analytics.admin.revenue',
    'analytics.revenue',
    'order',
    ['order.payment_succeeded', 'order.attribution_recorded', 'order.refund_initiated'],
    'Revenue per order: recognized when payment is captured, attributed to a promotion (with community, leader and campaign) when the attribution is recorded, reversed (negative) when a refund starts.',
    {
      order_id: uuid(),
      kind: oneOf(REVENUE_KINDS),
      amount_cents: int(undefined, 'Negative for reversals'),
      currency: currency(),
      customer_id: uuid(),
      supplier_ids: arrayOf(uuid(), 'Suppliers of the order’s items'),
      promotion_id: nullable(uuid()),
      community_id: nullable(uuid()),
      leader_id: nullable(uuid()),
      utm_source: nullable(oneOf(UTM_SOURCES)),
      utm_campaign: nullable(str()),
      at: datetime(AT),
    },
  ),
] as const satisfies readonly DerivedSpec[];

type DerivedEntry = (typeof DERIVED_CATALOG)[number];
export type DerivedTopicName = DerivedEntry['topic'];
/** The payload type of one derived topic's records. */
export type DerivedPayload<T extends DerivedTopicName> = PayloadOfFields<Extract<DerivedEntry, { topic: T }>['fields']>;

const byTopic = new Map<string, DerivedSpec>(DERIVED_CATALOG.map((d) => [d.topic, d]));

export function getDerivedSpec(topic: string): DerivedSpec | undefined {
  return byTopic.get(topic);
}

/** Fields every projection and analytics record carries around its payload (the derived envelope). */
export const DERIVED_ENVELOPE_DOC = {
  event_id: 'Unique id of this record (derived from the source event id and the topic)',
  event_type: 'The record type, e.g. proj.user_card',
  event_version: 'Version of the record type’s payload schema',
  occurred_at: 'The source event’s occurred_at (simulated time)',
  entity_type: 'What the key identifies (user, feed_item, community, …)',
  entity_id: 'The record key: the value of the topic’s key field in the payload',
  sequence: '1, 2, 3… per key on this topic, in source order: freshness and order checks',
  correlation_id: 'The source event’s correlation_id',
  causation_id: 'The source event’s event_id',
  producer: 'Producing tool and version',
  run_id: 'The sc-sim run',
  source: 'Source position: domain topic, event_id, event_type, entity_id and per-entity sequence',
  projection_version: `Version of the projector’s logic (${PROJECTION_VERSION}); a new one means rebuilt records`,
  payload: 'The record type’s fields',
} as const;

// ---------------------------------------------------------------------------------------------
// Dead-letter queues

/** Ways a consumer fails on a record: the first four leave a malformed value in the DLQ. */
export const DLQ_FAILURES = [
  'truncated_json',
  'wrong_schema_version',
  'unknown_event_type',
  'oversize',
  'processing_timeout',
] as const;
export type DlqFailure = (typeof DLQ_FAILURES)[number];

/** Largest record value the simulated consumers accept; an `oversize` DLQ value exceeds it. */
export const CONSUMER_MAX_VALUE_BYTES = 64 * 1024;
/** About one source record in this many is dead-lettered by each failing consumer. */
export const DLQ_ONE_IN = 400;

export interface DlqSpec {
  readonly topic: TopicName;
  /** The consumer group whose failures land here (the `kafka_dlt-original-consumer-group` header). */
  readonly consumerGroup: string;
  /** Domain topics that consumer reads. */
  readonly sourceTopics: readonly TopicName[];
  readonly description: string;
}

export const DLQ_CATALOG = [
  {
    topic: 'sc.dlq.proj-user-cards',
    consumerGroup: 'sc.proj.user-cards-builder',
    sourceTopics: ['sc.domain.user'],
    description: 'User events the user-card projector could not process',
  },
  {
    topic: 'sc.dlq.proj-feed-builder',
    consumerGroup: 'sc.proj.feed-builder',
    sourceTopics: ['sc.domain.post'],
    description: 'Post events the feed builder could not process',
  },
  {
    topic: 'sc.dlq.proj-order-summaries',
    consumerGroup: 'sc.proj.order-summaries-builder',
    sourceTopics: ['sc.domain.order'],
    description: 'Order events the order-summary projector could not process',
  },
  {
    topic: 'sc.dlq.analytics-general',
    consumerGroup: 'sc.analytics.general',
    sourceTopics: [
      'sc.domain.user',
      'sc.domain.supplier',
      'sc.domain.community',
      'sc.domain.product',
      'sc.domain.promotion',
      'sc.domain.post',
      'sc.domain.order',
    ],
    description: 'Domain events the analytics pipeline could not process',
  },
] as const satisfies readonly DlqSpec[];

export function getDlqSpec(topic: string): DlqSpec | undefined {
  return DLQ_CATALOG.find((d) => d.topic === topic);
}

/** How a header value is encoded: UTF-8 text, or a big-endian integer (as Spring Kafka writes them). */
export type HeaderEncoding = 'utf8' | 'int32be' | 'int64be';

export interface HeaderSpec {
  readonly name: string;
  readonly encoding: HeaderEncoding;
  readonly doc: string;
}

/**
 * The DLQ record headers: Spring Kafka's DeadLetterPublishingRecoverer convention (`kafka_dlt-*`,
 * with its binary encodings) plus its retry-topic attempt counter, and sc-sim's own labels.
 */
export const DLQ_HEADERS: readonly HeaderSpec[] = [
  { name: 'kafka_dlt-original-topic', encoding: 'utf8', doc: 'Topic of the failed record (prefix included)' },
  { name: 'kafka_dlt-original-partition', encoding: 'int32be', doc: 'Its partition' },
  { name: 'kafka_dlt-original-offset', encoding: 'int64be', doc: 'Its offset (from the broker’s ack)' },
  {
    name: 'kafka_dlt-original-timestamp',
    encoding: 'int64be',
    doc: 'Its timestamp, ms since the epoch (the record’s own, or when its ack arrived if the producer stamped it)',
  },
  { name: 'kafka_dlt-original-timestamp-type', encoding: 'utf8', doc: 'CreateTime' },
  { name: 'kafka_dlt-original-consumer-group', encoding: 'utf8', doc: 'The consumer group that failed' },
  { name: 'kafka_dlt-exception-fqcn', encoding: 'utf8', doc: 'Class of the exception the listener threw' },
  { name: 'kafka_dlt-exception-cause-fqcn', encoding: 'utf8', doc: 'Class of its root cause' },
  { name: 'kafka_dlt-exception-message', encoding: 'utf8', doc: 'Its message' },
  { name: 'kafka_dlt-exception-stacktrace', encoding: 'utf8', doc: 'A short stack trace' },
  { name: 'retry_topic-attempts', encoding: 'int32be', doc: 'Delivery attempts before dead-lettering' },
  {
    name: 'sc-dlq-failure',
    encoding: 'utf8',
    doc: `sc-sim’s label of the simulated failure: ${DLQ_FAILURES.join(', ')}`,
  },
  { name: 'sc-run-id', encoding: 'utf8', doc: 'The sc-sim run' },
];

// ---------------------------------------------------------------------------------------------
// Heartbeat

export const HEARTBEAT_TOPIC = 'sc.internal.heartbeat' satisfies TopicName;
export const HEARTBEAT_RECORD_TYPE = 'internal.heartbeat';

/** One record per producer instance per second, without a key (the catalog’s “-”). */
export const HEARTBEAT_FIELDS = {
  heartbeat_id: uuid('Unique per record'),
  event_type: oneOf([HEARTBEAT_RECORD_TYPE]),
  instance_id: str('The producing sc-sim process (host:pid)'),
  run_id: str(),
  producer: str(),
  sequence: int(1, '1, 2, 3… per instance'),
  emitted_at: datetime('Wall clock time the heartbeat was built'),
  uptime_ms: int(0, 'Time since the run started'),
  sent: int(0, 'Records handed to the producer so far'),
  acked: int(0, 'Records the broker acknowledged so far'),
  failed: int(0, 'Records whose send failed or timed out so far'),
  dropped: int(0, 'Scheduled records dropped because the producer could not keep up'),
} as const satisfies FieldMap;
export type HeartbeatPayload = PayloadOfFields<typeof HEARTBEAT_FIELDS>;
