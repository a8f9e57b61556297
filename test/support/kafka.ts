// Broker chores for integration tests, through the app's own admin session.
import { applyTopicCatalog } from '../../src/app/topics.js';
import { withAdmin, type OffsetsByTopic } from '../../src/kafka/admin.js';

/** Creates the catalog's topics under `prefix`; returns once every partition has a leader. */
export async function applyCatalog(brokers: string[], prefix: string): Promise<void> {
  await withAdmin({ brokers }, (admin) => applyTopicCatalog(admin, { prefix, replicationFactor: 1, dryRun: false }));
}

/** High-water marks per partition of these physical topics. */
export function endOffsets(brokers: string[], topics: string[]): Promise<OffsetsByTopic> {
  return withAdmin({ brokers }, (admin) => admin.endOffsets(topics));
}
