// Order family: checkout (pending) by an active user for published, in-stock products, payment
// (initiated -> succeeded | failed, up to 3 attempts), confirmation, per-item fulfilment
// (processing -> shipped -> delivered) with aggregate status_changed events, cancellation before
// any shipment (releasing stock) and refunds. Every event of one order shares its correlation_id
// and names the order's previous event as its cause; product and promotion effects do the same.
import {
  CARRIERS,
  PAYMENT_FAILURE_CODES,
  PAYMENT_METHODS,
  type EventType,
  type Payload,
  type UTM_SOURCES,
} from '../../catalog/events.js';
import type { Rng } from '../rng.js';
import { SYSTEM_ACTOR_ID, type Sim } from '../sim.js';
import {
  availableUnits,
  MAX_PAYMENT_ATTEMPTS,
  type Attribution,
  type Community,
  type Order,
  type OrderItem,
  type OrderStatus,
  type Product,
  type Promotion,
  type User,
  type Variant,
} from '../state.js';
import type { Cart } from '../sessions.js';
import type { SimEvent } from '../types.js';
import { consumeStock, CURRENCY, releaseStock, reserveStock } from './products.js';
import { engagementTarget, recordConversion } from './promotions.js';
import { actOnOne, type Element, type FamilyActions } from './util.js';

/** Share of orders that come through a promotion (when one is active with stock). */
const ATTRIBUTED_SHARE = 0.3;
/** Finished orders kept around for late refunds (returns); older ones are forgotten. */
const REFUNDABLE_KEEP = 64;
const FAILURE_REASONS: Record<(typeof PAYMENT_FAILURE_CODES)[number], string> = {
  card_declined: 'The card issuer declined the charge',
  insufficient_funds: 'Insufficient funds',
  expired_card: 'The card has expired',
  authentication_failed: '3-D Secure authentication failed',
  processing_error: 'Payment provider timeout',
};
const CUSTOMER_CANCEL_REASONS = [
  'Changed my mind',
  'Found a better price',
  'Ordered by mistake',
  'Delivery takes too long',
];
const ADMIN_CANCEL_REASONS = ['Suspected fraud', 'Item cannot be fulfilled', 'Address could not be verified'];
const RETURN_REASONS = ['Item not as described', 'Arrived damaged', 'Wrong size', 'No longer needed'];
const OTHER_UTM: readonly (typeof UTM_SOURCES)[number][] = ['global_feed', 'promotion_card', 'share_link', 'search'];

/** One line of a basket being put together. */
interface Line {
  readonly product: Product;
  readonly variant: Variant;
  readonly quantity: number;
}

interface Basket {
  readonly lines: Line[];
  readonly attribution: Attribution | null;
}

/** Emits an order-topic event as the next step of the order's saga (same correlation, previous event as cause). */
function step<T extends EventType>(sim: Sim, rng: Rng, order: Order, type: T, payload: Payload<T>): SimEvent {
  const e = sim.emitInChain(rng, type, order, payload, order);
  order.lastEventId = e.envelope.event_id;
  return e;
}

function trackingNumber(rng: Rng, carrier: (typeof CARRIERS)[number]): string {
  switch (carrier) {
    case 'UPS':
      return `1Z${rng.hex(6).toUpperCase()}${String(rng.range(10_000_000, 99_999_999))}`;
    case 'FedEx':
      return String(rng.range(100_000, 999_999)) + String(rng.range(100_000, 999_999));
    case 'DHL':
      return `JD01${String(rng.range(100_000_000, 999_999_999))}${String(rng.range(1000, 9999))}`;
    case 'USPS':
      return `9400${String(rng.range(100_000_000, 999_999_999))}${String(rng.range(100_000_000, 999_999_999))}`;
  }
}

/** A random variant of a published product with `quantity` units available, if the draw finds one. */
function chooseVariant(rng: Rng, p: Product, quantity: number): Variant | undefined {
  if (p.status !== 'published' || p.variants.length === 0) return undefined;
  const v = rng.pick(p.variants);
  return availableUnits(v) >= quantity ? v : undefined;
}

