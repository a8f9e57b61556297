// An independent checker for sc-sim event streams, written from ../shared/spec/topic-event-catalog.md
// and the lifecycle rules of issue 3 — deliberately NOT importing generator code: it re-states the
// allowed transitions itself, replays the stream and names every anomaly it finds.

/** The parts of a SimEvent the checker reads (kept structural so hand-made streams are easy). */
export interface CheckedEvent {
  topic: string;
  key: string;
  envelope: {
    event_id: string;
    event_type: string;
    event_version: number;
    occurred_at: string;
    entity_type: string;
    entity_id: string;
    sequence: number;
    correlation_id: string;
    causation_id: string | null;
    producer: string;
    run_id: string;
    payload: Record<string, unknown>;
  };
}

export const AnomalyKinds = [
  'invalid_transition',
  'dangling_reference',
  'sequence_gap',
  'non_monotonic_time',
  'negative_inventory',
  'over_reservation',
  'counter_mismatch',
  'bad_causation',
  'missing_effect',
  'key_mismatch',
  'duplicate_event_id',
  'privacy_leak',
] as const;
export type AnomalyKind = (typeof AnomalyKinds)[number];

export interface Anomaly {
  kind: AnomalyKind;
  /** Position of the offending event in the stream. */
  index: number;
  eventType: string;
  entityId: string;
  message: string;
}

export interface CheckResult {
  events: number;
  anomalies: Anomaly[];
  byKind: Record<AnomalyKind, number>;
  /** Entities seen per entity type. */
  entities: Record<string, number>;
}

// ---------------------------------------------------------------------------------------------
// Rules re-stated from the spec (§3) and the lifecycle list.

/** Consecutive failed logins required before `user.locked`. */
const LOCK_THRESHOLD = 3;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/;
const IPV4 = /\b(?:\d{1,3}\.){3}\d{1,3}\b/;
const IPV6 = /\b(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}\b/i;
const FORBIDDEN_FIELDS = new Set(['ip', 'ip_address', 'email', 'email_address', 'phone', 'phone_number']);
const KEY_FIELD: Record<string, string> = {
  user: 'user_id',
  supplier: 'supplier_id',
  community: 'community_id',
  product: 'product_id',
  promotion: 'promotion_id',
  post: 'post_id',
  order: 'order_id',
};

type UserState = 'pending' | 'active' | 'suspended' | 'locked' | 'deleted';
interface UserS {
  state: UserState;
  role: string;
  lockedUntilMs: number;
  failStreak: number;
  stats: Map<string, number>;
  owned: Set<string>;
}
interface SupplierS {
  state: 'pending' | 'submitted' | 'verified' | 'rejected' | 'suspended';
}
interface CommunityS {
  live: boolean;
  ownerId: string;
  visibility: string;
  members: Set<string>;
}
interface VariantS {
  onHand: number;
  reserved: number;
  price: number;
  /** Outstanding reservation per order id. */
  byOrder: Map<string, number>;
}
interface ProductS {
  state: 'draft' | 'published' | 'unpublished' | 'deleted';
  supplierId: string;
  variants: Map<string, VariantS>;
}
interface PromotionS {
  state: 'draft' | 'submitted' | 'approved' | 'scheduled' | 'active' | 'paused' | 'ended' | 'cancelled' | 'rejected';
  supplierId: string;
  visibility: string;
  communityIds: string[];
  productIds: string[];
  requiresAdmin: boolean;
  adminApproved: boolean;
  pendingCommunities: Set<string>;
  activatedOnce: boolean;
  scheduledStartMs: number;
  impressions: number;
  clicks: number;
  conversions: number;
  revenue: number;
}
interface PostS {
  state: 'draft' | 'published' | 'hidden' | 'deleted';
  communityId: string;
  pinned: boolean;
  global: 'none' | 'requested' | 'approved' | 'rejected';
  stats: Map<string, number>;
}
interface ItemS {
  productId: string;
  variantId: string;
  supplierId: string;
  quantity: number;
  price: number;
  state: 'pending' | 'processing' | 'shipped' | 'delivered';
  reserved: boolean;
  released: boolean;
}
type OrderState =
  | 'pending'
  | 'awaiting_payment'
  | 'payment_failed'
  | 'paid'
  | 'confirmed'
  | 'processing'
  | 'shipped'
  | 'delivered'
  | 'cancelled'
  | 'refunded';
interface OrderS {
  state: OrderState;
  total: number;
  paid: number;
  items: Map<string, ItemS>;
  promotionConverted: string | null;
  attributed: boolean;
}
interface EventRef {
  type: string;
  correlationId: string;
  entityId: string;
  payload: Record<string, unknown>;
}

function s(p: Record<string, unknown>, field: string): string {
  const v = p[field];
  return typeof v === 'string' ? v : '';
}
function n(p: Record<string, unknown>, field: string): number {
  const v = p[field];
  return typeof v === 'number' ? v : Number.NaN;
}

export class LifecycleChecker {
  private index = -1;
  private readonly anomalies: Anomaly[] = [];
  private readonly seen = new Map<string, EventRef>();
  private readonly lastSeq = new Map<string, number>();
  private readonly lastTime = new Map<string, number>();
  private readonly users = new Map<string, UserS>();
  private readonly suppliers = new Map<string, SupplierS>();
  private readonly communities = new Map<string, CommunityS>();
  private readonly products = new Map<string, ProductS>();
  private readonly promotions = new Map<string, PromotionS>();
  private readonly posts = new Map<string, PostS>();
  private readonly orders = new Map<string, OrderS>();
  private current: CheckedEvent | null = null;
  private nowMs = 0;

