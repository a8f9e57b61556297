// The shape of saved reports, checked when one is read back (`report`, `verify --report`,
// `compare`): every field a renderer or a check reads is validated here, so a damaged or
// hand-edited file gets E_REPORT_FILE with the path of what is wrong, never a crash. Objects are
// loose (extra fields pass): additive report changes keep old readers working. A field you add
// and render must be added here too; the fuzz test in test/unit/report/schema.test.ts finds it.
import { z } from 'zod';
import { decodeHistogram } from '../metrics/histogram.js';

const num = z.number().finite();
const count = z.number().int().nonnegative();
const str = z.string();

/** An encoded HdrHistogram that really decodes (renderers decode them). */
const histogram = z.string().refine(
  (s) => {
    try {
      decodeHistogram(s);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'not an encoded HdrHistogram' },
);

const latencySummary = z.looseObject({ count, p50: num, p90: num, p99: num, p999: num, max: num, mean: num });

const topicCounters = {
  sent: count,
  acked: count,
  failed: count,
  indeterminate: count,
  // Added later: older reports have none.
  unsent: count.optional(),
  bytesSent: count,
  bytesAcked: count,
  late: count,
};
const counters = z.looseObject({ ...topicCounters, scheduled: count, dropped: count });

const phase = z.looseObject({
  totals: counters,
  ackLatencyUs: histogram,
  scheduleDelayUs: histogram,
  topics: z.record(
    str,
    z.looseObject({
      ...topicCounters,
      partitions: z.record(str, z.looseObject({ events: count, bytes: count })),
      ackLatencyUs: histogram,
      scheduleDelayUs: histogram,
    }),
  ),
  firstIntendedMs: num.nullable(),
  lastCompletedMs: num.nullable(),
  errors: z.record(str, count),
});

const seriesPoint = z.looseObject({
  second: z.number().int().nonnegative(),
  scheduled: count,
  sent: count,
  acked: count,
  errors: count,
  late: count,
  dropped: count,
});

const gapSummary = z.looseObject({ count, p10: num, p50: num, p90: num, p99: num, max: num });

const metrics = z.looseObject({
  warmupMs: num,
  lateThresholdMs: num,
  warmup: phase,
  measured: phase,
  series: z.array(seriesPoint),
  partitionSeconds: z
    .looseObject({
      firstSecondAtMs: num,
      firstSecondOffsetMs: num,
      topics: z.record(str, z.array(z.array(count))),
    })
    .optional(),
  keys: z
    .record(
      str,
      z.looseObject({
        events: count,
        distinctKeys: count,
        countsOfCounts: z.array(z.tuple([count, count])),
        hottest: z.array(z.looseObject({ key: str, events: count })),
        approximate: z.boolean(),
        errorBound: count,
      }),
    )
    .optional(),
  keySeconds: z.record(str, z.array(z.tuple([count, count, count, count]))).optional(),
  sessions: z
    .looseObject({
      sessions: count,
      withImpression: count,
      withClick: count,
      withOrder: count,
      stepsPerSession: z.array(z.tuple([count, count])),
      lengthMs: str,
      gapMs: str,
      idleMs: str,
      outsideSteps: count,
      untrackedSteps: count,
    })
    .nullable()
    .optional(),
});

const timeReport = z.looseObject({
  mode: z.enum(['live', 'backfill']),
  timeScale: num,
  history: z.looseObject({ startAt: str, endAt: str, durationMs: num }).nullable(),
  beyondRetention: z.enum(['refuse', 'clamp']).nullable(),
  firstEventAt: str.nullable(),
  lastEventAt: str.nullable(),
  clampedRecords: count,
  note: str,
});

const keyReport = z.looseObject({
  appliesTo: z.array(str),
  strategy: str,
  key: str,
  orderingScope: str,
  consumerRebuild: str,
});

const perSecondShare = z.looseObject({ p50: num, max: num, seconds: count, minEvents: count });

const keySkew = z.looseObject({
  distinctKeys: count,
  gini: num,
  top1PctShare: num,
  top10PctShare: num,
  hottest: z.array(z.looseObject({ key: str, events: count, share: num })),
  approximate: z.boolean(),
  perSecond: z.looseObject({ p50: num, max: num, distinctKeysP50: num, seconds: count, minEvents: count }).nullable(),
});

const producerMode = z.looseObject({
  acks: z.enum(['all', 'leader', 'none']),
  idempotent: z.boolean(),
  maxInFlightRequests: z.number().int().positive().nullable(),
  compression: str,
});

const latencySnapshot = latencySummary.extend({ unit: z.literal('ms'), histogramUs: histogram });

const anomalyCounts = {
  lost: count,
  duplicate: count,
  reordered: count,
  gaps: count,
  keyPartitionMoves: count,
  indeterminate: count,
  // Added later: older reports have none.
  undelivered: count.optional(),
};

const verification = z.looseObject({
  passed: z.boolean(),
  failing: z.array(str),
  producer: z.looseObject({ note: str }).nullable(),
  readBack: z.looseObject({
    records: count,
    foreign: count,
    undecodable: count,
    tookMs: num,
    pathologies: z.record(str, count).optional(),
  }),
  result: z.looseObject({
    mode: z.enum(['records', 'counts']),
    totals: z.looseObject({
      ...anomalyCounts,
      acked: count,
      consumed: count,
      indeterminateRead: count,
      failedButRead: count,
      unexpected: count,
      redelivered: count,
    }),
    partitions: z.array(
      z.looseObject({ ...anomalyCounts, topic: str, partition: z.number().int(), acked: count, consumed: count }),
    ),
    examples: z.array(
      z.looseObject({
        kind: str,
        topic: str,
        partition: z.number().int(),
        offset: num.optional(),
        key: str,
        detail: str,
      }),
    ),
    derived: z.looseObject({ records: count, keyMismatches: count, sourceReordered: count }).optional(),
    compoundKeys: z.looseObject({
      keys: count,
      entities: count,
      entitiesOnSeveralPartitions: count,
      entityOutOfOrder: count,
      records: count,
    }),
    unkeyed: z
      .looseObject({ records: count, entities: count, entitiesOnSeveralPartitions: count, entityOutOfOrder: count })
      .optional(),
    latency: latencySnapshot.nullable(),
  }),
  movedKeys: z
    .array(
      z.looseObject({
        topic: str,
        keys: count,
        explainedByRaise: count,
        examples: z.array(z.looseObject({ key: str, partitions: z.array(count), explained: z.boolean() })),
      }),
    )
    .optional(),
  hotKeys: z.array(
    z.looseObject({
      topic: str,
      events: count,
      hottest: z.array(
        z.looseObject({
          key: str,
          events: count,
          share: num,
          predictedPartition: z.number().int().nullable(),
          producedPartitions: z.array(z.number().int()),
          observedPartitions: z.array(z.number().int()),
          matchesPrediction: z.boolean().nullable(),
        }),
      ),
    }),
  ),
});

const partitionRef = z.looseObject({ topic: str, partition: z.number().int() });

/** How sc-sim connected: protocol, mechanism and user only (never a secret). */
const connectionSummary = z.looseObject({
  securityProtocol: z.enum(['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL']),
  saslMechanism: str.nullable(),
  user: str.nullable(),
});

/** The consumer simulator's report (`consume --out`, or a run's `consumer` section). */
export const ConsumerReportSchema = z.looseObject({
  kind: z.literal('sc-sim.consumer-report'),
  schemaVersion: z.literal(1),
  groupId: str,
  topics: z.array(str),
  connection: connectionSummary.optional(),
  perEventMs: num,
  concurrency: z.number().int().positive(),
  durationMs: num,
  stopReason: str,
  processed: count,
  processedRatePerSec: num,
  endToEndLatency: latencySnapshot.nullable(),
  lag: z.looseObject({
    sampleIntervalMs: num,
    partitions: z.array(partitionRef),
    samples: z.array(z.looseObject({ tMs: num, lag: z.array(num) })),
  }),
  summary: z.looseObject({
    maxPartitionLag: num,
    maxPartitionLagAt: partitionRef.nullable(),
    maxTotalLag: num,
    finalTotalLag: num,
    timeToDrainMs: num.nullable(),
    drained: z.boolean(),
    lagSkew: num.nullable(),
    partitions: z.array(partitionRef.extend({ maxLag: num, maxLagAtMs: num, finalLag: num, processed: count })),
  }),
});

const nullableNum = num.nullable();

/** `run --expect`: a derived topic the consumer under test wrote, compared with sc-sim's derivation. */
const ExpectSectionSchema = z.looseObject({
  kind: z.literal('sc-sim.expect'),
  topic: str,
  physicalTopic: str,
  passed: z.boolean(),
  read: count,
  unchecked: count,
  keysExpected: count,
  counts: z.record(str, count),
  examples: z.array(
    z.looseObject({
      kind: z.enum([
        'missing',
        'stale',
        'wrongValue',
        'outOfOrder',
        'wrongKeyOrPartition',
        'unexpected',
        'poisonNotDeadLettered',
        'goodRecordDeadLettered',
      ]),
      key: str,
      field: str.optional(),
      sourceSequence: num.optional(),
    }),
  ),
  statesKept: count,
  partial: z.boolean(),
});

/** A watched consumer group (`run --watch-group`, `sc-sim watch --out`). */
export const GroupWatchSchema = z.looseObject({
  kind: z.literal('sc-sim.group-watch'),
  groupId: str,
  topics: z.array(str),
  partitions: z.array(partitionRef),
  sampleIntervalMs: num,
  startedAt: str,
  durationMs: num,
  samples: z.array(
    z.looseObject({
      tMs: num,
      lag: z.array(num),
      timeLagMs: z.array(nullableNum),
      exact: z.array(z.boolean()),
      committedPerSec: z.array(num),
      state: str,
      members: count,
    }),
  ),
  rebalances: z.array(
    z.looseObject({
      startMs: num,
      endMs: nullableNum,
      durationMs: nullableNum,
      membersBefore: count,
      membersAfter: count,
    }),
  ),
  endToEndLatency: latencySnapshot.nullable(),
  drain: z.looseObject({
    loadStoppedAtMs: nullableNum,
    drainedAtMs: nullableNum,
    drainMs: nullableNum,
    drained: z.boolean(),
    timeoutMs: num,
  }),
  summary: z.looseObject({
    maxLag: num,
    maxLagAt: partitionRef.nullable(),
    maxTimeLagMs: nullableNum,
    maxTimeLagExact: z.boolean().nullable(),
    partitionsBuildingLag: z.array(
      partitionRef.extend({
        maxLag: num,
        hottestKeys: z.array(z.looseObject({ key: str, events: count })).optional(),
      }),
    ),
    rebalances: count,
    meanCommittedPerSec: num,
  }),
  index: z.looseObject({ peakRuns: count, approxBytes: count, evicted: count }).nullable(),
  stopReason: str,
});

const offsetsOf = z.record(str, z.string().regex(/^\d+$/, 'expected an offset as a decimal string'));

export const RunReportSchema = z.looseObject({
  schemaVersion: z.number(),
  tool: str,
  run: z.looseObject({
    id: str,
    scenario: str,
    description: str,
    plan: str,
    seed: num,
    startedAt: str,
    endedAt: str,
    durationMs: num,
    interrupted: z.boolean(),
    warmupMs: num,
    lateThresholdMs: num,
    scheduleEndMs: num.nullable().optional(),
    shard: z.looseObject({ index: z.number().int().nonnegative(), count: z.number().int().positive() }).optional(),
    shards: z
      .array(
        z.looseObject({ index: z.number().int().nonnegative(), count: z.number().int().positive(), runStartedAt: str }),
      )
      .optional(),
    startAt: str.optional(),
    stoppedBy: z.looseObject({ code: str, message: str }).optional(),
    time: timeReport.optional(),
    threads: z
      .looseObject({
        threads: z.array(z.looseObject({ thread: str, does: str, busy: num })),
        generatorThreads: z.looseObject({ threads: z.number().int().nonnegative(), why: str }).optional(),
        cpuCores: num,
        note: str,
      })
      .optional(),
  }),
  keys: z.array(keyReport).optional(),
  sink: z.looseObject({ kind: str, target: str }),
  connection: connectionSummary.optional(),
  producer: producerMode.nullable(),
  prefix: str,
  offsets: z
    .looseObject({
      topics: z.record(str, z.looseObject({ physicalTopic: str, start: offsetsOf, end: offsetsOf })),
    })
    .nullable(),
  summary: z.looseObject({
    windowStartMs: num,
    windowEndMs: num,
    durationMs: num,
    totals: counters.extend({
      achievedRatePerSec: num,
      targetRatePerSec: num.nullable(),
      achievedRateRatio: num.nullable(),
      bytesPerSec: num,
    }),
    ackLatencyMs: latencySummary,
    scheduleDelayMs: latencySummary,
    topics: z.array(
      z.looseObject({
        sent: count,
        acked: count,
        failed: count,
        indeterminate: count,
        late: count,
        topic: str,
        physicalTopic: str,
        bytes: count,
        ratePerSec: num,
        shareOfEvents: num,
        skew: num,
        ackLatencyMs: latencySummary,
        scheduleDelayMs: latencySummary,
        partitions: z.array(
          z.looseObject({
            partition: z.number().int(),
            events: count,
            bytes: count,
            ratePerSec: num,
            shareOfTopic: num,
          }),
        ),
        perSecondShare: perSecondShare.nullable().optional(),
        keySkew: keySkew.nullable().optional(),
      }),
    ),
    errors: z.record(str, count),
    hotTopics: z.array(str).optional(),
    sessions: z
      .looseObject({
        sessions: count,
        funnel: z.looseObject({ impression: num, click: num, order: num }),
        stepsPerSession: z.looseObject({ mean: num, p50: count, p90: count, max: count }),
        lengthMs: gapSummary,
        gapMs: gapSummary,
        idleMs: gapSummary,
        gapLogSigma: num.nullable(),
        outsideSteps: count,
        untrackedSteps: count,
      })
      .nullable()
      .optional(),
  }),
  warmup: z.looseObject({ totals: counters }).nullable(),
  series: z.array(seriesPoint.extend({ warmup: z.boolean() })),
  thresholds: z.array(z.looseObject({ metric: str, condition: str, actual: num.nullable(), pass: z.boolean() })),
  passed: z.boolean(),
  metrics,
  verification: verification.optional(),
  consumer: ConsumerReportSchema.optional(),
  watch: z.array(GroupWatchSchema).optional(),
  expect: z.array(ExpectSectionSchema).optional(),
  brokers: z
    .looseObject({
      brokers: z.array(
        z.looseObject({
          nodeId: z.number().int(),
          address: str,
          leadersAtStart: count,
          leadersAtEnd: count,
          events: count,
          bytes: count,
          shareOfEvents: num,
          peakEventsPerSec: count,
          disk: z.looseObject({ bytes: count, ledBytes: count, growthBytes: z.number().int().nullable() }).optional(),
        }),
      ),
      seconds: z.array(z.looseObject({ second: count, events: z.array(count), bytes: z.array(count) })),
      leaderChanges: z.array(
        z.looseObject({ atMs: num, topic: str, partition: count, from: z.number().int(), to: z.number().int() }),
      ),
      sampleEveryMs: num,
      failedSamples: count,
      note: str,
      logDirs: z.looseObject({ read: z.boolean(), note: str }).optional(),
    })
    .optional(),
  partitionChanges: z
    .array(
      z.looseObject({
        topic: str,
        physicalTopic: str,
        from: count,
        to: count,
        // Absent in reports of schema 1.x before sc-sim followed raised counts: read as "not followed".
        followedAfterMs: num.nullable().optional(),
      }),
    )
    .optional(),
  delivery: z
    .looseObject({
      deliveryTimeoutMs: num,
      backlog: z.looseObject({ limitEvents: count, peakEvents: count, peakBytes: count }),
      retries: z.looseObject({ batches: count, attempts: count, errors: z.record(str, count) }),
      expired: z.looseObject({ batches: count, events: count }),
      undelivered: z.looseObject({
        events: count,
        entities: count,
        listed: z.array(
          z.looseObject({
            topic: str,
            entityId: str,
            failed: count,
            indeterminate: count,
            unsent: count,
            sequences: z.array(z.number().int()),
          }),
        ),
      }),
    })
    .optional(),
});

/** The first few problems of a failed parse, as `path: message` lines. */
export function describeIssues(error: z.ZodError, max = 8): string[] {
  const lines = error.issues.slice(0, max).map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
  if (error.issues.length > max) lines.push(`… and ${error.issues.length - max} more`);
  return lines;
}
