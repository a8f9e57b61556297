// What `run --verify` and `run --consumer-ms` attach around a run: the verifying read-back (reads
// what the run writes while it writes) and the consumer-group simulator (lag per partition). Both
// start at the run's start offsets and share the run's one admin session.
import { randomBytes } from 'node:crypto';
import { DOMAIN_TOPICS, physicalTopicName } from '../catalog/topics.js';
import type { ConsumerSimReport } from '../consume/report.js';
import { startConsumerSim, type ConsumerSim } from '../consume/consumer-sim.js';
import { ExitCode } from '../errors.js';
import type { AdminSession, OffsetsByTopic } from '../kafka/admin.js';
import type { KafkaConnection } from '../kafka/client.js';
import type { RunReport } from '../report.js';
import type { AckObserver } from '../runner.js';
import type { Scenario } from '../scenarios/index.js';
import { startReadBack } from '../verify/read-back.js';
import { LiveVerification } from '../verify/session.js';

/** How long the consumer simulator may take to drain after the run, and how many partitions it works at once. */
export const CONSUMER_DEFAULTS = { concurrency: 3, drainTimeoutMs: 60_000 } as const;
/** How long reading back may take after the run. */
export const VERIFY_TIMEOUT_MS = 60_000;

export interface ConsumerCheck {
  perEventMs: number;
  concurrency: number;
  /** Catalog topics the group reads (default every domain topic). */
  topics?: readonly string[];
  drainTimeoutMs: number;
}

export interface RunChecks {
  /** Read back what the run sends, while it sends, and check delivery and order. */
  verify?: { timeoutMs: number };
  /** A consumer-group simulator on these catalog topics while the run produces (lag per partition). */
  consumer?: ConsumerCheck;
}

/** A scenario's own `consumer:` block applies unless the caller set one (--consumer-ms wins). */
export function checksWithScenarioDefaults(checks: RunChecks, scenario: Scenario): RunChecks {
  if (checks.consumer || !scenario.consumer) return checks;
  const c = scenario.consumer;
  return {
    ...checks,
    consumer: {
      perEventMs: c.perEvent,
      concurrency: c.concurrency,
      topics: c.topics,
      drainTimeoutMs: CONSUMER_DEFAULTS.drainTimeoutMs,
    },
  };
}

export const hasChecks = (c: RunChecks): boolean => c.verify !== undefined || c.consumer !== undefined;

export interface CheckContext {
  connection: KafkaConnection;
  admin: AdminSession;
  prefix: string;
  /** End offsets recorded before the run: where reading starts. */
  startOffsets: OffsetsByTopic;
  /** Physical topic -> partition count. */
  partitions: Map<string, number>;
  /** Record timestamps are recent event times (live), not a history's (backfill): latencies start there. */
  recordTimesAreRecent: boolean;
  log: (line: string) => void;
}

export interface AttachedChecks {
  /** Ack observers the runner must call (the verifier's). */
  onAck: AckObserver[];
  /** After the run: adds the verification and consumer sections; returns the exit code they imply. */
  complete(report: RunReport, endOffsets: OffsetsByTopic, exitCode: ExitCode): Promise<ExitCode>;
  /** Stops whatever is still running (on error paths). */
  abort(): Promise<void>;
}

export async function attachChecks(checks: RunChecks, ctx: CheckContext): Promise<AttachedChecks> {
  let live: LiveVerification | undefined;
  let sim: ConsumerSim | undefined;
  const abort = async () => {
    await live?.abort();
    sim?.stop();
    await sim?.done.catch(() => undefined);
  };
  try {
    if (checks.verify) {
      live = await LiveVerification.start({
        openReader: (onRecord, runId) =>
          startReadBack({
            connection: ctx.connection,
            startOffsets: ctx.startOffsets,
            runId,
            onRecord,
            deleteGroup: (id) => ctx.admin.deleteGroups([id]),
          }),
        partitions: ctx.partitions,
        producer: null,
        latencyFromRecordTime: ctx.recordTimesAreRecent,
      });
      ctx.log('verifying: reading back while sending');
    }
    if (checks.consumer) {
      const c = checks.consumer;
      sim = startConsumerSim({
        connection: ctx.connection,
        admin: ctx.admin,
        topics: (c.topics ?? DOMAIN_TOPICS).map((t) => physicalTopicName(t, ctx.prefix)),
        groupId: `sc-sim-consumer-${randomBytes(3).toString('hex')}`,
        perEventMs: c.perEventMs,
        concurrency: c.concurrency,
        // Stopped once drained after the run, or by the drain timeout.
        untilDrainedQuietMs: 1_500,
        latencyFromRecordTime: ctx.recordTimesAreRecent,
      });
      await sim.ready;
      ctx.log(`consumer simulator joined: ${c.perEventMs} ms/event, ${c.concurrency} partition(s) at once`);
    }
  } catch (err) {
    await abort();
    throw err;
  }

  return {
    onAck: live ? [live.onAck] : [],
    async complete(report, endOffsets, exitCode) {
      if (live) {
        report.verification = await live.finish(endOffsets, checks.verify!.timeoutMs, report.producer);
        live = undefined;
        if (!report.verification.passed && exitCode !== ExitCode.interrupted) exitCode = ExitCode.verificationFailed;
      }
      if (sim) {
        ctx.log('waiting for the consumer simulator to drain');
        const running = sim;
        const timer = setTimeout(() => running.stop(), checks.consumer!.drainTimeoutMs);
        try {
          report.consumer = (await running.done) satisfies ConsumerSimReport;
        } finally {
          clearTimeout(timer);
          sim = undefined;
        }
      }
      return exitCode;
    },
    abort,
  };
}
