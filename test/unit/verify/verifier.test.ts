import { describe, expect, it } from 'vitest';
import {
  COMPOUND_NOTE,
  UNKEYED_NOTE,
  Verifier,
  verify,
  type ConsumedRecord,
  type ProducedRecord,
  type VerificationResult,
} from '../../../src/verify/verifier.js';
import { decodeLatency } from '../../../src/metrics/latency.js';
import { partitionForKey } from '../../../src/partitioning/murmur2.js';

const T = 'p.sc.domain.order';

interface Send {
  key: string;
  entityId?: string;
  sequence: number;
  partition: number;
}

/** Builds a producer record list and the matching clean log: offsets per partition in send order. */
function world(sends: Send[], sentAtMs = 1_000): { produced: ProducedRecord[]; log: ConsumedRecord[] } {
  const nextOffset = new Map<number, number>();
  const produced: ProducedRecord[] = [];
  const log: ConsumedRecord[] = [];
  sends.forEach((s, i) => {
    const offset = nextOffset.get(s.partition) ?? 0;
    nextOffset.set(s.partition, offset + 1);
    const entityId = s.entityId ?? s.key;
    const eventId = `ev-${entityId}-${s.sequence}-${i}`;
    const record = { topic: T, partition: s.partition, offset, key: s.key, entityId, sequence: s.sequence, eventId };
    produced.push({ ...record, outcome: 'acked', sentAtMs });
    log.push({ ...record, consumedAtMs: sentAtMs + 5 });
  });
  return { produced, log };
}

/** Three entities, interleaved, each on its own partition, sequences 1..n. */
function cleanSends(perEntity = 5): Send[] {
  const out: Send[] = [];
  for (let seq = 1; seq <= perEntity; seq++) {
    out.push({ key: 'o1', sequence: seq, partition: 0 });
    out.push({ key: 'o2', sequence: seq, partition: 1 });
    out.push({ key: 'o3', sequence: seq, partition: 2 });
  }
  return out;
}

function counts(r: VerificationResult) {
  const { lost, duplicate, reordered, gaps, keyPartitionMoves, indeterminate } = r.totals;
  return { lost, duplicate, reordered, gaps, keyPartitionMoves, indeterminate };
}

const ZERO = { lost: 0, duplicate: 0, reordered: 0, gaps: 0, keyPartitionMoves: 0, indeterminate: 0 };

/** Re-numbers offsets per partition in list order, as a broker would have written the list. */
function relog(records: ConsumedRecord[]): ConsumedRecord[] {
  const next = new Map<number, number>();
  return records.map((r) => {
    const offset = next.get(r.partition) ?? 0;
    next.set(r.partition, offset + 1);
    return { ...r, offset };
  });
}

