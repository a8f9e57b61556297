// The simulated world's entities and the bags that index them by lifecycle state, so every action
// finds an eligible entity in O(1). Retired entities (deleted, ended, finished) leave every bag and
// are dropped, which keeps memory bounded however long the run.
import { BagSet } from './bag.js';
import type { Slotted } from './bag.js';
import type {
  COMMUNITY_VISIBILITIES,
  ORDER_STATUSES,
  PROMOTION_TYPES,
  PROMOTION_VISIBILITIES,
  USER_ROLES,
  UTM_SOURCES,
} from '../catalog/events.js';

export interface Entity extends Slotted {
  readonly id: string;
  /** Last per-entity sequence number used (0 before the first event). */
  seq: number;
}

export type UserRole = (typeof USER_ROLES)[number];
export type UserStatus = 'pending' | 'active' | 'suspended' | 'locked' | 'deleted';

export interface User extends Entity {
  status: UserStatus;
  role: UserRole;
  displayName: string;
  avatarUrl: string;
  bio: string;
  /** Indexed like USER_STAT_TYPES. */
  readonly stats: number[];
  /** Consecutive failed logins since the last success or lock. */
  failStreak: number;
  lockedUntilMs: number;
  readonly memberships: Membership[];
  /** Live communities this user owns (an owner cannot be deleted or demoted). */
  owned: number;
}

/** A pseudonymous entity for failed logins that match no account (see users.ts). */
export interface AnonLogin extends Entity {
  failStreak: number;
}

export interface Membership {
  readonly user: User;
  readonly community: Community;
  /** Index in user.memberships / community.members (swap-remove bookkeeping). */
  ui: number;
  ci: number;
}

export type SupplierStatus = 'pending' | 'submitted' | 'verified' | 'rejected' | 'suspended';

export interface Supplier extends Entity {
  status: SupplierStatus;
  companyName: string;
  readonly locations: readonly string[];
  /** Live products of this supplier. */
  readonly products: Product[];
  /** Non-terminal promotions of this supplier. */
  readonly promotions: Promotion[];
}

export interface Community extends Entity {
  readonly owner: User;
  name: string;
  visibility: (typeof COMMUNITY_VISIBILITIES)[number];
  readonly members: Membership[];
  readonly posts: Post[];
  /** Non-terminal promotions targeting this community (it cannot be deleted while > 0). */
  promoRefs: number;
  live: boolean;
}

export type ProductStatus = 'draft' | 'published' | 'unpublished' | 'deleted';

export interface Variant {
  readonly id: string;
  readonly product: Product;
  readonly name: string;
  readonly locationId: string;
  priceCents: number;
  /** On-hand units, reserved ones included. */
  onHand: number;
  reserved: number;
}

export interface Product extends Entity {
  readonly supplier: Supplier;
  name: string;
  category: string;
  status: ProductStatus;
  readonly variants: Variant[];
  promoRefs: number;
  /** Outstanding reserved units over all variants (a product cannot be deleted while > 0). */
  reserved: number;
  /** Index in supplier.products. */
  si: number;
}

export type PromotionStatus =
  'draft' | 'submitted' | 'approved' | 'scheduled' | 'active' | 'paused' | 'ended' | 'cancelled' | 'rejected';

export interface Promotion extends Entity {
  readonly supplier: Supplier;
  readonly kind: (typeof PROMOTION_TYPES)[number];
  readonly title: string;
  readonly campaign: string;
  readonly visibility: (typeof PROMOTION_VISIBILITIES)[number];
  readonly communities: readonly Community[];
  readonly products: readonly Product[];
  status: PromotionStatus;
  requiresAdmin: boolean;
  adminApproved: boolean;
  readonly pendingCommunities: Community[];
  scheduled: boolean;
  scheduledStartMs: number;
  scheduledEndMs: number;
  impressions: number;
  clicks: number;
  conversions: number;
  revenueCents: number;
  /** The "viral" promotion of config.hot.promotion: stays active for the whole run. */
  viral: boolean;
}

export type PostStatus = 'draft' | 'published' | 'hidden' | 'deleted';

export interface Post extends Entity {
  readonly author: User;
  readonly community: Community;
  status: PostStatus;
  pinned: boolean;
  global: 'none' | 'requested' | 'approved' | 'rejected';
  /** Indexed like POST_STAT_TYPES. */
  readonly stats: number[];
  viral: boolean;
  /** Index in community.posts. */
  ci: number;
}

export type OrderStatus = (typeof ORDER_STATUSES)[number];

export interface Attribution {
  readonly promotion: Promotion;
  readonly community: Community | null;
  readonly utmSource: (typeof UTM_SOURCES)[number];
}

export type ItemState = 'pending' | 'processing' | 'shipped' | 'delivered';

export interface OrderItem extends Slotted {
  readonly id: string;
  readonly order: Order;
  readonly product: Product;
  readonly variant: Variant;
  readonly quantity: number;
  readonly unitPriceCents: number;
  state: ItemState;
}

export interface Order extends Entity {
  readonly number: string;
  readonly customer: User;
  readonly items: OrderItem[];
  readonly totalCents: number;
  status: OrderStatus;
  paymentAttempts: number;
  paidCents: number;
  correlationId: string;
  /** event_id of this order's latest order-topic event: the cause of its next one. */
  lastEventId: string;
  readonly attribution: Attribution | null;
  processing: number;
  shipped: number;
  delivered: number;
}

/** Population bookkeeping shared by the families: live count and the band it is kept in. */
export class Population {
  live = 0;
  readonly min: number;
  readonly max: number;
  constructor(target: number) {
    // New entities replace retired ones: the live count stays within ±25% of the configured size.
    this.min = Math.floor(target * 0.8);
    this.max = Math.max(1, Math.ceil(target * 1.25));
  }
  get canGrow(): boolean {
    return this.live < this.max;
  }
  get canShrink(): boolean {
    return this.live > this.min;
  }
}

