// The projector: a pure, deterministic fold of the domain event stream into the records of the
// projection and analytics topics, as the platform's projection and analytics services would write
// them. One domain envelope in, its derived records out (in a fixed topic order), O(1) work per
// event apart from window flushes; entities leave memory when they end, as they leave the world.
import {
  ANALYTICS_WINDOW_MS,
  DELIVER_SLA_MS,
  LOW_STOCK_UNITS,
  PROJECTION_VERSION,
  SHIP_SLA_MS,
  getDerivedSpec,
  type CATALOG_HEALTH,
  type DerivedPayload,
  type DerivedTopicName,
  type FUNNEL_STEPS,
  type LIFECYCLE_CAUSES,
  type PROMOTION_ACTIONS,
} from '../catalog/derived.js';
import type { UTM_SOURCES } from '../catalog/events.js';
import type { DerivedEnvelope, Envelope } from '../envelope.js';
import {
  feedAction,
  feedItem,
  payloadOf,
  reduceCommunityCard,
  reduceOrderSummary,
  reducePost,
  reduceProductListing,
  reducePromotionCard,
  reduceSupplierCard,
  reduceUserCard,
  type CommunityCard,
  type Feed,
  type OrderSummary,
  type PostState,
  type ProductListing,
  type PromotionCard,
  type SupplierCard,
  type UserCard,
} from './cards.js';
import { derivedUuid } from './ids.js';
import { Sequencer } from './sequencer.js';
import { TumblingWindows, type OpenWindow } from './windows.js';

/** One record for a projection or analytics topic (logical topic name, no prefix). */
export interface DerivedRecord {
  topic: DerivedTopicName;
  /** The record key: the value of the topic's key field in the payload. */
  key: string;
  envelope: DerivedEnvelope;
}

export interface ProjectorOptions {
  runId: string;
  /** `sc-sim/<version>`. */
  producer: string;
  /** Only these topics get records (state is kept for all); default every derived topic. */
  topics?: ReadonlySet<string>;
  /** Finished orders kept for late refunds (the world keeps fewer). */
  finishedOrders?: number;
}

export interface ProjectorStats {
  users: number;
  suppliers: number;
  communities: number;
  products: number;
  promotions: number;
  posts: number;
  orders: number;
  openWindows: number;
  sequences: { live: number; retired: number };
  /** Events of entities the projector does not know (never created, or already ended): none expected. */
  unknownEntityEvents: number;
}

interface UserEntry {
  card: UserCard;
  statusSinceMs: number;
  roleSinceMs: number;
  failStreak: number;
}
interface SupplierEntry {
  card: SupplierCard;
  submissions: number;
  submittedAtMs: number | null;
}
interface ProductEntry {
  card: ProductListing;
  priceChanges: number;
}
interface OrderEntry {
  card: OrderSummary;
  steps: number;
  lastStep: (typeof FUNNEL_STEPS)[number];
  lastStepAtMs: number;
  convertedRevenueCents: number | null;
  attribution: {
    promotion_id: string;
    community_id: string | null;
    leader_id: string | null;
    utm_source: (typeof UTM_SOURCES)[number];
    utm_campaign: string;
  } | null;
}

interface GrowthAcc {
  joins: number;
  leaves: number;
  removals: number;
  posts: number;
  /** The community's member count at the window's last counted event. */
  members: number;
}
interface PerformanceAcc {
  impressions: number;
  byFeed: { global: number; community: number; profile: number; search: number };
  clicks: number;
  conversions: number;
  revenueCents: number;
}

const ms = (iso: string): number => Date.parse(iso);
const iso = (t: number): string => new Date(t).toISOString();

function health(c: ProductListing): (typeof CATALOG_HEALTH)[number] {
  if (c.status !== 'published') return c.status;
  if (c.available_units === 0) return 'out_of_stock';
  return c.available_units < LOW_STOCK_UNITS ? 'low_stock' : 'healthy';
}

const FUNNEL_STEP_OF: Partial<Record<string, (typeof FUNNEL_STEPS)[number]>> = {
  'order.created': 'checkout_started',
  'order.payment_initiated': 'payment_initiated',
  'order.payment_succeeded': 'payment_succeeded',
  'order.payment_failed': 'payment_failed',
  'order.confirmed': 'confirmed',
  'order.cancelled': 'cancelled',
  'order.refund_initiated': 'refunded',
};

