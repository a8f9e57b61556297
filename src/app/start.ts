// `sc-sim start` (what `npm start` runs): a seeded dev cluster from nothing — the local broker if
// none answers, the catalog's topics, then the default scenario.
import { withAdmin } from '../kafka/admin.js';
import type { KafkaConnection } from '../kafka/client.js';
import { isBrokerAnswering, kafkaUp } from '../kafka/local/index.js';
import type { TopicPlan } from '../topics/plan.js';
import type { ResolvedConnection } from './connection.js';
import { applyFailureError, applyTopicCatalog, readTopicPlan, type ApplyResult } from './topics.js';

/**
 * The connection to use: a cluster named by flags, environment or --command-config as given (with
 * its security settings); otherwise the local broker, started when silent.
 */
export async function ensureBrokers(
  resolved: ResolvedConnection,
  log: (line: string) => void,
): Promise<KafkaConnection> {
  const { connection } = resolved;
  if (resolved.explicitBrokers) return connection;
  if (await isBrokerAnswering(connection, 3_000)) {
    log(`using the broker already answering at ${connection.brokers.join(',')}`);
    return connection;
  }
  log(`no broker answers at ${connection.brokers.join(',')}: starting the local one (sc-sim kafka up)`);
  const up = await kafkaUp({ onProgress: log });
  log(
    `local Kafka ${up.version} ${up.status} at ${up.brokers.join(',')} (${up.mode}, ${(up.tookMs / 1000).toFixed(1)} s)`,
  );
  return { brokers: up.brokers };
}

/** Applies the catalog and reads the resulting plan, in one admin session; a partial apply throws. */
export async function seedTopics(connection: KafkaConnection): Promise<{ applied: ApplyResult; after: TopicPlan }> {
  return withAdmin(connection, async (admin) => {
    const applied = await applyTopicCatalog(admin, { prefix: '', dryRun: false });
    const failure = applyFailureError(applied, connection.brokers);
    if (failure) throw failure;
    return { applied, after: await readTopicPlan(admin, '') };
  });
}
