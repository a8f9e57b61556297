// `sc-sim consume`: the consumer-group simulator on its own, against topics something else fills.
import { randomBytes } from 'node:crypto';
import { physicalTopicName } from '../catalog/topics.js';
import { summarizeConnection } from '../config.js';
import { startConsumerSim } from '../consume/consumer-sim.js';
import type { ConsumerSimReport } from '../consume/report.js';
import { withAdmin } from '../kafka/admin.js';
import type { KafkaConnection } from '../kafka/client.js';
import { checkRunTopics } from './topics.js';

export interface ConsumeRequest {
  connection: KafkaConnection;
  prefix: string;
  /** Catalog topic names. */
  topics: readonly string[];
  /** Default a fresh `sc-sim-consumer-<hex>`, deleted afterwards unless `keepGroup`. */
  groupId?: string;
  keepGroup?: boolean;
  perEventMs: number;
  concurrency: number;
  durationMs: number;
  /** Stop early once production has been quiet this long and no lag is left. */
  untilDrainedQuietMs?: number;
  fromBeginning: boolean;
  signal?: AbortSignal;
  onJoined?: (groupId: string, physicalTopics: string[]) => void;
  onSample?: (s: { tMs: number; processed: number; totalLag: number; maxLag: number }) => void;
}

export async function runConsume(req: ConsumeRequest): Promise<ConsumerSimReport> {
  return withAdmin(req.connection, async (admin) => {
    await checkRunTopics(admin, req.topics, req.prefix);
    const topics = req.topics.map((t) => physicalTopicName(t, req.prefix));
    const groupId = req.groupId ?? `sc-sim-consumer-${randomBytes(3).toString('hex')}`;
    const sim = startConsumerSim({
      connection: req.connection,
      admin,
      topics,
      groupId,
      perEventMs: req.perEventMs,
      concurrency: req.concurrency,
      durationMs: req.durationMs,
      untilDrainedQuietMs: req.untilDrainedQuietMs,
      fromBeginning: req.fromBeginning,
      signal: req.signal,
      onSample: req.onSample,
    });
    await sim.ready;
    req.onJoined?.(groupId, topics);
    const report = await sim.done;
    // A group of our own making leaves no trace; one the user named is theirs to keep.
    if (req.groupId === undefined && !req.keepGroup) await admin.deleteGroups([groupId]).catch(() => undefined);
    return { ...report, connection: summarizeConnection(req.connection) };
  });
}
