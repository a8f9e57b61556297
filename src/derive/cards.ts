// The projection cards as pure reducers: (card before, one domain event of that entity) -> the card
// after, or undefined when the event changes nothing a card shows. A card is the fold of its own
// entity's events (the order summary of the order's, a feed item of the post's), so a consumer — or
// a test — can rebuild any card from the domain topic up to the card's source position.
// Cards are never mutated: each change makes a new object, so an emitted card cannot change later.
import type { DerivedPayload } from '../catalog/derived.js';
import type { EventType, Payload } from '../catalog/events.js';
import type { Envelope } from '../envelope.js';

export type UserCard = DerivedPayload<'sc.proj.consumer.user-cards'>;
export type SupplierCard = DerivedPayload<'sc.proj.consumer.supplier-cards'>;
export type CommunityCard = DerivedPayload<'sc.proj.consumer.community-cards'>;
export type ProductListing = DerivedPayload<'sc.proj.consumer.product-listings'>;
export type PromotionCard = DerivedPayload<'sc.proj.consumer.promotion-cards'>;
export type FeedItem = DerivedPayload<'sc.proj.consumer.feed-global'>;
export type OrderSummary = DerivedPayload<'sc.proj.consumer.order-summaries'>;

/** The event's payload as its catalog type (the caller has switched on event_type). */
export function payloadOf<T extends EventType>(e: Envelope, _type: T): Payload<T> {
  return e.payload as Payload<T>;
}

const ms = (iso: string): number => Date.parse(iso);

/** A locked user whose lock has run out by `atIso` is active again (the domain has no unlock event). */
export function lockExpired(card: Pick<UserCard, 'status' | 'locked_until'>, atIso: string): boolean {
  return card.status === 'locked' && card.locked_until !== null && ms(atIso) >= ms(card.locked_until);
}

export function reduceUserCard(prev: UserCard | undefined, e: Envelope): UserCard | undefined {
  const at = e.occurred_at;
  if (e.event_type === 'user.created') {
    const p = payloadOf(e, 'user.created');
    return {
      user_id: p.user_id,
      display_name: p.display_name,
      avatar_url: null,
      bio: null,
      role: p.role,
      status: p.status,
      follower_count: 0,
      following_count: 0,
      order_count: 0,
      post_count: 0,
      member_since: p.created_at,
      verified_at: null,
      suspended_until: null,
      locked_until: null,
      updated_at: at,
    };
  }
  if (!prev) return undefined;
  const expired = lockExpired(prev, at);
  const base: UserCard = expired
    ? { ...prev, status: 'active', locked_until: null, updated_at: at }
    : { ...prev, updated_at: at };
  switch (e.event_type) {
    case 'user.verified':
      return { ...base, status: 'active', verified_at: payloadOf(e, 'user.verified').verified_at };
    case 'user.profile_updated': {
      const p = payloadOf(e, 'user.profile_updated');
      return { ...base, display_name: p.display_name, avatar_url: p.avatar_url, bio: p.bio };
    }
    case 'user.role_changed':
      return { ...base, role: payloadOf(e, 'user.role_changed').new_role };
    case 'user.suspended':
      return { ...base, status: 'suspended', suspended_until: payloadOf(e, 'user.suspended').suspended_until };
    case 'user.reactivated':
      return { ...base, status: 'active', suspended_until: null };
    case 'user.deleted':
      return { ...base, status: 'deleted' };
    case 'user.locked':
      return { ...base, status: 'locked', locked_until: payloadOf(e, 'user.locked').locked_until };
    case 'user.stats_changed': {
      const p = payloadOf(e, 'user.stats_changed');
      const field = (
        {
          followers: 'follower_count',
          following: 'following_count',
          orders: 'order_count',
          posts: 'post_count',
        } as const
      )[p.stat_type];
      return { ...base, [field]: p.new_value };
    }
    // Logins show on the card only when they are the first sign that a lock ran out.
    default:
      return expired ? base : undefined;
  }
}

