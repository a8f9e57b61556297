// The simulated world: builds the initial population, then an endless stream of activity picked by
// the configured mix. Pure and deterministic: no I/O, no wall clock, no Math.random (only the seed
// itself is drawn from crypto when the config has none, and it is reported back).
import { randomInt } from 'node:crypto';
import { ScSimError } from '../errors.js';
import { bootstrap } from './bootstrap.js';
import { WorldConfigSchema, type WorldConfig, type WorldConfigInput } from './config.js';
import { COMMUNITY_ACTIONS } from './families/communities.js';
import { ORDER_ACTIONS } from './families/orders.js';
import { POST_ACTIONS } from './families/posts.js';
import { PRODUCT_ACTIONS } from './families/products.js';
import { PROMOTION_ACTIONS } from './families/promotions.js';
import { SUPPLIER_ACTIONS } from './families/suppliers.js';
import { USER_ACTIONS } from './families/users.js';
import type { Action } from './families/util.js';
import { FlashSale, type FlashSaleWindow } from './flash-sale.js';
import { resolveMix, type ResolvedMix, type RootType } from './mix.js';
import { SessionBook } from './sessions.js';
import { buildPools, type Pools } from './pools.js';
import { deriveSeed32, type Rng } from './rng.js';
import { Sim } from './sim.js';
import type { EventStream, Shard, SimEvent } from './types.js';
import type { Family } from '../catalog/events.js';

export interface WorldOptions {
  runId: string;
  /** Pre-built value pools for this seed (the benchmark times pool building separately). */
  pools?: Pools;
  /**
   * This process's part of a sharded run: a world of its own (population divided by the shard
   * count, seed derived from the run seed and the shard), whose ids are stamped with the shard so
   * they never collide with another shard's. Every entity lives in one shard, so per-entity order
   * and sequences hold; references stay inside the shard.
   */
  shard?: Shard;
  /**
   * World durations (lock-outs, suspensions, promotion schedules) pass this many times faster than
   * the stream's clock (default 1: a 15-minute lock-out lasts 15 minutes of event time).
   */
  timeScale?: number;
}

/** Live entity counts and queue length: what the world holds in memory right now. */
export interface WorldStats {
  readonly users: number;
  readonly suppliers: number;
  readonly communities: number;
  readonly products: number;
  readonly promotions: number;
  readonly posts: number;
  /** Orders not yet forgotten (in flight, or finished but still refundable). */
  readonly orders: number;
  readonly memberships: number;
  readonly queued: number;
  /** Simulated now (ms since the epoch). */
  readonly nowMs: number;
  /** `bootstrap` while the initial population is being created, then `activity`. */
  readonly phase: 'bootstrap' | 'activity';
}

export interface WorldStream extends EventStream {
  readonly config: WorldConfig;
  /**
   * Whether the next event is already decided: a consequence the last action queued (a cascade's
   * next event), which happens at that action's instant rather than at a new one.
   */
  hasQueued(): boolean;
  stats(): WorldStats;
  /** The flash sale's window, promotion and products once it opened (null before, or without one). */
  flashSale(): FlashSaleWindow | null;
}

/** Parses a world config, reporting every problem with its path (E_CONFIG). */
export function parseWorldConfig(input: WorldConfigInput, where = 'world'): WorldConfig {
  const parsed = WorldConfigSchema.safeParse(input);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => `${[where, ...i.path.map(String)].join('.')}: ${i.message}`);
    throw new ScSimError(
      'E_CONFIG',
      `invalid world configuration (${details.length} problem${details.length > 1 ? 's' : ''})`,
      {
        details,
        hint: 'see the `world:` section of the scenario documentation for the allowed keys and ranges',
      },
    );
  }
  return parsed.data;
}

/** The family tables: every root event type's action, by family. */
const ACTIONS: Readonly<Record<Family, Partial<Record<RootType, Action>>>> = {
  user: USER_ACTIONS,
  supplier: SUPPLIER_ACTIONS,
  community: COMMUNITY_ACTIONS,
  product: PRODUCT_ACTIONS,
  promotion: PROMOTION_ACTIONS,
  post: POST_ACTIONS,
  order: ORDER_ACTIONS,
};

interface FamilyRunner {
  readonly family: Family;
  readonly rng: Rng;
  readonly actions: readonly Action[];
  /** Cumulative type weights, for a binary-search-free linear pick (at most 15 entries). */
  readonly cumulative: readonly number[];
}

function cumulative(weights: readonly number[]): number[] {
  let sum = 0;
  return weights.map((w) => (sum += w));
}

function pickIndex(rng: Rng, cum: readonly number[]): number {
  const r = rng.float() * cum[cum.length - 1]!;
  for (let i = 0; i < cum.length - 1; i++) if (r < cum[i]!) return i;
  return cum.length - 1;
}

/** Failed attempts in a row after which the mix is declared unable to produce events. */
const MAX_IDLE_ATTEMPTS = 5_000;

/**
 * The activity scheduler: each call runs one action that emits. It draws the family from the
 * scheduler's stream and the type from the family's stream, so a family's sequence of actions does
 * not depend on the other families' weights.
 */
