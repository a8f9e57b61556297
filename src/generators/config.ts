// Parameters of a simulated world: seed, population sizes and event mix. Scenarios embed this
// object under `world:`; it is validated with zod so every problem is reported with its path.
import { z } from 'zod';
import { DurationSchema, PositiveDurationSchema } from '../runner/duration.js';
import { DEFAULT_USER_KINDS, PopularitySchema, UserKindsSchema } from './popularity.js';
import { CascadeSchema } from './cascade.js';
import { DEFAULT_SESSIONS, SessionsSchema } from './sessions.js';

/** A flash sale as a world event (flash-sale.ts). */
export const FlashSaleSchema = z
  .object({
    /** When the sale opens, after the world's first instant (world time: divided by timeScale). */
    at: DurationSchema,
    /** How long it lasts. */
    duration: PositiveDurationSchema,
    /** Pick-weight multiplier of the sale's promotion and products while it lasts. */
    boost: z.number().min(1).max(10_000).default(20),
  })
  .strict();
export type FlashSaleSettings = z.output<typeof FlashSaleSchema>;

export const PopulationSchema = z
  .object({
    /** Users created up front (consumers and leaders); more register during the run. */
    users: z.number().int().min(1).default(200),
    /** Share of users who are community leaders. */
    leaderShare: z.number().min(0).max(1).default(0.1),
    suppliers: z.number().int().min(1).default(20),
    communities: z.number().int().min(1).default(15),
    products: z.number().int().min(1).default(100),
    promotions: z.number().int().min(0).default(10),
    posts: z.number().int().min(0).default(50),
  })
  .strict();

export const WorldConfigSchema = z
  .object({
    /** Run seed; the same seed gives byte-identical events. Omitted: chosen at random and printed. */
    seed: z.number().int().min(0).max(0xffffffff).optional(),
    population: PopulationSchema.prefault({}),
    /**
     * Relative weights of activity, in "share points" (the defaults sum to 100, see
     * generators/mix.ts). Keys are entity families (`order`, `promotion`, …): the family's default
     * type weights are rescaled to that total; or single event types (`promotion.impression`,
     * `user.login_failed`): that type's weight. Unnamed ones keep their defaults, a weight of 0
     * turns an activity off. Types that only follow another event (e.g. `promotion.converted`)
     * have no weight of their own.
     */
    mix: z.record(z.string(), z.number().min(0)).default({}),
    /**
     * Focus a share of a family's high-volume events on one entity: e.g.
     * `{ promotion: 0.9 }` sends 90% of impressions/clicks (and attributed orders) to one "viral"
     * promotion that stays active for the whole run; `{ post: 0.5 }` half of post.stats_changed.
     */
    hot: z
      .object({
        promotion: z.number().min(0).max(1).optional(),
        post: z.number().min(0).max(1).optional(),
      })
      .strict()
      .prefault({}),
    /**
     * How picks are skewed per entity kind: `{ zipf: s, growth: g }` (fitness k^-s, grown by
     * preferential attachment) or `uniform`. Defaults are heavy-tailed (README "How realistic is it").
     */
    popularity: PopularitySchema.prefault({}),
    /** User kinds (lurker, regular, power, creator) with their shares and rates, or `uniform`. */
    userKinds: UserKindsSchema.default({ ...DEFAULT_USER_KINDS, spread: 0.7 }),
    /**
     * A flash sale as a world event: from `at` after the world's first instant, for `duration`, the
     * sale's promotion (an active one) and its products weigh `boost` times more in every pick.
     */
    flashSale: FlashSaleSchema.optional(),
    /**
     * A self-exciting viral cascade on the viral promotion (cascade.ts): a spark at `at`, then each
     * impression or click it gets brings more, decaying; `hot.promotion` is its baseline share.
     */
    cascade: z.object({ promotion: CascadeSchema.optional() }).strict().prefault({}),
    /**
     * Sessions (sessions.ts): a login opens one, its impressions, clicks and some orders follow
     * with log-normal gaps, then a log-normal idle time; `off`: every pick independent.
     */
    sessions: SessionsSchema.default(DEFAULT_SESSIONS),
    /** Simulated time that passes per event (mean), so days of platform life fit in a short run. */
    simMsPerEvent: z.number().positive().default(2_000),
    /** Simulated start instant (ISO-8601). */
    startAt: z.iso.datetime().default('2026-01-01T00:00:00.000Z'),
  })
  .strict();

export type WorldConfigInput = z.input<typeof WorldConfigSchema>;
/** Parsed settings; `mix` may name a subset of the types (a scenario's enum-keyed mix is one). */
export type WorldConfig = Omit<z.output<typeof WorldConfigSchema>, 'mix'> & {
  mix: Readonly<Partial<Record<string, number>>>;
};
