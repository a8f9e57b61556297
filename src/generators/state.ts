// The simulated world's entities, and per family the state that indexes them by lifecycle state
// (so every action finds an eligible entity in O(1)) and keeps the counters and back-references
// between them in step with the relationships they count. Retired entities (deleted, ended,
// finished) leave every bag and are dropped, which keeps memory bounded however long the run.
import { BagSet, BagUnion } from './bag.js';
import type { Pickable, Slotted } from './bag.js';
import {
  ORDER_STATUSES,
  type COMMUNITY_VISIBILITIES,
  type PRODUCT_STATUSES,
  type PROMOTION_TYPES,
  type PROMOTION_VISIBILITIES,
  type USER_ROLES,
  type USER_STATUSES,
  type UTM_SOURCES,
} from '../catalog/events.js';
import { Popularity, type UserRates } from './popularity.js';
import type { Shard } from './types.js';
import type { Cascade } from './cascade.js';

export interface Entity extends Slotted {
  readonly id: string;
  /** Last per-entity sequence number used (0 before the first event). */
  seq: number;
}

export type UserRole = (typeof USER_ROLES)[number];
export type UserStatus = (typeof USER_STATUSES)[number];

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
  /** Live communities this user owns (an owner cannot be deleted or demoted); kept by CommunityState. */
  ownedCommunities: number;
  /** Kind and relative rates of activity, posting and buying (popularity.ts). */
  readonly rates: UserRates;
}

/** A pseudonymous entity for failed logins that match no account (see users.ts). */
export interface AnonLogin extends Entity {
  failStreak: number;
}

export interface Membership {
  readonly user: User;
  readonly community: Community;
  /** Index in user.memberships / community.members (swap-remove bookkeeping by CommunityState). */
  ui: number;
  ci: number;
}

// The catalog has no status enum for suppliers, promotions and posts (their events carry the
// status only where it is fixed, e.g. `draft`), so these lifecycle states are the simulator's own.
export type SupplierStatus = 'pending' | 'submitted' | 'verified' | 'rejected' | 'suspended';

export interface Supplier extends Entity {
  status: SupplierStatus;
  companyName: string;
  readonly locations: readonly string[];
  /** Live products of this supplier (kept by ProductState). */
  readonly products: Product[];
  /** Non-terminal promotions of this supplier (kept by PromotionState). */
  readonly promotions: Promotion[];
  /** Drawn popularity (popularity.ts). */
  readonly fitness: number;
}

export interface Community extends Entity {
  readonly owner: User;
  name: string;
  visibility: (typeof COMMUNITY_VISIBILITIES)[number];
  readonly members: Membership[];
  readonly posts: Post[];
  /** Non-terminal promotions targeting this community (it cannot be deleted while > 0); kept by PromotionState. */
  promoRefs: number;
  live: boolean;
  /** Drawn popularity; joins also grow with the member count (popularity.ts). */
  readonly fitness: number;
}

export type ProductStatus = (typeof PRODUCT_STATUSES)[number];

export interface Variant {
  readonly id: string;
  readonly product: Product;
  readonly name: string;
  readonly locationId: string;
  priceCents: number;
  /** Units in stock, reserved ones included. */
  onHandUnits: number;
  /** Units held for orders not yet shipped or cancelled. */
  reservedUnits: number;
}