/** Events that set a user's status themselves; any other status change is a lock that ran out. */
const STATUS_CAUSES = new Set([
  'user.created',
  'user.verified',
  'user.suspended',
  'user.reactivated',
  'user.deleted',
  'user.locked',
]);

const STOCK_EVENTS = new Set([
  'product.inventory_adjusted',
  'product.inventory_reserved',
  'product.inventory_released',
]);

export class Projector {
  private readonly users = new Map<string, UserEntry>();
  private readonly suppliers = new Map<string, SupplierEntry>();
  private readonly communities = new Map<string, CommunityCard>();
  private readonly products = new Map<string, ProductEntry>();
  private readonly promotions = new Map<string, PromotionCard>();
  private readonly posts = new Map<string, PostState>();
  private readonly orders = new Map<string, OrderEntry>();
  /** Delivered or paid-and-cancelled orders, oldest first: still refundable, dropped past the cap. */
  private readonly finished = new Set<string>();
  private readonly growth = new TumblingWindows<GrowthAcc>(ANALYTICS_WINDOW_MS, () => ({
    joins: 0,
    leaves: 0,
    removals: 0,
    posts: 0,
    members: 0,
  }));
  private readonly performance = new TumblingWindows<PerformanceAcc>(ANALYTICS_WINDOW_MS, () => ({
    impressions: 0,
    byFeed: { global: 0, community: 0, profile: 0, search: 0 },
    clicks: 0,
    conversions: 0,
    revenueCents: 0,
  }));
  private readonly seq = new Sequencer();
  private readonly finishedCap: number;
  private unknown = 0;
  /** Records of the event being projected. */
  private out: DerivedRecord[] = [];

  constructor(private readonly opts: ProjectorOptions) {
    this.finishedCap = opts.finishedOrders ?? 4_096;
  }

  /** The derived records of one domain event, in a fixed order. */
  project(e: Envelope): DerivedRecord[] {
    this.out = [];
    const atMs = ms(e.occurred_at);
    // Windows first: records of windows this event's time has passed precede its own.
    this.growth.advance(atMs, this.flushGrowth);
    this.performance.advance(atMs, this.flushPerformance);
    switch (e.entity_type) {
      case 'user':
        this.user(e, atMs);
        break;
      case 'supplier':
        this.supplier(e, atMs);
        break;
      case 'community':
        this.community(e);
        break;
      case 'product':
        this.product(e);
        break;
      case 'promotion':
        this.promotion(e);
        break;
      case 'post':
        this.post(e, atMs);
        break;
      case 'order':
        this.order(e, atMs);
        break;
    }
    return this.out;
  }

  stats(): ProjectorStats {
    return {
      users: this.users.size,
      suppliers: this.suppliers.size,
      communities: this.communities.size,
      products: this.products.size,
      promotions: this.promotions.size,
      posts: this.posts.size,
      orders: this.orders.size,
      openWindows: this.growth.openCount + this.performance.openCount,
      sequences: this.seq.size,
      unknownEntityEvents: this.unknown,
    };
  }

  // -------------------------------------------------------------------------------------------

  private wants(topic: DerivedTopicName): boolean {
    return this.opts.topics === undefined || this.opts.topics.has(topic);
  }

  /**
   * Adds one record. Its id names (source event, topic) — plus `part` where one event writes two
   * records to a topic (a lock that expired and a role change at once) — so it is unique and stable.
   */
  private emit<T extends DerivedTopicName>(
    topic: T,
    payload: DerivedPayload<T>,
    source: Envelope,
    part?: string,
  ): void {
    if (!this.wants(topic)) return;
    const spec = getDerivedSpec(topic)!;
    const key = (payload as Record<string, unknown>)[spec.keyField] as string;
    this.out.push({
      topic,
      key,
      envelope: {
        event_id: part === undefined ? derivedUuid(source.event_id, topic) : derivedUuid(source.event_id, topic, part),
        event_type: spec.recordType,
        event_version: spec.version,
        occurred_at: source.occurred_at,
        entity_type: spec.entityType,
        entity_id: key,
        sequence: this.seq.next(topic, key),
        correlation_id: source.correlation_id,
        causation_id: source.event_id,
        producer: this.opts.producer,
        run_id: this.opts.runId,
        source: {
          topic: `sc.domain.${source.entity_type}`,
          event_id: source.event_id,
          event_type: source.event_type,
          entity_id: source.entity_id,
          sequence: source.sequence,
        },
        projection_version: PROJECTION_VERSION,
        payload,
      },
    });
  }

