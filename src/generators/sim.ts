// The world's engine room: the world's clock (its own simulated one, or the time the runner hands
// it per event), the per-family RNG streams, the event queue and the typed emit methods every
// generator goes through (so a payload can only have the catalog's fields).
import { EVENT_CATALOG, type EventType, type Family, type Payload } from '../catalog/events.js';
import type { DomainTopicName } from '../catalog/topics.js';
import { EntityTypes, type Envelope } from '../envelope.js';
import { PRODUCER } from '../version.js';
import type { WorldConfig } from './config.js';
import { Popularity } from './popularity.js';
import type { Pools } from './pools.js';
import { Rng } from './rng.js';
import {
  CommunityState,
  OrderState,
  Population,
  PostState,
  ProductState,
  PromotionState,
  SupplierState,
  UserState,
  type Entity,
} from './state.js';
import { isoUtc } from './time.js';
import type { Shard, SimEvent } from './types.js';
import { Cascade } from './cascade.js';
import type { SessionBook } from './sessions.js';

interface TypeInfo {
  readonly topic: DomainTopicName;
  readonly family: Family;
  readonly version: number;
}

const TYPE_INFO: ReadonlyMap<string, TypeInfo> = new Map(
  EVENT_CATALOG.map((e) => [e.type, { topic: e.topic, family: e.family, version: e.version }]),
);

/** Actor id for automatic actions (e.g. an order cancelled after its third failed payment). */
export const SYSTEM_ACTOR_ID = '00000000-0000-4000-8000-000000000000';

export class Sim {
  readonly producer = PRODUCER;
  /** One stream per family (plus the scheduler and the clock): see rng.ts. */
  readonly rng: Readonly<Record<Family, Rng>>;
  readonly schedulerRng: Rng;
  private readonly clockRng: Rng;
  private readonly consequenceRng: Rng;
  private lastType = '';
  private lastInfo: TypeInfo = { topic: 'sc.domain.user', family: 'user', version: 1 };
  private clockMs: number;
  /** The world's first instant: its own start, or the first time handed in (world events count from it). */
  private firstMs: number;
  /** Set once the runner hands in a time (setTime): from then on the world's own clock stands still. */
  private timeGiven = false;
  private isoMs = Number.NaN;
  private isoText = '';
  private readonly meanStepMs: number;
  private readonly timeScale: number;

  /**
   * Built events waiting to be returned by next(): an action may emit a causal chain at once.
   * Slots are reused (head/tail indexes) rather than truncating the array after every action.
   */
  private readonly queue: (SimEvent | undefined)[] = [];
  private queueHead = 0;
  private queueTail = 0;

  readonly admins: readonly string[];
  readonly users: UserState;
  readonly suppliers: SupplierState;
  readonly communities: CommunityState;
  readonly products: ProductState;
  readonly promotions: PromotionState;
  readonly posts: PostState;
  readonly orders: OrderState;
  /** Who is in a session (sessions.ts); null with `sessions: off`. Set by the world, which knows the mix. */
  sessions: SessionBook | null = null;

