// The one envelope every sc-sim event travels in. Consumers and the verifier rely on these
// fields (per-entity sequence, correlation/causation), so changes here are breaking changes.

export const EntityTypes = ['user', 'supplier', 'community', 'product', 'promotion', 'post', 'order'] as const;
export type EntityType = (typeof EntityTypes)[number];

export interface Envelope<P extends Record<string, unknown> = Record<string, unknown>> {
  /** Unique per event (UUID, derived from the seed so runs are reproducible). */
  event_id: string;
  /** `<entity>.<action>`, e.g. `order.created`: one of the 74 catalog event types. */
  event_type: string;
  /** Version of this event type's payload schema. */
  event_version: number;
  /** Event time, ISO-8601 UTC with milliseconds (the run's time mode: wall clock or history); monotonic per entity. */
  occurred_at: string;
  entity_type: EntityType;
  /** Value of the topic's key field (user_id for sc.domain.user, …). */
  entity_id: string;
  /** 1, 2, 3… per entity: lets consumers and the verifier check order and gaps. */
  sequence: number;
  /** Shared by every event caused by the same root action (e.g. an order and its reservations). */
  correlation_id: string;
  /** event_id of the event that caused this one; null for root events. */
  causation_id: string | null;
  /** Producing tool and version, e.g. `sc-sim/0.1.0`. */
  producer: string;
  /** Identifies one sc-sim run; also sent as a record header. */
  run_id: string;
  payload: P;
}

/** Record header names: tools can filter without parsing JSON (kcat -f '%h'). */
export const HEADER_EVENT_TYPE = 'sc-event-type';
export const HEADER_RUN_ID = 'sc-run-id';
export const HEADER_SEQUENCE = 'sc-sequence';
/** `i/N` on the records of shard i of a sharded run (absent otherwise): verifiers tell shards apart by it. */
export const HEADER_SHARD = 'sc-shard';

/** Where a projection or analytics record came from: the domain event it was derived from. */
export interface SourcePosition {
  /** Logical domain topic (no prefix). */
  topic: string;
  event_id: string;
  event_type: string;
  entity_id: string;
  /** The source entity's sequence: a consumer holding a newer one knows this record is stale. */
  sequence: number;
}

/**
 * The envelope of projection and analytics records (src/catalog/derived.ts). It mirrors the domain
 * envelope — event_id, entity_id (= the record key), a per-key sequence, run_id — so the same
 * verifier checks delivery and order, and adds where the record came from.
 */
export interface DerivedEnvelope<P extends object = Record<string, unknown>> {
  event_id: string;
  /** The record type, e.g. `proj.user_card`. */
  event_type: string;
  event_version: number;
  /** The source event's occurred_at. */
  occurred_at: string;
  entity_type: string;
  /** The record key: the value of the topic's key field. */
  entity_id: string;
  /** 1, 2, 3… per key on this topic, in source order. */
  sequence: number;
  correlation_id: string;
  /** The source event's event_id. */
  causation_id: string;
  producer: string;
  run_id: string;
  source: SourcePosition;
  projection_version: number;
  payload: P;
}

/** Marks a deliberately abnormal record (opt-in scenario pathologies) so tests tell it from a real anomaly. */
export const HEADER_PATHOLOGY = 'sc-pathology';
