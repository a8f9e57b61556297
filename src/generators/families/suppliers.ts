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
import { pickFromBags } from '../bag.js';
import type { Rng } from '../rng.js';
import type { Sim } from '../sim.js';
import type { Supplier } from '../state.js';
import { unpublishProduct } from './products.js';
import { cancelPromotion } from './promotions.js';
import { subset, type FamilyActions } from './util.js';

const SUSPEND_REASONS = [
  'Repeated late shipments',
  'Counterfeit goods reported',
  'Unresolved payment disputes',
  'Verification documents found forged',
];

export function registerSupplier(sim: Sim, rng: Rng): Supplier {
  const suppliers = sim.suppliers;
  const locationCount = rng.range(1, 2);
  const s: Supplier = {
    id: rng.uuid(),
    seq: 0,
    slots: suppliers.set.newSlots(),
    status: 'pending',
    companyName: rng.pick(sim.pools.companyNames),
    locations: Array.from({ length: locationCount }, () => rng.uuid()),
    products: [],
    promotions: [],
  };
  suppliers.population.live++;
  sim.emit(rng, 'supplier.created', s, { supplier_id: s.id, company_name: s.companyName, status: 'pending' });
  suppliers.set.refresh(s);
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
  s.status = 'submitted';
  sim.suppliers.set.refresh(s);
}

export function verifySupplier(sim: Sim, rng: Rng, s: Supplier): void {
  sim.emit(rng, 'supplier.verified', s, {
    supplier_id: s.id,
    verified_by: sim.admin(rng),
    verification_tier: rng.pick(SUPPLIER_TIERS),
  });
  s.status = 'verified';
  sim.suppliers.set.refresh(s);
}

export function rejectSupplier(sim: Sim, rng: Rng, s: Supplier): void {
  sim.emit(rng, 'supplier.verification_rejected', s, {
    supplier_id: s.id,
    rejected_by: sim.admin(rng),
    rejection_reasons: subset(rng, SUPPLIER_REJECTION_REASONS).slice(0, 2),
  });
  s.status = 'rejected';
  sim.suppliers.set.refresh(s);
}

export function supplierActions(sim: Sim): FamilyActions<'supplier'> {
  const rng = sim.rng.supplier;
  const suppliers = sim.suppliers;
  return {
    'supplier.created': () => {
      if (!suppliers.population.canGrow) return false;
      registerSupplier(sim, rng);
      return true;
    },
    'supplier.verification_submitted': () => {
      const s = suppliers.submittable.pick(rng);
      if (!s) return false;
      submitVerification(sim, rng, s);
      return true;
    },
    'supplier.verified': () => {
      const s = suppliers.submitted.pick(rng);
      if (!s) return false;
      verifySupplier(sim, rng, s);
      return true;
    },
    'supplier.verification_rejected': () => {
      const s = suppliers.submitted.pick(rng);
      if (!s) return false;
      rejectSupplier(sim, rng, s);
      return true;
    },
    'supplier.profile_updated': () => {
      const s = suppliers.live.pick(rng);
      if (!s) return false;
      const changed = subset(rng, SUPPLIER_PROFILE_FIELDS);
      if (changed.includes('company_name')) s.companyName = rng.pick(sim.pools.companyNames);
      sim.emit(rng, 'supplier.profile_updated', s, { supplier_id: s.id, changed_fields: changed });
      return true;
    },
    'supplier.suspended': () => {
      if (!suppliers.population.canShrink) return false;
      const s = pickFromBags(rng, [suppliers.submittable, suppliers.submitted, suppliers.verified]);
      // A supplier whose promotion is the run's viral one keeps trading.
      if (!s || sim.promotions.viral?.supplier === s) return false;
      const suspended = sim.emit(rng, 'supplier.suspended', s, {
        supplier_id: s.id,
        reason: rng.pick(SUSPEND_REASONS),
        suspended_by: sim.admin(rng),
      });
      s.status = 'suspended';
      suppliers.population.live--;
      suppliers.set.retire(s);
      // A suspended supplier stops selling: its listings come down and its promotions stop.
      for (const p of [...s.products])
        if (p.status === 'published') unpublishProduct(sim, rng, p, 'Supplier suspended', suspended);
      for (const promo of [...s.promotions])
        cancelPromotion(sim, rng, promo, 'Supplier suspended', sim.admin(rng), suspended);
      return true;
    },
    'supplier.stats_changed': () => {
      const s = suppliers.verified.pick(rng);
      if (!s) return false;
      const stat = rng.pick(SUPPLIER_STAT_TYPES);
      const delta = stat === 'followers' ? rng.range(-2, 8) || 1 : rng.range(1, 5);
      sim.emit(rng, 'supplier.stats_changed', s, { supplier_id: s.id, stat_type: stat, delta });
      return true;
    },
  };
}
