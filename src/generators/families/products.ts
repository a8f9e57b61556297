// Product family: suppliers create products (draft) with variants and stock, publish/unpublish,
// edit, reprice and adjust inventory; orders reserve, release and consume stock. Invariants kept:
// 0 <= reserved <= on-hand for every variant, and a product with reservations or running
// promotions is never deleted.
import { PRODUCT_FIELDS, type Payload } from '../../catalog/events.js';
import type { Rng } from '../rng.js';
import type { Sim } from '../sim.js';
import type { OrderItem, Product, Supplier, Variant } from '../state.js';
import type { SimEvent } from '../types.js';
import { priceCents, repriceCents, subset, type FamilyActions } from './util.js';

export const CURRENCY = 'USD';
const MAX_VARIANTS = 4;
/** Below this many available units a reservation triggers an automatic restock. */
const LOW_WATER_UNITS = 10;
const SIZES = ['XS', 'S', 'M', 'L', 'XL', 'One size'];
const UNPUBLISH_REASONS = ['Out of season', 'Listing under review', 'Supplier paused sales', 'Photos being updated'];
const DELETE_REASONS = ['Discontinued', 'Duplicate listing', 'Replaced by a newer model'];
const CORRECTION_REASONS = ['Stock count correction', 'Cycle count', 'Found misplaced units'];
const DAMAGE_REASONS = ['Damaged in warehouse', 'Water damage', 'Failed quality check'];
const RETURN_REASONS = ['Customer return restocked', 'Return inspected and restocked'];

export function available(v: Variant): number {
  return v.onHand - v.reserved;
}

function adjust(
  sim: Sim,
  rng: Rng,
  v: Variant,
  newQty: number,
  type: 'initial' | 'restock' | 'correction' | 'damage' | 'return',
  reason: string,
  cause: SimEvent | null,
): SimEvent {
  const p = v.product;
  const payload: Payload<'product.inventory_adjusted'> = {
    product_id: p.id,
    variant_id: v.id,
    location_id: v.locationId,
    previous_qty: v.onHand,
    new_qty: newQty,
    adjustment_type: type,
    reason,
  };
  v.onHand = newQty;
  return sim.emitRootOrCaused(rng, 'product.inventory_adjusted', p, payload, cause);
}

/** Adds a variant (product.variant_added) and stocks it (inventory_adjusted `initial`, caused by it). */
export function addVariant(sim: Sim, rng: Rng, p: Product, cause: SimEvent | null): Variant {
  const color = rng.pick(sim.pools.colors);
  const useSize = rng.chance(0.6);
  const second = useSize ? rng.pick(SIZES) : rng.pick(sim.pools.materials);
  const first = p.variants[0];
  const v: Variant = {
    id: rng.uuid(),
    product: p,
    name: `${color[0]!.toUpperCase()}${color.slice(1)} / ${second}`,
    locationId: rng.pick(p.supplier.locations),
    // Variants of one product cost about the same.
    priceCents:
      first && rng.chance(0.7) ? first.priceCents : first ? repriceCents(rng, first.priceCents) : priceCents(rng),
    onHand: 0,
    reserved: 0,
  };
  p.variants.push(v);
  const attributes: Record<string, string> = useSize ? { color, size: second } : { color, material: second };
  const payload: Payload<'product.variant_added'> = {
    product_id: p.id,
    variant_id: v.id,
    variant_name: v.name,
    attributes,
    price_cents: v.priceCents,
    currency: CURRENCY,
  };
  const added = sim.emitRootOrCaused(rng, 'product.variant_added', p, payload, cause);
  adjust(sim, rng, v, rng.range(20, 400), 'initial', 'Initial stock', added);
  return v;
}

/** Emits product.created (draft) followed by its first variant and stock. */
export function createProduct(sim: Sim, rng: Rng, supplier: Supplier): Product {
  const products = sim.products;
  const p: Product = {
    id: rng.uuid(),
    seq: 0,
    slots: products.set.newSlots(),
    supplier,
    name: rng.pick(sim.pools.productNames),
    category: rng.pick(sim.pools.categories),
    status: 'draft',
    variants: [],
    promoRefs: 0,
    reserved: 0,
    si: supplier.products.length,
  };
  supplier.products.push(p);
  products.population.live++;
  const created = sim.emit(rng, 'product.created', p, {
    product_id: p.id,
    supplier_id: supplier.id,
    name: p.name,
    category: p.category,
    status: 'draft',
  });
  products.set.refresh(p);
  addVariant(sim, rng, p, created);
  return p;
}

export function publishProduct(sim: Sim, rng: Rng, p: Product): void {
  sim.emit(rng, 'product.published', p, { product_id: p.id, published_at: sim.iso() });
  p.status = 'published';
  sim.products.set.refresh(p);
}

export function unpublishProduct(sim: Sim, rng: Rng, p: Product, reason: string, cause: SimEvent | null): void {
  sim.emitRootOrCaused(rng, 'product.unpublished', p, { product_id: p.id, reason }, cause);
  p.status = 'unpublished';
  sim.products.set.refresh(p);
}

/** order.created -> product.inventory_reserved for one line item (and a restock if stock runs low). */
export function reserveStock(sim: Sim, rng: Rng, item: OrderItem, cause: SimEvent): void {
  const v = item.variant;
  const p = v.product;
  v.reserved += item.quantity;
  p.reserved += item.quantity;
  const reserved = sim.emitCaused(
    'product.inventory_reserved',
    p,
    { product_id: p.id, variant_id: v.id, order_id: item.order.id, reserved_qty: item.quantity },
    cause,
  );
  // Automatic replenishment keeps popular variants orderable in long, order-heavy runs.
  if (available(v) < LOW_WATER_UNITS) {
    adjust(sim, rng, v, v.onHand + rng.range(50, 300), 'restock', 'Automatic replenishment', reserved);
  }
}