  private retire(key: string, topics: readonly DerivedTopicName[]): void {
    for (const t of topics) this.seq.retire(t, key);
  }

  private unknownEntity(): void {
    this.unknown++;
  }

  // ---- users --------------------------------------------------------------------------------

  private user(e: Envelope, atMs: number): void {
    if (e.entity_id.startsWith('anon-')) {
      // An attempted login that matches no account: audited under its pseudonymous id.
      const p = payloadOf(e, 'user.login_failed');
      this.emit(
        'sc.analytics.admin.user-security',
        this.security(e.entity_id, false, 'login_failed', e, {
          failure_reason: p.failure_reason,
          consecutive_failures: p.attempt_count,
        }),
        e,
      );
      return;
    }
    const entry = this.users.get(e.entity_id);
    const card = reduceUserCard(entry?.card, e);
    if (!entry && !card) return this.unknownEntity();
    const prev = entry?.card;
    if (card) this.emit('sc.proj.consumer.user-cards', card, e);
    const next = card ?? prev!;
    const u: UserEntry = entry ?? { card: next, statusSinceMs: atMs, roleSinceMs: atMs, failStreak: 0 };
    if (!entry) this.users.set(e.entity_id, u);
    u.card = next;

    // Lifecycle: a status and/or role that changed, from the last recorded one.
    if (!prev || prev.status !== next.status) {
      const cause = (
        STATUS_CAUSES.has(e.event_type) ? e.event_type : 'lock_expired'
      ) as (typeof LIFECYCLE_CAUSES)[number];
      this.emit(
        'sc.analytics.admin.user-lifecycle',
        {
          user_id: next.user_id,
          dimension: 'status',
          from_state: prev ? prev.status : null,
          to_state: next.status,
          cause,
          previous_state_ms: prev ? atMs - u.statusSinceMs : null,
          actor_id: this.actorOf(e),
          at: e.occurred_at,
        },
        e,
        'status',
      );
      u.statusSinceMs = atMs;
    }
    if (prev && prev.role !== next.role) {
      this.emit(
        'sc.analytics.admin.user-lifecycle',
        {
          user_id: next.user_id,
          dimension: 'role',
          from_state: prev.role,
          to_state: next.role,
          cause: 'user.role_changed',
          previous_state_ms: atMs - u.roleSinceMs,
          actor_id: this.actorOf(e),
          at: e.occurred_at,
        },
        e,
        'role',
      );
      u.roleSinceMs = atMs;
    }

    // Security audit.
    switch (e.event_type) {
      case 'user.login_succeeded': {
        const p = payloadOf(e, 'user.login_succeeded');
        this.emit(
          'sc.analytics.admin.user-security',
          this.security(p.user_id, true, 'login_succeeded', e, {
            login_method: p.login_method,
            consecutive_failures: u.failStreak,
          }),
          e,
        );
        u.failStreak = 0;
        break;
      }
      case 'user.login_failed': {
        const p = payloadOf(e, 'user.login_failed');
        u.failStreak = p.attempt_count;
        this.emit(
          'sc.analytics.admin.user-security',
          this.security(e.entity_id, true, 'login_failed', e, {
            failure_reason: p.failure_reason,
            consecutive_failures: p.attempt_count,
          }),
          e,
        );
        break;
      }
      case 'user.locked':
        this.emit(
          'sc.analytics.admin.user-security',
          this.security(e.entity_id, true, 'locked', e, {
            consecutive_failures: u.failStreak,
            locked_until: payloadOf(e, 'user.locked').locked_until,
          }),
          e,
        );
        // A lock ends the streak: the world counts failures afresh after it.
        u.failStreak = 0;
        break;
      case 'user.suspended': {
        const p = payloadOf(e, 'user.suspended');
        this.emit(
          'sc.analytics.admin.user-security',
          this.security(e.entity_id, true, 'suspended', e, {
            consecutive_failures: u.failStreak,
            actor_id: p.suspended_by,
            reason: p.reason,
          }),
          e,
        );
        break;
      }
      case 'user.reactivated':
        this.emit(
          'sc.analytics.admin.user-security',
          this.security(e.entity_id, true, 'reactivated', e, {
            consecutive_failures: u.failStreak,
            actor_id: payloadOf(e, 'user.reactivated').reactivated_by,
          }),
          e,
        );
        break;
      case 'user.deleted':
        this.users.delete(e.entity_id);
        this.retire(e.entity_id, [
          'sc.proj.consumer.user-cards',
          'sc.analytics.admin.user-lifecycle',
          'sc.analytics.admin.user-security',
        ]);
        break;
    }
  }