describe('verify', () => {
  it('finds nothing in a clean stream', () => {
    const { produced, log } = world(cleanSends());
    const r = verify(produced, log);
    expect(counts(r)).toEqual(ZERO);
    expect(r.ok).toBe(true);
    expect(r.totals.acked).toBe(15);
    expect(r.totals.consumed).toBe(15);
    expect(r.totals.unexpected).toBe(0);
    expect(r.keys).toEqual([]);
    expect(r.examples).toEqual([]);
    expect(r.partitions.map((p) => [p.partition, p.acked, p.consumed])).toEqual([
      [0, 5, 5],
      [1, 5, 5],
      [2, 5, 5],
    ]);
  });

  it('names and counts lost records exactly, per partition and per key', () => {
    const { produced, log } = world(cleanSends());
    // Drop o2's sequence 3 and o3's sequences 4 and 5 from what the consumer sees.
    const read = log.filter((r) => !(r.key === 'o2' && r.sequence === 3) && !(r.key === 'o3' && r.sequence >= 4));
    const r = verify(produced, read);
    expect(r.totals.lost).toBe(3);
    expect(r.ok).toBe(false);
    expect(r.partitions.find((p) => p.partition === 1)?.lost).toBe(1);
    expect(r.partitions.find((p) => p.partition === 2)?.lost).toBe(2);
    expect(r.keys.map((k) => [k.key, k.lost]).sort()).toEqual([
      ['o2', 1],
      ['o3', 2],
    ]);
    // o2 misses a sequence below its highest read one (a hole); o3 lost only its tail (no hole).
    expect(r.totals.gaps).toBe(1);
    expect(r.examples.filter((e) => e.kind === 'lost')).toHaveLength(3);
    expect(r.totals.duplicate + r.totals.reordered).toBe(0);
  });

  it('names and counts duplicates exactly (the same event written twice by a retry)', () => {
    const { produced, log } = world(cleanSends());
    // A non-idempotent retry wrote o1#2 again after o1#3 and o3#5 again at the end.
    const o1s2 = log.find((r) => r.key === 'o1' && r.sequence === 2)!;
    const o3s5 = log.find((r) => r.key === 'o3' && r.sequence === 5)!;
    const withDupes = relog([...log.slice(0, 7), o1s2, ...log.slice(7), o3s5]);
    const r = verify(produced, withDupes);
    expect(counts(r)).toEqual({ ...ZERO, duplicate: 2 });
    expect(r.totals.consumed).toBe(15);
    expect(r.keys.map((k) => [k.key, k.duplicate])).toEqual([
      ['o1', 1],
      ['o3', 1],
    ]);
    expect(r.ok).toBe(false);
  });

  it('matches a retried send by event id: the first copy sits at an offset its ack never named', () => {
    const { produced, log } = world(cleanSends(2));
    // o1#2 was written at offset 1 of partition 0, its ack was lost, the retry landed at offset 2
    // and that is the offset the producer was told.
    const o1s2 = produced.find((p) => p.key === 'o1' && p.sequence === 2)!;
    o1s2.offset = 2;
    const first = log.find((r) => r.eventId === o1s2.eventId)!;
    const read = [...log, { ...first, offset: 2 }];
    const r = verify(produced, read);
    expect(counts(r)).toEqual({ ...ZERO, duplicate: 1 });
    expect(r.totals.unexpected).toBe(0);
  });

  it('names and counts reordering exactly, without calling it a gap', () => {
    // o1: 1 2 4 3 5 (one reorder); o2: 1 3 2 5 4 (two reorders); o3 clean.
    const order: Record<string, number[]> = { o1: [1, 2, 4, 3, 5], o2: [1, 3, 2, 5, 4], o3: [1, 2, 3, 4, 5] };
    const sends: Send[] = [];
    for (let i = 0; i < 5; i++) {
      sends.push({ key: 'o1', sequence: order['o1']![i]!, partition: 0 });
      sends.push({ key: 'o2', sequence: order['o2']![i]!, partition: 1 });
      sends.push({ key: 'o3', sequence: order['o3']![i]!, partition: 2 });
    }
    const { produced, log } = world(sends);
    const r = verify(produced, log);
    expect(counts(r)).toEqual({ ...ZERO, reordered: 3 });
    expect(r.partitions.map((p) => p.reordered)).toEqual([1, 2, 0]);
    expect(r.examples.filter((e) => e.kind === 'reordered').map((e) => e.detail)).toEqual([
      'sequence 2 after 3',
      'sequence 3 after 4',
      'sequence 4 after 5',
    ]);
    expect(r.ok).toBe(false);
  });

  it('counts gaps as the sequence numbers never read below a later one', () => {
    // The producer never sent o1#2 and o1#3 (e.g. dropped before sending) nor o2#1: holes, not loss.
    const sends = cleanSends().filter(
      (s) => !(s.key === 'o1' && (s.sequence === 2 || s.sequence === 3)) && !(s.key === 'o2' && s.sequence === 1),
    );
    const { produced, log } = world(sends);
    const r = verify(produced, log);
    expect(counts(r)).toEqual({ ...ZERO, gaps: 3 });
    expect(r.ok).toBe(true); // gaps alone do not fail a run: the events were never acked
    expect(r.keys.map((k) => [k.key, k.gaps])).toEqual([
      ['o1', 2],
      ['o2', 1],
    ]);
    expect(r.examples.find((e) => e.kind === 'gaps' && e.key === 'o1')?.detail).toBe(
      'entity o1: 2 sequence(s) never read, first 2, 3',
    );
  });

  it('names and counts key→partition moves exactly', () => {
    const sends = cleanSends();
    // o1's sequences 4 and 5 landed on partition 2 (a producer with another partitioner).
    for (const s of sends) if (s.key === 'o1' && s.sequence >= 4) s.partition = 2;
    const { produced, log } = world(sends);
    const r = verify(produced, log);
    expect(counts(r)).toEqual({ ...ZERO, keyPartitionMoves: 2 });
    expect(r.keys).toHaveLength(1);
    expect(r.keys[0]).toMatchObject({ key: 'o1', keyPartitionMoves: 2, partitions: [2] });
    expect(r.partitions.find((p) => p.partition === 2)?.keyPartitionMoves).toBe(2);
  });

  it('reports timed-out sends as indeterminate, apart from lost, whether or not they were written', () => {
    const { produced, log } = world(cleanSends());
    const timedOut = produced.filter((p) => p.key === 'o2' && p.sequence >= 4);
    for (const p of timedOut) p.outcome = 'indeterminate';
    // One of the two was written after all, the other was not.
    const read = log.filter((r) => !(r.key === 'o2' && r.sequence === 5));
    const r = verify(produced, read);
    expect(counts(r)).toEqual({ ...ZERO, indeterminate: 2 });
    expect(r.totals.indeterminateRead).toBe(1);
    expect(r.totals.acked).toBe(13);
    expect(r.ok).toBe(true);
  });

  it('notices a failed send that is in the log anyway, and reads nobody sent', () => {
    const { produced, log } = world(cleanSends());
    produced.find((p) => p.key === 'o3' && p.sequence === 1)!.outcome = 'failed';
    const stranger: ConsumedRecord = {
      topic: T,
      partition: 0,
      offset: 99,
      key: 'o1',
      entityId: 'o1',
      sequence: 6,
      eventId: 'nobody-sent-this',
    };
    const r = verify(produced, [...log, stranger]);
    expect(r.totals.failedButRead).toBe(1);
    expect(r.totals.unexpected).toBe(1);
    expect(counts(r)).toEqual(ZERO);
  });

  it('separates every anomaly when they happen together', () => {
    const sends = cleanSends();
    for (const s of sends) if (s.key === 'o3' && s.sequence === 5) s.partition = 0; // 1 move
    const { produced, log } = world(sends);
    const o1s1 = log.find((r) => r.key === 'o1' && r.sequence === 1)!;
    let read = log.filter((r) => !(r.key === 'o2' && r.sequence === 2)); // 1 lost + 1 gap
    read = [...read, o1s1]; // 1 duplicate
    // Swap o3#2 and o3#3 on partition 2: 1 reorder.
    const i2 = read.findIndex((r) => r.key === 'o3' && r.sequence === 2);
    const i3 = read.findIndex((r) => r.key === 'o3' && r.sequence === 3);
    [read[i2], read[i3]] = [read[i3]!, read[i2]!];
    const r = verify(produced, relog(read));
    expect(counts(r)).toEqual({ lost: 1, duplicate: 1, reordered: 1, gaps: 1, keyPartitionMoves: 1, indeterminate: 0 });
  });

  it('ignores an offset the consumer delivered twice, and says so', () => {
    const { produced, log } = world(cleanSends());
    const r = verify(produced, [...log.slice(0, 6), log[3]!, ...log.slice(6)]);
    expect(counts(r)).toEqual(ZERO);
    expect(r.totals.redelivered).toBe(1);
  });
});