export function reduceSupplierCard(prev: SupplierCard | undefined, e: Envelope): SupplierCard | undefined {
  const at = e.occurred_at;
  if (e.event_type === 'supplier.created') {
    const p = payloadOf(e, 'supplier.created');
    return {
      supplier_id: p.supplier_id,
      company_name: p.company_name,
      status: 'pending',
      verification_tier: null,
      documents_types: [],
      product_count: 0,
      order_count: 0,
      follower_count: 0,
      review_count: 0,
      profile_edits: 0,
      updated_at: at,
    };
  }
  if (!prev) return undefined;
  const base: SupplierCard = { ...prev, updated_at: at };
  switch (e.event_type) {
    case 'supplier.verification_submitted':
      return {
        ...base,
        status: 'submitted',
        documents_types: [...payloadOf(e, 'supplier.verification_submitted').documents_types],
      };
    case 'supplier.verified':
      return { ...base, status: 'verified', verification_tier: payloadOf(e, 'supplier.verified').verification_tier };
    case 'supplier.verification_rejected':
      return { ...base, status: 'rejected' };
    case 'supplier.profile_updated':
      return { ...base, profile_edits: prev.profile_edits + 1 };
    case 'supplier.suspended':
      return { ...base, status: 'suspended' };
    case 'supplier.stats_changed': {
      const p = payloadOf(e, 'supplier.stats_changed');
      const field = (
        {
          products: 'product_count',
          orders: 'order_count',
          followers: 'follower_count',
          reviews: 'review_count',
        } as const
      )[p.stat_type];
      return { ...base, [field]: prev[field] + p.delta };
    }
    default:
      return undefined;
  }
}

export function reduceCommunityCard(prev: CommunityCard | undefined, e: Envelope): CommunityCard | undefined {
  const at = e.occurred_at;
  if (e.event_type === 'community.created') {
    const p = payloadOf(e, 'community.created');
    return {
      community_id: p.community_id,
      owner_id: p.owner_id,
      name: p.name,
      visibility: p.visibility,
      status: 'active',
      member_count: 0,
      post_count: 0,
      engagement_count: 0,
      view_count: 0,
      active_members: 0,
      settings_edits: 0,
      updated_at: at,
    };
  }
  if (!prev) return undefined;
  const base: CommunityCard = { ...prev, updated_at: at };
  switch (e.event_type) {
    case 'community.updated':
      return { ...base, settings_edits: prev.settings_edits + 1 };
    case 'community.visibility_changed':
      return { ...base, visibility: payloadOf(e, 'community.visibility_changed').new_visibility };
    case 'community.member_joined':
      return { ...base, member_count: payloadOf(e, 'community.member_joined').member_count_after };
    case 'community.member_left':
      return { ...base, member_count: payloadOf(e, 'community.member_left').member_count_after };
    case 'community.member_removed':
      return { ...base, member_count: payloadOf(e, 'community.member_removed').member_count_after };
    case 'community.deleted':
      return { ...base, status: 'deleted', member_count: payloadOf(e, 'community.deleted').member_count_at_del };
    case 'community.stats_changed': {
      const p = payloadOf(e, 'community.stats_changed');
      const field = (
        {
          posts: 'post_count',
          engagement: 'engagement_count',
          views: 'view_count',
          active_members: 'active_members',
        } as const
      )[p.stat_type];
      return { ...base, [field]: prev[field] + p.delta };
    }
    default:
      return undefined;
  }
}

type Variant = ProductListing['variants'][number];

/** Price range and availability recomputed from the variants (a handful per product). */
function withVariants(card: ProductListing, variants: Variant[]): ProductListing {
  let min: number | null = null;
  let max: number | null = null;
  let available = 0;
  for (const v of variants) {
    min = min === null ? v.price_cents : Math.min(min, v.price_cents);
    max = max === null ? v.price_cents : Math.max(max, v.price_cents);
    available += Math.max(0, v.on_hand_units - v.reserved_units);
  }
  return {
    ...card,
    variants,
    min_price_cents: min,
    max_price_cents: max,
    available_units: available,
    in_stock: available > 0,
  };
}

function mapVariant(card: ProductListing, variantId: string | undefined, f: (v: Variant) => Variant): Variant[] {
  return card.variants.map((v) => (variantId === undefined || v.variant_id === variantId ? f(v) : v));
}

