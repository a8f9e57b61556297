// The serializer comparison is only fair if every candidate writes the shipped bytes: each is
// checked against Buffer.from(JSON.stringify(envelope)) over 100,000 events of every event type.
import { describe, expect, it } from 'vitest';
import { createCompiledWriter } from '../../../bench/compiled-writer.js';
import { SERIALIZER_CANDIDATES, type Candidate } from '../../../bench/serializers.js';
import { EVENT_TYPES } from '../../../src/catalog/events.js';
import type { Envelope } from '../../../src/envelope.js';
import { buildPools, type Pools } from '../../../src/generators/pools.js';
import { createWorld } from '../../../src/generators/world.js';

/**
 * Every character JSON.stringify escapes (controls, quote, backslash, lone surrogates) and ones it
 * leaves alone but UTF-8 writes in 2, 3 or 4 bytes.
 */
const CONTROLS = Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i)).join('');
const SPECIALS = [
  CONTROLS,
  '"quoted" \\back\\slash\\ /slash/',
  'ü é ñ ß \u007f \u0080 \u00ff',
  '東京 \u2028 \u2029 \ufeff \uffff',
  '😀 👍🏽 𝄞',
  'lone \ud800 high, lone \udfff low, reversed \udc00\ud800',
  '',
];

/** The world's value pools with escape-worthy text added to every value. */
function escapingPools(seed: number): Pools {
  const base = buildPools(seed);
  const spiced = {} as Record<keyof Pools, readonly string[]>;
  for (const key of Object.keys(base) as (keyof Pools)[]) {
    spiced[key] = base[key].map((v, i) => `${v}${SPECIALS[i % SPECIALS.length]}`);
  }
  return spiced;
}

interface Run {
  seed: number;
  mix: Record<string, number>;
  runId: string;
  pools?: Pools;
}

const RUNS: Run[] = [
  { seed: 1, mix: {}, runId: 'run-default' },
  { seed: 2, mix: { order: 60 }, runId: 'run-order-heavy' },
  {
    seed: 3,
    mix: { user: 1, supplier: 1, community: 1, product: 1, promotion: 1, post: 1, order: 1 },
    runId: 'run-even',
  },
  // Faker values with every escape in them, and a run id that needs escaping too.
  { seed: 4, mix: {}, runId: 'run "4"\\\n\u2028😀\ud800', pools: escapingPools(4) },
];
const EVENTS_PER_RUN = 25_000;

describe('serializer candidates (bench/serializers.ts)', () => {
  it('write the bytes of JSON.stringify for 100,000 events: every event type, four seeds and mixes, every escape', () => {
    const candidates = Object.entries<Candidate>({
      ...SERIALIZER_CANDIDATES,
      // A small slab too, so the writer changes slabs thousands of times on the way.
      'compiled byte writer, 16 KiB slabs': () => createCompiledWriter({ slabBytes: 16 * 1024 }),
    }).map(([name, make]) => ({ name, serialize: make(), mismatches: 0 }));
    const seen = new Set<string>();
    const kept: { value: Buffer; expected: Buffer }[] = [];
    let escaped = 0;
    let compared = 0;
    for (const run of RUNS) {
      const world = createWorld(
        { seed: run.seed, mix: run.mix },
        { runId: run.runId, ...(run.pools ? { pools: run.pools } : {}) },
      );
      for (let i = 0; i < EVENTS_PER_RUN; i++) {
        const event = world.next();
        // The world vouches for its ids (SimEvent.idsPlain), as in a run: the shipped candidate writes
        // them unchecked, so an id the world made with a character JSON escapes would show here.
        expect(event.idsPlain).toBe(true);
        const envelope: Envelope = event.envelope;
        const text = JSON.stringify(envelope);
        const expected = Buffer.from(text, 'utf8');
        for (const c of candidates) {
          const out = c.serialize(envelope, event.idsPlain);
          // Text is written as UTF-8 in the request (record-batch.test.ts checks that write).
          const value = typeof out === 'string' ? Buffer.from(out, 'utf8') : out;
          if (!value.equals(expected)) c.mismatches++;
          if (i % 101 === 0) kept.push({ value, expected });
        }
        if (text.includes('\\u0000') && text.includes('\\ud800') && text.includes('😀')) escaped++;
        seen.add(envelope.event_type);
        compared++;
      }
    }
    expect(compared).toBe(100_000);
    expect(Object.fromEntries(candidates.map((c) => [c.name, c.mismatches]))).toEqual(
      Object.fromEntries(candidates.map((c) => [c.name, 0])),
    );
    expect([...seen].sort()).toEqual([...EVENT_TYPES].sort());
    // The escaping run really produced controls, lone surrogates and 4-byte characters.
    expect(escaped).toBeGreaterThan(100);
    // Values written into shared buffers long ago were not overwritten by later ones.
    for (const k of kept) expect(k.value.equals(k.expected)).toBe(true);
    // A hang guard, not a speed target: 400,000 serializations take ~20 s on this busy machine.
  }, 120_000);

  it('fall back to JSON.stringify for values the catalog does not describe (compiled byte writer)', () => {
    const write = createCompiledWriter();
    const world = createWorld({ seed: 5 }, { runId: 'odd' });
    const envelope = world.next().envelope;
    const odd: Envelope[] = [
      { ...envelope, sequence: Number.NaN },
      { ...envelope, event_type: 'not.a.type' },
      { ...envelope, payload: { ...envelope.payload, extra: 1 } },
      { ...envelope, causation_id: 42 as unknown as string },
    ];
    // An unknown extra key is the one thing the compiled writer drops (catalog order, catalog keys).
    expect(write(odd[2]!).toString()).toBe(JSON.stringify(envelope));
    for (const e of [odd[0]!, odd[1]!, odd[3]!]) expect(write(e).toString()).toBe(JSON.stringify(e));
  });
});