describe('compound keys', () => {
  // One promotion's impressions under bucket keys promo_1_0, promo_1_1, … on different partitions,
  // plus its state changes under the entity key on partition 0.
  function promoSends(): Send[] {
    return [
      { key: 'promo_1', entityId: 'promo_1', sequence: 1, partition: 0 },
      { key: 'promo_1_0', entityId: 'promo_1', sequence: 2, partition: 1 },
      { key: 'promo_1_0', entityId: 'promo_1', sequence: 3, partition: 1 },
      { key: 'promo_1_1', entityId: 'promo_1', sequence: 4, partition: 2 },
      { key: 'promo_1_1', entityId: 'promo_1', sequence: 5, partition: 2 },
      { key: 'promo_1', entityId: 'promo_1', sequence: 6, partition: 0 },
    ];
  }

  it('does not count cross-key disorder of one entity as an anomaly, and says why', () => {
    const { produced, log } = world(promoSends());
    // A consumer reading partition 2 before partition 1 sees the entity's sequence go backwards.
    const read = [log[0]!, log[3]!, log[4]!, log[1]!, log[2]!, log[5]!];
    const r = verify(produced, read);
    expect(counts(r)).toEqual(ZERO);
    expect(r.ok).toBe(true);
    expect(r.compoundKeys).toEqual({
      note: COMPOUND_NOTE,
      keys: 2,
      entities: 1,
      entitiesOnSeveralPartitions: 1,
      entityOutOfOrder: 2,
      records: 4,
    });
  });

  it('still counts reordering within one compound key, and gaps of the entity', () => {
    const sends = promoSends();
    [sends[1], sends[2]] = [sends[2]!, sends[1]!]; // promo_1_0: 3 then 2 on the same partition
    const { produced, log } = world(sends.filter((s) => s.sequence !== 5));
    const r = verify(produced, log);
    expect(r.totals.reordered).toBe(1);
    expect(r.totals.gaps).toBe(1); // sequence 5 of promo_1 never read
    expect(r.keys.find((k) => k.key === 'promo_1_0')?.reordered).toBe(1);
  });
});