/** order.cancelled -> product.inventory_released for one line item. */
export function releaseStock(sim: Sim, rng: Rng, item: OrderItem, cause: SimEvent): void {
  const v = item.variant;
  const p = v.product;
  v.reserved -= item.quantity;
  p.reserved -= item.quantity;
  sim.emitCaused(
    'product.inventory_released',
    p,
    { product_id: p.id, variant_id: v.id, order_id: item.order.id, released_qty: item.quantity },
    cause,
  );
}

/** order.item_shipped -> inventory_adjusted `fulfillment`: the shipped units leave stock and the reservation. */
export function consumeStock(sim: Sim, rng: Rng, item: OrderItem, cause: SimEvent): void {
  const v = item.variant;
  const p = v.product;
  const previous = v.onHand;
  v.onHand -= item.quantity;
  v.reserved -= item.quantity;
  p.reserved -= item.quantity;
  sim.emitCaused(
    'product.inventory_adjusted',
    p,
    {
      product_id: p.id,
      variant_id: v.id,
      location_id: v.locationId,
      previous_qty: previous,
      new_qty: v.onHand,
      adjustment_type: 'fulfillment',
      reason: 'Shipped to customer',
      order_id: item.order.id,
    },
    cause,
  );
}

function detach(p: Product): void {
  const list = p.supplier.products;
  const last = list.pop()!;
  if (last !== p) {
    list[p.si] = last;
    last.si = p.si;
  }
}

export function productActions(sim: Sim): FamilyActions<'product'> {
  const rng = sim.rng.product;
  const products = sim.products;
  return {
    'product.created': () => {
      if (!products.population.canGrow) return false;
      const s = sim.suppliers.verified.pick(rng);
      if (!s) return false;
      createProduct(sim, rng, s);
      return true;
    },
    'product.updated': () => {
      const p = products.live.pick(rng);
      if (!p) return false;
      const changed = subset(rng, PRODUCT_FIELDS);
      if (changed.includes('name')) p.name = rng.pick(sim.pools.productNames);
      if (changed.includes('category')) p.category = rng.pick(sim.pools.categories);
      sim.emit(rng, 'product.updated', p, { product_id: p.id, changed_fields: changed });
      return true;
    },
    'product.published': () => {
      const p = products.unpublishedOrDraft.pick(rng);
      if (!p || p.variants.length === 0 || p.supplier.status !== 'verified') return false;
      publishProduct(sim, rng, p);
      return true;
    },
    'product.unpublished': () => {
      const p = products.published.pick(rng);
      if (!p) return false;
      unpublishProduct(sim, rng, p, rng.pick(UNPUBLISH_REASONS), null);
      return true;
    },
    'product.price_changed': () => {
      const p = products.live.pick(rng);
      if (!p || p.variants.length === 0) return false;
      const first = p.variants[0]!;
      const uniform = p.variants.every((v) => v.priceCents === first.priceCents);
      if (uniform && rng.chance(0.3)) {
        // Product-wide change: every variant had the same price and all move together.
        const next = repriceCents(rng, first.priceCents);
        sim.emit(rng, 'product.price_changed', p, {
          product_id: p.id,
          previous_price: first.priceCents,
          new_price: next,
          currency: CURRENCY,
        });
        for (const v of p.variants) v.priceCents = next;
        return true;
      }
      const v = rng.pick(p.variants);
      const next = repriceCents(rng, v.priceCents);
      sim.emit(rng, 'product.price_changed', p, {
        product_id: p.id,
        variant_id: v.id,
        previous_price: v.priceCents,
        new_price: next,
        currency: CURRENCY,
      });
      v.priceCents = next;
      return true;
    },
    'product.inventory_adjusted': () => {
      const p = products.live.pick(rng);
      if (!p || p.variants.length === 0) return false;
      // Restocks go to the scarcer of two variants, as a buyer would.
      const a = rng.pick(p.variants);
      const b = rng.pick(p.variants);
      const v = available(a) <= available(b) ? a : b;
      const r = rng.float();
      if (r < 0.5) {
        adjust(sim, rng, v, v.onHand + rng.range(20, 200), 'restock', 'Supplier delivery received', null);
      } else if (r < 0.65) {
        adjust(sim, rng, v, v.onHand + rng.range(1, 3), 'return', rng.pick(RETURN_REASONS), null);
      } else {
        // Corrections and damage never take stock below what is reserved.
        const down = rng.range(1, 8);
        const target = Math.max(v.reserved, v.onHand - down);
        if (r < 0.85 || target === v.onHand) {
          const up = target === v.onHand || rng.chance(0.4);
          adjust(
            sim,
            rng,
            v,
            up ? v.onHand + rng.range(1, 5) : target,
            'correction',
            rng.pick(CORRECTION_REASONS),
            null,
          );
        } else {
          adjust(sim, rng, v, target, 'damage', rng.pick(DAMAGE_REASONS), null);
        }
      }
      return true;
    },
    'product.variant_added': () => {
      const p = products.live.pick(rng);
      if (!p || p.variants.length >= MAX_VARIANTS) return false;
      addVariant(sim, rng, p, null);
      return true;
    },
    'product.deleted': () => {
      if (!products.population.canShrink) return false;
      const p = products.unpublishedOrDraft.pick(rng);
      if (!p || p.reserved > 0 || p.promoRefs > 0) return false;
      sim.emit(rng, 'product.deleted', p, { product_id: p.id, reason: rng.pick(DELETE_REASONS) });
      p.status = 'deleted';
      products.population.live--;
      products.set.retire(p);
      detach(p);
      return true;
    },
  };
}