  private security(
    userId: string,
    known: boolean,
    action: DerivedPayload<'sc.analytics.admin.user-security'>['action'],
    e: Envelope,
    fields: Partial<DerivedPayload<'sc.analytics.admin.user-security'>>,
  ): DerivedPayload<'sc.analytics.admin.user-security'> {
    return {
      user_id: userId,
      action,
      known_account: known,
      login_method: null,
      failure_reason: null,
      consecutive_failures: 0,
      locked_until: null,
      actor_id: null,
      reason: null,
      at: e.occurred_at,
      ...fields,
    };
  }

  private actorOf(e: Envelope): string | null {
    const p = e.payload;
    for (const f of ['actor_id', 'suspended_by', 'reactivated_by', 'deleted_by']) {
      const v = p[f];
      if (typeof v === 'string') return v;
    }
    return null;
  }

  // ---- suppliers ----------------------------------------------------------------------------

  private supplier(e: Envelope, atMs: number): void {
    const entry = this.suppliers.get(e.entity_id);
    const card = reduceSupplierCard(entry?.card, e);
    if (!entry && !card) return this.unknownEntity();
    if (card) this.emit('sc.proj.consumer.supplier-cards', card, e);
    const s: SupplierEntry = entry ?? { card: card!, submissions: 0, submittedAtMs: null };
    if (!entry) this.suppliers.set(e.entity_id, s);
    if (card) s.card = card;

    const step = (
      fields: Partial<DerivedPayload<'sc.analytics.admin.supplier-verification'>> &
        Pick<DerivedPayload<'sc.analytics.admin.supplier-verification'>, 'step'>,
    ) =>
      this.emit(
        'sc.analytics.admin.supplier-verification',
        {
          supplier_id: e.entity_id,
          submission: s.submissions,
          documents_types: [...s.card.documents_types],
          verification_tier: null,
          rejection_reasons: [],
          actor_id: null,
          since_submission_ms: null,
          at: e.occurred_at,
          ...fields,
        },
        e,
      );
    const sinceSubmission = () => (s.submittedAtMs === null ? null : atMs - s.submittedAtMs);
    switch (e.event_type) {
      case 'supplier.created':
        step({ step: 'registered' });
        break;
      case 'supplier.verification_submitted':
        s.submissions++;
        s.submittedAtMs = atMs;
        step({ step: 'submitted', submission: s.submissions });
        break;
      case 'supplier.verified': {
        const p = payloadOf(e, 'supplier.verified');
        step({
          step: 'verified',
          verification_tier: p.verification_tier,
          actor_id: p.verified_by,
          since_submission_ms: sinceSubmission(),
        });
        break;
      }
      case 'supplier.verification_rejected': {
        const p = payloadOf(e, 'supplier.verification_rejected');
        step({
          step: 'rejected',
          rejection_reasons: [...p.rejection_reasons],
          actor_id: p.rejected_by,
          since_submission_ms: sinceSubmission(),
        });
        break;
      }
      case 'supplier.suspended':
        step({ step: 'suspended', actor_id: payloadOf(e, 'supplier.suspended').suspended_by });
        this.suppliers.delete(e.entity_id);
        this.retire(e.entity_id, [
          'sc.proj.consumer.supplier-cards',
          'sc.analytics.admin.supplier-verification',
          'sc.analytics.admin.supplier-fulfillment',
        ]);
        break;
    }
  }

  // ---- communities --------------------------------------------------------------------------

