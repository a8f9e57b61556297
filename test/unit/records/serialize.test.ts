// The shipped serializer writes JSON.stringify(envelope)'s text, byte for byte; its fast path
// (fields written, constant parts cached) is taken only for envelopes whose ids, instant and entity
// type are plain characters — checked, or vouched for by the world (SimEvent.idsPlain). Over 100,000
// generated events of every type, with every escape, the check is test/unit/bench/serializers.test.ts
// (the shipped candidate); here, the envelopes a generator never makes.
import { describe, expect, it } from 'vitest';
import type { Envelope } from '../../../src/envelope.js';
import { createWorld } from '../../../src/generators/world.js';
import { serializeEnvelope } from '../../../src/records/serialize.js';

const world = createWorld({ seed: 9 }, { runId: 'run-serialize' });
const simEvents = Array.from({ length: 3_000 }, () => world.next());
const events = simEvents.map((e) => e.envelope);
const base = events[0]!;
const caused = events.find((e) => e.causation_id !== null)!;

describe('serializeEnvelope', () => {
  it('writes JSON.stringify’s text for generated events, caused and root, checked or vouched for', () => {
    expect(caused).toBeDefined();
    for (const e of events) expect(serializeEnvelope(e)).toBe(JSON.stringify(e));
    for (const e of simEvents) {
      expect(e.idsPlain).toBe(true);
      expect(serializeEnvelope(e.envelope, e.idsPlain)).toBe(JSON.stringify(e.envelope));
    }
  });

  it('writes vouched-for ids as they are: the world’s word is what skips the check', () => {
    // Not a use, a proof of what the flag does: an id that needs escaping, vouched for wrongly,
    // comes out unescaped (so only the world, whose ids are hex digits and '-', may vouch).
    const wrong = { ...base, event_id: 'a"b' };
    expect(serializeEnvelope(wrong, true)).toContain('"event_id":"a"b"');
    expect(serializeEnvelope(wrong, false)).toBe(JSON.stringify(wrong));
  });

  it('writes JSON.stringify’s text for envelopes a generator never makes', () => {
    const odd: Envelope[] = [
      // Ids, instants and entity types with characters JSON escapes, or that are not ASCII.
      { ...base, event_id: 'a"b' },
      { ...base, event_id: 'x\\y' },
      { ...base, event_id: '-leading-dash' },
      { ...base, correlation_id: 'line\nbreak' },
      { ...caused, causation_id: 'ü' },
      { ...base, occurred_at: '2026-12-01T00:00:00.000Z\u2028' },
      { ...base, entity_id: 'quote " and \\ and \u0000 and 😀' },
      { ...base, entity_type: 'us"er' as Envelope['entity_type'] },
      // A run id and producer that need escaping, then back to plain ones (the cached tail changes).
      { ...base, run_id: 'run "1"\\\u2028', producer: 'sc-sim/"0"' },
      { ...base },
      // A version or entity type other than the one first seen for the type (cached per type).
      { ...base, event_version: 99 },
      { ...base, entity_type: 'order' },
      // Numbers JSON.stringify writes otherwise than '' + n would.
      { ...base, sequence: Number.NaN },
      { ...base, sequence: 1.5 },
      { ...base, sequence: 2 ** 60 },
      { ...base, event_version: Number.POSITIVE_INFINITY },
      // Payloads with escapes are JSON.stringify's own work.
      { ...base, payload: { text: '"\\\n\u0001\ud800 😀', n: -0, nested: { a: [1, null, 'x'] } } },
    ];
    for (const e of odd) expect(serializeEnvelope(e), JSON.stringify(e)).toBe(JSON.stringify(e));
    // Every generated event is still written the same after the odd ones went through the caches.
    for (const e of events) expect(serializeEnvelope(e)).toBe(JSON.stringify(e));
  });

  it('writes valid JSON that parses back to the envelope', () => {
    for (const e of events) expect(JSON.parse(serializeEnvelope(e))).toEqual(JSON.parse(JSON.stringify(e)));
  });
});
