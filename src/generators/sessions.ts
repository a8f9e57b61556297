// Sessions: a user's engagement comes in sessions. A login opens one; the session's impressions,
// clicks and, for some, an order follow with log-normal gaps; then the user is idle for a
// log-normal while before their next login. Inter-activity times on the web are a mixture of two
// log-normals, one within sessions and one between them (Halfaker et al., WWW 2015: README "How
// realistic is it").
//
// The stream's rate and mix are set by the load (the scheduler decides that an impression happens
// now), so sessions decide who acts and in what order, not when: each of the two queues below runs
// on a virtual clock of its own, the due time of the entry it served last, and serves entries in
// due order. Gaps keep their log-normal shape and the user's rates (a power user comes back sooner),
// and their scale follows the world's pace: at 2,000 events per second a session lasts seconds, in
// a week-long backfill minutes. The report measures the gaps the stream has (metrics/sessions.ts).
import { Heap } from 'heap-js';
import { z } from 'zod';
import { logNormalFactor } from './popularity.js';
import type { Rng } from './rng.js';
import type { Product, Promotion, User } from './state.js';

export const SessionsSchema = z.union([
  z.literal('off'),
  z
    .object({
      /** At most this share of active users is in a session at once; the longest-open one ends first. */
      concurrent: z.number().gt(0).max(1).default(0.05),
      /** σ of the log-normal gaps between a session's events. */
      gapSigma: z.number().min(0).max(3).default(1.0),
      /** σ of the log-normal gaps between a user's sessions (their median scales with 1 / activity). */
      idleSigma: z.number().min(0).max(3).default(1.5),
      /** σ of the log-normal number of steps (impressions and clicks) a session plans. */
      stepsSigma: z.number().min(0).max(3).default(1.0),
      /** A click puts the product in the cart with this chance × the user's buying / activity rate (at most 1). */
      cart: z.number().min(0).max(10).default(1),
    })
    .strict(),
]);
export type SessionsSettings = z.output<typeof SessionsSchema>;
export type SessionsOn = Exclude<SessionsSettings, 'off'>;

export const DEFAULT_SESSIONS: SessionsOn = {
  concurrent: 0.05,
  gapSigma: 1.0,
  idleSigma: 1.5,
  stepsSigma: 1.0,
  cart: 1,
};

/** Open sessions drawn for an order no cart explains: the buyer is one of them, by buying rate. */
const BUYER_DRAWS = 4;
/** Carts waiting for their order: the oldest is abandoned beyond this many. */
const MAX_CARTS = 1_000;
/** Steps a session plans, on average, beyond what the mix asks of it: the pool stays full, not dry. */
const STEPS_HEADROOM = 2;

export interface Session {
  readonly user: User;
  /** Due time of its next step on the sessions' virtual clock. */
  dueAt: number;
  /** Tie-break in due order: the session's number, so the order is the same for the same seed. */
  readonly n: number;
  stepsLeft: number;
  open: boolean;
  /** The promotion the user saw last in this session (what a click clicks). */
  seen: Promotion | null;
  /** Set by a click that put the product in the cart; taken by the order that buys it. */
  cart: { readonly promotion: Promotion; readonly product: Product } | null;
  /** Index in the list of open sessions (-1 once ended). */
  index: number;
}

/** A product a session's click put in the cart, with the promotion it came through and its user. */
export interface Cart {
  readonly user: User;
  readonly promotion: Promotion;
  readonly product: Product;
}

interface Idle {
  readonly user: User;
  readonly dueAt: number;
  readonly n: number;
}

const byDue = (a: { dueAt: number; n: number }, b: { dueAt: number; n: number }): number =>
  a.dueAt - b.dueAt || a.n - b.n;

/** Where users come from: the active ones, weighted by activity (UserState.busy). */
export interface UserPool {
  readonly size: number;
  at(index: number): User | undefined;
  pick(rng: Rng): User | undefined;
}

