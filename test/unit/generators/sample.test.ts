import { describe, expect, it } from 'vitest';
import { ScSimError } from '../../../src/errors.js';
import { assertEventType, sampleEvents } from '../../../src/generators/sample.js';

describe('sampleEvents', () => {
  it('returns the requested number of events of one type, the same for the same seed', () => {
    const a = sampleEvents('order.created', { count: 2, seed: 7 });
    expect(a.events.map((e) => e.envelope.event_type)).toEqual(['order.created', 'order.created']);
    expect(a.seed).toBe(7);
    expect(JSON.stringify(sampleEvents('order.created', { count: 2, seed: 7 }).events)).toBe(JSON.stringify(a.events));
    const items = a.events[0]!.envelope.payload['items'] as unknown[];
    expect(items.length).toBe(a.events[0]!.envelope.payload['item_count']);
  });

  it('finds rare types in context', () => {
    const locked = sampleEvents('user.locked', { count: 1, seed: 3 });
    expect(locked.events[0]!.envelope.sequence).toBeGreaterThan(3);
  });

  it('names the closest types for an unknown one (E_EVENT_TYPE_UNKNOWN)', () => {
    let err: unknown;
    try {
      assertEventType('order.craeted');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ScSimError);
    expect((err as ScSimError).code).toBe('E_EVENT_TYPE_UNKNOWN');
    expect((err as ScSimError).hint).toMatch(/^closest: order\.created/);
  });

  it('gives up with a clear error when the world cannot produce enough', () => {
    expect(() => sampleEvents('user.locked', { count: 5, seed: 1, maxEvents: 1_000 })).toThrow(
      /only 0 user\.locked event/,
    );
  });
});
