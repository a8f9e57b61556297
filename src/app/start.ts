// `sc-sim start` (what `npm start` runs): a seeded dev cluster from nothing — the local broker if
// none answers, the catalog's topics, then the default scenario.
import { resolveBrokers } from '../config.js';
import { withAdmin } from '../kafka/admin.js';
import type { KafkaConnection } from '../kafka/client.js';
import { isBrokerAnswering, kafkaUp } from '../kafka/local/index.js';
import type { TopicPlan } from '../topics/plan.js';
import { applyTopicCatalog, readTopicPlan, type ApplyResult } from './topics.js';

/** Brokers to use: explicit ones as given; otherwise the local broker, started when silent. */
export async function ensureBrokers(flag: string | undefined, log: (line: string) => void): Promise<string[]> {
  const explicit = flag !== undefined || (process.env['SC_SIM_BROKERS'] ?? '').trim() !== '';
  const brokers = resolveBrokers(flag);
  if (explicit) return brokers;
  if (await isBrokerAnswering(brokers, 3_000)) {
    log(`using the broker already answering at ${brokers.join(',')}`);
    return brokers;
  }
  log(`no broker answers at ${brokers.join(',')}: starting the local one (sc-sim kafka up)`);
  const up = await kafkaUp({ onProgress: log });
  log(
    `local Kafka ${up.version} ${up.status} at ${up.brokers.join(',')} (${up.mode}, ${(up.tookMs / 1000).toFixed(1)} s)`,
  );
  return up.brokers;
}

/** Applies the catalog and reads the resulting plan, in one admin session. */
export async function seedTopics(connection: KafkaConnection): Promise<{ applied: ApplyResult; after: TopicPlan }> {
  return withAdmin(connection, async (admin) => {
    const applied = await applyTopicCatalog(admin, { prefix: '', dryRun: false });
    return { applied, after: await readTopicPlan(admin, '') };
  });
}
