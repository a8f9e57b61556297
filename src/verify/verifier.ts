// The delivery and ordering checker: a pure, streaming comparison of what a producer recorded
// (acked / timed out / failed sends) with what a consumer read back, naming each anomaly the way
// Jepsen and kgo-verifier do (lost, duplicate, reordered, gaps, indeterminate).
//
// Memory: per key the last sequence per partition, per entity a watermark of seen sequences (a
// bitset only while a hole is open), and the acked-but-not-yet-read events only. When the consumer
// keeps up with the producer that set stays as small as the consumer's lag.
import { newLatencyHistogram, snapshotLatency, type LatencySnapshot } from '../metrics/latency.js';
import { SeqWindow } from './seq-window.js';
import { partitionForKey } from '../partitioning/murmur2.js';

/** What the producer knows about one send. */
export interface ProducedRecord {
  /** Physical topic name. */
  topic: string;
  partition: number;
  /** Offset from the ack, when the sink reports it. */
  offset?: number | undefined;
  /** Record key as sent (the entity id, a compound or salted key such as `promo_123_2874`; '' for none). */
  key: string;
  entityId: string;
  sequence: number;
  eventId: string;
  /**
   * acked: the broker confirmed it; indeterminate: timed out, outcome unknown; failed: a definite
   * error (delivery timeout, refused); unsent: never handed to the broker (the run stopped first).
   */
  outcome: 'acked' | 'indeterminate' | 'failed' | 'unsent';
  sentAtMs?: number | undefined;
  ackedAtMs?: number | undefined;
}

/** One record read back from a partition. */
export interface ConsumedRecord {
  topic: string;
  partition: number;
  /** Kafka offsets are int64; a JS number is exact up to 2^53, far beyond any test or dev log. */
  offset: number;
  key: string;
  entityId: string;
  sequence: number;
  eventId: string;
  /** When the consumer saw it (wall clock ms). */
  consumedAtMs?: number | undefined;
  /** The record's CreateTime, used as the send time when no producer record is known. */
  timestampMs?: number | undefined;
  /** Projection and analytics records: what their key and source position say. */
  derived?: DerivedFacts;
}

export interface DerivedFacts {
  /** The record key equals entity_id and the payload's catalog key field. */
  keyMatches: boolean;
  /** The source event's entity and sequence. */
  sourceEntityId: string;
  sourceSequence: number;
}

/** Checks of projection and analytics records; key mismatches and source reorders fail a verification. */
export interface DerivedVerification {
  /** Projection and analytics records read. */
  records: number;
  /** Records whose key is not the catalog key field's value in their payload. */
  keyMismatches: number;
  /**
   * Records of an entity-keyed topic whose source sequence is below the previous one of the same
   * key: the projection does not follow source order. One source event may write several records
   * (an analytics event that passes the end of two windows at once closes both), so an equal
   * source sequence is in order.
   */
  sourceReordered: number;
}

/** Deliberately abnormal records (opt-in pathologies), counted apart: never lost or duplicates. */
export type PathologyCounts = Record<string, number>;

export interface VerifyOptions {
  /** Latency start: the producer's send time (default) or its ack time. */
  latencyFrom?: 'send' | 'ack';
  /** At most this many keys with anomalies are listed (all are counted). */
  maxKeysReported?: number;
  /** At most this many examples per anomaly kind. */
  maxExamplesPerKind?: number;
}

/** Anomaly counts; lost, duplicate and reordered fail a verification. */
export interface AnomalyCounts {
  /** Acked by the broker, never read back. */
  lost: number;
  /** Read more than once (the same event, i.e. the same entity sequence, at a second offset). */
  duplicate: number;
  /** A key's sequence went backwards within its partition. */
  reordered: number;
  /**
   * Sequence numbers of an entity that were never read although later ones were (holes), leaving
   * out those of events the producer reported as not delivered (counted in `undelivered`).
   */
  gaps: number;
  /** Records of a key read on a partition other than the first one the key was seen on. */
  keyPartitionMoves: number;
  /** Sends that timed out: their outcome is unknown, so they are reported apart from lost. */
  indeterminate: number;
  /**
   * Events the producer reported failed or never sent, and not read back: not anomalies (never
   * acked), but a consumer sees their entity's sequence skip them. The gap policy: these holes are
   * counted here, apart from `gaps` and `lost`.
   */
  undelivered: number;
}