  private community(e: Envelope): void {
    const prev = this.communities.get(e.entity_id);
    const card = reduceCommunityCard(prev, e);
    if (!prev && !card) return this.unknownEntity();
    if (card) {
      this.emit('sc.proj.consumer.community-cards', card, e);
      this.communities.set(e.entity_id, card);
    }
    const id = e.entity_id;
    const members = (card ?? prev!).member_count;
    switch (e.event_type) {
      case 'community.member_joined':
        this.growth.add(id, e, (a) => ((a.joins += 1), (a.members = members)));
        break;
      case 'community.member_left':
        this.growth.add(id, e, (a) => ((a.leaves += 1), (a.members = members)));
        break;
      case 'community.member_removed': {
        this.growth.add(id, e, (a) => ((a.removals += 1), (a.members = members)));
        const p = payloadOf(e, 'community.member_removed');
        this.moderation(id, 'member_removed', p.removed_by, 'user', p.user_id, p.reason, e);
        break;
      }
      case 'community.deleted': {
        const p = payloadOf(e, 'community.deleted');
        this.moderation(id, 'community_deleted', p.deleted_by, 'community', id, null, e);
        this.growth.close(id, this.flushGrowth);
        this.communities.delete(id);
        this.retire(id, [
          'sc.proj.consumer.community-cards',
          'sc.proj.consumer.feed-community',
          'sc.analytics.admin.community-growth',
          'sc.analytics.admin.community-moderation',
        ]);
        break;
      }
    }
  }

  private moderation(
    communityId: string,
    action: DerivedPayload<'sc.analytics.admin.community-moderation'>['action'],
    actorId: string,
    targetType: DerivedPayload<'sc.analytics.admin.community-moderation'>['target_type'],
    targetId: string,
    reason: string | null,
    e: Envelope,
  ): void {
    this.emit(
      'sc.analytics.admin.community-moderation',
      {
        community_id: communityId,
        action,
        actor_id: actorId,
        target_type: targetType,
        target_id: targetId,
        reason,
        at: e.occurred_at,
      },
      e,
    );
  }

  private readonly flushGrowth = (w: OpenWindow<GrowthAcc>, complete: boolean): void => {
    const a = w.acc;
    this.emit(
      'sc.analytics.admin.community-growth',
      {
        community_id: w.key,
        window_start: iso(w.startMs),
        window_end: iso(w.startMs + ANALYTICS_WINDOW_MS),
        joins: a.joins,
        leaves: a.leaves,
        removals: a.removals,
        net_members: a.joins - a.leaves - a.removals,
        member_count: a.members,
        posts_published: a.posts,
        complete,
      },
      w.last,
    );
  };

  // ---- products -----------------------------------------------------------------------------

  private product(e: Envelope): void {
    const entry = this.products.get(e.entity_id);
    const card = reduceProductListing(entry?.card, e);
    if (!entry && !card) return this.unknownEntity();
    if (!card) return;
    this.emit('sc.proj.consumer.product-listings', card, e);
    const p: ProductEntry = entry ?? { card, priceChanges: 0 };
    if (!entry) this.products.set(e.entity_id, p);
    const before = entry ? health(entry.card) : null;
    p.card = card;
    if (e.event_type === 'product.price_changed') p.priceChanges++;
    const after = health(card);
    if (!STOCK_EVENTS.has(e.event_type) || before !== after) {
      let inStock = 0;
      for (const v of card.variants) if (v.on_hand_units > v.reserved_units) inStock++;
      this.emit(
        'sc.analytics.admin.product-catalog',
        {
          product_id: card.product_id,
          supplier_id: card.supplier_id,
          health: after,
          previous_health: before,
          change: e.event_type,
          adjustment_type:
            e.event_type === 'product.inventory_adjusted'
              ? payloadOf(e, 'product.inventory_adjusted').adjustment_type
              : null,
          variant_count: card.variants.length,
          variants_in_stock: inStock,
          available_units: card.available_units,
          min_price_cents: card.min_price_cents,
          price_changes: p.priceChanges,
          at: e.occurred_at,
        },
        e,
      );
    }
    if (e.event_type === 'product.deleted') {
      this.products.delete(e.entity_id);
      this.retire(e.entity_id, ['sc.proj.consumer.product-listings', 'sc.analytics.admin.product-catalog']);
    }
  }

  // ---- promotions ---------------------------------------------------------------------------