export interface Product extends Entity {
  readonly supplier: Supplier;
  name: string;
  category: string;
  status: ProductStatus;
  readonly variants: Variant[];
  /** Non-terminal promotions of this product (kept by PromotionState). */
  promoRefs: number;
  /** Reserved units over all variants (a product cannot be deleted while > 0). */
  reservedUnits: number;
  /** Index in supplier.products (kept by ProductState). */
  si: number;
  /** Drawn popularity; it grows with the units ordered (popularity.ts). */
  readonly fitness: number;
  unitsOrdered: number;
  /** Weight multiplier of a world event (a flash sale), 1 otherwise. */
  boost: number;
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
  /** When it went live (first activation), on the stream's clock; 0 before. */
  activatedAtMs: number;
  impressions: number;
  clicks: number;
  conversions: number;
  revenueCents: number;
  /** The "viral" promotion of config.hot.promotion: stays active for the whole run. */
  viral: boolean;
  /** Drawn popularity (popularity.ts). */
  readonly fitness: number;
  /** Weight multiplier of a world event (a flash sale), 1 otherwise. */
  boost: number;
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
  /** Index in community.posts (kept by PostState). */
  ci: number;
  /** Drawn popularity; it grows with the engagement the post gets (popularity.ts). */
  readonly fitness: number;
  engagement: number;
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
  /** Line items that reached each fulfilment state. */
  processingItems: number;
  shippedItems: number;
  deliveredItems: number;
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

/**
 * One family's live entities: the bags that index them by state, and the population band. Every
 * change that can move an entity between bags goes through a method, which refreshes its bags.
 */
abstract class FamilyState<T extends Entity> {
  protected readonly set = new BagSet<T>();
  /** How this family's picks are skewed (uniform unless the world says otherwise). */
  readonly popularity: Popularity;
  constructor(
    readonly population: Population,
    popularity?: Popularity,
  ) {
    this.popularity = popularity ?? new Popularity('uniform', 1);
  }

  /** Bag slots for a new entity of this family. */
  newSlots(): number[] {
    return this.set.newSlots();
  }

  setStatus<E extends T & { status: string }>(entity: E, status: E['status']): void {
    entity.status = status;
    this.set.refresh(entity);
  }

  /** A new entity joins the live population and the bags its state matches. */
  protected admit(entity: T): void {
    this.population.live++;
    this.set.refresh(entity);
  }

  /** A retired entity leaves the live population and every bag. */
  protected dismiss(entity: T): void {
    this.population.live--;
    this.set.retire(entity);
  }
}

/**
 * Removes `list[index]` in O(1) by moving the last element into its place, and returns the moved
 * element (undefined if the removed one was last) so the caller can update its stored index.
 */
function swapRemoveAt<T>(list: T[], index: number): T | undefined {
  const last = list.pop()!;
  if (index === list.length) return undefined;
  list[index] = last;
  return last;
}

/** Units of a variant that can still be ordered. */
export function availableUnits(v: Variant): number {
  return v.onHandUnits - v.reservedUnits;
}

export class UserState extends FamilyState<User> {
  readonly pending = this.set.bag('pending', (u) => u.status === 'pending');
  readonly active = this.set.bag('active', (u) => u.status === 'active');
  readonly suspended = this.set.bag('suspended', (u) => u.status === 'suspended');
  readonly locked = this.set.bag('locked', (u) => u.status === 'locked');
  readonly failing = this.set.bag('failing', (u) => u.status === 'active' && u.failStreak > 0);
  readonly lockable = this.set.bag('lockable', (u) => u.status === 'active' && u.failStreak >= LOCK_AFTER_FAILURES);
  readonly activeLeaders = this.set.bag('activeLeaders', (u) => u.status === 'active' && u.role === 'leader');
  /** Active users by how much they do (logins, views, clicks, joins). */
  readonly busy = this.set.bag('busy', isActive, (u) => u.rates.activity);
  /** Active users by how much they post: mostly creators. */
  readonly posters = this.set.bag('posters', isActive, (u) => u.rates.posts);
  /** Active users by how much they buy: a minority of repeat buyers. */
  readonly buyers = this.set.bag('buyers', isActive, (u) => u.rates.orders);
  /** Every user not yet deleted (an owner of a live community stays: the caller checks). */
  readonly deletable = new BagUnion([this.pending, this.active, this.suspended, this.locked]);
  /** Verified users, whatever their standing: their counters move. */
  readonly verified = new BagUnion([this.active, this.suspended, this.locked]);
  /** Pseudonymous entities of failed logins that match no account (see users.ts). */
  readonly anon: AnonLogin[] = [];

  add(user: User): void {
    this.admit(user);
  }

  setRole(user: User, role: UserRole): void {
    user.role = role;
    this.set.refresh(user);
  }