export type AnomalyKind = keyof AnomalyCounts;
export const FAILING_ANOMALIES = ['lost', 'duplicate', 'reordered'] as const satisfies readonly AnomalyKind[];

export interface PartitionVerification extends AnomalyCounts {
  topic: string;
  partition: number;
  /** Acked sends to this partition (records mode: acked producer records; counts mode: as given). */
  acked: number;
  /** Distinct records of the run read from this partition (duplicates not included). */
  consumed: number;
}

export interface KeyVerification extends AnomalyCounts {
  topic: string;
  key: string;
  partitions: number[];
}

export interface AnomalyExample {
  kind: AnomalyKind | 'unexpected' | 'failedButRead' | 'keyMismatch' | 'sourceReordered';
  topic: string;
  partition: number;
  offset?: number;
  key: string;
  sequence?: number;
  detail: string;
}

export const COMPOUND_NOTE = 'not an anomaly: ordering per record key only (compound or salted keys)';

/** Compound-keyed events (record key != entity id): what an entity-ordered consumer would see. */
export interface CompoundKeyView {
  note: typeof COMPOUND_NOTE;
  /** Distinct compound record keys read. */
  keys: number;
  /** Entities whose events were read under compound keys. */
  entities: number;
  /** Of those, entities whose events were spread over more than one partition. */
  entitiesOnSeveralPartitions: number;
  /** Reads whose entity sequence was lower than one already read for that entity, in read order. */
  entityOutOfOrder: number;
  /** Records read under compound keys. */
  records: number;
}

export const UNKEYED_NOTE = 'not an anomaly: records without a key are promised no order';

/** Records read without a key (key strategy none): where an entity's events went and in what order. */
export interface UnkeyedView {
  note: typeof UNKEYED_NOTE;
  /** Records read without a key. */
  records: number;
  /** Entities whose events were read without a key. */
  entities: number;
  /** Of those, entities whose events were spread over more than one partition. */
  entitiesOnSeveralPartitions: number;
  /** Reads whose entity sequence was lower than one already read for that entity, in read order. */
  entityOutOfOrder: number;
}

/** Keys read on more than one partition of a topic, and whether a raised partition count explains it. */
export interface MovedKeys {
  topic: string;
  /** Distinct keys read on more than one partition. */
  keys: number;
  /**
   * Of those, keys read only on murmur2(key) % n for counts n the topic had during the run: a raised
   * count moved them (as it moves keys for every producer that hashes them), nothing else did.
   */
  explainedByRaise: number;
  /** A few moved keys with the partitions they were read on (first one first). */
  examples: { key: string; partitions: number[]; explained: boolean }[];
}

export interface VerificationResult {
  /** True when lost, duplicate and reordered are all zero. */
  ok: boolean;
  /** records: the producer reported each send; counts: only acked counts per partition were known. */
  mode: 'records' | 'counts';
  totals: AnomalyCounts & {
    acked: number;
    consumed: number;
    /** Timed-out sends that were nevertheless read back (they were written). */
    indeterminateRead: number;
    /** Sends that failed definitely but were read back anyway. */
    failedButRead: number;
    /** Records read that no producer record accounts for (records mode only). */
    unexpected: number;
    /** The same offset delivered twice by the consumer (ignored for the checks). */
    redelivered: number;
  };
  partitions: PartitionVerification[];
  /** Keys with at least one anomaly, worst first, at most `maxKeysReported`. */
  keys: KeyVerification[];
  keysWithAnomalies: number;
  examples: AnomalyExample[];
  compoundKeys: CompoundKeyView;
  /** Absent in reports saved before sc-sim checked derived records. */
  derived?: DerivedVerification;
  unkeyed: UnkeyedView;
  latency: LatencySnapshot | null;
}

interface PendingSend {
  topic: string;
  partition: number;
  key: string;
  entityId: string;
  sequence: number;
  offset: number | undefined;
  outcome: ProducedRecord['outcome'];
  startMs: number | undefined;
}