describe('Verifier streaming', () => {
  it('matches a read that arrives before its ack and keeps only the unmatched in memory', () => {
    const { produced, log } = world(cleanSends(), 1_000);
    const v = new Verifier();
    // Consumer one record ahead of the ack observer at every step.
    v.addConsumed(log[0]!);
    for (let i = 0; i < produced.length; i++) {
      if (i + 1 < log.length) v.addConsumed(log[i + 1]!);
      v.addProduced(produced[i]!);
    }
    const r = v.finish();
    expect(counts(r)).toEqual(ZERO);
    expect(r.totals.unexpected).toBe(0);
    expect(r.latency?.count).toBe(15);
  });

  it('without a send time, measures latency from the record timestamp, also for reads ahead of their ack', () => {
    const { produced, log } = world(cleanSends(1), 1_000);
    for (const p of produced) p.sentAtMs = undefined;
    for (const r of log) r.timestampMs = 1_000;
    const v = new Verifier();
    v.addConsumed(log[0]!); // read before its ack
    v.addProduced(produced[0]!);
    v.addProduced(produced[1]!);
    v.addConsumed(log[1]!); // read after its ack
    const r = v.finish();
    expect(r.latency?.count).toBe(2);
    expect(r.latency?.max).toBe(5);
  });

  it('in counts mode (a saved report), derives lost per partition from acked counts', () => {
    const { log } = world(cleanSends());
    const v = new Verifier();
    v.expectAcked(T, 0, 5);
    v.expectAcked(T, 1, 5);
    v.expectAcked(T, 2, 6, 1); // one more acked than is in the log
    for (const r of log) v.addConsumed({ ...r, timestampMs: 1_000 });
    const r = v.finish();
    expect(r.mode).toBe('counts');
    expect(counts(r)).toEqual({ ...ZERO, lost: 1, indeterminate: 1 });
    expect(r.partitions.find((p) => p.partition === 2)?.lost).toBe(1);
    expect(r.latency?.count).toBe(15);
  });

  it('refuses to mix the two modes', () => {
    const v = new Verifier();
    v.expectAcked(T, 0, 1);
    expect(() => v.addProduced(world(cleanSends(1)).produced[0]!)).toThrow(/cannot mix/);
  });

  it('records end-to-end latency from the send time in microseconds as a mergeable histogram', () => {
    const { produced, log } = world(cleanSends(), 1_000);
    log.forEach((r, i) => (r.consumedAtMs = 1_000 + (i + 1))); // 1..15 ms
    const r = verify(produced, log);
    expect(r.latency).not.toBeNull();
    expect(r.latency!.count).toBe(15);
    expect(r.latency!.max).toBeGreaterThanOrEqual(15);
    expect(r.latency!.max).toBeLessThan(15.1);
    const h = decodeLatency(r.latency!);
    expect(h.totalCount).toBe(15);
    expect(h.getValueAtPercentile(50)).toBeGreaterThanOrEqual(7_990);
    expect(h.getValueAtPercentile(50)).toBeLessThanOrEqual(8_010);
  });

  it('measures latency from the ack when asked', () => {
    const { produced, log } = world(cleanSends(1), 1_000);
    for (const p of produced) p.ackedAtMs = 1_004;
    const r = verify(produced, log, { latencyFrom: 'ack' });
    expect(r.latency!.max).toBe(1); // 5 ms from send, 1 ms from ack
  });

  it('keeps memory small for a long in-order stream (no per-event state once matched)', () => {
    const v = new Verifier();
    const n = 50_000;
    for (let i = 0; i < n; i++) {
      const rec = {
        topic: T,
        partition: (i % 100) % 3,
        key: `k${i % 100}`,
        entityId: `k${i % 100}`,
        sequence: Math.floor(i / 100) + 1,
        eventId: `e${i}`,
      };
      v.addProduced({ ...rec, outcome: 'acked' });
      v.addConsumed({ ...rec, offset: i });
    }
    const internals = v as unknown as { pending: Map<string, unknown>; early: Map<string, unknown> };
    expect(internals.pending.size + internals.early.size).toBe(0);
    const r = v.finish();
    expect(r.totals.consumed).toBe(n);
  });
});

