import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { EVENT_CATALOG, getEventSpec } from '../../../src/catalog/events.js';
import { allSchemas, envelopeSchema, eventSchema } from '../../../src/schema/json-schema.js';

// ajv-formats is CommonJS with a default export: under NodeNext its plugin is `.default`.
const addFormats = addFormatsModule.default;

function compiler() {
  const ajv = new Ajv({ strict: true, allErrors: true });
  addFormats(ajv);
  return ajv;
}

const envelope = {
  event_id: '7f7d7dd2-cd2a-4590-841f-fdf70aa40c1a',
  event_type: 'user.login_succeeded',
  event_version: 1,
  occurred_at: '2026-01-01T00:44:58.527Z',
  entity_type: 'user',
  entity_id: '44197e0a-6297-4475-887f-afa0a35e8c61',
  sequence: 3,
  correlation_id: '7f7d7dd2-cd2a-4590-841f-fdf70aa40c1a',
  causation_id: null,
  producer: 'sc-sim/0.1.0',
  run_id: 'test',
  payload: { user_id: '44197e0a-6297-4475-887f-afa0a35e8c61', login_method: 'passkey' },
};

describe('JSON Schemas from the catalog', () => {
  it('publishes one schema per event type, the envelope, one per derived topic and the heartbeat, all valid for ajv in strict mode', () => {
    const files = allSchemas();
    expect(files).toHaveLength(96);
    expect(files.map((f) => f.fileName)).toContain('sc.proj.consumer.user-cards.schema.json');
    expect(files.map((f) => f.fileName)).toContain('order.created.schema.json');
    const ajv = compiler();
    for (const f of files) expect(() => ajv.compile(f.schema)).not.toThrow();
  });

  it('accepts a well-formed event and rejects unknown, missing and mistyped payload fields', () => {
    const validate = compiler().compile(eventSchema(getEventSpec('user.login_succeeded')!));
    expect(validate(envelope)).toBe(true);
    expect(validate({ ...envelope, payload: { ...envelope.payload, ip_address: '10.1.2.3' } })).toBe(false);
    expect(validate({ ...envelope, payload: { user_id: envelope.entity_id } })).toBe(false);
    expect(validate({ ...envelope, payload: { ...envelope.payload, login_method: 'sms' } })).toBe(false);
    expect(validate({ ...envelope, event_type: 'user.login_failed' })).toBe(false);
    expect(validate({ ...envelope, sequence: 0 })).toBe(false);
    expect(validate({ ...envelope, occurred_at: 'yesterday' })).toBe(false);
    expect(validate({ ...envelope, extra: true })).toBe(false);
  });

  it('requires exactly the non-optional fields, nested objects included', () => {
    for (const spec of EVENT_CATALOG) {
      const payload = (eventSchema(spec)['properties'] as Record<string, Record<string, unknown>>)['payload']!;
      const required = Object.entries(spec.fields)
        .filter(([, f]) => !f.optional)
        .map(([n]) => n);
      expect(payload['required']).toEqual(required);
      expect(payload['additionalProperties']).toBe(false);
    }
    const ended = eventSchema(getEventSpec('promotion.ended')!) as {
      properties: { payload: { properties: Record<string, { required?: string[] }> } };
    };
    expect(ended.properties.payload.properties['final_stats']?.required).toEqual([
      'impressions',
      'clicks',
      'conversions',
      'revenue_cents',
    ]);
  });

  it('lets a failed login for an unknown account use an anon- entity id without user_id', () => {
    const validate = compiler().compile(eventSchema(getEventSpec('user.login_failed')!));
    const anon = {
      ...envelope,
      event_type: 'user.login_failed',
      entity_id: 'anon-0123456789abcdef',
      payload: { failure_reason: 'unknown_account', attempt_count: 1 },
    };
    expect(validate(anon)).toBe(true);
    expect(validate({ ...anon, entity_id: 'someone@example.com' })).toBe(false);
  });

  it('marks extension fields in their description and allows null where the catalog says nullable', () => {
    const created = JSON.stringify(eventSchema(getEventSpec('order.created')!));
    expect(created).toContain('sc-sim extension');
    const validate = compiler().compile(eventSchema(getEventSpec('order.attribution_recorded')!));
    const base = {
      ...envelope,
      event_type: 'order.attribution_recorded',
      entity_type: 'order',
      causation_id: '02810f73-acdb-412d-9882-1c04f4e4ccf9',
      payload: {
        order_id: envelope.entity_id,
        promotion_id: '02810f73-acdb-412d-9882-1c04f4e4ccf9',
        community_id: null,
        leader_id: null,
        supplier_id: '02810f73-acdb-412d-9882-1c04f4e4ccf9',
        utm_source: 'global_feed',
        utm_campaign: 'spring-sale-1a2b',
      },
    };
    expect(validate(base)).toBe(true);
    expect(validate({ ...base, payload: { ...base.payload, supplier_id: null } })).toBe(false);
  });

  it('validates the bare envelope of any type, payload unchecked', () => {
    const validate = compiler().compile(envelopeSchema());
    expect(validate({ ...envelope, event_type: 'order.created', payload: { anything: 1 } })).toBe(true);
    expect(validate({ ...envelope, event_type: 'order.teleported' })).toBe(false);
  });
});