export class SessionBook {
  private readonly open = new Heap<Session>(byDue);
  private readonly idle = new Heap<Idle>(byDue);
  /** Users with an entry in the idle queue (at most one each). */
  private readonly queued = new Set<User>();
  /** Users in an open session, and their session. */
  private readonly current = new Map<User, Session>();
  /** The open sessions, for uniform picks (swap-remove on end). */
  private readonly openList: Session[] = [];
  /** Open sessions by start, for ending the longest-open one when too many are open. */
  private readonly byStart: Session[] = [];
  private byStartHead = 0;
  private readonly carts: Session[] = [];
  private sessionClock = 0;
  private idleClock = 0;
  private counter = 0;
  private admitted = false;
  private readonly meanSteps: number;

  constructor(
    private readonly settings: SessionsOn,
    /** Impressions and clicks per login in the mix: what a session has to carry, on average. */
    stepsPerLogin: number,
  ) {
    this.meanSteps = Math.max(1, stepsPerLogin * STEPS_HEADROOM);
  }

  get openCount(): number {
    return this.current.size;
  }

  /** Sessions still listed by start (open ones and ended ones not yet dropped): bounded by the cap. */
  get listedCount(): number {
    return this.byStart.length - this.byStartHead;
  }

  /** The session the user is in, if any. */
  sessionOf(user: User): Session | undefined {
    return this.current.get(user);
  }

  private idleGap(rng: Rng, user: User): number {
    return logNormalFactor(rng, this.settings.idleSigma) / Math.max(user.rates.activity, 1e-3);
  }

  private queueIdle(rng: Rng, user: User): void {
    if (this.queued.has(user) || this.current.has(user)) return;
    this.queued.add(user);
    this.idle.push({ user, dueAt: this.idleClock + this.idleGap(rng, user), n: this.counter++ });
  }

  /**
   * Who logs in now: the idle user whose next session is due first. Users who became active since
   * are admitted as they are met (one activity-weighted probe per login); the first login admits all.
   */
  login(rng: Rng, pool: UserPool): User | undefined {
    if (!this.admit(rng, pool)) {
      const probe = pool.pick(rng);
      if (probe) this.queueIdle(rng, probe);
    }
    return this.nextIdle() ?? pool.pick(rng);
  }

  /** The idle user due first who is still active and not in a session, out of the idle queue. */
  private nextIdle(): User | undefined {
    for (let e = this.idle.pop(); e; e = this.idle.pop()) {
      this.queued.delete(e.user);
      // Suspended, locked or deleted since it was queued: it comes back through the probe once active.
      if (e.user.status !== 'active' || this.current.has(e.user)) continue;
      this.idleClock = Math.max(this.idleClock, e.dueAt);
      return e.user;
    }
    return undefined;
  }

  /**
   * The first time sessions are needed: every active user is queued idle, and the concurrent share
   * is already in a session, begun before the stream (no login event: the stream starts in the
   * middle of a day, not with everyone logged out). False when done before.
   */
  private admit(rng: Rng, pool: UserPool): boolean {
    if (this.admitted) return false;
    this.admitted = true;
    for (let i = 0; i < pool.size; i++) this.queueIdle(rng, pool.at(i)!);
    const cap = this.cap(pool.size);
    while (this.current.size < cap) {
      const user = this.nextIdle();
      if (!user) break;
      this.start(rng, user, pool.size);
    }
    return true;
  }

  private cap(activeUsers: number): number {
    return Math.max(2, Math.ceil(this.settings.concurrent * activeUsers));
  }

  /** Opens the user's session (ending one still open: a login again), ending the longest-open beyond the cap. */
  start(rng: Rng, user: User, activeUsers: number): Session {
    const previous = this.current.get(user);
    if (previous) this.end(rng, previous);
    const cap = this.cap(activeUsers);
    while (this.current.size >= cap && this.byStartHead < this.byStart.length) {
      const oldest = this.byStart[this.byStartHead++]!;
      if (oldest.open) this.end(rng, oldest);
    }
    // Sessions that ended on their own stay listed until passed: drop them now and then (at most
    // `cap` are open, so this keeps the list within a few times the cap, amortized O(1)).
    if (this.byStart.length - this.byStartHead > 4 * cap + 1_024) {
      const open = this.byStart.slice(this.byStartHead).filter((x) => x.open);
      this.byStart.length = 0;
      this.byStart.push(...open);
      this.byStartHead = 0;
    } else if (this.byStartHead > 1_024 && this.byStartHead * 2 > this.byStart.length) {
      this.byStart.splice(0, this.byStartHead);
      this.byStartHead = 0;
    }
    const s: Session = {
      user,
      dueAt: this.sessionClock + logNormalFactor(rng, this.settings.gapSigma),
      n: this.counter++,
      stepsLeft: Math.max(1, Math.round(this.meanSteps * logNormalFactor(rng, this.settings.stepsSigma))),
      open: true,
      seen: null,
      cart: null,
      index: this.openList.length,
    };
    this.openList.push(s);
    this.current.set(user, s);
    this.byStart.push(s);
    this.open.push(s);
    return s;
  }