describe('records without a key', () => {
  it('checks no order for them, and says where the entity went and how often its order broke', () => {
    // One promotion's impressions, no key, round-robin over 3 partitions; read partition by partition.
    const sends: Send[] = [1, 2, 3, 4, 5, 6].map((sequence) => ({
      key: '',
      entityId: 'promo_1',
      sequence,
      partition: (sequence - 1) % 3,
    }));
    const { produced, log } = world(sends);
    const byPartition = [...log].sort((a, b) => a.partition - b.partition || a.offset - b.offset);
    const r = verify(produced, byPartition);
    expect(counts(r)).toEqual(ZERO);
    expect(r.ok).toBe(true);
    expect(r.unkeyed).toEqual({
      note: UNKEYED_NOTE,
      records: 6,
      entities: 1,
      entitiesOnSeveralPartitions: 1,
      entityOutOfOrder: 2, // read 1 4 2 5 3 6: 2 after 4, 3 after 5
    });
    expect(r.compoundKeys.records).toBe(0);
  });

  it('still finds lost and duplicated unkeyed records', () => {
    const sends: Send[] = [1, 2, 3].map((sequence) => ({ key: '', entityId: 'p', sequence, partition: 0 }));
    const { produced, log } = world(sends);
    const r = verify(produced, [log[0]!, log[1]!, { ...log[0]!, offset: 5 }]);
    expect(r.totals.lost).toBe(1);
    expect(r.totals.duplicate).toBe(1);
  });
});

describe('the gap policy: events not delivered are not gaps and not lost', () => {
  it('records mode: a failed or unsent event leaves a hole counted as undelivered, not as a gap', () => {
    const { produced, log } = world(cleanSends(6));
    // o1's sequences 2 (failed: delivery timeout) and 3 (never sent) are not in the log; 4.. are.
    const notDelivered = produced.map((p) =>
      p.key === 'o1' && p.sequence === 2
        ? { ...p, outcome: 'failed' as const }
        : p.key === 'o1' && p.sequence === 3
          ? { ...p, outcome: 'unsent' as const }
          : p,
    );
    const read = relog(log.filter((r) => !(r.key === 'o1' && (r.sequence === 2 || r.sequence === 3))));
    const r = verify(notDelivered, read);
    expect(counts(r)).toEqual(ZERO);
    expect(r.totals.undelivered).toBe(2);
    expect(r.ok).toBe(true);
  });

  it('records mode: a hole no producer record explains is still a gap', () => {
    const { produced, log } = world(cleanSends(6));
    const failed = produced.map((p) => (p.key === 'o2' && p.sequence === 2 ? { ...p, outcome: 'failed' as const } : p));
    // o2/2 failed (explained); o3/4 was acked yet never read: lost, and its hole a gap.
    const read = relog(
      log.filter((r) => !(r.key === 'o2' && r.sequence === 2) && !(r.key === 'o3' && r.sequence === 4)),
    );
    const r = verify(failed, read);
    expect(counts(r)).toEqual({ ...ZERO, lost: 1, gaps: 1 });
    expect(r.totals.undelivered).toBe(1);
  });

  it('counts mode: the sequences a saved report lists as not delivered explain their holes', () => {
    const { log } = world(cleanSends(6));
    const read = relog(
      log.filter((r) => !(r.key === 'o1' && r.sequence === 2) && !(r.key === 'o2' && r.sequence === 5)),
    );
    const v = new Verifier();
    for (let p = 0; p < 3; p++) v.expectAcked(T, p, read.filter((r) => r.partition === p).length);
    v.explainUndelivered(T, 'o1', [2]);
    for (const r of read) v.addConsumed(r);
    const r = v.finish();
    // o1/2 is explained by the report's list; o2/5 is not.
    expect(counts(r)).toEqual({ ...ZERO, gaps: 1 });
  });
});