  /** A failed login continues the user's streak (LOCK_AFTER_FAILURES of them make the user lockable). */
  recordFailedLogin(user: User): void {
    user.failStreak++;
    this.set.refresh(user);
  }

  /** A successful login ends the user's streak of failures. */
  recordLogin(user: User): void {
    if (user.failStreak > 0) {
      user.failStreak = 0;
      this.set.refresh(user);
    }
  }

  lock(user: User, untilMs: number): void {
    user.lockedUntilMs = untilMs;
    user.status = 'locked';
    user.failStreak = 0;
    this.set.refresh(user);
  }

  /** Locks whose locked_until has passed end: the user is active again (no event; time-based). */
  expireLocks(nowMs: number): void {
    for (let i = this.locked.size - 1; i >= 0; i--) {
      const u = this.locked.at(i)!;
      if (nowMs >= u.lockedUntilMs) {
        u.status = 'active';
        this.set.refresh(u);
      }
    }
  }

  /** Marks the user deleted; their memberships are left by the caller, which emits member_left. */
  remove(user: User): void {
    user.status = 'deleted';
    this.dismiss(user);
  }
}

function isActive(u: User): boolean {
  return u.status === 'active';
}

/** `user.locked` needs at least this many consecutive `user.login_failed` first. */
export const LOCK_AFTER_FAILURES = 3;
/** A user joins at most this many communities (owners may own more). */
export const MAX_MEMBERSHIPS = 4;
/** After this many failed payments an order is cancelled. */
export const MAX_PAYMENT_ATTEMPTS = 3;

export class SupplierState extends FamilyState<Supplier> {
  /** Pending or rejected: may (re)submit verification documents. */
  readonly submittable = this.set.bag('submittable', (s) => s.status === 'pending' || s.status === 'rejected');
  readonly submitted = this.set.bag('submitted', (s) => s.status === 'submitted');
  readonly verified = this.set.bag('verified', (s) => s.status === 'verified');
  readonly live = this.set.bag('live', (s) => s.status !== 'suspended');
  /** Verified suppliers by popularity: who lists products, runs promotions and sells. */
  readonly popular = this.set.bag(
    'popular',
    (s) => s.status === 'verified',
    (s) => s.fitness,
  );
  readonly suspendable = new BagUnion([this.submittable, this.submitted, this.verified]);

  add(supplier: Supplier): void {
    this.admit(supplier);
  }

  /** Final: the spec has no supplier reactivation. */
  suspend(supplier: Supplier): void {
    supplier.status = 'suspended';
    this.dismiss(supplier);
  }
}

export class CommunityState extends FamilyState<Community> {
  readonly live = this.set.bag('live', (c) => c.live);
  /** Live communities by popularity (fitness grown by members): where joins, posts and activity go. */
  readonly popular = this.set.bag(
    'popular',
    (c) => c.live,
    (c) => this.popularity.weight(c.fitness, c.members.length),
  );
  /** Live communities by member count: a uniform pick of a membership starts here. */
  readonly byMembers = this.set.bag(
    'byMembers',
    (c) => c.live,
    (c) => c.members.length,
  );
  /** A random membership of a live community (uniform over memberships), unless that member is its owner (who stays). */
  readonly nonOwnerMembers: Pickable<Membership> = {
    pick: (rng) => {
      const c = this.byMembers.pick(rng);
      if (!c || c.members.length < 2) return undefined;
      const m = rng.pick(c.members);
      return m.user === c.owner ? undefined : m;
    },
  };

  /** A new community counts towards its owner's owned communities (its owner joins separately). */
  add(community: Community): void {
    community.owner.ownedCommunities++;
    this.admit(community);
  }

  join(user: User, community: Community): Membership {
    const m: Membership = { user, community, ui: user.memberships.length, ci: community.members.length };
    user.memberships.push(m);
    community.members.push(m);
    this.set.reweigh(community);
    return m;
  }

  leave(m: Membership): void {
    const movedU = swapRemoveAt(m.user.memberships, m.ui);
    if (movedU) movedU.ui = m.ui;
    const movedC = swapRemoveAt(m.community.members, m.ci);
    if (movedC) movedC.ci = m.ci;
    this.set.reweigh(m.community);
  }