interface EarlyRead {
  topic: string;
  partition: number;
  offset: number;
  key: string;
  sequence: number;
  consumedAtMs: number | undefined;
  timestampMs: number | undefined;
}

interface PartitionState extends PartitionVerification {
  lastOffset: number;
}

interface EntityState {
  seen: SeqWindow;
  /** Partition of the entity's first read: where its gaps are attributed. */
  firstPartition: number;
  firstKey: string;
  /** Compound-keyed reads only: partitions and highest sequence in read order. */
  compoundPartitions: Set<number> | undefined;
  compoundLast: number;
  /** Reads without a key only: partitions and highest sequence in read order. */
  unkeyedPartitions: Set<number> | undefined;
  unkeyedLast: number;
}

interface KeyState {
  partition: number;
  last: number;
  /** Derived records keyed by their source entity: the last source sequence read. */
  lastSource: number;
  /** Last sequence per further partition, only when the key moved. */
  otherLast: Map<number, number> | undefined;
}

function zeroCounts(): AnomalyCounts {
  return { lost: 0, duplicate: 0, reordered: 0, gaps: 0, keyPartitionMoves: 0, indeterminate: 0, undelivered: 0 };
}

/** Streaming verifier: feed producer and consumer records in any interleaving, then `finish()`. */
export class Verifier {
  private readonly latencyFrom: 'send' | 'ack';
  private readonly maxKeys: number;
  private readonly maxExamples: number;
  private mode: 'records' | 'counts' | undefined;

  private readonly partitions = new Map<string, Map<number, PartitionState>>();
  private readonly keys = new Map<string, Map<string, KeyState>>();
  private readonly entities = new Map<string, Map<string, EntityState>>();
  private readonly keyAnomalies = new Map<string, KeyVerification>();
  private readonly pending = new Map<string, PendingSend>();
  private readonly early = new Map<string, EarlyRead>();
  /** Counts mode: sequences a saved report lists as not delivered, per topic and entity. */
  private readonly reportedUndelivered = new Map<string, Set<number>>();
  private readonly examples: AnomalyExample[] = [];
  private readonly exampleCounts = new Map<string, number>();
  private readonly latency = newLatencyHistogram();
  private indeterminateRead = 0;
  private failedButRead = 0;
  private redelivered = 0;
  private compoundKeyCount = 0;
  private compoundRecords = 0;
  private entityOutOfOrder = 0;
  private readonly derived: DerivedVerification = { records: 0, keyMismatches: 0, sourceReordered: 0 };
  private unkeyedRecords = 0;
  private unkeyedOutOfOrder = 0;
  private finished = false;

  constructor(options: VerifyOptions = {}) {
    this.latencyFrom = options.latencyFrom ?? 'send';
    this.maxKeys = options.maxKeysReported ?? 100;
    this.maxExamples = options.maxExamplesPerKind ?? 10;
  }

  /** Records mode: one producer record per send (acked, timed out or failed). */
  addProduced(r: ProducedRecord): void {
    this.setMode('records');
    const p = this.partition(r.topic, r.partition);
    const startMs = this.latencyFrom === 'ack' ? (r.ackedAtMs ?? r.sentAtMs) : (r.sentAtMs ?? r.ackedAtMs);
    if (r.outcome === 'acked') p.acked++;
    else if (r.outcome === 'indeterminate') p.indeterminate++;

    // Matched by event id, not offset: a retried record's first copy sits at an offset the ack never named.
    const read = this.early.get(r.eventId);
    if (read !== undefined) {
      // The consumer was faster than the ack observer: settle the pair now.
      this.early.delete(r.eventId);
      this.settle(r.outcome, read.topic, read.partition, read.key, read.sequence, read.offset);
      const fromMs = startMs ?? read.timestampMs;
      if (fromMs !== undefined && read.consumedAtMs !== undefined) this.recordLatency(read.consumedAtMs - fromMs);
      return;
    }
    this.pending.set(r.eventId, {
      topic: r.topic,
      partition: r.partition,
      key: r.key,
      entityId: r.entityId,
      sequence: r.sequence,
      offset: r.offset,
      outcome: r.outcome,
      startMs,
    });
  }

