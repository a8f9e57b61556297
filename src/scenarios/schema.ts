// The schema of scenarios.yaml: named scenarios, each inert data (world, load shape, keys,
// producer settings, pacing, thresholds). No broker addresses: those come from flags/env.
// Descriptions are written with .describe() so they reach the JSON Schema (editor hovers).
import { z } from 'zod';
import { EVENT_TYPES } from '../catalog/events.js';
import { EntityTypes } from '../envelope.js';
import { DOMAIN_TOPICS } from '../catalog/topics.js';
import { KeyStrategySchema } from '../records/keys.js';
import { WorldConfigSchema, isDerivedType, resolveMix } from '../generators/index.js';
import { isScSimError } from '../errors.js';
import { DurationSchema } from '../runner/duration.js';
import { ExecutorSchema, executorDurationMs } from '../runner/executors.js';
import { ThresholdsSchema } from '../report/thresholds.js';

export const ProducerSchema = z
  .object({
    acks: z
      .enum(['all', 'leader', 'none'])
      .default('all')
      .describe('all = every in-sync replica (-1), leader = the leader only (1), none = fire and forget (0)'),
    compression: z
      .enum(['none', 'gzip'], {
        error: 'expected none or gzip (lz4, snappy and zstd would need codec packages sc-sim does not ship)',
      })
      .default('none'),
    idempotent: z
      .boolean()
      .default(true)
      .describe('no duplicates or reordering on retry: batches go out one at a time, in order, with sequence numbers'),
    maxInFlightRequests: z
      .number()
      .int()
      .min(1)
      .nullable()
      .default(null)
      .describe(
        'stated in the report (ordering guarantees); what is really in flight is bounded by inFlightBatches. null = unbounded',
      ),
    batchMaxEvents: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .default(1_000)
      .describe('a batch is sent once it holds this many events…'),
    batchMaxBytes: z
      .number()
      .int()
      .min(1_024)
      .default(900_000)
      .describe("…or this many bytes of keys + values (stay under the broker's message.max.bytes, 1 MiB by default)…"),
    linger: DurationSchema.default(5).describe('…or its first event has waited this long'),
    inFlightBatches: z
      .number()
      .int()
      .min(1)
      .max(1_000)
      .optional()
      .describe(
        'batches handed to the producer and not yet acked, at most (default 1 when idempotent — they go out one at a time; more are encoded ahead — else 5)',
      ),
    timeout: DurationSchema.default(30_000).describe('how long the broker may take to ack a request'),
    deliveryTimeout: DurationSchema.default(120_000).describe(
      "how long a batch may take from being queued to being acked, retries included (the Java producer's delivery.timeout.ms); past it its events count as failed",
    ),
    worker: z
      .boolean()
      .default(false)
      .describe(
        'run the Kafka producer on a worker thread, so encoding and the network use another core than generation; off by default: with the broker on the same two cores it gained nothing measurable and cost ~5 µs CPU and ~90 MiB per run (README, Performance)',
      ),
  })
  .strict()
  .refine((p) => !(p.idempotent === true && p.acks !== undefined && p.acks !== 'all'), {
    path: ['acks'],
    message: 'an idempotent producer needs acks: all (or set idempotent: false)',
    // Checked even when another setting of the block is wrong, so every problem is reported at once.
    when: (payload) => typeof payload.value === 'object' && payload.value !== null,
  })
  // An idempotent producer sends one batch at a time: more batches in flight would only wait in
  // the producer (hidden from schedule delay) instead of merging here; the bench sets 4 to encode ahead.
  .transform((p) => ({ ...p, inFlightBatches: p.inFlightBatches ?? (p.idempotent ? 1 : 5) }));
export type ProducerSettings = z.output<typeof ProducerSchema>;

export const PacingSchema = z
  .object({
    lateAfter: DurationSchema.default(100).describe(
      'a record sent more than this after its intended time counts as late',
    ),
    maxBacklog: z
      .number()
      .int()
      .min(1)
      .default(50_000)
      .describe('records generated and waiting to be sent, at most; beyond it due events are counted as dropped'),
  })
  .strict();

