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