  private promotion(e: Envelope): void {
    const id = e.entity_id;
    const prev = this.promotions.get(id);
    switch (e.event_type) {
      case 'promotion.impression': {
        const feed = payloadOf(e, 'promotion.impression').feed_type;
        if (!prev) return this.unknownEntity();
        this.performance.add(id, e, (a) => {
          a.impressions++;
          a.byFeed[feed]++;
        });
        return;
      }
      case 'promotion.clicked':
        if (!prev) return this.unknownEntity();
        this.performance.add(id, e, (a) => a.clicks++);
        return;
      case 'promotion.converted': {
        if (!prev) return this.unknownEntity();
        const p = payloadOf(e, 'promotion.converted');
        this.performance.add(id, e, (a) => {
          a.conversions++;
          a.revenueCents += p.revenue_cents;
        });
        const order = this.orders.get(p.order_id);
        if (order) order.convertedRevenueCents = p.revenue_cents;
        return;
      }
    }
    const card = reducePromotionCard(prev, e);
    if (!prev && !card) return this.unknownEntity();
    if (!card) return;
    this.emit('sc.proj.consumer.promotion-cards', card, e);
    this.promotions.set(id, card);
    const p = e.payload;
    const text = (f: string) => (typeof p[f] === 'string' ? (p[f] as string) : null);
    this.emit(
      'sc.analytics.admin.promotion-lifecycle',
      {
        promotion_id: id,
        action: e.event_type.slice('promotion.'.length) as (typeof PROMOTION_ACTIONS)[number],
        from_status: prev ? prev.status : null,
        to_status: card.status,
        actor_id:
          text('approved_by') ??
          text('rejected_by') ??
          text('paused_by') ??
          text('resumed_by') ??
          text('cancelled_by') ??
          (e.event_type === 'promotion.created' ? card.supplier_id : null),
        community_id: text('community_id'),
        reason: text('rejection_reason') ?? text('reason') ?? text('end_reason'),
        at: e.occurred_at,
      },
      e,
    );
    if (e.event_type === 'promotion.approved_leader' || e.event_type === 'promotion.rejected_leader') {
      const community = text('community_id')!;
      if (this.communities.has(community)) {
        const approved = e.event_type === 'promotion.approved_leader';
        this.moderation(
          community,
          approved ? 'promotion_approved' : 'promotion_rejected',
          text(approved ? 'approved_by' : 'rejected_by')!,
          'promotion',
          id,
          text('rejection_reason'),
          e,
        );
      }
    }
    if (card.status === 'ended' || card.status === 'cancelled' || card.status === 'rejected') {
      this.performance.close(id, this.flushPerformance);
      this.promotions.delete(id);
      this.retire(id, [
        'sc.proj.consumer.promotion-cards',
        'sc.analytics.admin.promotion-lifecycle',
        'sc.analytics.admin.promotion-performance',
      ]);
    }
  }

  private readonly flushPerformance = (w: OpenWindow<PerformanceAcc>, complete: boolean): void => {
    const a = w.acc;
    this.emit(
      'sc.analytics.admin.promotion-performance',
      {
        promotion_id: w.key,
        window_start: iso(w.startMs),
        window_end: iso(w.startMs + ANALYTICS_WINDOW_MS),
        impressions: a.impressions,
        impressions_by_feed: { ...a.byFeed },
        clicks: a.clicks,
        conversions: a.conversions,
        revenue_cents: a.revenueCents,
        click_through_rate: a.impressions > 0 ? round4(a.clicks / a.impressions) : null,
        conversion_rate: a.clicks > 0 ? round4(a.conversions / a.clicks) : null,
        complete,
      },
      w.last,
    );
  };

  // ---- posts --------------------------------------------------------------------------------