function attributionFor(rng: Rng, customer: User, promotion: Promotion): Attribution {
  let community: Community | null = null;
  if (promotion.communities.length > 0) {
    // Prefer a targeted community the buyer is in: that is where they saw the offer.
    community = rng.pick(promotion.communities);
    for (const m of customer.memberships) if (promotion.communities.includes(m.community)) community = m.community;
  }
  return { promotion, community, utmSource: community ? 'community_feed' : rng.pick(OTHER_UTM) };
}

/**
 * What the customer puts in the basket: sometimes a promoted product first (then the order is
 * attributed to that promotion), then up to two more published products, one line each.
 */
function fillBasket(sim: Sim, rng: Rng, customer: User, attributed: boolean, cart: Cart | undefined): Basket {
  const lines: Line[] = [];
  let attribution: Attribution | null = null;
  if (attributed) {
    const promotion = cart?.promotion ?? engagementTarget(sim, rng);
    if (promotion) {
      const product = cart?.product ?? rng.pick(promotion.products);
      const variant = chooseVariant(rng, product, 1);
      if (variant) {
        lines.push({ product, variant, quantity: 1 });
        attribution = attributionFor(rng, customer, promotion);
      }
    }
  }
  const extra = rng.chance(0.6) ? 0 : rng.chance(0.7) ? 1 : 2;
  // An unattributed basket always tries one line more (it would otherwise be empty).
  for (let i = lines.length === 0 ? -1 : 0; i < extra; i++) {
    const product = sim.products.published.pick(rng);
    if (!product || lines.some((l) => l.product === product)) continue;
    const quantity = rng.chance(0.75) ? 1 : rng.range(2, 3);
    const variant = chooseVariant(rng, product, quantity);
    if (variant) lines.push({ product, variant, quantity });
  }
  return { lines, attribution };
}

/** The order entity for a non-empty basket (status pending; its chain starts with order.created). */
function newOrder(sim: Sim, rng: Rng, customer: User, basket: Basket): Order {
  let totalCents = 0;
  for (const l of basket.lines) totalCents += l.quantity * l.variant.priceCents;
  const items: OrderItem[] = [];
  const o: Order = {
    id: rng.uuid(),
    seq: 0,
    slots: sim.orders.newSlots(),
    number: sim.orders.nextNumber(),
    customer,
    items,
    totalCents,
    status: 'pending',
    paymentAttempts: 0,
    paidCents: 0,
    correlationId: '',
    lastEventId: '',
    attribution: basket.attribution,
    processingItems: 0,
    shippedItems: 0,
    deliveredItems: 0,
  };
  for (const l of basket.lines) {
    items.push({
      id: rng.uuid(),
      order: o,
      product: l.product,
      variant: l.variant,
      quantity: l.quantity,
      unitPriceCents: l.variant.priceCents,
      state: 'pending',
      slots: sim.orders.newItemSlots(),
    });
  }
  return o;
}

/** An active user checks out (while fewer than the cap are in flight); each line reserves its stock. */
function placeOrder(sim: Sim, rng: Rng): boolean {
  if (!sim.orders.hasRoom) return false;
  // An order through a promotion buys the latest cart a session's click filled, when one waits:
  // its user checks out. The others (and attributed ones with no cart) come from a user in a
  // session, by buying rate; without sessions, from any active user by buying rate.
  const attributed = rng.chance(ATTRIBUTED_SHARE);
  const cart = attributed ? sim.sessions?.takeCart() : undefined;
  const customer = cart?.user ?? sim.sessions?.buyer(rng) ?? sim.users.buyers.pick(rng);
  if (!customer) return false;
  const basket = fillBasket(sim, rng, customer, attributed, cart);
  if (basket.lines.length === 0) return false;
  const o = newOrder(sim, rng, customer, basket);
  const created = sim.emit(rng, 'order.created', o, {
    order_id: o.id,
    order_number: o.number,
    customer_id: customer.id,
    item_count: o.items.length,
    total_cents: o.totalCents,
    currency: CURRENCY,
    status: 'pending',
    items: o.items.map((i): Element<'order.created', 'items'> => ({
      item_id: i.id,
      product_id: i.product.id,
      variant_id: i.variant.id,
      supplier_id: i.product.supplier.id,
      quantity: i.quantity,
      unit_price_cents: i.unitPriceCents,
    })),
  });
  o.correlationId = created.envelope.correlation_id;
  o.lastEventId = created.envelope.event_id;
  for (const item of o.items) {
    reserveStock(sim, rng, item, created);
    sim.products.recordOrdered(item.product, item.quantity);
  }
  sim.orders.add(o);
  return true;
}

