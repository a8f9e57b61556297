// Popularity and activity: how the world's picks are skewed. Each entity kind draws a fixed
// "fitness" from a Zipf law when it is created and grows by preferential attachment as it gathers
// members, sales or engagement (weight = fitness × (1 + growth × count): the fitness model of
// Bianconi and Barabási); users come in kinds (lurkers, regulars, power users, creators) with
// heavy-tailed (log-normal) activity, posting and buying rates. README "How realistic is it" cites
// where each default comes from.
import { z } from 'zod';
import type { Rng } from './rng.js';
import { zipfWeight } from './sampling.js';

export const KindPopularitySchema = z.union([
  z.literal('uniform'),
  z
    .object({
      /** Zipf exponent of the entities' fitness: the k-th most popular has weight k^-zipf. */
      zipf: z.number().min(0).max(4),
      /** Preferential attachment: weight × (1 + growth × count) (members, units sold, engagement). */
      growth: z.number().min(0).max(100).default(0),
    })
    .strict(),
]);
export type KindPopularity = z.output<typeof KindPopularitySchema>;

/** The default for every kind; each is cited in the README. */
export const DEFAULT_POPULARITY = {
  suppliers: { zipf: 1.0, growth: 0 },
  communities: { zipf: 1.0, growth: 0.02 },
  products: { zipf: 1.1, growth: 0.05 },
  posts: { zipf: 1.0, growth: 0.02 },
  promotions: { zipf: 1.0, growth: 0 },
} as const satisfies Record<string, KindPopularity>;

export const PopularitySchema = z
  .object({
    suppliers: KindPopularitySchema.default(DEFAULT_POPULARITY.suppliers),
    communities: KindPopularitySchema.default(DEFAULT_POPULARITY.communities),
    products: KindPopularitySchema.default(DEFAULT_POPULARITY.products),
    posts: KindPopularitySchema.default(DEFAULT_POPULARITY.posts),
    promotions: KindPopularitySchema.default(DEFAULT_POPULARITY.promotions),
  })
  .strict();
export type PopularityConfig = z.output<typeof PopularitySchema>;
export type PopularKind = keyof PopularityConfig;

export const USER_KINDS = ['lurker', 'regular', 'power', 'creator'] as const;
export type UserKind = (typeof USER_KINDS)[number];

const UserKindSchema = z
  .object({
    /** Share of users of this kind (the shares are normalised). */
    share: z.number().min(0),
    /** Mean relative rate of everyday activity: logins, views, clicks, joins. */
    activity: z.number().min(0),
    /** Mean relative rate of writing posts. */
    posts: z.number().min(0),
    /** Mean relative rate of placing orders. */
    orders: z.number().min(0),
  })
  .strict();

/** 90-9-1 (participation inequality) with a separate creator kind; README cites the sources. */
export const DEFAULT_USER_KINDS = {
  lurker: { share: 0.75, activity: 1, posts: 0, orders: 0.3 },
  regular: { share: 0.19, activity: 3, posts: 0.2, orders: 1 },
  power: { share: 0.05, activity: 10, posts: 2, orders: 2.5 },
  creator: { share: 0.01, activity: 8, posts: 20, orders: 1 },
} as const;

export const UserKindsSchema = z.union([
  z.literal('uniform'),
  z
    .object({
      lurker: UserKindSchema.default(DEFAULT_USER_KINDS.lurker),
      regular: UserKindSchema.default(DEFAULT_USER_KINDS.regular),
      power: UserKindSchema.default(DEFAULT_USER_KINDS.power),
      creator: UserKindSchema.default(DEFAULT_USER_KINDS.creator),
      /** σ of the log-normal spread of each user's rates around their kind's (mean kept at 1). */
      spread: z.number().min(0).max(3).default(0.7),
    })
    .strict()
    .refine((k) => USER_KINDS.some((n) => k[n].share > 0), { message: 'at least one user kind needs a share > 0' }),
]);
export type UserKindsConfig = z.output<typeof UserKindsSchema>;

/** A user's rates: everyday activity, posting and buying (relative weights, mean about 1 per kind). */
export interface UserRates {
  readonly kind: UserKind;
  readonly activity: number;
  readonly posts: number;
  readonly orders: number;
}

const UNIFORM_RATES: UserRates = { kind: 'regular', activity: 1, posts: 1, orders: 1 };

/** A standard normal draw (Box-Muller; one of the pair is used, so the stream stays simple). */
function normal(rng: Rng): number {
  const u = 1 - rng.float();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.float());
}

/** A log-normal factor with mean 1 and log-σ `sigma`. */
export function logNormalFactor(rng: Rng, sigma: number): number {
  return sigma === 0 ? 1 : Math.exp(sigma * normal(rng) - (sigma * sigma) / 2);
}

/** Draws a new user's kind and rates. */
export function drawUserRates(rng: Rng, kinds: UserKindsConfig): UserRates {
  if (kinds === 'uniform') return UNIFORM_RATES;
  let total = 0;
  for (const k of USER_KINDS) total += kinds[k].share;
  let r = rng.float() * total;
  let kind: UserKind = 'regular';
  for (const k of USER_KINDS) {
    kind = k;
    if (r < kinds[k].share) break;
    r -= kinds[k].share;
  }
  const base = kinds[kind];
  // One factor for all three rates: an active user is also the one who posts and buys more.
  const f = logNormalFactor(rng, kinds.spread);
  return { kind, activity: base.activity * f, posts: base.posts * f, orders: base.orders * f };
}

/**
 * A kind's popularity: the fitness a new entity draws and its weight once it has gathered `count`
 * (members, units sold, engagement). Fitness is the Zipf weight of a rank dealt from a shuffled deck
 * of 1..populationSize, so the initial population holds every rank once (the exact Zipf law, not a
 * noisy sample of it); the deck is dealt again for the entities that replace retired ones.
 */
export class Popularity {
  private readonly zipf: number;
  readonly growth: number;
  private readonly deck: number[] = [];

  constructor(
    settings: KindPopularity,
    private readonly populationSize: number,
  ) {
    this.zipf = settings === 'uniform' ? 0 : settings.zipf;
    this.growth = settings === 'uniform' ? 0 : settings.growth;
  }

  get uniform(): boolean {
    return this.zipf === 0 && this.growth === 0;
  }

  /** A new entity's fitness (1 when uniform: no draw, so a uniform world's streams stay as they were). */
  fitness(rng: Rng): number {
    if (this.zipf === 0) return 1;
    if (this.deck.length === 0) for (let r = Math.max(1, this.populationSize); r >= 1; r--) this.deck.push(r);
    const i = rng.int(this.deck.length);
    const rank = this.deck[i]!;
    this.deck[i] = this.deck[this.deck.length - 1]!;
    this.deck.pop();
    return zipfWeight(rank, this.zipf);
  }

  weight(fitness: number, count: number): number {
    return fitness * (1 + this.growth * count);
  }
}