describe('derived records', () => {
  it('keeps a key in source order: several records of one source event are in order, one going back is not', () => {
    // user-lifecycle records of user u1: a lock that expired and a role change both seen at source
    // event 5 (two records, source sequence 5), then one derived from an older event 4.
    const sends: Send[] = [3, 5, 5, 4].map((_, i) => ({ key: 'u1', sequence: i + 1, partition: 0 }));
    const { produced, log } = world(sends);
    const derived = log.map((r, i) => ({
      ...r,
      derived: { keyMatches: true, sourceEntityId: 'u1', sourceSequence: [3, 5, 5, 4][i]! },
    }));
    const r = verify(produced, derived);
    expect(r.derived).toEqual({ records: 4, keyMismatches: 0, sourceReordered: 1 });
    expect(r.examples.filter((e) => e.kind === 'sourceReordered').map((e) => e.detail)).toEqual([
      'source sequence 4 after 5',
    ]);
    expect(r.ok).toBe(false);
  });
});

describe('keys moved by a raised partition count', () => {
  /** A key whose partition under 6 and under 12 differ, and one whose partitions are the same. */
  function keysFor(): { moving: string; staying: string } {
    let moving: string | undefined;
    let staying: string | undefined;
    for (let i = 0; moving === undefined || staying === undefined; i++) {
      const k = `order-${i}`;
      if (partitionForKey(k, 6) !== partitionForKey(k, 12)) moving ??= k;
      else staying ??= k;
    }
    return { moving, staying };
  }

  it('names each key read on two partitions, and says whether the counts the topic had explain it', () => {
    const { moving, staying } = keysFor();
    const strayElsewhere = [...Array(12).keys()].find(
      (p) => p !== partitionForKey('stray', 6) && p !== partitionForKey('stray', 12),
    )!;
    const sends: Send[] = [
      { key: moving, sequence: 1, partition: partitionForKey(moving, 6) },
      { key: staying, sequence: 1, partition: partitionForKey(staying, 6) },
      { key: moving, sequence: 2, partition: partitionForKey(moving, 12) },
      { key: staying, sequence: 2, partition: partitionForKey(staying, 12) },
      // A key moved to a partition neither count gives it: something else moved it.
      { key: 'stray', sequence: 1, partition: partitionForKey('stray', 6) },
      { key: 'stray', sequence: 2, partition: strayElsewhere },
    ];
    const { produced, log } = world(sends);
    const v = new Verifier();
    for (const r of produced) v.addProduced(r);
    for (const r of log) v.addConsumed(r);
    const result = v.finish();
    expect(result.ok).toBe(true);
    expect(result.totals.keyPartitionMoves).toBe(2);
    const [moved] = v.movedKeys((t) => (t === T ? [6, 12] : undefined));
    expect(moved).toMatchObject({ topic: T, keys: 2, explainedByRaise: 1 });
    expect(moved!.examples).toContainEqual({
      key: 'stray',
      partitions: [partitionForKey('stray', 6), strayElsewhere],
      explained: false,
    });
    expect(moved!.examples).toContainEqual({
      key: moving,
      partitions: [partitionForKey(moving, 6), partitionForKey(moving, 12)],
      explained: true,
    });
    // Without a raise (one count), no move is explained.
    expect(v.movedKeys(() => [6])[0]).toMatchObject({ keys: 2, explainedByRaise: 0 });
    expect(v.movedKeys(() => undefined)[0]).toMatchObject({ keys: 2, explainedByRaise: 0 });
  });

  it('reports nothing when no key was read on a second partition', () => {
    const { produced, log } = world(cleanSends());
    const v = new Verifier();
    for (const r of produced) v.addProduced(r);
    for (const r of log) v.addConsumed(r);
    v.finish();
    expect(v.movedKeys(() => [3, 6])).toEqual([]);
  });
});
