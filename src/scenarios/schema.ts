// The schema of scenarios.yaml: named scenarios, each inert data (world, load shape, time mode,
// keys, producer settings, pacing, thresholds). No broker addresses: those come from flags/env.
// Descriptions are written with .describe() so they reach the JSON Schema (editor hovers).
import { z } from 'zod';
import { EVENT_CATALOG, EVENT_TYPES } from '../catalog/events.js';
import { EntityTypes } from '../envelope.js';
import { TOPICS } from '../catalog/topics.js';
import { KeyStrategySchema, type KeyStrategy } from '../records/keys.js';
import { WorldConfigSchema, isDerivedType, resolveMix } from '../generators/index.js';
import { isScSimError } from '../errors.js';
import { DurationSchema } from '../runner/duration.js';
import { ExecutorSchema, executorDurationMs, type ExecutorConfig } from '../runner/executors.js';
import { formatDurationMs } from '../runner/duration.js';
import { LIVE_DEFAULT, TimeSchema, eventTimedTopics, topicsBeyondRetention } from '../runner/time-mode.js';
import { MAX_SHAPED_QUARTER_HOURS } from '../runner/time-shape.js';
import { ThresholdsSchema } from '../report/thresholds.js';
import { TopicSelectionSchema, resolveTopics, topicSelectionProblems, type TopicSelection } from './topics.js';

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
      .describe(
        'no duplicates or reordering on retry: batches carry sequence numbers, and a retried one is resent before anything after it lands',
      ),
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
        "batches handed to the producer and not yet acked, at most (default 5, the Java producer's max.in.flight.requests.per.connection; idempotent, at most 5 are on the wire and more are encoded ahead)",
      ),
    timeout: DurationSchema.default(30_000).describe('how long the broker may take to ack a request'),
    deliveryTimeout: DurationSchema.default(120_000).describe(
      "how long a batch may take from being queued to being acked, retries included (the Java producer's delivery.timeout.ms); past it its events count as failed",
    ),
    metadataMaxAge: DurationSchema.refine((ms) => ms >= 1_000, { message: 'at least 1s' })
      .default(300_000)
      .describe(
        "how often partition counts are read again while a run writes (the producer's metadata.max.age.ms, 5 min by default in Kafka and kafkajs): a count raised meanwhile is followed from then on, and keys move as they would with your producers",
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
  // Idempotent sends are pipelined (kafka/producer/producer.ts), up to 5 on the wire as Kafka allows.
  .transform((p) => ({ ...p, inFlightBatches: p.inFlightBatches ?? 5 }));
export type ProducerSettings = z.output<typeof ProducerSchema>;

/** At most this many generation threads (more would only split the world finer). */
export const MAX_GENERATOR_THREADS = 16;
const THREADS_ERROR = { error: `expected a whole number of threads from 0 to ${MAX_GENERATOR_THREADS}, or auto` };

export const GeneratorSchema = z
  .object({
    threads: z
      .union(
        [
          z.number().int(THREADS_ERROR).min(0, THREADS_ERROR).max(MAX_GENERATOR_THREADS, THREADS_ERROR),
          z.literal('auto'),
        ],
        THREADS_ERROR,
      )
      .default(0)
      .describe(
        "worker threads that generate and serialize the world's events, so the main thread keeps only the runner and the producer: 0 = none, the main thread generates; 1 = one worker thread, the same stream as 0 for a seed; N = the world split into N shards, one per thread, as a sharded run splits it across pods (the same seed and N give the same stream); auto = the cores free when the run starts less the main thread's (0 when none is free)",
      ),
  })
  .strict();
export type GeneratorSettings = z.output<typeof GeneratorSchema>;

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

/** The world's own clock (used by samples and library use, not by runs): its defaults. */
const WORLD_CLOCK_DEFAULTS = WorldConfigSchema.parse({});

/** The world as the generators define it, with mix keys checked against the catalog. */
const ScenarioWorldSchema = WorldConfigSchema.extend({
  mix: z
    .partialRecord(enumOf(MIX_NAMES), z.number().min(0))
    .default({})
    .describe(
      'relative weights (share points, defaults sum to 100) by family or event type; unnamed ones keep their defaults, 0 turns one off',
    ),
}).superRefine((world, ctx) => {
  // A run's events take their time from its time mode (live or backfill), never from the world's
  // own clock: these settings would be silently ignored, so they are refused with their line.
  for (const key of ['simMsPerEvent', 'startAt'] as const) {
    if (world[key] !== WORLD_CLOCK_DEFAULTS[key]) {
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `a run's event times come from its time mode (time: live | backfill), not from world.${key}: remove it`,
      });
    }
  }
  // A mix that turns everything off is caught here, with its line, not when a run starts.
  try {
    resolveMix(world.mix);
  } catch (err) {
    if (!isScSimError(err)) throw err;
    ctx.addIssue({ code: 'custom', path: ['mix'], message: `${err.message}: ${err.hint ?? ''}`.replace(/: $/, '') });
  }
});

const share = (what: string) =>
  z.number().min(0).max(0.5).optional().describe(`share of domain records (0–0.5) followed by ${what}`);

/** Opt-in data pathologies for testing consumers; each record carries an sc-pathology header. */
export const PathologiesSchema = z
  .object({
    duplicate: share('an identical copy (same event_id) right after it'),
    late: share('a copy sent again 1,000 records later, its event time behind the stream'),
    poison: share('a poison record on the same topic and key: a value that is not valid JSON'),
  })
  .strict()
  .default({})
  .describe(
    'deliberately abnormal records, labelled sc-pathology: duplicate|late|poison; the verifier counts them apart',
  );