  private post(e: Envelope, atMs: number): void {
    const prev = this.posts.get(e.entity_id);
    const next = reducePost(prev, e);
    if (!prev && !next) return this.unknownEntity();
    if (!next) return;
    this.posts.set(e.entity_id, next);
    if (!prev) return; // post.created: nothing is distributed yet
    const communityLive = this.communities.has(next.community_id);
    for (const feed of ['global', 'community'] as const) {
      const action = feedAction(feed, prev, next, e.event_type);
      if (action === undefined) continue;
      // A deleted community's feed is gone with it: its posts' removals write nothing there.
      if (feed === 'community' && !communityLive) continue;
      const item = feedItem(feed, feedItemId(feed, next.post_id), next, action, e.occurred_at);
      if (feed === 'global') this.emit('sc.proj.consumer.feed-global', item, e);
      else this.emit('sc.proj.consumer.feed-community', item, e);
    }

    const p = e.payload;
    const text = (f: string) => (typeof p[f] === 'string' ? (p[f] as string) : null);
    const distribution = (
      action: DerivedPayload<'sc.analytics.admin.post-distribution'>['action'],
      scope: 'community' | 'global',
      actor: string | null,
      reason: string | null,
      sinceRequest: number | null = null,
    ) =>
      this.emit(
        'sc.analytics.admin.post-distribution',
        {
          post_id: next.post_id,
          community_id: next.community_id,
          author_id: next.author_id,
          action,
          scope,
          actor_id: actor,
          reason,
          since_request_ms: sinceRequest,
          at: e.occurred_at,
        },
        e,
      );
    const sinceRequest = () =>
      next.global_requested_at === null ? null : Math.max(0, atMs - ms(next.global_requested_at));
    const moderate = (
      action: DerivedPayload<'sc.analytics.admin.community-moderation'>['action'],
      actor: string,
      reason: string | null,
    ) => {
      if (communityLive) this.moderation(next.community_id, action, actor, 'post', next.post_id, reason, e);
    };
    switch (e.event_type) {
      case 'post.published':
        distribution('published', 'community', next.author_id, null);
        if (communityLive) {
          const members = this.communities.get(next.community_id)!.member_count;
          this.growth.add(next.community_id, e, (a) => ((a.posts += 1), (a.members = members)));
        }
        break;
      case 'post.global_requested':
        distribution('global_requested', 'global', next.author_id, null);
        break;
      case 'post.global_approved':
        distribution('global_approved', 'global', text('approved_by'), null, sinceRequest());
        break;
      case 'post.global_rejected':
        distribution('global_rejected', 'global', text('rejected_by'), text('rejection_reason'), sinceRequest());
        break;
      case 'post.pinned':
        distribution('pinned', 'community', text('pinned_by'), null);
        moderate('post_pinned', text('pinned_by')!, null);
        break;
      case 'post.unpinned':
        distribution('unpinned', 'community', text('unpinned_by'), null);
        moderate('post_unpinned', text('unpinned_by')!, null);
        break;
      case 'post.hidden':
        distribution('hidden', 'community', text('hidden_by'), text('reason'));
        moderate('post_hidden', text('hidden_by')!, text('reason'));
        break;
      case 'post.deleted': {
        const by = text('deleted_by')!;
        distribution('deleted', next.global === 'approved' ? 'global' : 'community', by, text('reason'));
        if (by !== next.author_id) moderate('post_deleted', by, text('reason'));
        this.posts.delete(e.entity_id);
        this.retire(feedItemId('global', next.post_id), ['sc.proj.consumer.feed-global']);
        this.retire(next.post_id, ['sc.analytics.admin.post-distribution']);
        break;
      }
    }
  }

  // ---- orders -------------------------------------------------------------------------------