function initiatePayment(sim: Sim, rng: Rng, o: Order): void {
  o.paymentAttempts++;
  step(sim, rng, o, 'order.payment_initiated', {
    order_id: o.id,
    payment_method: rng.pick(PAYMENT_METHODS),
    amount_cents: o.totalCents,
  });
  sim.orders.setStatus(o, 'awaiting_payment');
}

function capturePayment(sim: Sim, rng: Rng, o: Order): void {
  step(sim, rng, o, 'order.payment_succeeded', {
    order_id: o.id,
    transaction_id: `txn_${rng.hex(24)}`,
    amount_cents: o.totalCents,
  });
  o.paidCents = o.totalCents;
  sim.orders.setStatus(o, 'paid');
}

/** A declined payment; the last allowed attempt failing cancels the order. */
function failPayment(sim: Sim, rng: Rng, o: Order): void {
  const code = rng.pick(PAYMENT_FAILURE_CODES);
  step(sim, rng, o, 'order.payment_failed', {
    order_id: o.id,
    failure_reason: FAILURE_REASONS[code],
    failure_code: code,
  });
  if (o.paymentAttempts >= MAX_PAYMENT_ATTEMPTS) {
    cancelOrder(sim, rng, o, SYSTEM_ACTOR_ID, `Payment failed ${MAX_PAYMENT_ATTEMPTS} times`);
  } else {
    sim.orders.setStatus(o, 'payment_failed');
  }
}

/** Confirmation snapshots the items; an attributed order converts its promotion (if still active). */
function confirmOrder(sim: Sim, rng: Rng, o: Order): void {
  const confirmed = step(sim, rng, o, 'order.confirmed', {
    order_id: o.id,
    confirmed_at: sim.iso(),
    item_snapshots: o.items.map((i): Element<'order.confirmed', 'item_snapshots'> => ({
      item_id: i.id,
      product_id: i.product.id,
      variant_id: i.variant.id,
      product_name: i.product.name,
      variant_name: i.variant.name,
      quantity: i.quantity,
      unit_price_cents: i.unitPriceCents,
    })),
  });
  sim.orders.setStatus(o, 'confirmed');
  const converted = recordConversion(sim, o, confirmed);
  if (converted) recordAttribution(sim, o, converted);
}

/** promotion.converted -> order.attribution_recorded, which then is the order's latest event. */
function recordAttribution(sim: Sim, o: Order, converted: SimEvent): void {
  const a = o.attribution!;
  const e = sim.emitCaused(
    'order.attribution_recorded',
    o,
    {
      order_id: o.id,
      promotion_id: a.promotion.id,
      community_id: a.community ? a.community.id : null,
      leader_id: a.community ? a.community.owner.id : null,
      supplier_id: a.promotion.supplier.id,
      utm_source: a.utmSource,
      utm_campaign: a.promotion.campaign,
    },
    converted,
  );
  o.lastEventId = e.envelope.event_id;
}

/** The order's aggregate status follows its items (bags are refreshed by the caller). */
function statusChanged(sim: Sim, rng: Rng, o: Order, next: OrderStatus): void {
  step(sim, rng, o, 'order.status_changed', {
    order_id: o.id,
    previous_status: o.status,
    new_status: next,
    changed_at: sim.iso(),
  });
  o.status = next;
}

/** The first item in processing moves the order to `processing`. */
function processItem(sim: Sim, rng: Rng, item: OrderItem): void {
  const o = item.order;
  step(sim, rng, o, 'order.item_processing', {
    order_id: o.id,
    item_id: item.id,
    supplier_id: item.product.supplier.id,
  });
  sim.orders.advanceItem(item, 'processing');
  if (o.status === 'confirmed') statusChanged(sim, rng, o, 'processing');
  sim.orders.refresh(o);
}

