// Product family: suppliers create products (draft) with variants and stock, publish/unpublish,
// edit, reprice and adjust inventory; orders reserve, release and consume stock. Invariants kept:
// 0 <= reserved <= on-hand for every variant, and a product with reservations or running
// promotions is never deleted.
import { PRODUCT_FIELDS, type ADJUSTMENT_TYPES, type Payload } from '../../catalog/events.js';
import type { Rng } from '../rng.js';
import type { Sim } from '../sim.js';
import { availableUnits, type OrderItem, type Product, type Supplier, type Variant } from '../state.js';
import type { SimEvent } from '../types.js';
import { actOnOne, ifCanGrow, ifCanShrink, priceCents, repriceCents, subset, type FamilyActions } from './util.js';

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

/** Sets a variant's on-hand units and says so (fulfilment has its own path: consumeStock). */
function adjustStock(
  sim: Sim,
  rng: Rng,
  v: Variant,
  newUnits: number,
  type: Exclude<(typeof ADJUSTMENT_TYPES)[number], 'fulfillment'>,
  reason: string,
  cause: SimEvent | null,
): SimEvent {
  const p = v.product;
  const payload: Payload<'product.inventory_adjusted'> = {
    product_id: p.id,
    variant_id: v.id,
    location_id: v.locationId,
    previous_qty: v.onHandUnits,
    new_qty: newUnits,
    adjustment_type: type,
    reason,
  };
  v.onHandUnits = newUnits;
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
    onHandUnits: 0,
    reservedUnits: 0,
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
  adjustStock(sim, rng, v, rng.range(20, 400), 'initial', 'Initial stock', added);
  return v;
}

/** Emits product.created (draft) followed by its first variant and stock. */
export function createProduct(sim: Sim, rng: Rng, supplier: Supplier): Product {
  const p: Product = {
    id: rng.uuid(),
    seq: 0,
    slots: sim.products.newSlots(),
    supplier,
    name: rng.pick(sim.pools.productNames),
    category: rng.pick(sim.pools.categories),
    status: 'draft',
    variants: [],
    promoRefs: 0,
    reservedUnits: 0,
    si: -1,
    fitness: sim.products.popularity.fitness(rng),
    unitsOrdered: 0,
    boost: 1,
  };
  const created = sim.emit(rng, 'product.created', p, {
    product_id: p.id,
    supplier_id: supplier.id,
    name: p.name,
    category: p.category,
    status: 'draft',
  });
  sim.products.add(p);
  addVariant(sim, rng, p, created);
  return p;
}

export function publishProduct(sim: Sim, rng: Rng, p: Product): void {
  sim.emit(rng, 'product.published', p, { product_id: p.id, published_at: sim.iso() });
  sim.products.setStatus(p, 'published');
}

export function unpublishProduct(sim: Sim, rng: Rng, p: Product, reason: string, cause: SimEvent | null): void {
  sim.emitRootOrCaused(rng, 'product.unpublished', p, { product_id: p.id, reason }, cause);
  sim.products.setStatus(p, 'unpublished');
}

/** order.created -> product.inventory_reserved for one line item (and a restock if stock runs low). */
export function reserveStock(sim: Sim, rng: Rng, item: OrderItem, cause: SimEvent): void {
  const v = item.variant;
  const p = v.product;
  sim.products.reserve(v, item.quantity);
  const reserved = sim.emitCaused(
    'product.inventory_reserved',
    p,
    { product_id: p.id, variant_id: v.id, order_id: item.order.id, reserved_qty: item.quantity },
    cause,
  );
  // Automatic replenishment keeps popular variants orderable in long, order-heavy runs.
  if (availableUnits(v) < LOW_WATER_UNITS) {
    adjustStock(sim, rng, v, v.onHandUnits + rng.range(50, 300), 'restock', 'Automatic replenishment', reserved);
  }
}

/** order.cancelled -> product.inventory_released for one line item. */
export function releaseStock(sim: Sim, item: OrderItem, cause: SimEvent): void {
  const v = item.variant;
  const p = v.product;
  sim.products.release(v, item.quantity);
  sim.emitCaused(
    'product.inventory_released',
    p,
    { product_id: p.id, variant_id: v.id, order_id: item.order.id, released_qty: item.quantity },
    cause,
  );
}

/** order.item_shipped -> inventory_adjusted `fulfillment`: the shipped units leave stock and the reservation. */
export function consumeStock(sim: Sim, item: OrderItem, cause: SimEvent): void {
  const v = item.variant;
  const p = v.product;
  const previousUnits = v.onHandUnits;
  sim.products.ship(v, item.quantity);
  sim.emitCaused(
    'product.inventory_adjusted',
    p,
    {
      product_id: p.id,
      variant_id: v.id,
      location_id: v.locationId,
      previous_qty: previousUnits,
      new_qty: v.onHandUnits,
      adjustment_type: 'fulfillment',
      reason: 'Shipped to customer',
      order_id: item.order.id,
    },
    cause,
  );
}

