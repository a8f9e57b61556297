import { describe, expect, it } from 'vitest';
import { createRecordSource, LATE_AFTER_RECORDS } from '../../../src/app/record-source.js';
import { TOPICS } from '../../../src/catalog/topics.js';
import { HEADER_PATHOLOGY, type Envelope } from '../../../src/envelope.js';
import { createWorld } from '../../../src/generators/world.js';
import { createEncoder } from '../../../src/records/encode.js';
import type { Progress } from '../../../src/runner.js';
import type { SinkRecord } from '../../../src/sinks/types.js';
import { decodeRecord } from '../../../src/verify/decode.js';
import { verifierKey } from '../../../src/verify/session.js';
import { Verifier } from '../../../src/verify/verifier.js';
import type { TopicName } from '../../../src/catalog/topics.js';
import type { Pathologies } from '../../../src/scenarios/index.js';
import { backfillClock, type EventClock } from '../../../src/runner/time-mode.js';

const partitions = new Map(TOPICS.map((t) => [t.name, t.partitions]));
const population = { users: 200, suppliers: 20, communities: 15, products: 100, promotions: 10, posts: 50 };

function source(topics: readonly TopicName[], pathologies?: Pathologies, at?: EventClock) {
  const world = createWorld({ seed: 42, population }, { runId: 'rs' });
  return createRecordSource({
    ...(at ? { at } : {}),
    world,
    encode: createEncoder({ runId: 'rs', prefix: 'p.', partitions }),
    runId: 'rs',
    prefix: 'p.',
    topics,
    partitions,
    instanceId: 'test:1',
    nowMs: () => 1_800_000_000_000,
    ...(pathologies ? { pathologies } : {}),
  });
}

const pathologyOf = (r: SinkRecord) => r.headers[HEADER_PATHOLOGY] as string | undefined;
const domain = TOPICS.filter((t) => t.category === 'domain').map((t) => t.name);

