// Supplier family: registration (pending), verification documents (submitted), admin decision
// (verified | rejected, after which documents may be resubmitted), profile edits, counters and
// suspension (final here: the spec has no supplier reactivation event).
import {
  SUPPLIER_DOCUMENT_TYPES,
  SUPPLIER_PROFILE_FIELDS,
  SUPPLIER_REJECTION_REASONS,
  SUPPLIER_STAT_TYPES,
  SUPPLIER_TIERS,
} from '../../catalog/events.js';
import type { Rng } from '../rng.js';
import type { Sim } from '../sim.js';
import type { Supplier } from '../state.js';
import { unpublishProduct } from './products.js';
import { cancelPromotion } from './promotions.js';
import { actOnOne, ifCanShrink, subset, type FamilyActions } from './util.js';

const SUSPEND_REASONS = [
  'Repeated late shipments',
  'Counterfeit goods reported',
  'Unresolved payment disputes',
  'Verification documents found forged',
];

export function registerSupplier(sim: Sim, rng: Rng): Supplier {
  const locationCount = rng.range(1, 2);
  const s: Supplier = {
    id: rng.uuid(),
    seq: 0,
    slots: sim.suppliers.newSlots(),
    status: 'pending',
    companyName: rng.pick(sim.pools.companyNames),
    locations: Array.from({ length: locationCount }, () => rng.uuid()),
    products: [],
    promotions: [],
    fitness: sim.suppliers.popularity.fitness(rng),
  };
  sim.emit(rng, 'supplier.created', s, { supplier_id: s.id, company_name: s.companyName, status: 'pending' });
  sim.suppliers.add(s);
  return s;
}

export function submitVerification(sim: Sim, rng: Rng, s: Supplier): void {
  // Identity and business licence are always asked for; the rest varies.
  const extra = subset(rng, SUPPLIER_DOCUMENT_TYPES.slice(1)).filter((d) => d !== 'identity_document');
  const docs = ['business_license' as const, 'identity_document' as const, ...extra];
  sim.emit(rng, 'supplier.verification_submitted', s, {
    supplier_id: s.id,
    documents_types: docs,
    submitted_at: sim.iso(),
  });
  sim.suppliers.setStatus(s, 'submitted');
}

export function verifySupplier(sim: Sim, rng: Rng, s: Supplier): void {
  sim.emit(rng, 'supplier.verified', s, {
    supplier_id: s.id,
    verified_by: sim.admin(rng),
    verification_tier: rng.pick(SUPPLIER_TIERS),
  });
  sim.suppliers.setStatus(s, 'verified');
}

export function rejectSupplier(sim: Sim, rng: Rng, s: Supplier): void {
  sim.emit(rng, 'supplier.verification_rejected', s, {
    supplier_id: s.id,
    rejected_by: sim.admin(rng),
    rejection_reasons: subset(rng, SUPPLIER_REJECTION_REASONS).slice(0, 2),
  });
  sim.suppliers.setStatus(s, 'rejected');
}

/** A new registration while the population has room. */
function registerNewSupplier(sim: Sim, rng: Rng): boolean {
  if (!sim.suppliers.population.canGrow) return false;
  registerSupplier(sim, rng);
  return true;
}

function updateProfile(sim: Sim, rng: Rng, s: Supplier): void {
  const changed = subset(rng, SUPPLIER_PROFILE_FIELDS);
  if (changed.includes('company_name')) s.companyName = rng.pick(sim.pools.companyNames);
  sim.emit(rng, 'supplier.profile_updated', s, { supplier_id: s.id, changed_fields: changed });
}

/** A suspended supplier stops selling: its listings come down and its promotions stop. */
function suspendSupplier(sim: Sim, rng: Rng, s: Supplier): void {
  const suspended = sim.emit(rng, 'supplier.suspended', s, {
    supplier_id: s.id,
    reason: rng.pick(SUSPEND_REASONS),
    suspended_by: sim.admin(rng),
  });
  sim.suppliers.suspend(s);
  for (const p of [...s.products])
    if (p.status === 'published') unpublishProduct(sim, rng, p, 'Supplier suspended', suspended);
  for (const promo of [...s.promotions])
    cancelPromotion(sim, rng, promo, 'Supplier suspended', sim.admin(rng), suspended);
}

/** A supplier whose promotion is the run's viral one keeps trading. */
function isSuspendable(s: Supplier, sim: Sim): boolean {
  return sim.promotions.viral?.supplier !== s;
}

function changeStat(sim: Sim, rng: Rng, s: Supplier): void {
  const stat = rng.pick(SUPPLIER_STAT_TYPES);
  const delta = stat === 'followers' ? rng.range(-2, 8) || 1 : rng.range(1, 5);
  sim.emit(rng, 'supplier.stats_changed', s, { supplier_id: s.id, stat_type: stat, delta });
}

export const SUPPLIER_ACTIONS: FamilyActions<'supplier'> = {
  'supplier.created': registerNewSupplier,
  'supplier.verification_submitted': actOnOne((sim) => sim.suppliers.submittable, submitVerification),
  'supplier.verified': actOnOne((sim) => sim.suppliers.submitted, verifySupplier),
  'supplier.verification_rejected': actOnOne((sim) => sim.suppliers.submitted, rejectSupplier),
  'supplier.profile_updated': actOnOne((sim) => sim.suppliers.live, updateProfile),
  'supplier.suspended': actOnOne(
    (sim) => ifCanShrink(sim.suppliers, sim.suppliers.suspendable),
    suspendSupplier,
    isSuspendable,
  ),
  'supplier.stats_changed': actOnOne((sim) => sim.suppliers.popular, changeStat),
};
