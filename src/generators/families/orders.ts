// Order family: checkout (pending) by an active user for published, in-stock products, payment
// (initiated -> succeeded | failed, up to 3 attempts), confirmation, per-item fulfilment
// (processing -> shipped -> delivered) with aggregate status_changed events, cancellation before
// any shipment (releasing stock) and refunds. Every event of one order shares its correlation_id
// and names the order's previous event as its cause; product and promotion effects do the same.
import { CARRIERS, PAYMENT_FAILURE_CODES, PAYMENT_METHODS, type UTM_SOURCES } from '../../catalog/events.js';
import { pickFromBags } from '../bag.js';
import type { Rng } from '../rng.js';
import { SYSTEM_ACTOR_ID, type Sim } from '../sim.js';
import type { Attribution, Community, Order, OrderItem, OrderStatus, Product, Promotion, User } from '../state.js';
import type { SimEvent } from '../types.js';
import { available, consumeStock, CURRENCY, releaseStock, reserveStock } from './products.js';
import { recordConversion, engagementTarget } from './promotions.js';
import type { Element, FamilyActions } from './util.js';
import type { EventType, Payload } from '../../catalog/events.js';

/** Share of orders that come through a promotion (when one is active with stock). */
const ATTRIBUTED_SHARE = 0.3;
const MAX_PAYMENT_ATTEMPTS = 3;
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