export function reduceProductListing(prev: ProductListing | undefined, e: Envelope): ProductListing | undefined {
  const at = e.occurred_at;
  if (e.event_type === 'product.created') {
    const p = payloadOf(e, 'product.created');
    return {
      product_id: p.product_id,
      supplier_id: p.supplier_id,
      name: p.name,
      category: p.category,
      status: p.status,
      currency: null,
      min_price_cents: null,
      max_price_cents: null,
      available_units: 0,
      in_stock: false,
      variants: [],
      published_at: null,
      updated_at: at,
    };
  }
  if (!prev) return undefined;
  const base: ProductListing = { ...prev, updated_at: at };
  switch (e.event_type) {
    case 'product.updated':
      return base;
    case 'product.published':
      return { ...base, status: 'published', published_at: payloadOf(e, 'product.published').published_at };
    case 'product.unpublished':
      return { ...base, status: 'unpublished' };
    case 'product.deleted':
      return { ...base, status: 'deleted' };
    case 'product.variant_added': {
      const p = payloadOf(e, 'product.variant_added');
      const v: Variant = {
        variant_id: p.variant_id,
        variant_name: p.variant_name,
        attributes: { ...p.attributes },
        price_cents: p.price_cents,
        on_hand_units: 0,
        reserved_units: 0,
      };
      return withVariants({ ...base, currency: p.currency }, [...prev.variants, v]);
    }
    case 'product.price_changed': {
      const p = payloadOf(e, 'product.price_changed');
      // Without variant_id the change applies to every variant.
      return withVariants(
        base,
        mapVariant(prev, p.variant_id, (v) => ({ ...v, price_cents: p.new_price })),
      );
    }
    case 'product.inventory_adjusted': {
      const p = payloadOf(e, 'product.inventory_adjusted');
      // Fulfilment ships reserved units: they leave the reservation as they leave the stock.
      const shipped = p.adjustment_type === 'fulfillment' ? p.previous_qty - p.new_qty : 0;
      return withVariants(
        base,
        mapVariant(prev, p.variant_id, (v) => ({
          ...v,
          on_hand_units: p.new_qty,
          reserved_units: Math.max(0, v.reserved_units - shipped),
        })),
      );
    }
    case 'product.inventory_reserved': {
      const p = payloadOf(e, 'product.inventory_reserved');
      return withVariants(
        base,
        mapVariant(prev, p.variant_id, (v) => ({ ...v, reserved_units: v.reserved_units + p.reserved_qty })),
      );
    }
    case 'product.inventory_released': {
      const p = payloadOf(e, 'product.inventory_released');
      return withVariants(
        base,
        mapVariant(prev, p.variant_id, (v) => ({
          ...v,
          reserved_units: Math.max(0, v.reserved_units - p.released_qty),
        })),
      );
    }
    default:
      return undefined;
  }
}

export function reducePromotionCard(prev: PromotionCard | undefined, e: Envelope): PromotionCard | undefined {
  const at = e.occurred_at;
  if (e.event_type === 'promotion.created') {
    const p = payloadOf(e, 'promotion.created');
    return {
      promotion_id: p.promotion_id,
      supplier_id: p.supplier_id,
      title: p.title,
      promotion_type: p.promotion_type,
      visibility_type: p.visibility_type,
      status: 'draft',
      community_ids: [...p.community_ids],
      product_ids: [...p.product_ids],
      requires_admin: false,
      admin_approved: false,
      approved_community_ids: [],
      scheduled_start: null,
      scheduled_end: null,
      activated_at: null,
      products: [],
      end_reason: null,
      updated_at: at,
    };
  }
  if (!prev) return undefined;
  const base: PromotionCard = { ...prev, updated_at: at };
  switch (e.event_type) {
    case 'promotion.submitted':
      return { ...base, status: 'submitted', requires_admin: payloadOf(e, 'promotion.submitted').requires_admin };
    case 'promotion.approved_admin':
      return { ...base, admin_approved: true };
    case 'promotion.approved_leader':
      return {
        ...base,
        approved_community_ids: [
          ...prev.approved_community_ids,
          payloadOf(e, 'promotion.approved_leader').community_id,
        ],
      };
    case 'promotion.rejected_admin':
    case 'promotion.rejected_leader':
      return { ...base, status: 'rejected' };
    case 'promotion.scheduled': {
      const p = payloadOf(e, 'promotion.scheduled');
      return { ...base, status: 'scheduled', scheduled_start: p.scheduled_start, scheduled_end: p.scheduled_end };
    }
    case 'promotion.activated': {
      const p = payloadOf(e, 'promotion.activated');
      return {
        ...base,
        status: 'active',
        activated_at: p.first_activated_at,
        community_ids: [...p.community_ids],
        products: p.products_snapshot.map((s) => ({ ...s })),
      };
    }
    case 'promotion.paused':
      return { ...base, status: 'paused' };
    case 'promotion.resumed':
      return { ...base, status: 'active' };
    case 'promotion.ended':
      return { ...base, status: 'ended', end_reason: payloadOf(e, 'promotion.ended').end_reason };
    case 'promotion.cancelled':
      return { ...base, status: 'cancelled' };
    default:
      return undefined;
  }
}