export class UserState {
  readonly set = new BagSet<User>();
  readonly pending = this.set.bag('pending', (u) => u.status === 'pending');
  readonly active = this.set.bag('active', (u) => u.status === 'active');
  readonly suspended = this.set.bag('suspended', (u) => u.status === 'suspended');
  readonly locked = this.set.bag('locked', (u) => u.status === 'locked');
  readonly failing = this.set.bag('failing', (u) => u.status === 'active' && u.failStreak > 0);
  readonly lockable = this.set.bag('lockable', (u) => u.status === 'active' && u.failStreak >= LOCK_AFTER_FAILURES);
  readonly activeLeaders = this.set.bag('activeLeaders', (u) => u.status === 'active' && u.role === 'leader');
  readonly anon: AnonLogin[] = [];
  constructor(readonly population: Population) {}
}

/** `user.locked` needs at least this many consecutive `user.login_failed` first. */
export const LOCK_AFTER_FAILURES = 3;
/** A user joins at most this many communities (owners may own more). */
export const MAX_MEMBERSHIPS = 4;

export class SupplierState {
  readonly set = new BagSet<Supplier>();
  /** Pending or rejected: may (re)submit verification documents. */
  readonly submittable = this.set.bag('submittable', (s) => s.status === 'pending' || s.status === 'rejected');
  readonly submitted = this.set.bag('submitted', (s) => s.status === 'submitted');
  readonly verified = this.set.bag('verified', (s) => s.status === 'verified');
  readonly live = this.set.bag('live', (s) => s.status !== 'suspended');
  constructor(readonly population: Population) {}
}

export class CommunityState {
  readonly set = new BagSet<Community>();
  readonly live = this.set.bag('live', (c) => c.live);
  constructor(readonly population: Population) {}
}

export class ProductState {
  readonly set = new BagSet<Product>();
  readonly unpublishedOrDraft = this.set.bag(
    'unpublishedOrDraft',
    (p) => p.status === 'draft' || p.status === 'unpublished',
  );
  readonly published = this.set.bag('published', (p) => p.status === 'published');
  readonly live = this.set.bag('live', (p) => p.status !== 'deleted');
  constructor(readonly population: Population) {}
}

export class PromotionState {
  readonly set = new BagSet<Promotion>();
  readonly draft = this.set.bag('draft', (p) => p.status === 'draft');
  readonly needsAdmin = this.set.bag(
    'needsAdmin',
    (p) => p.status === 'submitted' && p.requiresAdmin && !p.adminApproved,
  );
  readonly needsLeader = this.set.bag(
    'needsLeader',
    (p) => p.status === 'submitted' && p.pendingCommunities.length > 0,
  );
  readonly submitted = this.set.bag('submitted', (p) => p.status === 'submitted');
  readonly approved = this.set.bag('approved', (p) => p.status === 'approved');
  readonly scheduled = this.set.bag('scheduled', (p) => p.status === 'scheduled');
  readonly active = this.set.bag('active', (p) => p.status === 'active');
  readonly paused = this.set.bag('paused', (p) => p.status === 'paused');
  viral: Promotion | null = null;
  constructor(readonly population: Population) {}
}

export class PostState {
  readonly set = new BagSet<Post>();
  readonly draft = this.set.bag('draft', (p) => p.status === 'draft');
  readonly published = this.set.bag('published', (p) => p.status === 'published');
  readonly hidden = this.set.bag('hidden', (p) => p.status === 'hidden');
  readonly globalRequested = this.set.bag(
    'globalRequested',
    (p) => p.status === 'published' && p.global === 'requested',
  );
  readonly pinnable = this.set.bag('pinnable', (p) => p.status === 'published' && !p.pinned);
  readonly pinned = this.set.bag('pinned', (p) => p.status === 'published' && p.pinned);
  viral: Post | null = null;
  constructor(readonly population: Population) {}
}

export class OrderState {
  readonly set = new BagSet<Order>();
  readonly pending = this.set.bag('pending', (o) => o.status === 'pending');
  readonly retryable = this.set.bag('retryable', (o) => o.status === 'payment_failed' && o.paymentAttempts < 3);
  readonly awaitingPayment = this.set.bag('awaitingPayment', (o) => o.status === 'awaiting_payment');
  readonly paid = this.set.bag('paid', (o) => o.status === 'paid');
  readonly cancellable = this.set.bag('cancellable', (o) => CANCELLABLE.has(o.status) && o.shipped === 0);
  readonly refundable = this.set.bag(
    'refundable',
    (o) => (o.status === 'cancelled' && o.paidCents > 0) || o.status === 'delivered',
  );
  readonly items = new BagSet<OrderItem>();
  readonly toProcess = this.items.bag('toProcess', (i) => i.state === 'pending' && CONFIRMED.has(i.order.status));
  readonly toShip = this.items.bag('toShip', (i) => i.state === 'processing' && CONFIRMED.has(i.order.status));
  readonly toDeliver = this.items.bag('toDeliver', (i) => i.state === 'shipped' && CONFIRMED.has(i.order.status));
  /** Orders not yet retired (in flight, or finished but still refundable). */
  live = 0;
  counter = 0;
  constructor(readonly maxLive: number) {}
}

const CANCELLABLE = new Set<OrderStatus>([
  'pending',
  'awaiting_payment',
  'payment_failed',
  'paid',
  'confirmed',
  'processing',
]);
const CONFIRMED = new Set<OrderStatus>(['confirmed', 'processing', 'shipped']);