  private order(e: Envelope, atMs: number): void {
    const entry = this.orders.get(e.entity_id);
    const card = reduceOrderSummary(entry?.card, e);
    if (!entry && !card) return this.unknownEntity();
    if (!card) return;
    this.emit('sc.proj.consumer.order-summaries', card, e);
    const o: OrderEntry = entry ?? {
      card,
      steps: 0,
      lastStep: 'checkout_started',
      lastStepAtMs: atMs,
      convertedRevenueCents: null,
      attribution: null,
    };
    if (!entry) this.orders.set(e.entity_id, o);
    o.card = card;

    // Funnel.
    let step = FUNNEL_STEP_OF[e.event_type];
    if (e.event_type === 'order.status_changed') {
      const to = payloadOf(e, 'order.status_changed').new_status;
      if (to === 'processing' || to === 'shipped' || to === 'delivered') step = to;
    }
    if (step) {
      o.steps++;
      this.emit(
        'sc.analytics.admin.order-funnel',
        {
          order_id: card.order_id,
          customer_id: card.customer_id,
          step,
          step_number: o.steps,
          previous_step: o.steps > 1 ? o.lastStep : null,
          since_previous_ms: o.steps > 1 ? atMs - o.lastStepAtMs : null,
          since_checkout_ms: atMs - ms(card.placed_at),
          payment_attempt: card.payment_attempts,
          total_cents: card.total_cents,
          currency: card.currency,
          at: e.occurred_at,
        },
        e,
      );
      o.lastStep = step;
      o.lastStepAtMs = atMs;
    }

    // Fulfilment per line item, keyed by its supplier.
    if (
      e.event_type === 'order.item_processing' ||
      e.event_type === 'order.item_shipped' ||
      e.event_type === 'order.item_delivered'
    ) {
      const itemId = e.payload['item_id'] as string;
      const item = card.items.find((i) => i.item_id === itemId);
      if (item) {
        const milestone = e.event_type.slice('order.item_'.length) as 'processing' | 'shipped' | 'delivered';
        const since = card.confirmed_at === null ? null : atMs - ms(card.confirmed_at);
        const sla = milestone === 'shipped' ? SHIP_SLA_MS : milestone === 'delivered' ? DELIVER_SLA_MS : null;
        this.emit(
          'sc.analytics.admin.supplier-fulfillment',
          {
            supplier_id: item.supplier_id,
            order_id: card.order_id,
            item_id: itemId,
            milestone,
            carrier: item.carrier,
            confirmed_at: card.confirmed_at,
            since_confirmed_ms: since,
            sla_target_ms: sla,
            within_sla: sla === null || since === null ? null : since <= sla,
            at: e.occurred_at,
          },
          e,
        );
      }
    }

    // Revenue.
    const supplierIds = [...new Set(card.items.map((i) => i.supplier_id))];
    const revenue = (
      kind: DerivedPayload<'sc.analytics.admin.revenue'>['kind'],
      amount: number,
      attributed: boolean,
    ) => {
      const a = attributed ? o.attribution : null;
      this.emit(
        'sc.analytics.admin.revenue',
        {
          order_id: card.order_id,
          kind,
          amount_cents: amount,
          currency: card.currency,
          customer_id: card.customer_id,
          supplier_ids: supplierIds,
          promotion_id: a?.promotion_id ?? null,
          community_id: a?.community_id ?? null,
          leader_id: a?.leader_id ?? null,
          utm_source: a?.utm_source ?? null,
          utm_campaign: a?.utm_campaign ?? null,
          at: e.occurred_at,
        },
        e,
      );
    };
    switch (e.event_type) {
      case 'order.payment_succeeded':
        revenue('recognized', payloadOf(e, 'order.payment_succeeded').amount_cents, false);
        break;
      case 'order.attribution_recorded': {
        const p = payloadOf(e, 'order.attribution_recorded');
        o.attribution = {
          promotion_id: p.promotion_id,
          community_id: p.community_id,
          leader_id: p.leader_id,
          utm_source: p.utm_source,
          utm_campaign: p.utm_campaign,
        };
        revenue('attributed', o.convertedRevenueCents ?? card.total_cents, true);
        break;
      }
      case 'order.refund_initiated':
        revenue('reversed', -payloadOf(e, 'order.refund_initiated').refund_amount, true);
        break;
    }

    // Memory: an order ends with its refund or an unpaid cancellation; a delivered or paid and
    // cancelled one can still be refunded, so it is kept among the most recent finished ones.
    const ended =
      e.event_type === 'order.refund_initiated' || (e.event_type === 'order.cancelled' && card.paid_cents === 0);
    if (ended) {
      this.dropOrder(e.entity_id);
    } else if (card.status === 'delivered' || card.status === 'cancelled') {
      this.finished.add(e.entity_id);
      if (this.finished.size > this.finishedCap) this.dropOrder(this.finished.values().next().value!);
    }
  }

  private dropOrder(id: string): void {
    this.orders.delete(id);
    this.finished.delete(id);
    this.retire(id, [
      'sc.proj.consumer.order-summaries',
      'sc.analytics.admin.order-funnel',
      'sc.analytics.admin.revenue',
    ]);
  }
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

/** The stable id of a post's item in one feed. */
export function feedItemId(feed: Feed, postId: string): string {
  return derivedUuid('feed-item', feed, postId);
}