/** A post as the feed builder folds it: what its feed items show, tracked from post.created on. */
export interface PostState {
  post_id: string;
  community_id: string;
  author_id: string;
  post_type: FeedItem['post_type'];
  status: 'draft' | 'published' | 'hidden' | 'deleted';
  global: 'none' | 'requested' | 'approved' | 'rejected';
  pinned: boolean;
  likes: number;
  comments: number;
  shares: number;
  views: number;
  edit_count: number;
  published_at: string | null;
  global_requested_at: string | null;
  global_approved_at: string | null;
}

export function reducePost(prev: PostState | undefined, e: Envelope): PostState | undefined {
  if (e.event_type === 'post.created') {
    const p = payloadOf(e, 'post.created');
    return {
      post_id: p.post_id,
      community_id: p.community_id,
      author_id: p.author_id,
      post_type: p.post_type,
      status: 'draft',
      global: 'none',
      pinned: false,
      likes: 0,
      comments: 0,
      shares: 0,
      views: 0,
      edit_count: 0,
      published_at: null,
      global_requested_at: null,
      global_approved_at: null,
    };
  }
  if (!prev) return undefined;
  switch (e.event_type) {
    case 'post.published':
      return { ...prev, status: 'published', published_at: payloadOf(e, 'post.published').published_at };
    case 'post.updated':
      return { ...prev, edit_count: prev.edit_count + 1 };
    case 'post.global_requested':
      return { ...prev, global: 'requested', global_requested_at: payloadOf(e, 'post.global_requested').requested_at };
    case 'post.global_approved':
      return { ...prev, global: 'approved', global_approved_at: payloadOf(e, 'post.global_approved').approved_at };
    case 'post.global_rejected':
      return { ...prev, global: 'rejected' };
    case 'post.pinned':
      return { ...prev, pinned: true };
    case 'post.unpinned':
      return { ...prev, pinned: false };
    case 'post.hidden':
      return { ...prev, status: 'hidden' };
    case 'post.deleted':
      return { ...prev, status: 'deleted' };
    case 'post.stats_changed': {
      const p = payloadOf(e, 'post.stats_changed');
      return { ...prev, [p.stat_type]: prev[p.stat_type] + p.delta };
    }
    default:
      return undefined;
  }
}

export type Feed = 'global' | 'community';

function inFeed(feed: Feed, s: PostState): boolean {
  return feed === 'community' ? s.published_at !== null : s.global === 'approved';
}

/**
 * Whether a post event writes a record to a feed, and as what: `added` when the post enters it
 * (published / global distribution approved), `removed` when it leaves (hidden / deleted),
 * `updated` for edits and engagement — and pins, in the community feed only — while it is in.
 */
export function feedAction(
  feed: Feed,
  prev: PostState,
  next: PostState,
  eventType: string,
): FeedItem['action'] | undefined {
  if (!inFeed(feed, next)) return undefined;
  if (!inFeed(feed, prev)) return 'added';
  if (prev.status === 'hidden' || prev.status === 'deleted') return undefined;
  if (next.status === 'hidden' || next.status === 'deleted') return 'removed';
  switch (eventType) {
    case 'post.updated':
    case 'post.stats_changed':
      return 'updated';
    case 'post.pinned':
    case 'post.unpinned':
      return feed === 'community' ? 'updated' : undefined;
    default:
      return undefined;
  }
}