  /** Counts mode: only the number of acked sends per partition is known (e.g. from a saved report). */
  expectAcked(topic: string, partition: number, acked: number, indeterminate = 0): void {
    this.setMode('counts');
    const p = this.partition(topic, partition);
    p.acked += acked;
    p.indeterminate += indeterminate;
  }

  /**
   * Counts mode: sequences of an entity the producer reported as not delivered (a saved report's
   * bounded list), so the holes they leave are not counted as gaps.
   */
  explainUndelivered(topic: string, entityId: string, sequences: readonly number[]): void {
    const id = `${topic}\u0000${entityId}`;
    let set = this.reportedUndelivered.get(id);
    if (!set) this.reportedUndelivered.set(id, (set = new Set()));
    for (const s of sequences) set.add(s);
  }

  addConsumed(r: ConsumedRecord): void {
    if (this.finished) throw new Error('Verifier.addConsumed after finish()');
    const p = this.partition(r.topic, r.partition);
    if (r.offset <= p.lastOffset) {
      // The consumer handed us an offset again (a refetch or rebalance); the log holds it once.
      this.redelivered++;
      return;
    }
    p.lastOffset = r.offset;

    const compound = r.key !== r.entityId;
    const entity = this.entity(r.topic, r.entityId, r.partition, r.key);
    if (!entity.seen.add(r.sequence)) {
      p.duplicate++;
      this.keyAnomaly(r.topic, r.key, r.partition).duplicate++;
      this.example(
        'duplicate',
        r.topic,
        r.partition,
        r.key,
        `entity ${r.entityId} sequence ${r.sequence} read again`,
        r.offset,
        r.sequence,
      );
      return;
    }
    p.consumed++;

    if (r.key === '') this.readUnkeyed(entity, r);
    else this.readKeyed(entity, r, p, compound);

    if (this.mode === 'counts') {
      if (r.timestampMs !== undefined && r.consumedAtMs !== undefined)
        this.recordLatency(r.consumedAtMs - r.timestampMs);
      return;
    }
    const sent = this.pending.get(r.eventId);
    if (sent === undefined) {
      // Not (yet) reported by the producer: matched if its record arrives later, else unexpected.
      this.early.set(r.eventId, {
        topic: r.topic,
        partition: r.partition,
        offset: r.offset,
        key: r.key,
        sequence: r.sequence,
        consumedAtMs: r.consumedAtMs,
        timestampMs: r.timestampMs,
      });
      return;
    }
    this.pending.delete(r.eventId);
    this.settle(sent.outcome, r.topic, r.partition, r.key, r.sequence, r.offset);
    const startMs = sent.startMs ?? r.timestampMs;
    if (startMs !== undefined && r.consumedAtMs !== undefined) this.recordLatency(r.consumedAtMs - startMs);
  }

  /** No key, no order promised: only where the entity's events went and in what order is noted. */
  private readUnkeyed(entity: EntityState, r: ConsumedRecord): void {
    this.unkeyedRecords++;
    entity.unkeyedPartitions ??= new Set();
    entity.unkeyedPartitions.add(r.partition);
    if (r.sequence < entity.unkeyedLast) this.unkeyedOutOfOrder++;
    else entity.unkeyedLast = r.sequence;
  }

  /** Ordering per (partition, record key): what Kafka promises and a keyed consumer relies on. */
  private readKeyed(entity: EntityState, r: ConsumedRecord, p: PartitionState, compound: boolean): void {
    const keyState = this.keyState(r.topic, r.key, r.partition, compound);
    const last = this.lastOn(keyState, r.partition);
    if (r.sequence < last) {
      p.reordered++;
      this.keyAnomaly(r.topic, r.key, r.partition).reordered++;
      this.example(
        'reordered',
        r.topic,
        r.partition,
        r.key,
        `sequence ${r.sequence} after ${last}`,
        r.offset,
        r.sequence,
      );
    } else {
      this.setLast(keyState, r.partition, r.sequence);
    }
    if (keyState.partition !== r.partition) {
      p.keyPartitionMoves++;
      this.keyAnomaly(r.topic, r.key, r.partition).keyPartitionMoves++;
      this.example(
        'keyPartitionMoves',
        r.topic,
        r.partition,
        r.key,
        `key first read on partition ${keyState.partition}`,
        r.offset,
        r.sequence,
      );
    }

    if (r.derived) this.checkDerived(r, r.derived, keyState);

    if (compound) {
      this.compoundRecords++;
      entity.compoundPartitions ??= new Set();
      entity.compoundPartitions.add(r.partition);
      if (r.sequence < entity.compoundLast) this.entityOutOfOrder++;
      else entity.compoundLast = r.sequence;
    }
  }