  constructor(
    readonly config: WorldConfig,
    readonly seed: number,
    readonly runId: string,
    readonly pools: Pools,
    /** This world's part of a sharded run; its index stamps every id it draws. */
    readonly shard?: Shard,
    /** World durations (locks, suspensions, promotion schedules) pass this many times faster. */
    timeScale = 1,
  ) {
    const stamp = shard?.index;
    this.rng = Object.fromEntries(EntityTypes.map((f) => [f, Rng.derive(seed, `family:${f}`, stamp)])) as Record<
      Family,
      Rng
    >;
    this.schedulerRng = Rng.derive(seed, 'scheduler');
    this.clockRng = Rng.derive(seed, 'clock');
    this.consequenceRng = Rng.derive(seed, 'consequences', stamp);
    this.clockMs = Date.parse(config.startAt);
    this.firstMs = this.clockMs;
    this.meanStepMs = config.simMsPerEvent;
    this.timeScale = timeScale;
    const adminRng = Rng.derive(seed, 'admins', stamp);
    this.admins = Array.from({ length: 6 }, () => adminRng.uuid());
    const pop = config.population;
    const popularity = config.popularity;
    this.users = new UserState(new Population(pop.users));
    this.suppliers = new SupplierState(
      new Population(pop.suppliers),
      new Popularity(popularity.suppliers, pop.suppliers),
    );
    this.communities = new CommunityState(
      new Population(pop.communities),
      new Popularity(popularity.communities, pop.communities),
    );
    this.products = new ProductState(new Population(pop.products), new Popularity(popularity.products, pop.products));
    this.promotions = new PromotionState(
      new Population(pop.promotions),
      new Popularity(popularity.promotions, pop.promotions),
    );
    this.posts = new PostState(new Population(pop.posts), new Popularity(popularity.posts, pop.posts));
    if (config.cascade.promotion) this.promotions.cascade = new Cascade(config.cascade.promotion);
    // Orders in flight at once: enough for realistic interleaving, bounded for memory.
    this.orders = new OrderState(Math.max(50, pop.users), shard);
  }

  /** Simulated now, integer ms since the epoch; only ever increases over the emitted events. */
  get nowMs(): number {
    return this.clockMs;
  }

  /**
   * The instant the next events happen at, handed in by whoever owns time (the runner): from the
   * first call on, the world's own clock no longer moves (tick and emits take no time). Time never
   * goes back: an earlier instant than the last one keeps the last one.
   */
  setTime(atMs: number): void {
    if (!this.timeGiven) this.firstMs = atMs;
    if (!this.timeGiven || atMs > this.clockMs) this.clockMs = atMs;
    this.timeGiven = true;
  }

  /** The world's first instant (its start on its own clock, or the first time handed in). */
  get originMs(): number {
    return this.firstMs;
  }

  /** An instant `durationMs` of world time from now (durations pass timeScale times faster). */
  later(durationMs: number): number {
    return this.clockMs + this.scaled(durationMs);
  }

  /** A world duration as it passes on the stream's clock: divided by timeScale, whole ms. */
  scaled(durationMs: number): number {
    return Math.round(durationMs / this.timeScale);
  }

  /**
   * Starts a new action: on the world's own clock, time moves on by an exponential step (mean
   * simMsPerEvent); with a time handed in (setTime), it stays where the runner put it.
   */
  tick(): void {
    if (!this.timeGiven) this.clockMs += Math.floor(this.clockRng.exp(this.meanStepMs));
  }

  /** One attempt at an action (see tick); an attempt that finds nothing to do takes no time. */
  attempt(action: (sim: Sim, rng: Rng) => boolean, rng: Rng): boolean {
    const startMs = this.clockMs;
    this.tick();
    if (action(this, rng)) return true;
    this.clockMs = startMs;
    return false;
  }

  /** ISO-8601 form of nowMs (what the next emitted event's occurred_at will be). */
  iso(): string {
    if (this.isoMs !== this.clockMs) {
      this.isoMs = this.clockMs;
      this.isoText = isoUtc(this.clockMs);
    }
    return this.isoText;
  }

  isoAt(ms: number): string {
    return isoUtc(ms);
  }

  /** Emits a root event: ids from the acting family's `rng`, a new correlation, no cause. */
  emit<T extends EventType>(rng: Rng, type: T, entity: Entity, payload: Payload<T>): SimEvent {
    return this.build(rng, type, entity, payload, null, null);
  }

  /**
   * Emits `type` as a consequence of `cause`: same correlation, causation = cause's event_id, and
   * an event_id from the consequences stream (see build), not from the acting family's stream.
   */
  emitCaused<T extends EventType>(type: T, entity: Entity, payload: Payload<T>, cause: SimEvent): SimEvent {
    return this.build(null, type, entity, payload, cause.envelope.correlation_id, cause.envelope.event_id);
  }

