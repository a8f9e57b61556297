// One plan line per scenario ("ramp 500→5000 ev/s over 2m, …; 7 topics; live time"), shared by
// `sc-sim scenarios`, `run --dry-run` and the report header.
import { DOMAIN_TOPICS } from '../catalog/topics.js';
import { resolveTopics } from './topics.js';
import { describeKeys } from '../records/keys.js';
import { formatDurationMs } from '../runner/duration.js';
import { describeExecutor, type Schedule } from '../runner/executors.js';
import { describeTime } from '../runner/time-mode.js';
import type { Scenario } from './schema.js';

/**
 * The plan line; a run passes the schedule it built so it is not built again, and the instant a
 * backfill history ends (when the run starts, unless the scenario pins it).
 */
export function planLine(scenario: Scenario, schedule?: Schedule, historyEndMs?: number): string {
  const topics = resolveTopics(scenario.topics).length;
  const parts = [describeExecutor(scenario.load, schedule), `${topics} topic${topics === 1 ? '' : 's'}`];
  parts.push(describeTime(scenario.time, historyEndMs));
  if (scenario.warmup > 0) parts.push(`warm-up ${formatDurationMs(scenario.warmup)}`);
  const sick = Object.entries(scenario.pathologies).filter(([, share]) => share !== undefined && share > 0);
  if (sick.length > 0)
    parts.push(`pathologies ${sick.map(([k, share]) => `${k} ${(share! * 100).toFixed(1)}%`).join(', ')}`);
  const cascade = scenario.world.cascade.promotion;
  if (cascade)
    parts.push(
      `viral cascade at ${formatDurationMs(cascade.at)} (+${Math.round(cascade.spark * 100)}% of engagement, branching ${cascade.branching}, half-life ${formatDurationMs(cascade.halfLife)})`,
    );
  const keys = describeKeys(scenario.keys);
  if (keys) parts.push(keys);
  if (scenario.consumer) {
    const topics = scenario.consumer.topics?.length ?? DOMAIN_TOPICS.length;
    parts.push(
      `consumer ${formatDurationMs(scenario.consumer.perEvent)}/event × ${scenario.consumer.concurrency} on ${topics} topic${topics === 1 ? '' : 's'}`,
    );
  }
  return parts.join('; ');
}