  /**
   * A record labelled as a scenario pathology was read: counted as read on its partition when only
   * acked counts are known (it is among them), and otherwise not checked at all.
   */
  countPathology(topic: string, partition: number): void {
    if (this.mode === 'counts') this.partition(topic, partition).consumed++;
  }

  /** Closes the books: whatever was acked and not read is lost. Call once. */
  finish(): VerificationResult {
    this.finished = true;
    let unexpected = 0;
    if (this.mode === 'counts') {
      for (const byPartition of this.partitions.values()) {
        for (const p of byPartition.values()) {
          if (p.acked > p.consumed) p.lost = p.acked - p.consumed;
        }
      }
    } else {
      for (const s of this.pending.values()) {
        if (s.outcome !== 'acked') {
          // Never read and never acked: not lost. Its sequence explains a hole of its entity.
          const id = `${s.topic}\u0000${s.entityId}`;
          let set = this.reportedUndelivered.get(id);
          if (!set) this.reportedUndelivered.set(id, (set = new Set()));
          set.add(s.sequence);
          if (s.outcome === 'failed' || s.outcome === 'unsent') this.partition(s.topic, s.partition).undelivered++;
          continue;
        }
        this.partition(s.topic, s.partition).lost++;
        this.keyAnomaly(s.topic, s.key, s.partition).lost++;
        this.example(
          'lost',
          s.topic,
          s.partition,
          s.key,
          `acked${s.offset === undefined ? '' : ` at offset ${s.offset}`}, never read`,
          s.offset,
          s.sequence,
        );
      }
      for (const e of this.early.values()) {
        unexpected++;
        this.example(
          'unexpected',
          e.topic,
          e.partition,
          e.key,
          'read, but the producer reported no such send',
          e.offset,
          e.sequence,
        );
      }
    }

    // Holes are known only at the end: a later read may still fill them while streaming.
    for (const [topic, byEntity] of this.entities) {
      for (const [entityId, e] of byEntity) {
        let holes = e.seen.missingCount();
        if (holes === 0) continue;
        const explained = this.reportedUndelivered.get(`${topic}\u0000${entityId}`);
        if (explained) holes = e.seen.missing(Number.POSITIVE_INFINITY).filter((s) => !explained.has(s)).length;
        if (holes === 0) continue;
        this.partition(topic, e.firstPartition).gaps += holes;
        this.keyAnomaly(topic, e.firstKey, e.firstPartition).gaps += holes;
        const first = e.seen
          .missing(explained ? Number.POSITIVE_INFINITY : 3)
          .filter((s) => !explained?.has(s))
          .slice(0, 3);
        this.example(
          'gaps',
          topic,
          e.firstPartition,
          e.firstKey,
          `entity ${entityId}: ${holes} sequence(s) never read, first ${first.join(', ')}`,
        );
      }
    }

    const partitions = [...this.partitions.values()]
      .flatMap((m) => [...m.values()])
      .map(({ lastOffset: _lastOffset, ...rest }) => rest)
      .sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
    const totals = {
      ...zeroCounts(),
      acked: 0,
      consumed: 0,
      indeterminateRead: this.indeterminateRead,
      failedButRead: this.failedButRead,
      unexpected,
      redelivered: this.redelivered,
    };
    for (const p of partitions) {
      totals.acked += p.acked;
      totals.consumed += p.consumed;
      for (const k of Object.keys(zeroCounts()) as AnomalyKind[]) totals[k] += p[k];
    }
    const keys = [...this.keyAnomalies.values()]
      .filter((k) => anomalyWeight(k) > 0)
      .sort((a, b) => anomalyWeight(b) - anomalyWeight(a));

    let entitiesCompound = 0;
    let spread = 0;
    let entitiesUnkeyed = 0;
    let unkeyedSpread = 0;
    for (const byEntity of this.entities.values()) {
      for (const e of byEntity.values()) {
        if (e.compoundPartitions !== undefined) {
          entitiesCompound++;
          if (e.compoundPartitions.size > 1) spread++;
        }
        if (e.unkeyedPartitions !== undefined) {
          entitiesUnkeyed++;
          if (e.unkeyedPartitions.size > 1) unkeyedSpread++;
        }
      }
    }

    return {
      ok:
        FAILING_ANOMALIES.every((k) => totals[k] === 0) &&
        this.derived.keyMismatches === 0 &&
        this.derived.sourceReordered === 0,
      mode: this.mode ?? 'records',
      totals,
      partitions,
      keys: keys.slice(0, this.maxKeys),
      keysWithAnomalies: keys.length,
      examples: this.examples,
      compoundKeys: {
        note: COMPOUND_NOTE,
        keys: this.compoundKeyCount,
        entities: entitiesCompound,
        entitiesOnSeveralPartitions: spread,
        entityOutOfOrder: this.entityOutOfOrder,
        records: this.compoundRecords,
      },
      derived: { ...this.derived },
      unkeyed: {
        note: UNKEYED_NOTE,
        records: this.unkeyedRecords,
        entities: entitiesUnkeyed,
        entitiesOnSeveralPartitions: unkeyedSpread,
        entityOutOfOrder: this.unkeyedOutOfOrder,
      },
      latency: this.latency.totalCount > 0 ? snapshotLatency(this.latency) : null,
    };
  }