function scheduler(sim: Sim, mix: ResolvedMix): () => void {
  const enabled = mix.families.filter((f) => f.total > 0);
  const runners: FamilyRunner[] = enabled.map((f) => ({
    family: f.family,
    rng: sim.rng[f.family],
    actions: f.types.map((t) => ACTIONS[f.family][t]!),
    cumulative: cumulative(f.weights),
  }));
  const familyCumulative = cumulative(enabled.map((f) => f.total));

  return function act(): void {
    for (let attempt = 0; attempt < MAX_IDLE_ATTEMPTS; attempt++) {
      const runner = runners[pickIndex(sim.schedulerRng, familyCumulative)]!;
      for (let t = 0; t < 4; t++) {
        const action = runner.actions[pickIndex(runner.rng, runner.cumulative)]!;
        if (sim.attempt(action, runner.rng)) return;
      }
    }
    throw new ScSimError(
      'E_CONFIG',
      `the event mix cannot produce events: ${MAX_IDLE_ATTEMPTS} attempts in a row found no eligible entity`,
      {
        details: [`enabled types: ${mix.families.flatMap((f) => f.types).join(', ')}`],
        hint: 'enable the types that create entities (e.g. user.created, order.created) or the lifecycle steps before the ones you enabled',
      },
    );
  };
}

/** Impressions and clicks per login in the mix: what a session carries on average (at least 1). */
function stepsPerLogin(mix: ResolvedMix): number {
  const w = mix.weightOf;
  const logins = w['user.login_succeeded'];
  const steps = w['promotion.impression'] + w['promotion.clicked'];
  return logins > 0 ? Math.max(1, steps / logins) : Math.max(1, steps);
}

/** A world from raw settings (parsed and checked here; E_CONFIG lists every problem). */
export function createWorld(input: WorldConfigInput, opts: WorldOptions): WorldStream {
  return worldFromConfig(parseWorldConfig(input), opts);
}

/** A world from settings parsed already (a scenario's world, parsed with its scenario). */
export function worldFromConfig(config: WorldConfig, opts: WorldOptions): WorldStream {
  // One shard of one is the whole world: nothing stamped, the same stream as without sharding.
  const shard = opts.shard && opts.shard.count > 1 ? opts.shard : undefined;
  if (opts.shard) config = shardConfig(config, opts.shard);
  const seed = config.seed ?? randomInt(0, 0xffffffff);
  const mix = resolveMix(config.mix);
  const sim = new Sim(config, seed, opts.runId, opts.pools ?? buildPools(seed), shard, opts.timeScale);
  if (config.sessions !== 'off') sim.sessions = new SessionBook(config.sessions, stepsPerLogin(mix));
  const act = scheduler(sim, mix);
  const sale = config.flashSale ? new FlashSale(config.flashSale) : null;
  const boot = bootstrap(sim);
  let booting = true;

  function next(atMs?: number): SimEvent {
    if (atMs !== undefined) sim.setTime(atMs);
    while (!sim.hasQueued()) {
      if (booting && boot.next().done) booting = false;
      if (!booting) {
        sale?.update(sim);
        act();
      }
    }
    return sim.takeQueued();
  }

  return {
    seed,
    runId: opts.runId,
    config,
    next,
    hasQueued: () => sim.hasQueued(),
    flashSale: () => sale?.window ?? null,
    stats: () => ({
      users: sim.users.population.live,
      suppliers: sim.suppliers.population.live,
      communities: sim.communities.population.live,
      products: sim.products.population.live,
      promotions: sim.promotions.population.live,
      posts: sim.posts.population.live,
      orders: sim.orders.live,
      memberships: sim.communities.membershipCount(),
      queued: sim.queuedCount,
      nowMs: sim.nowMs,
      phase: booting ? 'bootstrap' : 'activity',
    }),
  };
}

/** Shard `index` of `count`: its own seed (derived from the run's) and its share of the population. */
export function shardConfig(config: WorldConfig, shard: Shard): WorldConfig {
  if (!Number.isInteger(shard.count) || shard.count < 1 || shard.count > 65_536) {
    throw new RangeError(`a run has 1 to 65536 shards, not ${shard.count}`);
  }
  if (!Number.isInteger(shard.index) || shard.index < 0 || shard.index >= shard.count) {
    throw new RangeError(`shard index ${shard.index} is not in 0..${shard.count - 1}`);
  }
  if (shard.count === 1) return config;
  const share = (n: number, min: number) => Math.max(min, Math.ceil(n / shard.count));
  const p = config.population;
  return {
    ...config,
    seed: config.seed === undefined ? undefined : shardSeed(config.seed, shard),
    population: {
      ...p,
      users: share(p.users, 1),
      suppliers: share(p.suppliers, 1),
      communities: share(p.communities, 1),
      products: share(p.products, 1),
      promotions: share(p.promotions, 0),
      posts: share(p.posts, 0),
    },
  };
}

/** A shard's world seed: a hash of (run seed, shard index, shard count), the same on every machine. */
export function shardSeed(seed: number, shard: Shard): number {
  return deriveSeed32(seed, `shard:${shard.index}/${shard.count}`);
}