  /**
   * The session whose next step is due first, taken out of the queue until stepped(); with
   * `needsSeen`, the first of the next few that has seen a promotion (for a click).
   */
  next(rng: Rng, pool: UserPool, needsSeen = false): Session | undefined {
    this.admit(rng, pool);
    const skipped: Session[] = [];
    let found: Session | undefined;
    while (skipped.length < 4) {
      const s = this.open.pop();
      if (!s) break;
      if (!s.open || s.user.status !== 'active') {
        if (s.open) this.forget(s);
        continue;
      }
      if (!needsSeen || s.seen) {
        found = s;
        break;
      }
      skipped.push(s);
    }
    for (const s of skipped) this.open.push(s);
    if (found) this.sessionClock = Math.max(this.sessionClock, found.dueAt);
    return found;
  }

  /** A session taken by next() that did not step after all: back in the queue, due as it was. */
  putBack(s: Session): void {
    this.open.push(s);
  }

  /** The session took a step: its next is due a log-normal gap later, or it ends when none is left. */
  stepped(rng: Rng, s: Session): void {
    if (--s.stepsLeft <= 0) {
      this.end(rng, s);
      return;
    }
    s.dueAt = this.sessionClock + logNormalFactor(rng, this.settings.gapSigma);
    this.open.push(s);
  }

  /** A click: whether this user puts the product in the cart (to be bought by a later order). */
  clicked(rng: Rng, s: Session, promotion: Promotion, product: Product): void {
    const rates = s.user.rates;
    const chance = Math.min(1, (this.settings.cart * rates.orders) / Math.max(rates.activity, 1e-3));
    if (!rng.chance(chance)) return;
    s.cart = { promotion, product };
    this.carts.push(s);
    if (this.carts.length > MAX_CARTS) this.carts.shift();
  }

  /**
   * Who places an order that no cart explains: a user in a session (one has to be signed in to
   * buy): four open sessions drawn at random, one of them in proportion to its user's buying rate
   * (a softer skew than the rate alone: 9:1 rates give about 3:1); undefined when no session is
   * open or none of the drawn users buys.
   */
  buyer(rng: Rng, draws = BUYER_DRAWS): User | undefined {
    const n = this.openList.length;
    if (n === 0) return undefined;
    let total = 0;
    const drawn: User[] = [];
    for (let i = 0; i < draws; i++) {
      const u = this.openList[rng.int(n)]!.user;
      if (u.status !== 'active') continue;
      drawn.push(u);
      total += u.rates.orders;
    }
    if (total <= 0) return undefined;
    let r = rng.float() * total;
    for (const u of drawn) {
      r -= u.rates.orders;
      if (r < 0) return u;
    }
    return drawn.at(-1);
  }

  /** The most recent cart whose user is still active, taken (an order buys it); older ones wait. */
  takeCart(): Cart | undefined {
    for (let s = this.carts.pop(); s; s = this.carts.pop()) {
      const cart = s.cart;
      s.cart = null;
      if (cart && s.user.status === 'active') return { user: s.user, ...cart };
    }
    return undefined;
  }

  private end(rng: Rng, s: Session): void {
    this.forget(s);
    this.queueIdle(rng, s.user);
  }

  private forget(s: Session): void {
    s.open = false;
    if (this.current.get(s.user) === s) this.current.delete(s.user);
    if (s.index >= 0) {
      const last = this.openList.pop()!;
      if (last !== s) {
        this.openList[s.index] = last;
        last.index = s.index;
      }
      s.index = -1;
    }
  }
}