  private checkDerived(r: ConsumedRecord, d: DerivedFacts, k: KeyState): void {
    this.derived.records++;
    if (!d.keyMatches) {
      this.derived.keyMismatches++;
      this.example(
        'keyMismatch',
        r.topic,
        r.partition,
        r.key,
        'key is not the catalog key field’s value',
        r.offset,
        r.sequence,
      );
    }
    // Only where the key is the source entity does its sequence order the key's records. One source
    // event may derive several records for one key (a lock that expired and a role change, seen at
    // the same event): equal is in order, going back is not.
    if (d.sourceEntityId !== r.key) return;
    if (d.sourceSequence < k.lastSource) {
      this.derived.sourceReordered++;
      this.example(
        'sourceReordered',
        r.topic,
        r.partition,
        r.key,
        `source sequence ${d.sourceSequence} after ${k.lastSource}`,
        r.offset,
        r.sequence,
      );
    } else {
      k.lastSource = d.sourceSequence;
    }
  }

  private settle(
    outcome: ProducedRecord['outcome'],
    topic: string,
    partition: number,
    key: string,
    sequence: number,
    offset: number,
  ): void {
    if (outcome === 'indeterminate') this.indeterminateRead++;
    else if (outcome === 'failed') {
      this.failedButRead++;
      this.example(
        'failedButRead',
        topic,
        partition,
        key,
        'the send failed, yet the record is in the log',
        offset,
        sequence,
      );
    }
  }

  private setMode(mode: 'records' | 'counts'): void {
    if (this.mode !== undefined && this.mode !== mode) {
      throw new Error(`Verifier: cannot mix producer records and acked counts (already in ${this.mode} mode)`);
    }
    this.mode = mode;
  }

  private recordLatency(ms: number): void {
    // One process's clock on both ends; a negative value can only be rounding, so it counts as 0.
    this.latency.recordValue(Math.max(0, Math.round(ms * 1000)));
  }

  private partition(topic: string, partition: number): PartitionState {
    let byPartition = this.partitions.get(topic);
    if (byPartition === undefined) this.partitions.set(topic, (byPartition = new Map()));
    let p = byPartition.get(partition);
    if (p === undefined) {
      p = { topic, partition, acked: 0, consumed: 0, ...zeroCounts(), lastOffset: -1 };
      byPartition.set(partition, p);
    }
    return p;
  }