  private flag(kind: AnomalyKind, message: string): void {
    const e = this.current!;
    this.anomalies.push({
      kind,
      index: this.index,
      eventType: e.envelope.event_type,
      entityId: e.envelope.entity_id,
      message,
    });
  }

  private transition(ok: boolean, message: string): boolean {
    if (!ok) this.flag('invalid_transition', message);
    return ok;
  }

  check(event: CheckedEvent): void {
    this.index++;
    this.current = event;
    const env = event.envelope;
    const p = env.payload;
    const type = env.event_type;
    const family = type.slice(0, type.indexOf('.'));
    const timeMs = Date.parse(env.occurred_at);
    this.nowMs = timeMs;
    const entityKey = `${env.entity_type}:${env.entity_id}`;

    // Envelope-level rules: identity, key, sequence, time, causation, privacy.
    if (this.seen.has(env.event_id)) this.flag('duplicate_event_id', `event_id ${env.event_id} seen before`);
    if (event.key !== env.entity_id) this.flag('key_mismatch', `record key ${event.key} != entity_id ${env.entity_id}`);
    if (event.topic !== `sc.domain.${family}` || env.entity_type !== family) {
      this.flag('key_mismatch', `${type} on topic ${event.topic} with entity_type ${env.entity_type}`);
    }
    const keyField = KEY_FIELD[family];
    if (keyField !== undefined && p[keyField] !== undefined && p[keyField] !== env.entity_id) {
      this.flag('key_mismatch', `payload ${keyField}=${String(p[keyField])} != entity_id ${env.entity_id}`);
    }
    const prevSeq = this.lastSeq.get(entityKey) ?? 0;
    if (env.sequence !== prevSeq + 1) this.flag('sequence_gap', `sequence ${env.sequence} after ${prevSeq}`);
    this.lastSeq.set(entityKey, env.sequence);
    const prevTime = this.lastTime.get(entityKey);
    if (prevTime !== undefined && timeMs < prevTime) {
      this.flag('non_monotonic_time', `occurred_at ${env.occurred_at} before the entity's previous event`);
    }
    this.lastTime.set(entityKey, timeMs);
    let cause: EventRef | undefined;
    if (env.causation_id === null) {
      if (env.correlation_id !== env.event_id)
        this.flag('bad_causation', 'root event whose correlation_id is not its own id');
    } else {
      cause = this.seen.get(env.causation_id);
      if (!cause) this.flag('bad_causation', `causation ${env.causation_id} is not an earlier event`);
      else if (cause.correlationId !== env.correlation_id) {
        this.flag('bad_causation', `correlation ${env.correlation_id} differs from its cause's ${cause.correlationId}`);
      }
    }
    this.checkPrivacy(p, '');
    this.seen.set(env.event_id, { type, correlationId: env.correlation_id, entityId: env.entity_id, payload: p });

    switch (family) {
      case 'user':
        this.user(type, env.entity_id, p, timeMs);
        break;
      case 'supplier':
        this.supplier(type, env.entity_id, p);
        break;
      case 'community':
        this.community(type, env.entity_id, p);
        break;
      case 'product':
        this.product(type, env.entity_id, p, cause);
        break;
      case 'promotion':
        this.promotion(type, env.entity_id, p, timeMs, cause);
        break;
      case 'post':
        this.post(type, env.entity_id, p);
        break;
      case 'order':
        this.order(type, env.entity_id, p, env.occurred_at, cause);
        break;
      default:
        this.flag('invalid_transition', `unknown event family ${family}`);
    }
  }

