// Checks projection and analytics records against the domain stream they came from, as a consumer
// who holds both topics would: every record valid against its topic's JSON Schema, keyed by its
// catalog key field, numbered 1, 2, 3… per key, pointing at a domain event that exists, and every
// card equal to the fold of its entity's domain events up to the card's source position.
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { DERIVED_CATALOG, getDerivedSpec } from '../../src/catalog/derived.js';
import {
  feedAction,
  feedItem,
  reduceCommunityCard,
  reduceOrderSummary,
  reducePost,
  reduceProductListing,
  reducePromotionCard,
  reduceSupplierCard,
  reduceUserCard,
  type PostState,
} from '../../src/derive/cards.js';
import { feedItemId } from '../../src/derive/projector.js';
import type { DerivedEnvelope, Envelope } from '../../src/envelope.js';
import { derivedSchema } from '../../src/schema/json-schema.js';

const addFormats = addFormatsModule.default;

export interface DerivedRead {
  /** Logical topic (no prefix). */
  topic: string;
  /** The record key as sent. */
  key: string;
  envelope: DerivedEnvelope;
}

type Reducer = (prev: object | undefined, e: Envelope) => object | undefined;
const CARD_REDUCERS: Record<string, Reducer> = {
  'sc.proj.consumer.user-cards': reduceUserCard as Reducer,
  'sc.proj.consumer.supplier-cards': reduceSupplierCard as Reducer,
  'sc.proj.consumer.community-cards': reduceCommunityCard as Reducer,
  'sc.proj.consumer.product-listings': reduceProductListing as Reducer,
  'sc.proj.consumer.promotion-cards': reducePromotionCard as Reducer,
  'sc.proj.consumer.order-summaries': reduceOrderSummary as Reducer,
};
const FEEDS: Record<string, 'global' | 'community'> = {
  'sc.proj.consumer.feed-global': 'global',
  'sc.proj.consumer.feed-community': 'community',
};

let validators: Map<string, ValidateFunction> | undefined;
function validatorFor(topic: string): ValidateFunction {
  if (!validators) {
    const ajv = new Ajv({ strict: true, allErrors: true });
    addFormats(ajv);
    validators = new Map(DERIVED_CATALOG.map((s) => [s.topic, ajv.compile(derivedSchema(s))]));
  }
  return validators.get(topic)!;
}

export interface DerivedCheck {
  problems: string[];
  /** Records checked per topic. */
  perTopic: Map<string, number>;
  /** Cards and feed items compared with a fold of the domain stream. */
  foldsCompared: number;
  /** Analytics and projection records whose source event was found. */
  sourcesFound: number;
}

/**
 * `domain`: every domain event of the run (any order); `derived`: the derived records read in
 * topic-partition order. `complete`: the derived topics hold the whole run (so each key's sequence
 * starts at 1 with no holes).
 */
