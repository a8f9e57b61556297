// What happened to delivery during a run, beside the per-topic counters: the backlog buffer's bound
// and peak, the retries sends needed and what they met, batches that ran out of delivery time
// before they could be sent, and which entities have events that were never delivered (bounded).
import type { RecordOutcome, RetryInfo } from '../sinks/types.js';

/** Entities listed with their undelivered events, at most; all are counted. */
export const MAX_UNDELIVERED_ENTITIES = 100;
/** Sequences listed per entity, at most. */
export const MAX_SEQUENCES_PER_ENTITY = 20;
const MAX_RETRY_ERRORS = 20;
const OTHER = '(other)';

/** One entity whose events did not all reach the log: a consumer will see its sequence skip these. */
export interface UndeliveredEntity {
  /** Logical topic. */
  topic: string;
  entityId: string;
  /** Its events not delivered, by outcome. */
  failed: number;
  indeterminate: number;
  unsent: number;
  /** The first sequences not delivered, in the order they ended. */
  sequences: number[];
}

export interface DeliverySnapshot {
  /** How long a batch may take from being queued to being acked (producer.deliveryTimeout). */
  deliveryTimeoutMs: number;
  /** The runner's buffer of generated events waiting for a send slot: its bound and its peak. */
  backlog: { limitEvents: number; peakEvents: number; peakBytes: number };
  /** Sends that needed more than one attempt, the extra attempts, and what the attempts met. */
  retries: { batches: number; attempts: number; errors: Record<string, number> };
  /** Batches whose delivery time ran out while they waited to be sent (their events count as failed). */
  expired: { batches: number; events: number };
  /** Events generated but not delivered (failed, indeterminate or unsent), per entity. */
  undelivered: { events: number; entities: number; listed: UndeliveredEntity[] };
}

/** What the recorder needs of a record to list it. */
export interface EntityRef {
  readonly logicalTopic: string;
  readonly entityId: string;
  readonly sequence: number;
}

export class DeliveryRecorder {
  private peakEvents = 0;
  private peakBytes = 0;
  private retriedBatches = 0;
  private retryAttempts = 0;
  private readonly retryErrors = new Map<string, number>();
  private expiredBatches = 0;
  private expiredEvents = 0;
  private undeliveredEvents = 0;
  private readonly entities = new Set<string>();
  private readonly listed = new Map<string, UndeliveredEntity>();

  constructor(
    private readonly deliveryTimeoutMs: number,
    private readonly backlogLimitEvents: number,
  ) {}

  /** The backlog now (events and key + value bytes waiting for a send slot). */
  backlog(events: number, bytes: number): void {
    if (events > this.peakEvents) this.peakEvents = events;
    if (bytes > this.peakBytes) this.peakBytes = bytes;
  }

  retried(info: RetryInfo | undefined): void {
    if (!info) return;
    if (info.retries > 0) {
      this.retriedBatches++;
      this.retryAttempts += info.retries;
    }
    for (const [error, n] of Object.entries(info.errors)) {
      const key = this.retryErrors.has(error) || this.retryErrors.size < MAX_RETRY_ERRORS ? error : OTHER;
      this.retryErrors.set(key, (this.retryErrors.get(key) ?? 0) + n);
    }
  }

  expired(events: number): void {
    this.expiredBatches++;
    this.expiredEvents += events;
  }

  /** A record that did not end acked. */
  undelivered(r: EntityRef, outcome: Exclude<RecordOutcome, 'acked'>): void {
    this.undeliveredEvents++;
    const id = `${r.logicalTopic}\u0000${r.entityId}`;
    this.entities.add(id);
    let e = this.listed.get(id);
    if (!e) {
      if (this.listed.size >= MAX_UNDELIVERED_ENTITIES) return;
      e = { topic: r.logicalTopic, entityId: r.entityId, failed: 0, indeterminate: 0, unsent: 0, sequences: [] };
      this.listed.set(id, e);
    }
    e[outcome]++;
    if (e.sequences.length < MAX_SEQUENCES_PER_ENTITY) e.sequences.push(r.sequence);
  }

  snapshot(): DeliverySnapshot {
    return {
      deliveryTimeoutMs: this.deliveryTimeoutMs,
      backlog: { limitEvents: this.backlogLimitEvents, peakEvents: this.peakEvents, peakBytes: this.peakBytes },
      retries: {
        batches: this.retriedBatches,
        attempts: this.retryAttempts,
        errors: Object.fromEntries(this.retryErrors),
      },
      expired: { batches: this.expiredBatches, events: this.expiredEvents },
      undelivered: {
        events: this.undeliveredEvents,
        entities: this.entities.size,
        listed: [...this.listed.values()].map((e) => ({ ...e, sequences: [...e.sequences] })),
      },
    };
  }
}

/**
 * Two shards' delivery views as one: counts add, peaks take the larger, lists concatenate up to
 * the bound (an entity on both shards is listed twice; the entity count may then be high).
 */
export function mergeDelivery(a: DeliverySnapshot, b: DeliverySnapshot): DeliverySnapshot {
  const errors: Record<string, number> = { ...a.retries.errors };
  for (const [k, n] of Object.entries(b.retries.errors)) {
    const key = k in errors || Object.keys(errors).length < MAX_RETRY_ERRORS ? k : OTHER;
    errors[key] = (errors[key] ?? 0) + n;
  }
  return {
    deliveryTimeoutMs: Math.max(a.deliveryTimeoutMs, b.deliveryTimeoutMs),
    backlog: {
      limitEvents: a.backlog.limitEvents + b.backlog.limitEvents,
      peakEvents: Math.max(a.backlog.peakEvents, b.backlog.peakEvents),
      peakBytes: Math.max(a.backlog.peakBytes, b.backlog.peakBytes),
    },
    retries: {
      batches: a.retries.batches + b.retries.batches,
      attempts: a.retries.attempts + b.retries.attempts,
      errors,
    },
    expired: { batches: a.expired.batches + b.expired.batches, events: a.expired.events + b.expired.events },
    undelivered: {
      events: a.undelivered.events + b.undelivered.events,
      entities: a.undelivered.entities + b.undelivered.entities,
      listed: [...a.undelivered.listed, ...b.undelivered.listed].slice(0, MAX_UNDELIVERED_ENTITIES),
    },
  };
}