function chooseVariant(rng: Rng, p: Product, quantity: number) {
  if (p.status !== 'published' || p.variants.length === 0) return undefined;
  const v = rng.pick(p.variants);
  return available(v) >= quantity ? v : undefined;
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

function retire(sim: Sim, o: Order): void {
  sim.orders.live--;
  sim.orders.set.retire(o);
  for (const i of o.items) sim.orders.items.retire(i);
}

function refreshAll(sim: Sim, o: Order): void {
  sim.orders.set.refresh(o);
  for (const i of o.items) sim.orders.items.refresh(i);
}

function cancel(sim: Sim, rng: Rng, o: Order, by: string, reason: string): void {
  const cancelled = step(sim, rng, o, 'order.cancelled', {
    order_id: o.id,
    cancelled_by: by,
    reason,
    refund_amount: o.paidCents,
  });
  for (const item of o.items) releaseStock(sim, rng, item, cancelled);
  o.status = 'cancelled';
  if (o.paidCents > 0) refreshAll(sim, o);
  else retire(sim, o);
}

function statusChanged(sim: Sim, rng: Rng, o: Order, next: OrderStatus): void {
  step(sim, rng, o, 'order.status_changed', {
    order_id: o.id,
    previous_status: o.status,
    new_status: next,
    changed_at: sim.iso(),
  });
  o.status = next;
}

export function orderActions(sim: Sim): FamilyActions<'order'> {
  const rng = sim.rng.order;
  const orders = sim.orders;
  const products = sim.products;
  return {
    'order.created': () => {
      if (orders.live >= orders.maxLive) return false;
      const customer = sim.users.active.pick(rng);
      if (!customer) return false;
      const lines: { product: Product; variant: NonNullable<ReturnType<typeof chooseVariant>>; quantity: number }[] =
        [];
      let attribution: Attribution | null = null;
      if (rng.chance(ATTRIBUTED_SHARE)) {
        const promotion = engagementTarget(sim, rng);
        if (promotion) {
          const product = rng.pick(promotion.products);
          const variant = chooseVariant(rng, product, 1);
          if (variant) {
            lines.push({ product, variant, quantity: 1 });
            attribution = attributionFor(rng, customer, promotion);
          }
        }
      }
      const extra = rng.chance(0.6) ? 0 : rng.chance(0.7) ? 1 : 2;
      for (let i = lines.length === 0 ? -1 : 0; i < extra; i++) {
        const product = products.published.pick(rng);
        if (!product || lines.some((l) => l.product === product)) continue;
        const quantity = rng.chance(0.75) ? 1 : rng.range(2, 3);
        const variant = chooseVariant(rng, product, quantity);
        if (variant) lines.push({ product, variant, quantity });
      }
      if (lines.length === 0) return false;

      orders.counter++;
      let total = 0;
      for (const l of lines) total += l.quantity * l.variant.priceCents;
      const items: OrderItem[] = [];
      const o: Order = {
        id: rng.uuid(),
        seq: 0,
        slots: orders.set.newSlots(),
        number: `SC-${String(orders.counter).padStart(8, '0')}`,
        customer,
        items,
        totalCents: total,
        status: 'pending',
        paymentAttempts: 0,
        paidCents: 0,
        correlationId: '',
        lastEventId: '',
        attribution,
        processing: 0,
        shipped: 0,
        delivered: 0,
      };
      for (const l of lines) {
        items.push({
          id: rng.uuid(),
          order: o,
          product: l.product,
          variant: l.variant,
          quantity: l.quantity,
          unitPriceCents: l.variant.priceCents,
          state: 'pending',
          slots: orders.items.newSlots(),
        });
      }
      orders.live++;
      const created = sim.emit(rng, 'order.created', o, {
        order_id: o.id,
        order_number: o.number,
        customer_id: customer.id,
        item_count: items.length,
        total_cents: total,
        currency: CURRENCY,
        status: 'pending',
        items: items.map((i): Element<'order.created', 'items'> => ({
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
      for (const item of items) reserveStock(sim, rng, item, created);
      refreshAll(sim, o);
      return true;
    },
    'order.payment_initiated': () => {
      const o = pickFromBags(rng, [orders.pending, orders.retryable]);
      if (!o) return false;
      o.paymentAttempts++;
      step(sim, rng, o, 'order.payment_initiated', {
        order_id: o.id,
        payment_method: rng.pick(PAYMENT_METHODS),
        amount_cents: o.totalCents,
      });
      o.status = 'awaiting_payment';
      orders.set.refresh(o);
      return true;
    },
    'order.payment_succeeded': () => {
      const o = orders.awaitingPayment.pick(rng);
      if (!o) return false;
      step(sim, rng, o, 'order.payment_succeeded', {
        order_id: o.id,
        transaction_id: `txn_${rng.hex(24)}`,
        amount_cents: o.totalCents,
      });
      o.status = 'paid';
      o.paidCents = o.totalCents;
      orders.set.refresh(o);
      return true;
    },
    'order.payment_failed': () => {
      const o = orders.awaitingPayment.pick(rng);
      if (!o) return false;
      const code = rng.pick(PAYMENT_FAILURE_CODES);
      step(sim, rng, o, 'order.payment_failed', {
        order_id: o.id,
        failure_reason: FAILURE_REASONS[code],
        failure_code: code,
      });
      o.status = 'payment_failed';
      if (o.paymentAttempts >= MAX_PAYMENT_ATTEMPTS) {
        cancel(sim, rng, o, SYSTEM_ACTOR_ID, `Payment failed ${MAX_PAYMENT_ATTEMPTS} times`);
      } else {
        orders.set.refresh(o);
      }
      return true;
    },
    'order.confirmed': () => {
      const o = orders.paid.pick(rng);
      if (!o) return false;
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
      o.status = 'confirmed';
      const converted = recordConversion(sim, rng, o, confirmed);
      if (converted && o.attribution) {
        const a = o.attribution;
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
      refreshAll(sim, o);
      return true;
    },
    'order.item_processing': () => {
      const item = orders.toProcess.pick(rng);
      if (!item) return false;
      const o = item.order;
      step(sim, rng, o, 'order.item_processing', {
        order_id: o.id,
        item_id: item.id,
        supplier_id: item.product.supplier.id,
      });
      item.state = 'processing';
      o.processing++;
      if (o.status === 'confirmed') statusChanged(sim, rng, o, 'processing');
      refreshAll(sim, o);
      return true;
    },
    'order.item_shipped': () => {
      const item = orders.toShip.pick(rng);
      if (!item) return false;
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
      item.state = 'shipped';
      o.shipped++;
      consumeStock(sim, rng, item, shipped);
      if (o.shipped === o.items.length) statusChanged(sim, rng, o, 'shipped');
      refreshAll(sim, o);
      return true;
    },
    'order.item_delivered': () => {
      const item = orders.toDeliver.pick(rng);
      if (!item) return false;
      const o = item.order;
      step(sim, rng, o, 'order.item_delivered', { order_id: o.id, item_id: item.id, delivered_at: sim.iso() });
      item.state = 'delivered';
      o.delivered++;
      if (o.delivered === o.items.length) {
        statusChanged(sim, rng, o, 'delivered');
        // Delivered orders stay refundable for a while; the oldest-kept random one is forgotten.
        if (orders.refundable.size >= REFUNDABLE_KEEP) {
          const old = orders.refundable.pick(rng);
          if (old) retire(sim, old);
        }
      }
      refreshAll(sim, o);
      return true;
    },
    'order.cancelled': () => {
      const o = orders.cancellable.pick(rng);
      if (!o) return false;
      const byCustomer = rng.chance(0.75);
      cancel(
        sim,
        rng,
        o,
        byCustomer ? o.customer.id : sim.admin(rng),
        rng.pick(byCustomer ? CUSTOMER_CANCEL_REASONS : ADMIN_CANCEL_REASONS),
      );
      return true;
    },
    'order.refund_initiated': () => {
      const o = orders.refundable.pick(rng);
      if (!o) return false;
      const wasCancelled = o.status === 'cancelled';
      // A return refunds one line; a cancellation refunds what was captured.
      const line = rng.pick(o.items);
      step(sim, rng, o, 'order.refund_initiated', {
        order_id: o.id,
        refund_amount: wasCancelled ? o.paidCents : line.quantity * line.unitPriceCents,
        reason: wasCancelled ? 'Order cancelled after payment' : rng.pick(RETURN_REASONS),
      });
      o.status = 'refunded';
      retire(sim, o);
      return true;
    },
  };
}
