// `--expect <derived topic>`: checks what the consumer under test wrote against sc-sim's own
// derivation. sc-sim folds the domain events it sent into the expected card at every source
// position; the consumer's records are then compared, each at its own source position: missing,
// stale at drain, wrong field values, out of order per key, wrong key or partition.
// `--expect sc.dlq.<…>` checks dead letters instead: poison records that should be there, good
// records that should not.
import { DLQ_CATALOG } from '../catalog/derived.js';
import type { DomainTopicName } from '../catalog/topics.js';
import {
  reduceCommunityCard,
  reduceOrderSummary,
  reduceProductListing,
  reducePromotionCard,
  reduceSupplierCard,
  reduceUserCard,
} from '../derive/cards.js';
import type { Envelope } from '../envelope.js';
import { partitionForKey } from '../partitioning/murmur2.js';

type Reduce = (prev: never, e: Envelope) => object | undefined;

/** The derived topics --expect can check, with the domain topic their cards fold. */
export const EXPECTABLE: Readonly<Record<string, { source: DomainTopicName; reduce: Reduce }>> = {
  'sc.proj.consumer.user-cards': { source: 'sc.domain.user', reduce: reduceUserCard as Reduce },
  'sc.proj.consumer.supplier-cards': { source: 'sc.domain.supplier', reduce: reduceSupplierCard as Reduce },
  'sc.proj.consumer.community-cards': { source: 'sc.domain.community', reduce: reduceCommunityCard as Reduce },
  'sc.proj.consumer.product-listings': { source: 'sc.domain.product', reduce: reduceProductListing as Reduce },
  'sc.proj.consumer.promotion-cards': { source: 'sc.domain.promotion', reduce: reducePromotionCard as Reduce },
  'sc.proj.consumer.order-summaries': { source: 'sc.domain.order', reduce: reduceOrderSummary as Reduce },
};

export const EXPECTABLE_TOPICS: readonly string[] = [...Object.keys(EXPECTABLE), ...DLQ_CATALOG.map((d) => d.topic)];

export const isExpectableTopic = (t: string): boolean => EXPECTABLE_TOPICS.includes(t);

export type ExpectKind = 'missing' | 'stale' | 'wrongValue' | 'outOfOrder' | 'wrongKeyOrPartition' | 'unexpected';

export interface ExpectExample {
  kind: ExpectKind | 'poisonNotDeadLettered' | 'goodRecordDeadLettered';
  key: string;
  field?: string;
  expected?: unknown;
  got?: unknown;
  sourceSequence?: number;
}

export interface ExpectSection {
  kind: 'sc-sim.expect';
  /** Logical topic checked, and its name on the broker. */
  topic: string;
  physicalTopic: string;
  passed: boolean;
  /** Records of the consumer read from the topic during this run. */
  read: number;
  /** Records past the kept states (a partial check): read, not compared. */
  unchecked: number;
  /** Projection checks: expected keys and the counts per kind (empty for a DLQ check). */
  keysExpected: number;
  counts: Record<string, number>;
  examples: ExpectExample[];
  /** Expected states kept at peak (bounded; beyond it the check says it is partial). */
  statesKept: number;
  partial: boolean;
}

const MAX_EXAMPLES_PER_KIND = 5;
// A card is a few hundred bytes: half a million states stay under ~300 MB.
const MAX_STATES = 500_000;

/** One expected card: the state after a source event, and whether that event changed it. */
interface ExpectedState {
  card: object;
  /** False for an event that leaves the card as it was (a login): a consumer may skip it. */
  changed: boolean;
}

/** sc-sim's side: the expected card after every source event, per key, folded from what was acked. */
export class ExpectedProjection {
  private readonly current = new Map<string, object>();
  readonly states = new Map<string, Map<number, ExpectedState>>();
  /** Per key, the last source position that changed the card: a consumer must have got that far. */
  readonly lastChange = new Map<string, number>();
  private kept = 0;
  peak = 0;
  partial = false;

  constructor(private readonly reduce: Reduce) {}

  observe(e: Envelope): void {
    const prev = this.current.get(e.entity_id);
    const folded = (this.reduce as (p: object | undefined, e: Envelope) => object | undefined)(prev, e);
    const next = folded ?? prev;
    if (next === undefined) return;
    this.current.set(e.entity_id, next);
    if (folded !== undefined) this.lastChange.set(e.entity_id, e.sequence);
    if (this.kept >= MAX_STATES) {
      this.partial = true;
      return;
    }
    let byKey = this.states.get(e.entity_id);
    if (!byKey) this.states.set(e.entity_id, (byKey = new Map()));
    byKey.set(e.sequence, { card: next, changed: folded !== undefined });
    this.kept++;
    this.peak = Math.max(this.peak, this.kept);
  }
}

/** Field by field: the first fields whose JSON differs. */
function differingFields(
  expected: object,
  got: unknown,
  skip?: string,
): { field: string; expected: unknown; got: unknown }[] {
  const g = (got ?? {}) as Record<string, unknown>;
  const out: { field: string; expected: unknown; got: unknown }[] = [];
  for (const [field, value] of Object.entries(expected)) {
    if (field === skip) continue;
    if (JSON.stringify(value) !== JSON.stringify(g[field])) out.push({ field, expected: value, got: g[field] });
  }
  return out;
}

/** The consumer's side: its records compared one by one with the expectation at their source position. */
export class ProjectionComparer {
  private read = 0;
  private readonly counts: Record<ExpectKind, number> = {
    missing: 0,
    stale: 0,
    wrongValue: 0,
    outOfOrder: 0,
    wrongKeyOrPartition: 0,
    unexpected: 0,
  };
  private readonly examples: ExpectExample[] = [];
  private readonly lastSeq = new Map<string, number>();
  private unchecked = 0;