  private entity(topic: string, entityId: string, partition: number, key: string): EntityState {
    let byEntity = this.entities.get(topic);
    if (byEntity === undefined) this.entities.set(topic, (byEntity = new Map()));
    let e = byEntity.get(entityId);
    if (e === undefined) {
      e = {
        seen: new SeqWindow(),
        firstPartition: partition,
        firstKey: key,
        compoundPartitions: undefined,
        compoundLast: 0,
        unkeyedPartitions: undefined,
        unkeyedLast: 0,
      };
      byEntity.set(entityId, e);
    }
    return e;
  }

  private keyState(topic: string, key: string, partition: number, compound: boolean): KeyState {
    let byKey = this.keys.get(topic);
    if (byKey === undefined) this.keys.set(topic, (byKey = new Map()));
    let k = byKey.get(key);
    if (k === undefined) {
      k = { partition, last: 0, lastSource: 0, otherLast: undefined };
      byKey.set(key, k);
      if (compound) this.compoundKeyCount++;
    }
    return k;
  }

  /**
   * Keys read on more than one partition, per topic. `countsOf(topic)` gives the partition counts a
   * topic had during the run (its count at the start, then each raise): a key read only on the
   * partitions those counts hash it to was moved by the raise.
   */
  movedKeys(countsOf: (topic: string) => readonly number[] | undefined, maxExamples = 5): MovedKeys[] {
    const out: MovedKeys[] = [];
    for (const [topic, byKey] of this.keys) {
      const counts = countsOf(topic) ?? [];
      const moved: MovedKeys = { topic, keys: 0, explainedByRaise: 0, examples: [] };
      for (const [key, k] of byKey) {
        if (k.otherLast === undefined) continue;
        moved.keys++;
        const partitions = [k.partition, ...k.otherLast.keys()];
        const bytes = Buffer.from(key, 'utf8');
        const expected = new Set(counts.map((n) => partitionForKey(bytes, n)));
        const explained = counts.length > 1 && partitions.every((p) => expected.has(p));
        if (explained) moved.explainedByRaise++;
        if (moved.examples.length < maxExamples) moved.examples.push({ key, partitions, explained });
      }
      if (moved.keys > 0) out.push(moved);
    }
    return out.sort((a, b) => a.topic.localeCompare(b.topic));
  }

  private lastOn(k: KeyState, partition: number): number {
    if (partition === k.partition) return k.last;
    return k.otherLast?.get(partition) ?? 0;
  }

  private setLast(k: KeyState, partition: number, seq: number): void {
    if (partition === k.partition) k.last = seq;
    else (k.otherLast ??= new Map()).set(partition, seq);
  }

  private keyAnomaly(topic: string, key: string, partition: number): KeyVerification {
    const id = `${topic}\u0000${key}`;
    let k = this.keyAnomalies.get(id);
    if (k === undefined) {
      k = { topic, key, partitions: [], ...zeroCounts() };
      this.keyAnomalies.set(id, k);
    }
    if (!k.partitions.includes(partition)) k.partitions.push(partition);
    return k;
  }

  private example(
    kind: AnomalyExample['kind'],
    topic: string,
    partition: number,
    key: string,
    detail: string,
    offset?: number,
    sequence?: number,
  ): void {
    const n = this.exampleCounts.get(kind) ?? 0;
    if (n >= this.maxExamples) return;
    this.exampleCounts.set(kind, n + 1);
    const ex: AnomalyExample = { kind, topic, partition, key, detail };
    if (offset !== undefined) ex.offset = offset;
    if (sequence !== undefined) ex.sequence = sequence;
    this.examples.push(ex);
  }
}

function anomalyWeight(k: AnomalyCounts): number {
  return k.lost + k.duplicate + k.reordered + k.gaps + k.keyPartitionMoves + k.indeterminate;
}

/** Pure form: verify a finished producer record list against a finished consumed list. */
export function verify(
  produced: Iterable<ProducedRecord>,
  consumed: Iterable<ConsumedRecord>,
  options: VerifyOptions = {},
): VerificationResult {
  const v = new Verifier(options);
  for (const r of produced) v.addProduced(r);
  for (const r of consumed) v.addConsumed(r);
  return v.finish();
}