describe('the record source', () => {
  it('writes only domain records for a domain selection', () => {
    const s = source(domain);
    for (let i = 0; i < 2_000; i++) expect(s.next().logicalTopic).toMatch(/^sc\.domain\./);
    expect(s.wantsProgress).toBe(false);
  });

  it('labels opt-in pathologies, and the verifier counts them apart, never as loss or duplication', () => {
    const s = source(domain, { duplicate: 0.02, late: 0.02, poison: 0.02 });
    const records: SinkRecord[] = [];
    for (let i = 0; i < 6_000; i++) records.push(s.next());
    const counts: Record<string, number> = {};
    records.forEach((r, i) => {
      const kind = pathologyOf(r);
      if (!kind) return;
      counts[kind] = (counts[kind] ?? 0) + 1;
      const originalAt = records.findIndex((o) => o.eventId === r.eventId.replace(/#.*/, ''));
      expect(originalAt).toBeGreaterThanOrEqual(0);
      const original = records[originalAt]!;
      expect([r.topic, r.partition, r.keyText]).toEqual([original.topic, original.partition, original.keyText]);
      if (kind === 'duplicate') {
        // Right after it (a late copy or another pathology of the same record may come between).
        expect(i - originalAt).toBeLessThanOrEqual(3);
        expect(r.value).toEqual(original.value);
      } else if (kind === 'late') {
        expect(i - originalAt).toBeGreaterThanOrEqual(LATE_AFTER_RECORDS - 5);
        // Its event time is behind the stream it arrives in.
        const at = (JSON.parse(r.value.toString()) as Envelope).occurred_at;
        const previous = records[i - 1]!;
        if (!pathologyOf(previous))
          expect(at < (JSON.parse(previous.value.toString()) as Envelope).occurred_at).toBe(true);
      } else {
        expect(() => JSON.parse(r.value.toString())).toThrow();
      }
    });
    for (const kind of ['duplicate', 'late', 'poison']) expect(counts[kind], kind).toBeGreaterThan(30);

    // As a read-back would: labelled records are counted apart; the rest verify clean.
    const v = new Verifier();
    const offsets = new Map<string, number>();
    const read: Record<string, number> = {};
    for (const r of records) {
      const tp = `${r.topic}/${r.partition}`;
      const offset = offsets.get(tp) ?? 0;
      offsets.set(tp, offset + 1);
      if (!pathologyOf(r)) {
        v.addProduced({ ...r, key: verifierKey(r), offset, outcome: 'acked' });
      }
      const d = decodeRecord(r.topic, r.partition, { ...r, offset: String(offset), timestamp: '0' }, 'rs', 0);
      if (d.kind === 'pathology') read[d.pathology] = (read[d.pathology] ?? 0) + 1;
      else if (d.kind === 'record') v.addConsumed(d.record);
      else throw new Error(`unexpected ${d.kind}`);
    }
    expect(read).toEqual(counts);
    const res = v.finish();
    expect(res.ok).toBe(true);
    expect(res.totals).toMatchObject({ lost: 0, duplicate: 0, reordered: 0, gaps: 0, unexpected: 0 });
  });

  it('sends dead letters once their failed record is acked, and the rest when the schedule is done', () => {
    const s = source(TOPICS.map((t) => t.name));
    const sent: SinkRecord[] = [];
    for (let i = 0; i < 30_000; i++) sent.push(s.next());
    // Nothing acked yet: no dead letter can name its offset.
    expect(sent.some((r) => r.logicalTopic.startsWith('sc.dlq.'))).toBe(false);
    s.onAck(sent, { ok: true, offsets: sent.map((_, i) => i) }, 0, 0);
    const letters = s.finalRecords();
    expect(letters.length).toBeGreaterThan(5);
    expect(s.finalRecords()).toEqual([]);
    for (const l of letters) {
      const original = sent.findIndex((r) => r.eventId === l.keyText);
      expect(original).toBeGreaterThanOrEqual(0);
      expect((l.headers['kafka_dlt-original-offset'] as Buffer).readBigInt64BE(0)).toBe(BigInt(original));
      expect(l.headers['kafka_dlt-original-topic']).toBe(sent[original]!.topic);
    }
  });

  it('writes one keyless heartbeat per progress tick, with the live counters', () => {
    const s = source(TOPICS.map((t) => t.name));
    expect(s.wantsProgress).toBe(true);
    s.next();
    const tick = { elapsedMs: 1_000, sent: 10, acked: 8, errors: 1, dropped: 0 } as Progress;
    s.onProgress(tick);
    s.onProgress({ ...tick, elapsedMs: 2_000, acked: 9 });
    const beats = [s.next(), s.next()];
    expect(beats.map((b) => b.logicalTopic)).toEqual(['sc.internal.heartbeat', 'sc.internal.heartbeat']);
    expect(beats[0]!.key).toBeNull();
    expect(beats.map((b) => (JSON.parse(b.value.toString()) as { sequence: number; acked: number }).acked)).toEqual([
      8, 9,
    ]);
    expect(JSON.parse(beats[1]!.value.toString())).toMatchObject({ instance_id: 'test:1', sequence: 2, failed: 1 });
  });

  it('gives a backfill the same event times whenever heartbeats and dead letters come in between', () => {
    // Heartbeats come with the seconds and dead letters with the acks: timing, not the seed. Event
    // times must follow the seeded stream alone, or two runs of one seed would differ.
    const at = backfillClock(1_700_000_000_000, 1_700_000_000_000 + 6 * 86_400_000, 8_000);
    const all = TOPICS.map((t) => t.name);
    const quiet = source(all, undefined, at);
    const busy = source(all, undefined, at);
    const seeded = (r: SinkRecord) =>
      r.logicalTopic.startsWith('sc.dlq.') || r.logicalTopic === 'sc.internal.heartbeat'
        ? []
        : [`${r.eventId} ${r.timestampMs}`];
    const a: string[] = [];
    for (let i = 0; i < 4_000; i++) a.push(...seeded(quiet.next()));
    const b: string[] = [];
    const tick = { elapsedMs: 1_000, sent: 0, acked: 0, errors: 0, dropped: 0 } as Progress;
    for (let i = 0; b.length < a.length; i++) {
      if (i % 97 === 0) busy.onProgress(tick);
      const r = busy.next();
      if (i % 50 === 0) busy.onAck([r], { ok: true, offsets: [i] }, 0, 0);
      b.push(...seeded(r));
    }
    expect(b.slice(0, a.length)).toEqual(a);
    expect(new Set(a.map((line) => line.split(' ')[1])).size).toBeGreaterThan(1_000);
  });
});

describe('a backfill places actions, not records', () => {
  it('one action that brings hundreds of records leaves no hole after it: the next comes at the usual pace', () => {
    const startMs = 1_700_000_000_000;
    const endMs = startMs + 6 * 86_400_000;
    const count = 40_000;
    const s = source(
      TOPICS.map((t) => t.name),
      undefined,
      backfillClock(startMs, endMs, count),
    );
    // Each action's instant (its events share it) and how many records it brought.
    const actions: { atMs: number; records: number }[] = [];
    for (let i = 0; i < count; i++) {
      const r = s.next();
      if (r.logicalTopic === 'sc.internal.heartbeat' || r.logicalTopic.startsWith('sc.dlq.')) continue;
      const last = actions[actions.length - 1];
      if (last && last.atMs === r.timestampMs) last.records++;
      else actions.push({ atMs: r.timestampMs!, records: 1 });
    }
    const biggest = actions.reduce((a, b) => (b.records > a.records ? b : a));
    // The stream has such an action (a supplier suspended: products unpublished, promotions cancelled).
    expect(biggest.records).toBeGreaterThanOrEqual(100);
    const meanGapMs = (actions[actions.length - 1]!.atMs - actions[0]!.atMs) / (actions.length - 1);
    const gaps = actions.slice(1).map((a, i) => a.atMs - actions[i]!.atMs);
    const after = gaps[actions.indexOf(biggest)]!;
    // Placed by records, the next action came `records` slots later: ~records × 13 s here.
    expect(after).toBeLessThan(10 * meanGapMs);
    expect(Math.max(...gaps)).toBeLessThan(15 * meanGapMs);
    // The history still ends where the stream does.
    expect(endMs - actions[actions.length - 1]!.atMs).toBeLessThan(0.01 * (endMs - startMs));
  });
});
