import { describe, expect, it } from 'vitest';
import {
  EVENT_CATALOG,
  EVENT_TYPES,
  closestNames,
  eventsForTopic,
  getEventSpec,
  isEventType,
  requiredFields,
  type EventType,
  type FieldSpec,
  type Payload,
} from '../../../src/catalog/events.js';
import { TOPICS, getTopic } from '../../../src/catalog/topics.js';

function walk(fields: Readonly<Record<string, FieldSpec>>, visit: (name: string, f: FieldSpec) => void): void {
  for (const [name, f] of Object.entries(fields)) {
    visit(name, f);
    if (f.kind === 'object') walk(f.fields, visit);
    if (f.kind === 'array' && f.items.kind === 'object') walk(f.items.fields, visit);
  }
}

describe('event catalog', () => {
  it('has the 74 event types of the spec, each once', () => {
    expect(EVENT_CATALOG).toHaveLength(74);
    expect(new Set(EVENT_TYPES).size).toBe(74);
  });

  it('has 11/7/8/10/15/11/12 types on the seven domain topics', () => {
    const counts = Object.fromEntries(
      TOPICS.filter((t) => t.category === 'domain').map((t) => [t.name, eventsForTopic(t.name).length]),
    );
    expect(counts).toEqual({
      'sc.domain.user': 11,
      'sc.domain.supplier': 7,
      'sc.domain.community': 8,
      'sc.domain.product': 10,
      'sc.domain.promotion': 15,
      'sc.domain.post': 11,
      'sc.domain.order': 12,
    });
  });

  it("puts every type on its family's domain topic, whose key field is the payload's first field", () => {
    for (const e of EVENT_CATALOG) {
      const family = e.type.split('.')[0];
      expect(e.family).toBe(family);
      expect(e.topic).toBe(`sc.domain.${family}`);
      const topic = getTopic(e.topic);
      expect(topic?.category).toBe('domain');
      expect(Object.keys(e.fields)[0]).toBe(topic?.keyField);
      expect(e.version).toBe(1);
    }
  });

  it('names fields in snake_case and keeps the spec’s odd names verbatim', () => {
    for (const e of EVENT_CATALOG) walk(e.fields, (name) => expect(name).toMatch(/^[a-z][a-z0-9_]*$/));
    expect(Object.keys(getEventSpec('community.deleted')!.fields)).toContain('member_count_at_del');
    expect(Object.keys(getEventSpec('supplier.verification_submitted')!.fields)).toContain('documents_types');
  });

  it('marks the spec’s (opt)/(if known) fields optional and nothing else', () => {
    const optional = EVENT_CATALOG.flatMap((e) =>
      Object.entries(e.fields)
        .filter(([, f]) => f.optional)
        .map(([n]) => `${e.type}.${n}`),
    );
    expect(optional.sort()).toEqual(
      [
        'user.login_failed.user_id',
        'product.price_changed.variant_id',
        'product.inventory_adjusted.order_id',
        'promotion.impression.community_id',
        'promotion.clicked.community_id',
        'promotion.converted.community_id',
      ].sort(),
    );
    expect(requiredFields(getEventSpec('user.login_failed')!)).toEqual(['failure_reason', 'attempt_count']);
  });

  it('declares every field that is not among the spec’s key fields as an extension', () => {
    const extensions = EVENT_CATALOG.flatMap((e) =>
      Object.entries(e.fields)
        .filter(([, f]) => f.ext)
        .map(([n]) => `${e.type}.${n}`),
    );
    expect(extensions.sort()).toEqual(
      [
        'user.created.display_name',
        'community.member_removed.member_count_after',
        'product.inventory_adjusted.order_id',
        'product.variant_added.price_cents',
        'product.variant_added.currency',
        'order.created.items',
        'promotion.impression.viewer_id',
        'promotion.clicked.viewer_id',
      ].sort(),
    );
  });

  it('has no field that could carry an IP address, e-mail or phone number', () => {
    for (const e of EVENT_CATALOG) walk(e.fields, (name) => expect(name).not.toMatch(/(^|_)(ip|email|phone)(_|$)/));
    expect(Object.keys(getEventSpec('user.login_succeeded')!.fields)).toEqual(['user_id', 'login_method']);
  });

  it('looks types up and suggests close names', () => {
    expect(isEventType('order.created')).toBe(true);
    expect(isEventType('order.craeted')).toBe(false);
    expect(closestNames('order.craeted', EVENT_TYPES)[0]).toBe('order.created');
    expect(closestNames('login', EVENT_TYPES).slice(0, 2)).toEqual(['user.login_failed', 'user.login_succeeded']);
  });

  it('derives payload types that reject unknown fields, types and enum values (checked by tsc)', () => {
    const ok: Payload<'user.login_failed'> = { failure_reason: 'mfa_failed', attempt_count: 2 };
    // @ts-expect-error ip is not a field of user.login_succeeded
    const extra: Payload<'user.login_succeeded'> = { user_id: 'u', login_method: 'password', ip: '10.0.0.1' };
    // @ts-expect-error carrier pigeons are not a catalog login method
    const badEnum: Payload<'user.login_succeeded'> = { user_id: 'u', login_method: 'carrier_pigeon' };
    const missing: Payload<'promotion.ended'> = {
      promotion_id: 'p',
      end_reason: 'manual',
      // @ts-expect-error final_stats.revenue_cents is required
      final_stats: { impressions: 1, clicks: 0, conversions: 0 },
    };
    // @ts-expect-error not a catalog event type
    const unknownType: EventType = 'order.teleported';
    const nullable: Payload<'order.attribution_recorded'> = {
      order_id: 'o',
      promotion_id: 'p',
      community_id: null,
      leader_id: null,
      supplier_id: 's',
      utm_source: 'global_feed',
      utm_campaign: 'c',
    };
    expect([ok, extra, badEnum, missing, unknownType, nullable]).toHaveLength(6);
  });
});