  isMember(user: User, community: Community): boolean {
    for (const m of user.memberships) if (m.community === community) return true;
    return false;
  }

  /** Soft delete: the community ends with all its memberships (its posts are deleted by the caller). */
  remove(community: Community): void {
    community.live = false;
    this.dismiss(community);
    community.owner.ownedCommunities--;
    const members = community.members;
    while (members.length > 0) this.leave(members[members.length - 1]!);
  }

  /** Memberships over all live communities. */
  membershipCount(): number {
    let n = 0;
    for (let i = 0; i < this.live.size; i++) n += this.live.at(i)!.members.length;
    return n;
  }
}

export class ProductState extends FamilyState<Product> {
  readonly unpublishedOrDraft = this.set.bag(
    'unpublishedOrDraft',
    (p) => p.status === 'draft' || p.status === 'unpublished',
  );
  /** Published products by popularity (fitness grown by units ordered): what customers buy. */
  readonly published = this.set.bag(
    'published',
    (p) => p.status === 'published',
    (p) => p.boost * this.popularity.weight(p.fitness, p.unitsOrdered),
  );
  readonly live = this.set.bag('live', (p) => p.status !== 'deleted');
  /** Live products by the same popularity: stock and prices move where the sales are. */
  readonly popularLive = this.set.bag(
    'popularLive',
    (p) => p.status !== 'deleted',
    (p) => p.boost * this.popularity.weight(p.fitness, p.unitsOrdered),
  );

  /** A world event (a flash sale) multiplies the product's weight by `boost` (1: back to normal). */
  setBoost(product: Product, boost: number): void {
    product.boost = boost;
    this.set.reweigh(product);
  }

  /** Units of the product went into an order: it grows more popular. */
  recordOrdered(product: Product, units: number): void {
    product.unitsOrdered += units;
    this.set.reweigh(product);
  }

  /** A new product joins its supplier's live products. */
  add(product: Product): void {
    const list = product.supplier.products;
    product.si = list.length;
    list.push(product);
    this.admit(product);
  }

  remove(product: Product): void {
    product.status = 'deleted';
    this.dismiss(product);
    const moved = swapRemoveAt(product.supplier.products, product.si);
    if (moved) moved.si = product.si;
  }

  /** Holds `units` of the variant for an order (the product's total follows). */
  reserve(v: Variant, units: number): void {
    v.reservedUnits += units;
    v.product.reservedUnits += units;
  }

  /** Gives back `units` held for a cancelled order. */
  release(v: Variant, units: number): void {
    v.reservedUnits -= units;
    v.product.reservedUnits -= units;
  }

  /** Shipped units leave both the stock and the reservation. */
  ship(v: Variant, units: number): void {
    v.onHandUnits -= units;
    this.release(v, units);
  }
}

export class PromotionState extends FamilyState<Promotion> {
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
  /** Active promotions by popularity: where impressions and clicks go. */
  readonly popular = this.set.bag(
    'popular',
    (p) => p.status === 'active',
    (p) => p.boost * this.popularity.weight(p.fitness, p.conversions),
  );

  /** A world event (a flash sale) multiplies the promotion's weight by `boost` (1: back to normal). */
  setBoost(p: Promotion, boost: number): void {
    p.boost = boost;
    this.set.reweigh(p);
  }
  /** Approved, or scheduled (whose start time may not have come yet). */
  readonly activatable = new BagUnion([this.approved, this.scheduled]);
  readonly endable = new BagUnion([this.active, this.paused]);
  readonly cancellable = new BagUnion([
    this.draft,
    this.submitted,
    this.approved,
    this.scheduled,
    this.active,
    this.paused,
  ]);
  viral: Promotion | null = null;
  /** The viral cascade of config.cascade.promotion (set by the Sim), or null: a fixed `hot` share. */
  cascade: Cascade | null = null;

  /** A new promotion holds its products and communities, and joins its supplier's promotions. */
  add(promotion: Promotion): void {
    for (const x of promotion.products) x.promoRefs++;
    for (const c of promotion.communities) c.promoRefs++;
    promotion.supplier.promotions.push(promotion);
    this.admit(promotion);
    if (promotion.viral) this.viral = promotion;
  }

