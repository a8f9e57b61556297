// --expect's comparison, with a consumer simulated in the test: sc-sim's expected cards from the
// user events it sent, and card records written from the same events — exactly, or with one fault
// of each kind the check names.
import { describe, expect, it } from 'vitest';
import { reduceUserCard, type UserCard } from '../../../src/derive/cards.js';
import type { Envelope } from '../../../src/envelope.js';
import { createWorld } from '../../../src/generators/world.js';
import { partitionForKey } from '../../../src/partitioning/murmur2.js';
import { formatExpect } from '../../../src/render/expect.js';
import {
  DeadLetterComparer,
  EXPECTABLE,
  ExpectedProjection,
  ProjectionComparer,
  type ExpectSection,
} from '../../../src/watch/expect.js';

const PARTITIONS = 12;
const TOPIC = 'sc.proj.consumer.user-cards';
const reduce = EXPECTABLE[TOPIC]!.reduce;

/** The user events of a small seeded world. */
function userEvents(count: number): Envelope[] {
  const world = createWorld(
    {
      seed: 5,
      population: { users: 60, suppliers: 2, communities: 2, products: 5, promotions: 1, posts: 2 },
      mix: { user: 100 },
    },
    { runId: 'x' },
  );
  const out: Envelope[] = [];
  while (out.length < count) {
    const e = world.next();
    if (e.topic === 'sc.domain.user') out.push(e.envelope);
  }
  return out;
}

interface Written {
  partition: number;
  key: string;
  value: string;
  card: UserCard;
  seq: number;
}

/** What a correct consumer writes: one card record per event that changes the card. */
function consumerCards(events: readonly Envelope[]): Written[] {
  const cards = new Map<string, UserCard>();
  const out: Written[] = [];
  for (const e of events) {
    const card = reduceUserCard(cards.get(e.entity_id), e);
    if (!card) continue;
    cards.set(e.entity_id, card);
    const value = JSON.stringify({ entity_id: e.entity_id, source: { sequence: e.sequence }, payload: card });
    out.push({ partition: partitionForKey(e.entity_id, PARTITIONS), key: e.entity_id, value, card, seq: e.sequence });
  }
  return out;
}

function check(events: readonly Envelope[], written: readonly Written[], maxStates?: number): ExpectSection {
  const expected = new ExpectedProjection(reduce, maxStates);
  for (const e of events) expected.observe(e);
  const comparer = new ProjectionComparer(TOPIC, `p.${TOPIC}`, PARTITIONS, expected);
  for (const w of written) comparer.add(w.partition, w.key, w.value);
  return comparer.finish();
}

const rewrite = (w: Written, card: object, seq = w.seq): Written => ({
  ...w,
  seq,
  value: JSON.stringify({ entity_id: w.key, source: { sequence: seq }, payload: card }),
});