export type Pathologies = z.output<typeof PathologiesSchema>;

/** A consumer-group simulator run alongside the scenario (what `run --consumer-ms` sets from the CLI). */
export const ConsumerSimSchema = z
  .object({
    perEvent: DurationSchema.describe('simulated processing cost per event, e.g. 1ms'),
    concurrency: z.number().int().min(1).max(64).default(3).describe('partitions processed at once'),
    topics: z
      .array(enumOf(TOPICS.map((t) => t.name)))
      .min(1)
      .optional()
      .describe('catalog topics the consumer group reads (default: every domain topic)'),
  })
  .strict();

export const ScenarioSchema = z
  .object({
    description: z.string().min(1).describe('what this scenario is for, in a sentence or two'),
    world: ScenarioWorldSchema.prefault({}),
    topics: TopicSelectionSchema,
    pathologies: PathologiesSchema,
    load: ExecutorSchema.describe('the load shape: constant-rate, ramping-rate or unthrottled'),
    warmup: DurationSchema.default(0).describe(
      'events intended in this first part are excluded from the summary and thresholds',
    ),
    time: TimeSchema.default(LIVE_DEFAULT).describe(
      'live (default): occurred_at is the wall clock; backfill: a history of a chosen length ending now, written as fast as the sink takes it',
    ),
    keys: z
      .partialRecord(enumOf(ACTIVITY_NAMES), KeyStrategySchema)
      .default({})
      .describe(
        'record key strategy per event type or family: entity (default), compound (time bucket), salted, or none',
      ),
    producer: ProducerSchema.prefault({}),
    generator: GeneratorSchema.prefault({}),
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
    for (const message of topicSelectionProblems(s.topics)) ctx.addIssue({ code: 'custom', path: ['topics'], message });
    const durationMs = executorDurationMs(s.load);
    if (s.warmup > 0 && durationMs !== undefined && s.warmup >= durationMs) {
      ctx.addIssue({
        code: 'custom',
        path: ['warmup'],
        message: 'the warm-up is as long as the whole run: nothing would be measured',
      });
    }
    checkBackfill(s.time, s.load, s.topics, ctx);
    checkShapedLive(s.time, s.load, ctx);
    checkSaltFields(s.keys, ctx);
  });

/** A live rate shaped by a daily curve needs a rate and a length to shape. */
function checkShapedLive(time: z.output<typeof TimeSchema>, load: ExecutorConfig, ctx: z.RefinementCtx): void {
  if (time.mode !== 'live' || time.shape === 'flat') return;
  if (load.executor === 'unthrottled') {
    ctx.addIssue({
      code: 'custom',
      path: ['time', 'shape'],
      message: 'an unthrottled load has no rate for the daily curve to shape: use constant-rate or ramping-rate',
    });
  } else if (load.executor === 'constant-rate' && load.duration === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['load', 'count'],
      message:
        'a rate shaped by the daily curve sends as many events as its hours call for: give a duration, not a count',
    });
  }
  const durationMs = executorDurationMs(load) ?? 0;
  const quarterHours = (durationMs * time.timeScale) / 900_000;
  if (quarterHours > MAX_SHAPED_QUARTER_HOURS) {
    ctx.addIssue({
      code: 'custom',
      path: ['time', 'timeScale'],
      message: `the run would pass ${Math.round(quarterHours).toLocaleString('en-US')} quarter hours of the daily curve (at most ${MAX_SHAPED_QUARTER_HOURS.toLocaleString('en-US')}): lower timeScale or shorten the run`,
    });
  }
}

/** A backfill spreads a known number of events over its history, within the topics' retention (or clamped). */
function checkBackfill(
  time: z.output<typeof TimeSchema>,
  load: ExecutorConfig,
  topics: TopicSelection,
  ctx: z.RefinementCtx,
): void {
  if (time.mode !== 'backfill') return;
  if (load.executor === 'unthrottled' && load.count === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['load'],
      message: 'a backfill spreads a known number of events over its history: give the unthrottled load a count',
    });
  }
  const beyond = topicsBeyondRetention(time.history, eventTimedTopics(resolveTopics(topics)));
  if (beyond.length > 0 && time.beyondRetention === 'refuse') {
    const first = beyond[0]!;
    ctx.addIssue({
      code: 'custom',
      path: ['time', 'history'],
      message: `a ${formatDurationMs(time.history)} history reaches past ${first.topic}'s ${formatDurationMs(first.retentionMs)} retention (less 1h): its oldest events would be deleted at once; shorten the history or set beyondRetention: clamp`,
    });
  }
}

/** A salted key hashes a field every event type it applies to has. */
function checkSaltFields(keys: Readonly<Partial<Record<string, KeyStrategy>>>, ctx: z.RefinementCtx): void {
  for (const [name, k] of Object.entries(keys)) {
    if (k?.strategy !== 'salted' || k.by === 'event_id') continue;
    const types = EVENT_CATALOG.filter((e) => e.type === name || e.family === name);
    const missing = types.filter((e) => !(k.by in e.fields)).map((e) => e.type);
    if (missing.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['keys', name, 'by'],
        message: `${missing.join(', ')} ha${missing.length === 1 ? 's' : 've'} no payload field ${k.by} to salt by (use a field they have, or event_id)`,
      });
    }
  }
}
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