  /** Submitted for approval: by an admin for global reach, by each targeted community's leader. */
  submit(p: Promotion): void {
    p.requiresAdmin = p.visibility !== 'community';
    if (p.visibility !== 'global') p.pendingCommunities.push(...p.communities);
    this.setStatus(p, 'submitted');
  }

  /** An order came through the promotion (its weight grows when the world says so). */
  recordConversion(p: Promotion): void {
    p.conversions++;
    this.set.reweigh(p);
  }

  recordAdminApproval(p: Promotion): void {
    p.adminApproved = true;
    this.approveIfComplete(p);
  }

  recordLeaderApproval(p: Promotion, c: Community): void {
    p.pendingCommunities.splice(p.pendingCommunities.indexOf(c), 1);
    this.approveIfComplete(p);
  }

  schedule(p: Promotion, startMs: number, endMs: number): void {
    p.scheduled = true;
    p.scheduledStartMs = startMs;
    p.scheduledEndMs = endMs;
    this.setStatus(p, 'scheduled');
  }

  activate(p: Promotion, endMs: number, atMs: number): void {
    p.scheduledEndMs = endMs;
    p.activatedAtMs = atMs;
    this.setStatus(p, 'active');
  }

  /** Ended, cancelled or rejected: final; the promotion lets go of its products and communities. */
  retire(p: Promotion, status: 'ended' | 'cancelled' | 'rejected'): void {
    p.status = status;
    this.dismiss(p);
    for (const x of p.products) x.promoRefs--;
    for (const c of p.communities) c.promoRefs--;
    const list = p.supplier.promotions;
    list.splice(list.indexOf(p), 1);
  }

  private approveIfComplete(p: Promotion): void {
    if ((!p.requiresAdmin || p.adminApproved) && p.pendingCommunities.length === 0) p.status = 'approved';
    this.set.refresh(p);
  }
}

export class PostState extends FamilyState<Post> {
  readonly draft = this.set.bag('draft', (p) => p.status === 'draft');
  readonly published = this.set.bag('published', (p) => p.status === 'published');
  readonly hidden = this.set.bag('hidden', (p) => p.status === 'hidden');
  readonly globalRequested = this.set.bag(
    'globalRequested',
    (p) => p.status === 'published' && p.global === 'requested',
  );
  readonly pinnable = this.set.bag('pinnable', (p) => p.status === 'published' && !p.pinned);
  readonly pinned = this.set.bag('pinned', (p) => p.status === 'published' && p.pinned);
  /** Published posts by popularity (fitness grown by engagement): where views, likes and shares go. */
  readonly popular = this.set.bag(
    'popular',
    (p) => p.status === 'published',
    (p) => this.popularity.weight(p.fitness, p.engagement),
  );
  readonly editable = new BagUnion([this.draft, this.published]);
  /** Drafts, hidden posts and unpinned published ones (a pinned post is unpinned first). */
  readonly deletable = new BagUnion([this.draft, this.pinnable, this.hidden]);
  viral: Post | null = null;

  /** A new post joins its community's posts. */
  add(post: Post): void {
    const list = post.community.posts;
    post.ci = list.length;
    list.push(post);
    this.admit(post);
  }

  /** The post got engagement: it grows more popular. */
  recordEngagement(post: Post): void {
    post.engagement++;
    this.set.reweigh(post);
  }

  setPinned(post: Post, pinned: boolean): void {
    post.pinned = pinned;
    this.set.refresh(post);
  }

  setGlobal(post: Post, global: Post['global']): void {
    post.global = global;
    this.set.refresh(post);
  }

  /** The post of config.hot.post: a share of all engagement goes to it, and it is never hidden or deleted. */
  makeViral(post: Post): void {
    post.viral = true;
    this.viral = post;
  }