  private checkPrivacy(value: unknown, path: string): void {
    if (typeof value === 'string') {
      if (EMAIL.test(value) || IPV4.test(value) || IPV6.test(value)) {
        this.flag('privacy_leak', `${path} looks like an e-mail or IP address: ${value}`);
      }
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => this.checkPrivacy(v, `${path}[${i}]`));
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (FORBIDDEN_FIELDS.has(k)) this.flag('privacy_leak', `field ${path}${k} must not exist`);
        this.checkPrivacy(v, `${path}${k}.`);
      }
    }
  }

  /** A user's state at the current event's time: a lock ends by itself at locked_until. */
  private stateOf(u: UserS): UserState {
    return u.state === 'locked' && this.nowMs >= u.lockedUntilMs ? 'active' : u.state;
  }

  /** A live (created, not deleted) user, or a flag. */
  private liveUser(id: string, what: string): UserS | undefined {
    const u = this.users.get(id);
    if (!u) this.flag('dangling_reference', `${what} ${id} is not a known user`);
    else if (u.state === 'deleted') this.flag('dangling_reference', `${what} ${id} is a deleted user`);
    else return u;
    return undefined;
  }

  // -- users ---------------------------------------------------------------------------------

  private user(type: string, id: string, p: Record<string, unknown>, timeMs: number): void {
    if (type === 'user.login_failed' && p['user_id'] === undefined) {
      // Unknown account: a pseudonymous anon- entity stands for the attempted login.
      if (!id.startsWith('anon-')) this.flag('key_mismatch', 'login_failed without user_id must use an anon- entity');
      if (!(n(p, 'attempt_count') >= 1)) this.flag('counter_mismatch', 'attempt_count must be >= 1');
      return;
    }
    if (type === 'user.created') {
      if (!this.transition(!this.users.has(id), 'user.created for an existing user')) return;
      this.transition(s(p, 'status') === 'pending', 'user.created must be pending');
      this.users.set(id, {
        state: 'pending',
        role: s(p, 'role'),
        lockedUntilMs: 0,
        failStreak: 0,
        stats: new Map(),
        owned: new Set(),
      });
      return;
    }
    const u = this.users.get(id);
    if (!this.transition(u !== undefined, `${type} before user.created`) || !u) return;
    if (!this.transition(u.state !== 'deleted', `${type} after user.deleted`)) return;
    u.state = this.stateOf(u);
    const st = u.state;
    switch (type) {
      case 'user.verified':
        if (this.transition(st === 'pending', `verified from ${st}`)) u.state = 'active';
        this.transition(
          s(p, 'previous_status') === 'pending' && s(p, 'new_status') === 'active',
          'verified: previous/new status',
        );
        break;
      case 'user.profile_updated':
        this.transition(st === 'pending' || st === 'active', `profile_updated while ${st}`);
        break;
      case 'user.role_changed':
        this.transition(st === 'active', `role_changed while ${st}`);
        this.transition(
          s(p, 'previous_role') === u.role && s(p, 'new_role') !== u.role,
          'role_changed: previous_role mismatch',
        );
        this.transition(!(u.role === 'leader' && u.owned.size > 0), 'leader demoted while owning a live community');
        u.role = s(p, 'new_role');
        break;
      case 'user.suspended':
        if (this.transition(st === 'active', `suspended while ${st}`)) u.state = 'suspended';
        break;
      case 'user.reactivated':
        if (this.transition(st === 'suspended', `reactivated while ${st}`)) u.state = 'active';
        break;
      case 'user.deleted':
        this.transition(u.owned.size === 0, 'user deleted while owning a live community');
        u.state = 'deleted';
        break;
      case 'user.stats_changed': {
        this.transition(st !== 'pending', 'stats_changed for a pending user');
        const stat = s(p, 'stat_type');
        const prev = n(p, 'previous_value');
        const next = n(p, 'new_value');
        const tracked = u.stats.get(stat) ?? 0;
        if (prev !== tracked || next !== prev + n(p, 'delta') || next < 0) {
          this.flag(
            'counter_mismatch',
            `${stat}: tracked ${tracked}, previous ${prev}, delta ${n(p, 'delta')}, new ${next}`,
          );
        }
        u.stats.set(stat, next);
        break;
      }
      case 'user.login_succeeded':
        this.transition(st === 'active', `login_succeeded while ${st}`);
        u.failStreak = 0;
        break;
      case 'user.login_failed':
        this.transition(st === 'active', `login_failed (known account) while ${st}`);
        u.failStreak++;
        if (n(p, 'attempt_count') !== u.failStreak) {
          this.flag('counter_mismatch', `attempt_count ${n(p, 'attempt_count')}, expected ${u.failStreak}`);
        }
        break;
      case 'user.locked':
        this.transition(st === 'active', `locked while ${st}`);
        this.transition(u.failStreak >= LOCK_THRESHOLD, `locked after only ${u.failStreak} consecutive failed logins`);
        u.state = 'locked';
        u.lockedUntilMs = Date.parse(s(p, 'locked_until'));
        this.transition(u.lockedUntilMs > timeMs, 'locked_until is not in the future');
        u.failStreak = 0;
        break;
      default:
        this.flag('invalid_transition', `unknown user event ${type}`);
    }
  }

  // -- suppliers -----------------------------------------------------------------------------

  private supplier(type: string, id: string, p: Record<string, unknown>): void {
    if (type === 'supplier.created') {
      if (!this.transition(!this.suppliers.has(id), 'supplier.created for an existing supplier')) return;
      this.transition(s(p, 'status') === 'pending', 'supplier.created must be pending');
      this.suppliers.set(id, { state: 'pending' });
      return;
    }
    const sp = this.suppliers.get(id);
    if (!this.transition(sp !== undefined, `${type} before supplier.created`) || !sp) return;
    const st = sp.state;
    if (!this.transition(st !== 'suspended', `${type} after supplier.suspended`)) return;
    switch (type) {
      case 'supplier.verification_submitted':
        if (this.transition(st === 'pending' || st === 'rejected', `verification_submitted while ${st}`))
          sp.state = 'submitted';
        break;
      case 'supplier.verified':
        if (this.transition(st === 'submitted', `verified while ${st} (needs verification_submitted)`))
          sp.state = 'verified';
        break;
      case 'supplier.verification_rejected':
        if (this.transition(st === 'submitted', `verification_rejected while ${st}`)) sp.state = 'rejected';
        break;
      case 'supplier.profile_updated':
        break;
      case 'supplier.suspended':
        sp.state = 'suspended';
        break;
      case 'supplier.stats_changed':
        this.transition(st === 'verified', `stats_changed while ${st}`);
        break;
      default:
        this.flag('invalid_transition', `unknown supplier event ${type}`);
    }
  }

  // -- communities ---------------------------------------------------------------------------

  private community(type: string, id: string, p: Record<string, unknown>): void {
    if (type === 'community.created') {
      if (!this.transition(!this.communities.has(id), 'community.created for an existing community')) return;
      const owner = this.liveUser(s(p, 'owner_id'), 'owner_id');
      if (owner) {
        this.transition(
          owner.role === 'leader' && this.stateOf(owner) === 'active',
          'community owner must be an active leader',
        );
        owner.owned.add(id);
      }
      this.communities.set(id, {
        live: true,
        ownerId: s(p, 'owner_id'),
        visibility: s(p, 'visibility'),
        members: new Set(),
      });
      return;
    }
    const c = this.communities.get(id);
    if (!this.transition(c !== undefined, `${type} before community.created`) || !c) return;
    if (!this.transition(c.live, `${type} after community.deleted`)) return;
    switch (type) {
      case 'community.updated':
      case 'community.stats_changed':
        break;
      case 'community.visibility_changed':
        this.transition(s(p, 'previous_visibility') === c.visibility, 'previous_visibility mismatch');
        this.transition(s(p, 'new_visibility') !== c.visibility, 'visibility did not change');
        c.visibility = s(p, 'new_visibility');
        break;
      case 'community.member_joined': {
        const userId = s(p, 'user_id');
        this.liveUser(userId, 'member_joined user_id');
        this.transition(!c.members.has(userId), 'member_joined for a current member');
        this.transition(
          (s(p, 'join_method') === 'owner') === (userId === c.ownerId),
          'join_method owner only for the owner',
        );
        c.members.add(userId);
        if (n(p, 'member_count_after') !== c.members.size) {
          this.flag('counter_mismatch', `member_count_after ${n(p, 'member_count_after')}, expected ${c.members.size}`);
        }
        break;
      }
      case 'community.member_left':
      case 'community.member_removed': {
        const userId = s(p, 'user_id');
        this.transition(c.members.has(userId), `${type} for a non-member`);
        this.transition(userId !== c.ownerId, 'the owner cannot leave or be removed');
        if (type === 'community.member_removed')
          this.transition(s(p, 'removed_by') === c.ownerId, 'removed_by is not the owner');
        c.members.delete(userId);
        if (n(p, 'member_count_after') !== c.members.size) {
          this.flag('counter_mismatch', `member_count_after ${n(p, 'member_count_after')}, expected ${c.members.size}`);
        }
        break;
      }
      case 'community.deleted':
        if (n(p, 'member_count_at_del') !== c.members.size) {
          this.flag(
            'counter_mismatch',
            `member_count_at_del ${n(p, 'member_count_at_del')}, expected ${c.members.size}`,
          );
        }
        for (const promo of this.promotions.values()) {
          if (!['ended', 'cancelled', 'rejected'].includes(promo.state) && promo.communityIds.includes(id)) {
            this.flag('dangling_reference', `community deleted while promotion targets it`);
            break;
          }
        }
        c.live = false;
        c.members.clear();
        this.users.get(c.ownerId)?.owned.delete(id);
        break;
      default:
        this.flag('invalid_transition', `unknown community event ${type}`);
    }
  }

  // -- products ------------------------------------------------------------------------------

  private product(type: string, id: string, p: Record<string, unknown>, cause: EventRef | undefined): void {
    if (type === 'product.created') {
      if (!this.transition(!this.products.has(id), 'product.created for an existing product')) return;
      const sp = this.suppliers.get(s(p, 'supplier_id'));
      if (!sp || sp.state !== 'verified')
        this.flag('dangling_reference', 'product.created by an unknown or unverified supplier');
      this.transition(s(p, 'status') === 'draft', 'product.created must be draft');
      this.products.set(id, { state: 'draft', supplierId: s(p, 'supplier_id'), variants: new Map() });
      return;
    }
    const pr = this.products.get(id);
    if (!this.transition(pr !== undefined, `${type} before product.created`) || !pr) return;
    if (!this.transition(pr.state !== 'deleted', `${type} after product.deleted`)) return;
    const variant = (): VariantS | undefined => {
      const v = pr.variants.get(s(p, 'variant_id'));
      if (!v) this.flag('dangling_reference', `variant ${s(p, 'variant_id')} unknown for this product`);
      return v;
    };
    switch (type) {
      case 'product.updated':
        break;
      case 'product.published':
        this.transition(pr.state === 'draft' || pr.state === 'unpublished', `published while ${pr.state}`);
        this.transition(pr.variants.size > 0, 'published without any variant');
        pr.state = 'published';
        break;
      case 'product.unpublished':
        if (this.transition(pr.state === 'published', `unpublished while ${pr.state}`)) pr.state = 'unpublished';
        break;
      case 'product.variant_added':
        this.transition(!pr.variants.has(s(p, 'variant_id')), 'variant added twice');
        pr.variants.set(s(p, 'variant_id'), { onHand: 0, reserved: 0, price: n(p, 'price_cents'), byOrder: new Map() });
        break;
      case 'product.price_changed': {
        const targets = p['variant_id'] === undefined ? [...pr.variants.values()] : [variant()];
        for (const v of targets) {
          if (!v) continue;
          if (v.price !== n(p, 'previous_price')) {
            this.flag('counter_mismatch', `previous_price ${n(p, 'previous_price')}, tracked ${v.price}`);
          }
          v.price = n(p, 'new_price');
        }
        break;
      }
      case 'product.inventory_adjusted': {
        const v = variant();
        if (!v) return;
        const prev = n(p, 'previous_qty');
        const next = n(p, 'new_qty');
        if (prev !== v.onHand) this.flag('counter_mismatch', `previous_qty ${prev}, tracked on-hand ${v.onHand}`);
        if (next < 0) this.flag('negative_inventory', `new_qty ${next}`);
        if (s(p, 'adjustment_type') === 'fulfillment') {
          const orderId = s(p, 'order_id');
          const consumed = prev - next;
          const outstanding = v.byOrder.get(orderId) ?? 0;
          if (consumed <= 0 || consumed > outstanding) {
            this.flag('over_reservation', `fulfillment consumes ${consumed} but order ${orderId} holds ${outstanding}`);
          }
          if (!cause || cause.type !== 'order.item_shipped' || s(cause.payload, 'order_id') !== orderId) {
            this.flag('bad_causation', 'fulfillment must be caused by that order’s item_shipped');
          }
          v.byOrder.set(orderId, outstanding - consumed);
          v.reserved -= consumed;
        } else if (next < v.reserved) {
          this.flag('over_reservation', `new_qty ${next} below reserved ${v.reserved}`);
        }
        v.onHand = next;
        if (v.reserved < 0) this.flag('negative_inventory', `reserved ${v.reserved}`);
        break;
      }
      case 'product.inventory_reserved': {
        const v = variant();
        const orderId = s(p, 'order_id');
        const o = this.orders.get(orderId);
        if (!o) this.flag('dangling_reference', `reservation for unknown order ${orderId}`);
        if (!cause || cause.type !== 'order.created' || cause.entityId !== orderId) {
          this.flag('bad_causation', 'inventory_reserved must be caused by the order’s order.created');
        }
        if (!v) return;
        const qty = n(p, 'reserved_qty');
        v.reserved += qty;
        v.byOrder.set(orderId, (v.byOrder.get(orderId) ?? 0) + qty);
        if (v.reserved > v.onHand) this.flag('over_reservation', `reserved ${v.reserved} > on-hand ${v.onHand}`);
        for (const item of o?.items.values() ?? []) {
          if (item.variantId === s(p, 'variant_id') && !item.reserved) {
            item.reserved = true;
            break;
          }
        }
        break;
      }
      case 'product.inventory_released': {
        const v = variant();
        const orderId = s(p, 'order_id');
        if (!cause || cause.type !== 'order.cancelled' || cause.entityId !== orderId) {
          this.flag('bad_causation', 'inventory_released must be caused by the order’s order.cancelled');
        }
        if (!v) return;
        const qty = n(p, 'released_qty');
        const outstanding = v.byOrder.get(orderId) ?? 0;
        if (qty > outstanding)
          this.flag('over_reservation', `released ${qty} but order ${orderId} holds ${outstanding}`);
        v.byOrder.set(orderId, outstanding - qty);
        v.reserved -= qty;
        if (v.reserved < 0) this.flag('negative_inventory', `reserved ${v.reserved}`);
        for (const item of this.orders.get(orderId)?.items.values() ?? []) {
          if (item.variantId === s(p, 'variant_id') && !item.released) {
            item.released = true;
            break;
          }
        }
        break;
      }
      case 'product.deleted':
        for (const v of pr.variants.values()) {
          if (v.reserved > 0) this.flag('invalid_transition', 'product deleted with stock still reserved');
        }
        pr.state = 'deleted';
        break;
      default:
        this.flag('invalid_transition', `unknown product event ${type}`);
    }
  }

  // -- promotions ----------------------------------------------------------------------------

  private promotion(
    type: string,
    id: string,
    p: Record<string, unknown>,
    timeMs: number,
    cause: EventRef | undefined,
  ): void {
    if (type === 'promotion.created') {
      if (!this.transition(!this.promotions.has(id), 'promotion.created for an existing promotion')) return;
      const supplierId = s(p, 'supplier_id');
      if (this.suppliers.get(supplierId)?.state !== 'verified') {
        this.flag('dangling_reference', 'promotion by an unknown or unverified supplier');
      }
      const productIds = (p['product_ids'] as string[] | undefined) ?? [];
      const communityIds = (p['community_ids'] as string[] | undefined) ?? [];
      for (const pid of productIds) {
        const pr = this.products.get(pid);
        if (!pr || pr.state === 'deleted' || pr.supplierId !== supplierId) {
          this.flag('dangling_reference', `promoted product ${pid} unknown, deleted or of another supplier`);
        }
      }
      for (const cid of communityIds) {
        if (!this.communities.get(cid)?.live) this.flag('dangling_reference', `targeted community ${cid} is not live`);
      }
      const visibility = s(p, 'visibility_type');
      this.transition(s(p, 'status') === 'draft', 'promotion.created must be draft');
      this.promotions.set(id, {
        state: 'draft',
        supplierId,
        visibility,
        communityIds,
        productIds,
        requiresAdmin: false,
        adminApproved: false,
        pendingCommunities: new Set(),
        activatedOnce: false,
        scheduledStartMs: 0,
        impressions: 0,
        clicks: 0,
        conversions: 0,
        revenue: 0,
      });
      return;
    }
    const pr = this.promotions.get(id);
    if (!this.transition(pr !== undefined, `${type} before promotion.created`) || !pr) return;
    const st = pr.state;
    if (!this.transition(st !== 'ended' && st !== 'cancelled' && st !== 'rejected', `${type} after ${st}`)) return;
    const approvedIfComplete = () => {
      if ((!pr.requiresAdmin || pr.adminApproved) && pr.pendingCommunities.size === 0) pr.state = 'approved';
    };
    const engagementCommunity = () => {
      const cid = p['community_id'];
      if (cid !== undefined && !pr.communityIds.includes(String(cid))) {
        this.flag('dangling_reference', `community ${String(cid)} is not targeted by this promotion`);
      }
    };
    switch (type) {
      case 'promotion.submitted': {
        if (!this.transition(st === 'draft', `submitted while ${st}`)) return;
        pr.state = 'submitted';
        pr.requiresAdmin = p['requires_admin'] === true;
        // Global reach needs an admin; community reach needs each targeted community's leader.
        this.transition(
          pr.visibility !== 'global' || pr.requiresAdmin,
          'global promotion submitted without admin approval',
        );
        if (pr.visibility !== 'global') for (const c of pr.communityIds) pr.pendingCommunities.add(c);
        const owners = new Set([...pr.pendingCommunities].map((c) => this.communities.get(c)?.ownerId));
        const leaders = new Set((p['requires_leaders'] as string[] | undefined) ?? []);
        if (owners.size !== leaders.size || [...owners].some((o) => !leaders.has(o ?? ''))) {
          this.flag('dangling_reference', 'requires_leaders are not the owners of the targeted communities');
        }
        break;
      }
      case 'promotion.approved_admin':
      case 'promotion.rejected_admin':
        this.transition(st === 'submitted' && pr.requiresAdmin && !pr.adminApproved, `${type} while ${st}`);
        if (type === 'promotion.rejected_admin') pr.state = 'rejected';
        else {
          pr.adminApproved = true;
          approvedIfComplete();
        }
        break;
      case 'promotion.approved_leader':
      case 'promotion.rejected_leader': {
        const cid = s(p, 'community_id');
        this.transition(st === 'submitted' && pr.pendingCommunities.has(cid), `${type} for ${cid} while ${st}`);
        const by = s(p, type === 'promotion.approved_leader' ? 'approved_by' : 'rejected_by');
        if (by !== this.communities.get(cid)?.ownerId)
          this.flag('dangling_reference', `${by} is not the leader of ${cid}`);
        if (type === 'promotion.rejected_leader') pr.state = 'rejected';
        else {
          pr.pendingCommunities.delete(cid);
          approvedIfComplete();
        }
        break;
      }
      case 'promotion.scheduled':
        this.transition(st === 'approved', `scheduled while ${st} (needs every approval)`);
        pr.scheduledStartMs = Date.parse(s(p, 'scheduled_start'));
        this.transition(
          Date.parse(s(p, 'scheduled_end')) > pr.scheduledStartMs,
          'scheduled_end before scheduled_start',
        );
        pr.state = 'scheduled';
        break;
      case 'promotion.activated':
        this.transition(st === 'approved' || st === 'scheduled', `activated while ${st} (needs approval/scheduling)`);
        this.transition(!pr.activatedOnce, 'activated twice (immutable marker)');
        if (st === 'scheduled') this.transition(timeMs >= pr.scheduledStartMs, 'activated before scheduled_start');
        pr.activatedOnce = true;
        pr.state = 'active';
        break;
      case 'promotion.paused':
        if (this.transition(st === 'active', `paused while ${st}`)) pr.state = 'paused';
        break;
      case 'promotion.resumed':
        if (this.transition(st === 'paused', `resumed while ${st}`)) pr.state = 'active';
        break;
      case 'promotion.ended': {
        this.transition(st === 'active' || st === 'paused', `ended while ${st}`);
        const f = (p['final_stats'] ?? {}) as Record<string, unknown>;
        if (
          n(f, 'impressions') !== pr.impressions ||
          n(f, 'clicks') !== pr.clicks ||
          n(f, 'conversions') !== pr.conversions ||
          n(f, 'revenue_cents') !== pr.revenue
        ) {
          this.flag(
            'counter_mismatch',
            `final_stats ${JSON.stringify(f)} vs counted ${pr.impressions}/${pr.clicks}/${pr.conversions}/${pr.revenue}`,
          );
        }
        pr.state = 'ended';
        break;
      }
      case 'promotion.cancelled':
        pr.state = 'cancelled';
        break;
      case 'promotion.impression':
        this.transition(st === 'active', `impression while ${st}`);
        engagementCommunity();
        this.liveUser(s(p, 'viewer_id'), 'viewer');
        pr.impressions++;
        break;
      case 'promotion.clicked':
        this.transition(st === 'active', `clicked while ${st}`);
        engagementCommunity();
        this.liveUser(s(p, 'viewer_id'), 'viewer');
        if (!pr.productIds.includes(s(p, 'product_id')))
          this.flag('dangling_reference', 'clicked product is not in the promotion');
        pr.clicks++;
        break;
      case 'promotion.converted': {
        this.transition(st === 'active', `converted while ${st}`);
        engagementCommunity();
        const orderId = s(p, 'order_id');
        const o = this.orders.get(orderId);
        if (!o) this.flag('dangling_reference', `converted for unknown order ${orderId}`);
        if (!cause || cause.type !== 'order.confirmed' || cause.entityId !== orderId) {
          this.flag('bad_causation', 'promotion.converted must be caused by the order’s order.confirmed');
        }
        if (o) {
          if (o.total !== n(p, 'revenue_cents'))
            this.flag('counter_mismatch', `revenue_cents ${n(p, 'revenue_cents')} != order total ${o.total}`);
          o.promotionConverted = id;
        }
        pr.conversions++;
        pr.revenue += n(p, 'revenue_cents');
        break;
      }
      default:
        this.flag('invalid_transition', `unknown promotion event ${type}`);
    }
  }

  // -- posts ---------------------------------------------------------------------------------

  private post(type: string, id: string, p: Record<string, unknown>): void {
    if (type === 'post.created') {
      if (!this.transition(!this.posts.has(id), 'post.created for an existing post')) return;
      const authorId = s(p, 'author_id');
      const communityId = s(p, 'community_id');
      this.liveUser(authorId, 'author_id');
      const c = this.communities.get(communityId);
      if (!c?.live) this.flag('dangling_reference', `post in community ${communityId} that is not live`);
      else if (!c.members.has(authorId))
        this.flag('dangling_reference', 'post author is not a member of the community');
      this.transition(s(p, 'status') === 'draft', 'post.created must be draft');
      this.posts.set(id, { state: 'draft', communityId, pinned: false, global: 'none', stats: new Map() });
      return;
    }
    const po = this.posts.get(id);
    if (!this.transition(po !== undefined, `${type} before post.created`) || !po) return;
    if (!this.transition(po.state !== 'deleted', `${type} after post.deleted`)) return;
    const st = po.state;
    switch (type) {
      case 'post.published':
        if (this.transition(st === 'draft', `published while ${st}`)) po.state = 'published';
        break;
      case 'post.updated':
        break;
      case 'post.global_requested':
        this.transition(st === 'published' && po.global === 'none', `global_requested while ${st}/${po.global}`);
        po.global = 'requested';
        break;
      case 'post.global_approved':
      case 'post.global_rejected':
        this.transition(po.global === 'requested', `${type} without a pending request`);
        po.global = type === 'post.global_approved' ? 'approved' : 'rejected';
        break;
      case 'post.pinned': {
        this.transition(st === 'published' && !po.pinned, `pinned while ${st}${po.pinned ? ' (already pinned)' : ''}`);
        this.transition(s(p, 'community_id') === po.communityId, 'pinned in another community');
        const owner = this.communities.get(po.communityId)?.ownerId;
        if (s(p, 'pinned_by') !== owner) this.flag('dangling_reference', 'pinned_by is not the community leader');
        po.pinned = true;
        break;
      }
      case 'post.unpinned':
        this.transition(po.pinned, 'unpinned while not pinned');
        po.pinned = false;
        break;
      case 'post.hidden':
        if (this.transition(st === 'published', `hidden while ${st}`)) po.state = 'hidden';
        break;
      case 'post.deleted':
        po.state = 'deleted';
        break;
      case 'post.stats_changed': {
        this.transition(st === 'published', `stats_changed while ${st}`);
        const stat = s(p, 'stat_type');
        const next = (po.stats.get(stat) ?? 0) + n(p, 'delta');
        if (!(next >= 0)) this.flag('counter_mismatch', `${stat} would drop to ${next}`);
        po.stats.set(stat, next);
        break;
      }
      default:
        this.flag('invalid_transition', `unknown post event ${type}`);
    }
  }

  // -- orders --------------------------------------------------------------------------------

  private order(
    type: string,
    id: string,
    p: Record<string, unknown>,
    occurredAt: string,
    cause: EventRef | undefined,
  ): void {
    if (type === 'order.created') {
      if (!this.transition(!this.orders.has(id), 'order.created for an existing order')) return;
      const customer = this.liveUser(s(p, 'customer_id'), 'customer_id');
      if (customer)
        this.transition(this.stateOf(customer) === 'active', `order by a ${this.stateOf(customer)} customer`);
      const items = new Map<string, ItemS>();
      let total = 0;
      for (const raw of (p['items'] as Record<string, unknown>[] | undefined) ?? []) {
        const pr = this.products.get(s(raw, 'product_id'));
        if (!pr || pr.state !== 'published')
          this.flag('dangling_reference', `ordered product ${s(raw, 'product_id')} is not published`);
        else if (!pr.variants.has(s(raw, 'variant_id'))) this.flag('dangling_reference', 'ordered variant unknown');
        else if (pr.supplierId !== s(raw, 'supplier_id'))
          this.flag('dangling_reference', 'item supplier_id is not the product’s');
        total += n(raw, 'quantity') * n(raw, 'unit_price_cents');
        items.set(s(raw, 'item_id'), {
          productId: s(raw, 'product_id'),
          variantId: s(raw, 'variant_id'),
          supplierId: s(raw, 'supplier_id'),
          quantity: n(raw, 'quantity'),
          price: n(raw, 'unit_price_cents'),
          state: 'pending',
          reserved: false,
          released: false,
        });
      }
      if (n(p, 'item_count') !== items.size)
        this.flag('counter_mismatch', `item_count ${n(p, 'item_count')} != ${items.size} items`);
      if (n(p, 'total_cents') !== total)
        this.flag('counter_mismatch', `total_cents ${n(p, 'total_cents')} != sum of lines ${total}`);
      this.transition(s(p, 'status') === 'pending', 'order.created must be pending');
      this.orders.set(id, { state: 'pending', total, paid: 0, items, promotionConverted: null, attributed: false });
      return;
    }
    const o = this.orders.get(id);
    if (!this.transition(o !== undefined, `${type} before order.created`) || !o) return;
    const st = o.state;
    if (!this.transition(st !== 'refunded', `${type} after the refund`)) return;
    // Each order event continues the order's saga: its cause is an earlier event of the same order.
    if (!cause || (cause.entityId !== id && type !== 'order.attribution_recorded')) {
      this.flag('bad_causation', `${type} is not caused by an earlier event of the same order`);
    }
    const item = (): ItemS | undefined => {
      const it = o.items.get(s(p, 'item_id'));
      if (!it) this.flag('dangling_reference', `unknown item ${s(p, 'item_id')}`);
      return it;
    };
    const allReserved = () => {
      if ([...o.items.values()].some((i) => !i.reserved))
        this.flag('missing_effect', 'an item of this order was never reserved');
    };
    switch (type) {
      case 'order.payment_initiated':
        allReserved();
        this.transition(st === 'pending' || st === 'payment_failed', `payment_initiated while ${st}`);
        if (n(p, 'amount_cents') !== o.total) this.flag('counter_mismatch', 'payment amount != order total');
        o.state = 'awaiting_payment';
        break;
      case 'order.payment_succeeded':
        this.transition(st === 'awaiting_payment', `payment_succeeded while ${st} (needs payment_initiated)`);
        if (n(p, 'amount_cents') !== o.total) this.flag('counter_mismatch', 'captured amount != order total');
        o.paid = n(p, 'amount_cents');
        o.state = 'paid';
        break;
      case 'order.payment_failed':
        this.transition(st === 'awaiting_payment', `payment_failed while ${st}`);
        o.state = 'payment_failed';
        break;
      case 'order.confirmed': {
        this.transition(st === 'paid', `confirmed while ${st} (needs payment_succeeded)`);
        const snaps = (p['item_snapshots'] as Record<string, unknown>[] | undefined) ?? [];
        if (snaps.length !== o.items.size || snaps.some((x) => !o.items.has(s(x, 'item_id')))) {
          this.flag('counter_mismatch', 'item_snapshots do not match the order’s items');
        }
        o.state = 'confirmed';
        break;
      }
      case 'order.item_processing': {
        const it = item();
        this.transition(st === 'confirmed' || st === 'processing', `item_processing while order ${st}`);
        if (it) {
          this.transition(it.state === 'pending', `item_processing for a ${it.state} item`);
          if (s(p, 'supplier_id') !== it.supplierId) this.flag('dangling_reference', 'item supplier mismatch');
          it.state = 'processing';
        }
        break;
      }
      case 'order.item_shipped': {
        const it = item();
        if (it) {
          this.transition(it.state === 'processing', `item_shipped for a ${it.state} item (needs processing)`);
          it.state = 'shipped';
        }
        break;
      }
      case 'order.item_delivered': {
        const it = item();
        if (it) {
          this.transition(it.state === 'shipped', `item_delivered for a ${it.state} item (needs shipped)`);
          it.state = 'delivered';
        }
        break;
      }
      case 'order.status_changed': {
        const prev = s(p, 'previous_status');
        const next = s(p, 'new_status');
        this.transition(prev === st, `status_changed previous_status ${prev}, tracked ${st}`);
        if (s(p, 'changed_at') !== occurredAt) this.flag('counter_mismatch', 'changed_at != occurred_at');
        const states = [...o.items.values()].map((i) => i.state);
        const ok =
          (prev === 'confirmed' && next === 'processing' && states.some((x) => x !== 'pending')) ||
          (prev === 'processing' && next === 'shipped' && states.every((x) => x === 'shipped' || x === 'delivered')) ||
          (prev === 'shipped' && next === 'delivered' && states.every((x) => x === 'delivered'));
        this.transition(ok, `status ${prev} -> ${next} with items ${states.join(',')}`);
        o.state = next as OrderState;
        break;
      }
      case 'order.cancelled': {
        const states = [...o.items.values()].map((i) => i.state);
        this.transition(
          ['pending', 'awaiting_payment', 'payment_failed', 'paid', 'confirmed', 'processing'].includes(st),
          `cancelled while ${st}`,
        );
        this.transition(
          !states.includes('shipped') && !states.includes('delivered'),
          'cancelled after shipment/delivery',
        );
        if (n(p, 'refund_amount') !== o.paid)
          this.flag('counter_mismatch', `refund_amount ${n(p, 'refund_amount')} != paid ${o.paid}`);
        o.state = 'cancelled';
        break;
      }
      case 'order.refund_initiated':
        this.transition((st === 'cancelled' && o.paid > 0) || st === 'delivered', `refund_initiated while ${st}`);
        if (n(p, 'refund_amount') > o.paid) this.flag('counter_mismatch', 'refund above the captured amount');
        if (st === 'cancelled' && [...o.items.values()].some((i) => !i.released)) {
          this.flag('missing_effect', 'cancelled order refunded before all its stock was released');
        }
        o.state = 'refunded';
        break;
      case 'order.attribution_recorded': {
        const promotionId = s(p, 'promotion_id');
        this.transition(!o.attributed, 'attribution recorded twice');
        if (
          !cause ||
          cause.type !== 'promotion.converted' ||
          s(cause.payload, 'order_id') !== id ||
          cause.entityId !== promotionId
        ) {
          this.flag(
            'bad_causation',
            'attribution_recorded must be caused by promotion.converted for the same order and promotion',
          );
        }
        if (o.promotionConverted !== promotionId)
          this.flag('dangling_reference', 'no promotion.converted for this order');
        const promo = this.promotions.get(promotionId);
        if (promo && promo.supplierId !== s(p, 'supplier_id'))
          this.flag('dangling_reference', 'supplier_id is not the promotion’s');
        const cid = p['community_id'];
        if (cid !== null) {
          if (this.communities.get(String(cid))?.ownerId !== p['leader_id'])
            this.flag('dangling_reference', 'leader_id is not the community owner');
        } else if (p['leader_id'] !== null) this.flag('dangling_reference', 'leader_id without community_id');
        o.attributed = true;
        break;
      }
      default:
        this.flag('invalid_transition', `unknown order event ${type}`);
    }
  }

  result(): CheckResult {
    const byKind = Object.fromEntries(AnomalyKinds.map((k) => [k, 0])) as Record<AnomalyKind, number>;
    for (const a of this.anomalies) byKind[a.kind]++;
    return {
      events: this.index + 1,
      anomalies: this.anomalies,
      byKind,
      entities: {
        user: this.users.size,
        supplier: this.suppliers.size,
        community: this.communities.size,
        product: this.products.size,
        promotion: this.promotions.size,
        post: this.posts.size,
        order: this.orders.size,
      },
    };
  }
}

export function checkStream(events: Iterable<CheckedEvent>): CheckResult {
  const checker = new LifecycleChecker();
  for (const e of events) checker.check(e);
  return checker.result();
}