/** A post's item in one feed as a record shows it (global items are never pinned: pins are per community). */
export function feedItem(feed: Feed, itemId: string, s: PostState, action: FeedItem['action'], at: string): FeedItem {
  return {
    feed_item_id: itemId,
    post_id: s.post_id,
    community_id: s.community_id,
    author_id: s.author_id,
    post_type: s.post_type,
    action,
    status: s.status === 'hidden' ? 'hidden' : s.status === 'deleted' ? 'removed' : 'visible',
    pinned: feed === 'community' && s.pinned,
    published_at: (feed === 'community' ? s.published_at : s.global_approved_at) ?? at,
    likes: s.likes,
    comments: s.comments,
    shares: s.shares,
    views: s.views,
    engagement_score: s.likes + 3 * s.comments + 5 * s.shares,
    edit_count: s.edit_count,
    updated_at: at,
  };
}

type Item = OrderSummary['items'][number];

function mapItem(s: OrderSummary, itemId: string, f: (i: Item) => Item): Item[] {
  return s.items.map((i) => (i.item_id === itemId ? f(i) : i));
}

export function reduceOrderSummary(prev: OrderSummary | undefined, e: Envelope): OrderSummary | undefined {
  const at = e.occurred_at;
  if (e.event_type === 'order.created') {
    const p = payloadOf(e, 'order.created');
    return {
      order_id: p.order_id,
      order_number: p.order_number,
      customer_id: p.customer_id,
      status: p.status,
      currency: p.currency,
      item_count: p.item_count,
      total_cents: p.total_cents,
      paid_cents: 0,
      refunded_cents: 0,
      payment_method: null,
      payment_attempts: 0,
      promotion_id: null,
      items: p.items.map((i) => ({
        item_id: i.item_id,
        product_id: i.product_id,
        variant_id: i.variant_id,
        supplier_id: i.supplier_id,
        product_name: null,
        quantity: i.quantity,
        unit_price_cents: i.unit_price_cents,
        status: 'pending',
        carrier: null,
        tracking_number: null,
      })),
      placed_at: at,
      confirmed_at: null,
      updated_at: at,
    };
  }
  if (!prev) return undefined;
  const base: OrderSummary = { ...prev, updated_at: at };
  switch (e.event_type) {
    case 'order.payment_initiated':
      return {
        ...base,
        status: 'awaiting_payment',
        payment_method: payloadOf(e, 'order.payment_initiated').payment_method,
        payment_attempts: prev.payment_attempts + 1,
      };
    case 'order.payment_succeeded':
      return { ...base, status: 'paid', paid_cents: payloadOf(e, 'order.payment_succeeded').amount_cents };
    case 'order.payment_failed':
      return { ...base, status: 'payment_failed' };
    case 'order.confirmed': {
      const names = new Map(payloadOf(e, 'order.confirmed').item_snapshots.map((s) => [s.item_id, s.product_name]));
      return {
        ...base,
        status: 'confirmed',
        confirmed_at: payloadOf(e, 'order.confirmed').confirmed_at,
        items: prev.items.map((i) => ({ ...i, product_name: names.get(i.item_id) ?? i.product_name })),
      };
    }
    case 'order.item_processing':
      return {
        ...base,
        items: mapItem(prev, payloadOf(e, 'order.item_processing').item_id, (i) => ({ ...i, status: 'processing' })),
      };
    case 'order.item_shipped': {
      const p = payloadOf(e, 'order.item_shipped');
      return {
        ...base,
        items: mapItem(prev, p.item_id, (i) => ({
          ...i,
          status: 'shipped',
          carrier: p.carrier,
          tracking_number: p.tracking_number,
        })),
      };
    }
    case 'order.item_delivered':
      return {
        ...base,
        items: mapItem(prev, payloadOf(e, 'order.item_delivered').item_id, (i) => ({ ...i, status: 'delivered' })),
      };
    case 'order.status_changed':
      return { ...base, status: payloadOf(e, 'order.status_changed').new_status };
    case 'order.cancelled':
      return {
        ...base,
        status: 'cancelled',
        items: prev.items.map((i) =>
          i.status === 'pending' || i.status === 'processing' ? { ...i, status: 'cancelled' } : i,
        ),
      };
    case 'order.refund_initiated':
      return {
        ...base,
        status: 'refunded',
        refunded_cents: prev.refunded_cents + payloadOf(e, 'order.refund_initiated').refund_amount,
      };
    case 'order.attribution_recorded':
      return { ...base, promotion_id: payloadOf(e, 'order.attribution_recorded').promotion_id };
    default:
      return undefined;
  }
}