describe('--expect on a projection', () => {
  const events = userEvents(3_000);
  const written = consumerCards(events);

  it('passes a consumer that writes every card at its source position', () => {
    const s = check(events, written);
    expect(s.passed).toBe(true);
    expect(s.read).toBe(written.length);
    expect(s.keysExpected).toBeGreaterThan(30);
    expect(Object.values(s.counts).every((n) => n === 0)).toBe(true);
    expect(s.partial).toBe(false);
  });

  it('names the key, the source position and the field of a wrong value', () => {
    const i = written.findIndex((w, n) => n > 100 && w.card.role !== null);
    const bad = written.map((w, n) => (n === i ? rewrite(w, { ...w.card, role: 'wrong-role' }) : w));
    const s = check(events, bad);
    expect(s.passed).toBe(false);
    expect(s.counts['wrongValue']).toBe(1);
    expect(s.examples[0]).toMatchObject({
      kind: 'wrongValue',
      key: written[i]!.key,
      sourceSequence: written[i]!.seq,
      field: 'role',
      got: 'wrong-role',
    });
    expect(formatExpect(s)).toContain(`key ${written[i]!.key} at source sequence ${written[i]!.seq} field role`);
  });

  it('finds a key never written (missing) and one whose last change was never written (stale)', () => {
    const byKey = new Map<string, Written[]>();
    for (const w of written) byKey.set(w.key, [...(byKey.get(w.key) ?? []), w]);
    const [gone, behind] = [...byKey.entries()].filter(([, ws]) => ws.length >= 2).map(([k]) => k);
    const lastOfBehind = byKey.get(behind!)!.at(-1)!;
    const bad = written.filter((w) => w.key !== gone && w !== lastOfBehind);
    const s = check(events, bad);
    expect(s.counts['missing']).toBe(1);
    expect(s.counts['stale']).toBe(1);
    expect(s.examples.find((e) => e.kind === 'missing')!.key).toBe(gone);
    expect(s.examples.find((e) => e.kind === 'stale')).toMatchObject({ key: behind, expected: lastOfBehind.seq });
  });

  it('finds records out of source order, on the wrong partition, and from positions this run never had', () => {
    const i = written.findIndex((w, n) => n > 0 && written[n - 1]!.key === w.key);
    const swapped = [...written];
    [swapped[i - 1], swapped[i]] = [swapped[i]!, swapped[i - 1]!];
    expect(check(events, swapped).counts['outOfOrder']).toBe(1);

    const moved = written.map((w, n) => (n === 7 ? { ...w, partition: (w.partition + 1) % PARTITIONS } : w));
    expect(check(events, moved).counts['wrongKeyOrPartition']).toBe(1);

    const invented = [...written, rewrite(written[3]!, written[3]!.card, 9_999)];
    const s = check(events, invented);
    expect(s.counts['unexpected']).toBe(1);
    expect(s.examples[0]).toMatchObject({ kind: 'unexpected', sourceSequence: 9_999 });
  });

  it('keeps at most its bound of expected states, then says the check is partial and counts what it skipped', () => {
    const s = check(events, written, 500);
    expect(s.partial).toBe(true);
    expect(s.statesKept).toBe(500);
    expect(s.unchecked).toBeGreaterThan(0);
    expect(s.passed).toBe(true);
    expect(formatExpect(s)).toMatch(/partial: 500 expected states kept/);
  });
});

describe('--expect on a dead-letter topic', () => {
  const int32 = (n: number) => Buffer.from([0, 0, 0, n]);
  const int64 = (n: number) => {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(BigInt(n));
    return b;
  };
  const letter = (topic: string, partition: number, offset: number) => ({
    'kafka_dlt-original-topic': Buffer.from(topic),
    'kafka_dlt-original-partition': int32(partition),
    'kafka_dlt-original-offset': int64(offset),
  });

  it('wants every poison record sent, and no good record', () => {
    const poison = new Set(['p.sc.domain.user/3/17', 'p.sc.domain.user/5/2']);
    const ok = new DeadLetterComparer('sc.dlq.proj-user-cards', 'p.sc.dlq.proj-user-cards', poison);
    ok.add('e1', letter('p.sc.domain.user', 3, 17));
    ok.add('e2', letter('p.sc.domain.user', 5, 2));
    expect(ok.finish()).toMatchObject({ passed: true, counts: { poisonDeadLettered: 2 } });

    const bad = new DeadLetterComparer('sc.dlq.proj-user-cards', 'p.sc.dlq.proj-user-cards', poison);
    bad.add('e1', letter('p.sc.domain.user', 3, 17));
    bad.add('e9', letter('p.sc.domain.user', 0, 40));
    const s = bad.finish();
    expect(s.passed).toBe(false);
    expect(s.counts).toEqual({ poisonDeadLettered: 1, poisonNotDeadLettered: 1, goodRecordDeadLettered: 1 });
    expect(s.examples.map((e) => [e.kind, e.kind === 'goodRecordDeadLettered' ? e.got : e.key])).toEqual([
      ['goodRecordDeadLettered', 'p.sc.domain.user/0/40'],
      ['poisonNotDeadLettered', 'p.sc.domain.user/5/2'],
    ]);
  });
});