/** Entity families (`promotion`) and catalog event types (`promotion.impression`): what `keys` may name. */
export const ACTIVITY_NAMES: readonly string[] = [...EntityTypes, ...EVENT_TYPES];
/** What `world.mix` may name: derived types (e.g. inventory_reserved, caused by orders) have no weight of their own. */
export const MIX_NAMES: readonly string[] = ACTIVITY_NAMES.filter((n) => !isDerivedType(n));
// Enums (not free text) so editors complete the names and typos are reported with a line number.
const enumOf = (names: readonly string[]) => z.enum(names as [string, ...string[]]);

/** The world as the generators define it, with mix keys checked against the catalog. */
const ScenarioWorldSchema = WorldConfigSchema.extend({
  mix: z
    .partialRecord(enumOf(MIX_NAMES), z.number().min(0))
    .default({})
    .describe(
      'relative weights (share points, defaults sum to 100) by family or event type; unnamed ones keep their defaults, 0 turns one off',
    ),
}).superRefine((world, ctx) => {
  // A mix that turns everything off is caught here, with its line, not when a run starts.
  try {
    resolveMix(world.mix);
  } catch (err) {
    if (!isScSimError(err)) throw err;
    ctx.addIssue({ code: 'custom', path: ['mix'], message: `${err.message}: ${err.hint ?? ''}`.replace(/: $/, '') });
  }
});

/** A consumer-group simulator run alongside the scenario (what `run --consumer-ms` sets from the CLI). */
export const ConsumerSimSchema = z
  .object({
    perEvent: DurationSchema.describe('simulated processing cost per event, e.g. 1ms'),
    concurrency: z.number().int().min(1).max(64).default(3).describe('partitions processed at once'),
    topics: z
      .array(enumOf(DOMAIN_TOPICS))
      .min(1)
      .optional()
      .describe('catalog topics the consumer group reads (default: every domain topic)'),
  })
  .strict();

export const ScenarioSchema = z
  .object({
    description: z.string().min(1).describe('what this scenario is for, in a sentence or two'),
    world: ScenarioWorldSchema.prefault({}),
    load: ExecutorSchema.describe('the load shape: constant-rate, ramping-rate or unthrottled'),
    warmup: DurationSchema.default(0).describe(
      'events intended in this first part are excluded from the summary and thresholds',
    ),
    keys: z
      .partialRecord(enumOf(ACTIVITY_NAMES), KeyStrategySchema)
      .default({})
      .describe(
        'record key strategy per event type or family (entity, or compound with a time bucket); default entity',
      ),
    producer: ProducerSchema.prefault({}),
    pacing: PacingSchema.prefault({}),
    thresholds: ThresholdsSchema.default({}).describe(
      'pass/fail conditions on the post-warm-up summary, e.g. ack_latency_p99_ms: "< 50"',
    ),
    consumer: ConsumerSimSchema.optional().describe(
      'run a consumer group with this per-event cost during the run and report lag per partition (--consumer-ms overrides)',
    ),
  })
  .strict()
  .superRefine((s, ctx) => {
    const durationMs = executorDurationMs(s.load);
    if (s.warmup > 0 && durationMs !== undefined && s.warmup >= durationMs) {
      ctx.addIssue({
        code: 'custom',
        path: ['warmup'],
        message: 'the warm-up is as long as the whole run: nothing would be measured',
      });
    }
  });
export type Scenario = z.output<typeof ScenarioSchema>;

export const SCENARIO_NAME = /^[a-z0-9][a-z0-9-]*$/;

export const ScenariosFileSchema = z
  .object({
    scenarios: z.record(
      z.string().regex(SCENARIO_NAME, { message: 'scenario names are lower-case words joined by "-"' }),
      ScenarioSchema,
    ),
  })
  .strict();
export type ScenariosFile = z.output<typeof ScenariosFileSchema>;