export function checkDerived(
  domain: readonly Envelope[],
  derived: readonly DerivedRead[],
  complete = true,
): DerivedCheck {
  const problems: string[] = [];
  const problem = (text: string) => {
    if (problems.length < 50) problems.push(text);
  };
  const byId = new Map<string, Envelope>();
  const byEntity = new Map<string, Envelope[]>();
  for (const e of domain) {
    byId.set(e.event_id, e);
    const k = `${e.entity_type}/${e.entity_id}`;
    let list = byEntity.get(k);
    if (!list) byEntity.set(k, (list = []));
    list.push(e);
  }
  for (const list of byEntity.values()) list.sort((a, b) => a.sequence - b.sequence);

  const perTopic = new Map<string, number>();
  const lastSeq = new Map<string, number>();
  const ids = new Set<string>();
  let sourcesFound = 0;
  const cardRecords = new Map<string, DerivedRead[]>();

  for (const r of derived) {
    const env = r.envelope;
    perTopic.set(r.topic, (perTopic.get(r.topic) ?? 0) + 1);
    const spec = getDerivedSpec(r.topic);
    if (!spec) {
      problem(`${r.topic}: not a derived topic`);
      continue;
    }
    const validate = validatorFor(r.topic);
    if (!validate(structuredClone(env) as unknown))
      problem(`${r.topic} ${env.event_id}: schema: ${JSON.stringify(validate.errors?.slice(0, 2))}`);
    const keyValue = (env.payload as Record<string, unknown>)[spec.keyField];
    if (r.key !== keyValue || env.entity_id !== r.key)
      problem(
        `${r.topic} ${env.event_id}: key ${r.key} != payload.${spec.keyField} ${String(keyValue)} / entity_id ${env.entity_id}`,
      );
    if (ids.has(env.event_id)) problem(`${r.topic}: event_id ${env.event_id} twice`);
    ids.add(env.event_id);

    // Per key: 1, 2, 3… in read order (one key lives on one partition, read in order).
    const seqKey = `${r.topic}\u0000${r.key}`;
    const last = lastSeq.get(seqKey);
    const expected = last === undefined ? (complete ? 1 : env.sequence) : last + 1;
    if (env.sequence !== expected) problem(`${r.topic} key ${r.key}: sequence ${env.sequence} after ${last ?? 'none'}`);
    lastSeq.set(seqKey, env.sequence);

    const src = byId.get(env.source.event_id);
    if (!src) {
      problem(`${r.topic} ${env.event_id}: source event ${env.source.event_id} not in the domain stream`);
      continue;
    }
    sourcesFound++;
    if (
      src.event_type !== env.source.event_type ||
      src.entity_id !== env.source.entity_id ||
      src.sequence !== env.source.sequence ||
      `sc.domain.${src.entity_type}` !== env.source.topic ||
      env.causation_id !== src.event_id ||
      env.correlation_id !== src.correlation_id ||
      env.occurred_at !== src.occurred_at
    ) {
      problem(`${r.topic} ${env.event_id}: source position does not match event ${src.event_id}`);
    }
    if (CARD_REDUCERS[r.topic] || FEEDS[r.topic]) {
      const k = `${r.topic}\u0000${src.entity_type}/${src.entity_id}`;
      let list = cardRecords.get(k);
      if (!list) cardRecords.set(k, (list = []));
      list.push(r);
    }
  }

  // Cards: fold the entity's own events up to each card's source sequence and compare.
  let foldsCompared = 0;
  for (const [k, records] of cardRecords) {
    const [topic, entity] = k.split('\u0000') as [string, string];
    const events = byEntity.get(entity) ?? [];
    records.sort((a, b) => a.envelope.source.sequence - b.envelope.source.sequence);
    const reducer = CARD_REDUCERS[topic];
    const feed = FEEDS[topic];
    let state: object | undefined;
    let i = 0;
    for (const r of records) {
      let prev: object | undefined;
      while (i < events.length && events[i]!.sequence <= r.envelope.source.sequence) {
        prev = state;
        const e = events[i]!;
        state = (reducer ? reducer(state, e) : reducePost(state as PostState | undefined, e)) ?? state;
        i++;
      }
      let expected: object | undefined = state;
      if (feed) {
        const post = state as PostState;
        const action = feedAction(feed, prev as PostState, post, r.envelope.source.event_type);
        expected = action && feedItem(feed, feedItemId(feed, post.post_id), post, action, r.envelope.occurred_at);
      }
      foldsCompared++;
      if (JSON.stringify(sortKeys(expected)) !== JSON.stringify(sortKeys(r.envelope.payload))) {
        problem(
          `${topic} ${r.key} at source ${r.envelope.source.event_type}#${r.envelope.source.sequence}: card ${JSON.stringify(r.envelope.payload)} != fold ${JSON.stringify(expected)}`,
        );
      }
    }
  }
  return { problems, perTopic, foldsCompared, sourcesFound };
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, x]) => [k, sortKeys(x)]),
    );
  return v;
}