function updateProduct(sim: Sim, rng: Rng, p: Product): void {
  const changed = subset(rng, PRODUCT_FIELDS);
  if (changed.includes('name')) p.name = rng.pick(sim.pools.productNames);
  if (changed.includes('category')) p.category = rng.pick(sim.pools.categories);
  sim.emit(rng, 'product.updated', p, { product_id: p.id, changed_fields: changed });
}

/** Only a product with stock, of a supplier in good standing, goes (back) on sale. */
function isPublishable(p: Product): boolean {
  return p.variants.length > 0 && p.supplier.status === 'verified';
}

function unpublishBySupplier(sim: Sim, rng: Rng, p: Product): void {
  unpublishProduct(sim, rng, p, rng.pick(UNPUBLISH_REASONS), null);
}

function changePrice(sim: Sim, rng: Rng, p: Product): void {
  const first = p.variants[0]!;
  const uniform = p.variants.every((v) => v.priceCents === first.priceCents);
  if (uniform && rng.chance(0.3)) {
    // Product-wide change: every variant had the same price and all move together.
    const nextCents = repriceCents(rng, first.priceCents);
    sim.emit(rng, 'product.price_changed', p, {
      product_id: p.id,
      previous_price: first.priceCents,
      new_price: nextCents,
      currency: CURRENCY,
    });
    for (const v of p.variants) v.priceCents = nextCents;
    return;
  }
  const v = rng.pick(p.variants);
  const nextCents = repriceCents(rng, v.priceCents);
  sim.emit(rng, 'product.price_changed', p, {
    product_id: p.id,
    variant_id: v.id,
    previous_price: v.priceCents,
    new_price: nextCents,
    currency: CURRENCY,
  });
  v.priceCents = nextCents;
}

/** A delivery, a return, a count correction or damage, on the scarcer of two variants (as a buyer would find). */
function adjustInventory(sim: Sim, rng: Rng, p: Product): void {
  const a = rng.pick(p.variants);
  const b = rng.pick(p.variants);
  const v = availableUnits(a) <= availableUnits(b) ? a : b;
  const r = rng.float();
  if (r < 0.5) {
    adjustStock(sim, rng, v, v.onHandUnits + rng.range(20, 200), 'restock', 'Supplier delivery received', null);
  } else if (r < 0.65) {
    adjustStock(sim, rng, v, v.onHandUnits + rng.range(1, 3), 'return', rng.pick(RETURN_REASONS), null);
  } else {
    // Corrections and damage never take stock below what is reserved.
    const down = rng.range(1, 8);
    const targetUnits = Math.max(v.reservedUnits, v.onHandUnits - down);
    if (r < 0.85 || targetUnits === v.onHandUnits) {
      const up = targetUnits === v.onHandUnits || rng.chance(0.4);
      const newUnits = up ? v.onHandUnits + rng.range(1, 5) : targetUnits;
      adjustStock(sim, rng, v, newUnits, 'correction', rng.pick(CORRECTION_REASONS), null);
    } else {
      adjustStock(sim, rng, v, targetUnits, 'damage', rng.pick(DAMAGE_REASONS), null);
    }
  }
}

function addAnotherVariant(sim: Sim, rng: Rng, p: Product): void {
  addVariant(sim, rng, p, null);
}

function deleteProduct(sim: Sim, rng: Rng, p: Product): void {
  sim.emit(rng, 'product.deleted', p, { product_id: p.id, reason: rng.pick(DELETE_REASONS) });
  sim.products.remove(p);
}

const hasVariants = (p: Product): boolean => p.variants.length > 0;

export const PRODUCT_ACTIONS: FamilyActions<'product'> = {
  'product.created': actOnOne((sim) => ifCanGrow(sim.products, sim.suppliers.popular), createProduct),
  'product.updated': actOnOne((sim) => sim.products.live, updateProduct),
  'product.published': actOnOne((sim) => sim.products.unpublishedOrDraft, publishProduct, isPublishable),
  'product.unpublished': actOnOne(
    (sim) => sim.products.published,
    unpublishBySupplier,
    // A product on sale stays on sale until the sale ends.
    (p) => p.boost === 1,
  ),
  'product.price_changed': actOnOne((sim) => sim.products.popularLive, changePrice, hasVariants),
  'product.inventory_adjusted': actOnOne((sim) => sim.products.popularLive, adjustInventory, hasVariants),
  'product.variant_added': actOnOne(
    (sim) => sim.products.live,
    addAnotherVariant,
    (p) => p.variants.length < MAX_VARIANTS,
  ),
  'product.deleted': actOnOne(
    (sim) => ifCanShrink(sim.products, sim.products.unpublishedOrDraft),
    deleteProduct,
    // Reserved stock or a running promotion keeps it.
    (p) => p.reservedUnits === 0 && p.promoRefs === 0,
  ),
};