  remove(post: Post): void {
    post.status = 'deleted';
    this.dismiss(post);
    const moved = swapRemoveAt(post.community.posts, post.ci);
    if (moved) moved.ci = post.ci;
  }
}

/** Orders in flight (no population band: a cap instead) and their line items, indexed by state. */
export class OrderState {
  private readonly set = new BagSet<Order>();
  readonly pending = this.set.bag('pending', (o) => o.status === 'pending');
  readonly retryable = this.set.bag(
    'retryable',
    (o) => o.status === 'payment_failed' && o.paymentAttempts < MAX_PAYMENT_ATTEMPTS,
  );
  readonly awaitingPayment = this.set.bag('awaitingPayment', (o) => o.status === 'awaiting_payment');
  readonly paid = this.set.bag('paid', (o) => o.status === 'paid');
  readonly cancellable = this.set.bag('cancellable', (o) => CANCELLABLE.has(o.status) && o.shippedItems === 0);
  readonly refundable = this.set.bag(
    'refundable',
    (o) => (o.status === 'cancelled' && o.paidCents > 0) || o.status === 'delivered',
  );
  /** Orders whose (next) payment attempt may start. */
  readonly payable = new BagUnion([this.pending, this.retryable]);
  private readonly items = new BagSet<OrderItem>();
  readonly toProcess = this.items.bag('toProcess', (i) => i.state === 'pending' && CONFIRMED.has(i.order.status));
  readonly toShip = this.items.bag('toShip', (i) => i.state === 'processing' && CONFIRMED.has(i.order.status));
  readonly toDeliver = this.items.bag('toDeliver', (i) => i.state === 'shipped' && CONFIRMED.has(i.order.status));
  private liveCount = 0;
  private numbered = 0;
  constructor(
    readonly maxLive: number,
    /** In a sharded run, order numbers interleave (shard i of N: i+1, i+1+N, …) so none repeats. */
    private readonly shard?: Shard,
  ) {}

  /** Orders not yet retired (in flight, or finished but still refundable). */
  get live(): number {
    return this.liveCount;
  }

  get hasRoom(): boolean {
    return this.liveCount < this.maxLive;
  }

  /** The next human-readable order number: SC-00000001, SC-00000002, … */
  nextNumber(): string {
    const n = this.shard ? this.numbered++ * this.shard.count + this.shard.index + 1 : ++this.numbered;
    return `SC-${String(n).padStart(8, '0')}`;
  }

  newSlots(): number[] {
    return this.set.newSlots();
  }

  newItemSlots(): number[] {
    return this.items.newSlots();
  }

  add(order: Order): void {
    this.liveCount++;
    this.refresh(order);
  }

  setStatus(order: Order, status: OrderStatus): void {
    order.status = status;
    this.refresh(order);
  }

  /**
   * An item moves on in fulfilment and its order counts it. Bags are not refreshed here: the order's
   * aggregate status may change with it, so the caller refreshes once both are done.
   */
  advanceItem(item: OrderItem, state: 'processing' | 'shipped' | 'delivered'): void {
    item.state = state;
    const o = item.order;
    if (state === 'processing') o.processingItems++;
    else if (state === 'shipped') o.shippedItems++;
    else o.deliveredItems++;
  }

  /** Re-indexes the order and its items after any change of status or item state. */
  refresh(order: Order): void {
    this.set.refresh(order);
    for (const i of order.items) this.items.refresh(i);
  }

  /** The order is finished (with its final `status`, if given) and forgotten. */
  retire(order: Order, status?: OrderStatus): void {
    if (status) order.status = status;
    this.liveCount--;
    this.set.retire(order);
    for (const i of order.items) this.items.retire(i);
  }
}

/** ORDER_STATUSES lists the lifecycle in order: the statuses from `first` to `last`, inclusive. */
function statusesBetween(first: OrderStatus, last: OrderStatus): ReadonlySet<OrderStatus> {
  return new Set(ORDER_STATUSES.slice(ORDER_STATUSES.indexOf(first), ORDER_STATUSES.indexOf(last) + 1));
}

/** An order may be cancelled until its first shipment. */
const CANCELLABLE = statusesBetween('pending', 'processing');
/** Items are processed, shipped and delivered once the order is confirmed. */
const CONFIRMED = statusesBetween('confirmed', 'shipped');
