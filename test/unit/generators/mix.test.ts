import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../../src/catalog/events.js';
import { DEFAULT_WEIGHTS, DERIVED_TYPES, resolveMix } from '../../../src/generators/mix.js';
import { scSimErrorOf } from '../../support/errors.js';

describe('resolveMix', () => {
  it('has a default weight for every type that is not caused by another, summing to 100', () => {
    const weighted = Object.keys(DEFAULT_WEIGHTS);
    expect(weighted.length + Object.keys(DERIVED_TYPES).length).toBe(EVENT_TYPES.length);
    const total = Object.values(DEFAULT_WEIGHTS).reduce((s, w) => s + w, 0);
    expect(total).toBeCloseTo(100, 6);
    for (const w of Object.values(DEFAULT_WEIGHTS)) expect(w).toBeGreaterThan(0);
  });

  it('rescales a family to the given total, keeping its internal proportions', () => {
    const mix = resolveMix({ order: 60 });
    const order = mix.families.find((f) => f.family === 'order')!;
    expect(order.total).toBeCloseTo(60, 6);
    expect(mix.weightOf['order.created'] / mix.weightOf['order.cancelled']).toBeCloseTo(
      DEFAULT_WEIGHTS['order.created'] / DEFAULT_WEIGHTS['order.cancelled'],
      6,
    );
    expect(mix.families.find((f) => f.family === 'user')!.total).toBeCloseTo(14, 6);
  });

  it('lets a type weight override its family and 0 turn things off', () => {
    const mix = resolveMix({ user: 0, 'user.login_failed': 50, 'promotion.impression': 0 });
    const user = mix.families.find((f) => f.family === 'user')!;
    expect(user.types).toEqual(['user.login_failed']);
    expect(user.total).toBe(50);
    expect(mix.families.find((f) => f.family === 'promotion')!.types).not.toContain('promotion.impression');
  });

  it('rejects unknown keys with suggestions and derived types with their cause, all at once', () => {
    const err = scSimErrorOf(() => resolveMix({ 'order.craeted': 1, 'promotion.converted': 3, orders: 2 }));
    expect(err.code).toBe('E_CONFIG');
    expect(err.details).toHaveLength(3);
    expect(err.details.join('\n')).toMatch(/order\.craeted: .*did you mean order\.created/);
    expect(err.details.join('\n')).toMatch(
      /promotion\.converted: has no weight of its own; it follows order\.confirmed/,
    );
    expect(err.details.join('\n')).toMatch(/orders: .*did you mean order/);
  });

  it('refuses a mix that turns everything off', () => {
    const off = Object.fromEntries(
      ['user', 'supplier', 'community', 'product', 'promotion', 'post', 'order'].map((f) => [f, 0]),
    );
    expect(scSimErrorOf(() => resolveMix(off)).message).toMatch(/turns every activity off/);
  });
});