  /**
   * For steps that run both on their own and inside a cascade (e.g. a product unpublished by its
   * supplier, or because the supplier was suspended): a root event when `cause` is null.
   */
  emitRootOrCaused<T extends EventType>(
    rng: Rng,
    type: T,
    entity: Entity,
    payload: Payload<T>,
    cause: SimEvent | null,
  ): SimEvent {
    return cause ? this.emitCaused(type, entity, payload, cause) : this.emit(rng, type, entity, payload);
  }

  /**
   * Emits the next step of a long-running chain the acting family drives itself (an order's saga):
   * ids from `rng`, the chain's correlation, and its previous event as the cause.
   */
  emitInChain<T extends EventType>(
    rng: Rng,
    type: T,
    entity: Entity,
    payload: Payload<T>,
    chain: { readonly correlationId: string; readonly lastEventId: string },
  ): SimEvent {
    return this.build(rng, type, entity, payload, chain.correlationId, chain.lastEventId);
  }

  /**
   * Builds one event and queues it. `correlationId` null starts a new correlation (the event's own
   * id); `causationId` is the event_id of the cause, or null for a root event. On the world's own
   * clock, events within one action are a few ms apart, so occurred_at is strictly increasing; with
   * a time handed in, an action's events share its instant (occurred_at never decreases).
   */
  private build<T extends EventType>(
    rng: Rng | null,
    type: T,
    entity: Entity,
    payload: Payload<T>,
    correlationId: string | null,
    causationId: string | null,
  ): SimEvent {
    // Runs of one type are common (impressions): skip the map lookup for a repeat.
    let info = this.lastInfo;
    if (type !== this.lastType) {
      info = TYPE_INFO.get(type)!;
      this.lastType = type;
      this.lastInfo = info;
    }
    // Consequences draw their ids from a stream of their own, so the size of a cascade (e.g. how
    // many communities a deleted user leaves) never shifts the acting family's RNG stream.
    const eventId = (rng ?? this.consequenceRng).uuid();
    const envelope: Envelope = {
      event_id: eventId,
      event_type: type,
      event_version: info.version,
      occurred_at: this.iso(),
      entity_type: info.family,
      entity_id: entity.id,
      sequence: ++entity.seq,
      correlation_id: correlationId ?? eventId,
      causation_id: causationId,
      producer: this.producer,
      run_id: this.runId,
      payload: payload as Record<string, unknown>,
    };
    // Every id here comes from Rng.uuid or Rng.hex (entities, events, and causes that were events) and
    // the instant from isoUtc: nothing JSON escapes (test/unit/bench/serializers.test.ts holds the
    // world's bytes on this path to JSON.stringify's over 100,000 events of every type).
    const event: SimEvent = { topic: info.topic, key: entity.id, occurredAtMs: this.clockMs, envelope, idsPlain: true };
    this.queue[this.queueTail++] = event;
    if (!this.timeGiven) this.clockMs += 1 + this.clockRng.int(25);
    return event;
  }

  /** Whether events wait to be returned by the world's next(). */
  hasQueued(): boolean {
    return this.queueHead !== this.queueTail;
  }

  get queuedCount(): number {
    return this.queueTail - this.queueHead;
  }

  /** The oldest queued event, in emission order; only call it when hasQueued(). */
  takeQueued(): SimEvent {
    const event = this.queue[this.queueHead]!;
    // Drop the reference so a long-gone chain is not kept alive by its old slot.
    this.queue[this.queueHead++] = undefined;
    if (this.queueHead === this.queueTail) {
      this.queueHead = 0;
      this.queueTail = 0;
    }
    return event;
  }

  /** The admin who handles a moderation or verification action. */
  admin(rng: Rng): string {
    return rng.pick(this.admins);
  }
}