  constructor(
    private readonly topic: string,
    private readonly physicalTopic: string,
    private readonly partitions: number,
    private readonly expected: ExpectedProjection,
  ) {}

  private note(example: ExpectExample): void {
    const kind = example.kind as ExpectKind;
    this.counts[kind]++;
    if (this.examples.filter((e) => e.kind === kind).length < MAX_EXAMPLES_PER_KIND) this.examples.push(example);
  }

  /** One record the consumer wrote (value as it is on the topic). */
  add(partition: number, key: string, value: string | null): void {
    this.read++;
    let env: { entity_id?: unknown; source?: { sequence?: unknown }; payload?: unknown };
    try {
      env = JSON.parse(value ?? 'null') ?? {};
    } catch {
      this.note({ kind: 'unexpected', key, got: 'a value that is not JSON' });
      return;
    }
    const seq = typeof env.source?.sequence === 'number' ? env.source.sequence : undefined;
    const entity = typeof env.entity_id === 'string' ? env.entity_id : key;
    if (entity !== key || partition !== partitionForKey(key, this.partitions)) {
      this.note({
        kind: 'wrongKeyOrPartition',
        key,
        expected: `key ${entity} on partition ${partitionForKey(entity, this.partitions)}`,
        got: `key ${key} on partition ${partition}`,
      });
    }
    if (seq === undefined) {
      this.note({ kind: 'unexpected', key, got: 'no source.sequence: the position it was derived from' });
      return;
    }
    const last = this.lastSeq.get(entity);
    if (last !== undefined && seq < last)
      this.note({ kind: 'outOfOrder', key, sourceSequence: seq, expected: `after ${last}`, got: seq });
    this.lastSeq.set(entity, Math.max(seq, last ?? 0));
    const want = this.expected.states.get(entity)?.get(seq);
    if (want === undefined && this.expected.partial) {
      this.unchecked++;
      return;
    }
    if (want === undefined) {
      this.note({ kind: 'unexpected', key, sourceSequence: seq, got: 'no such source position in this run' });
      return;
    }
    // A card written for an event that changed nothing may carry that event's time.
    const diff = differingFields(want.card, env.payload, want.changed ? undefined : 'updated_at');
    if (diff.length > 0) this.note({ kind: 'wrongValue', key, sourceSequence: seq, ...diff[0]! });
  }

  finish(): ExpectSection {
    for (const [key, latestExpected] of this.expected.lastChange) {
      const latestWritten = this.lastSeq.get(key);
      if (latestWritten === undefined)
        this.note({ kind: 'missing', key, expected: `a card up to source ${latestExpected}` });
      else if (latestWritten < latestExpected)
        this.note({ kind: 'stale', key, expected: latestExpected, got: latestWritten, sourceSequence: latestWritten });
    }
    return {
      kind: 'sc-sim.expect',
      topic: this.topic,
      physicalTopic: this.physicalTopic,
      passed: Object.values(this.counts).every((n) => n === 0),
      read: this.read,
      unchecked: this.unchecked,
      keysExpected: this.expected.lastChange.size,
      counts: { ...this.counts },
      examples: this.examples,
      statesKept: this.expected.peak,
      partial: this.expected.partial,
    };
  }
}

/** Spring Kafka's big-endian integer headers, as sc-sim's own dead letters write them. */
function intHeader(v: Buffer | string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string') return /^\d+$/.test(v) ? Number(v) : undefined;
  if (v.length === 4) return v.readInt32BE();
  if (v.length === 8) return Number(v.readBigInt64BE());
  return /^\d+$/.test(v.toString()) ? Number(v.toString()) : undefined;
}

/** Dead letters: every poison record sent should be there, and no good record. */
export class DeadLetterComparer {
  private read = 0;
  private readonly seen = new Set<string>();
  private goodDeadLettered = 0;
  private readonly examples: ExpectExample[] = [];

  /** @param poison  `physicalTopic/partition/offset` of every poison record the run sent (from the acks). */
  constructor(
    private readonly topic: string,
    private readonly physicalTopic: string,
    private readonly poison: ReadonlySet<string>,
  ) {}

  add(key: string, headers: Record<string, Buffer | string | undefined>): void {
    this.read++;
    const t = headers['kafka_dlt-original-topic'];
    const origin = `${typeof t === 'string' ? t : t?.toString()}/${intHeader(headers['kafka_dlt-original-partition'])}/${intHeader(headers['kafka_dlt-original-offset'])}`;
    if (this.poison.has(origin)) this.seen.add(origin);
    else {
      this.goodDeadLettered++;
      if (this.examples.length < MAX_EXAMPLES_PER_KIND)
        this.examples.push({ kind: 'goodRecordDeadLettered', key, got: origin });
    }
  }

  finish(): ExpectSection {
    const missing = [...this.poison].filter((p) => !this.seen.has(p));
    for (const m of missing.slice(0, MAX_EXAMPLES_PER_KIND))
      this.examples.push({ kind: 'poisonNotDeadLettered', key: m });
    return {
      kind: 'sc-sim.expect',
      topic: this.topic,
      physicalTopic: this.physicalTopic,
      passed: missing.length === 0 && this.goodDeadLettered === 0,
      read: this.read,
      keysExpected: this.poison.size,
      counts: {
        poisonDeadLettered: this.seen.size,
        poisonNotDeadLettered: missing.length,
        goodRecordDeadLettered: this.goodDeadLettered,
      },
      examples: this.examples,
      unchecked: 0,
      statesKept: this.poison.size,
      partial: false,
    };
  }
}