/** A shipment takes the units out of stock; the last one moves the order to `shipped`. */
function shipItem(sim: Sim, rng: Rng, item: OrderItem): void {
  const o = item.order;
  const carrier = rng.pick(CARRIERS);
  const shipped = step(sim, rng, o, 'order.item_shipped', {
    order_id: o.id,
    item_id: item.id,
    supplier_id: item.product.supplier.id,
    tracking_number: trackingNumber(rng, carrier),
    carrier,
    shipped_at: sim.iso(),
  });
  sim.orders.advanceItem(item, 'shipped');
  consumeStock(sim, item, shipped);
  if (o.shippedItems === o.items.length) statusChanged(sim, rng, o, 'shipped');
  sim.orders.refresh(o);
}

/** The last delivery moves the order to `delivered`, where it stays refundable for a while. */
function deliverItem(sim: Sim, rng: Rng, item: OrderItem): void {
  const o = item.order;
  step(sim, rng, o, 'order.item_delivered', { order_id: o.id, item_id: item.id, delivered_at: sim.iso() });
  sim.orders.advanceItem(item, 'delivered');
  if (o.deliveredItems === o.items.length) {
    statusChanged(sim, rng, o, 'delivered');
    // Too many refundable orders kept: a random one of them is forgotten (before this one joins).
    if (sim.orders.refundable.size >= REFUNDABLE_KEEP) {
      const old = sim.orders.refundable.pick(rng);
      if (old) sim.orders.retire(old);
    }
  }
  sim.orders.refresh(o);
}

/** Releases the stock; an order that was paid stays refundable, any other is finished. */
function cancelOrder(sim: Sim, rng: Rng, o: Order, by: string, reason: string): void {
  const cancelled = step(sim, rng, o, 'order.cancelled', {
    order_id: o.id,
    cancelled_by: by,
    reason,
    refund_amount: o.paidCents,
  });
  for (const item of o.items) releaseStock(sim, item, cancelled);
  if (o.paidCents > 0) sim.orders.setStatus(o, 'cancelled');
  else sim.orders.retire(o, 'cancelled');
}

/** Cancelled by the customer (mostly) or an admin. */
function cancelByRequest(sim: Sim, rng: Rng, o: Order): void {
  const byCustomer = rng.chance(0.75);
  cancelOrder(
    sim,
    rng,
    o,
    byCustomer ? o.customer.id : sim.admin(rng),
    rng.pick(byCustomer ? CUSTOMER_CANCEL_REASONS : ADMIN_CANCEL_REASONS),
  );
}

/** A return refunds one line; a cancellation refunds what was captured. The order is then finished. */
function refundOrder(sim: Sim, rng: Rng, o: Order): void {
  const wasCancelled = o.status === 'cancelled';
  const line = rng.pick(o.items);
  step(sim, rng, o, 'order.refund_initiated', {
    order_id: o.id,
    refund_amount: wasCancelled ? o.paidCents : line.quantity * line.unitPriceCents,
    reason: wasCancelled ? 'Order cancelled after payment' : rng.pick(RETURN_REASONS),
  });
  sim.orders.retire(o, 'refunded');
}

export const ORDER_ACTIONS: FamilyActions<'order'> = {
  'order.created': placeOrder,
  'order.payment_initiated': actOnOne((sim) => sim.orders.payable, initiatePayment),
  'order.payment_succeeded': actOnOne((sim) => sim.orders.awaitingPayment, capturePayment),
  'order.payment_failed': actOnOne((sim) => sim.orders.awaitingPayment, failPayment),
  'order.confirmed': actOnOne((sim) => sim.orders.paid, confirmOrder),
  'order.item_processing': actOnOne((sim) => sim.orders.toProcess, processItem),
  'order.item_shipped': actOnOne((sim) => sim.orders.toShip, shipItem),
  'order.item_delivered': actOnOne((sim) => sim.orders.toDeliver, deliverItem),
  'order.cancelled': actOnOne((sim) => sim.orders.cancellable, cancelByRequest),
  'order.refund_initiated': actOnOne((sim) => sim.orders.refundable, refundOrder),
};
