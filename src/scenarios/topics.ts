// Which topics a scenario writes: `domain` (the seven domain topics: load scenarios), `all` (the
// whole catalog of 32: seed-dev), or a list of topic names and topic groups (category names).
// Derived topics are computed from the domain events whether or not those are sent, except DLQs:
// a DLQ record names its failed record's partition and offset, so that record must be sent too.
import { z } from 'zod';
import { DLQ_CATALOG } from '../catalog/derived.js';
import { TOPICS, TopicCategories, type TopicName } from '../catalog/topics.js';

const TOPIC_NAMES = TOPICS.map((t) => t.name) as [TopicName, ...TopicName[]];

export const TopicSelectionSchema = z
  .union([
    z.enum(['domain', 'all']),
    z
      .array(z.enum([...TOPIC_NAMES, ...TopicCategories]))
      .min(1)
      .describe('catalog topic names and/or groups: domain, proj, analytics, dlq, internal'),
  ])
  .default('domain')
  .describe(
    'the topics this scenario writes: domain (the 7 domain topics), all (all 32: projections, analytics, DLQs, heartbeat) or a list of topics and groups',
  );
export type TopicSelection = z.output<typeof TopicSelectionSchema>;

/** The selected topics in catalog order. */
export function resolveTopics(selection: TopicSelection): TopicName[] {
  const names = new Set<string>(selection === 'all' ? TOPIC_NAMES : selection === 'domain' ? ['domain'] : selection);
  return TOPICS.filter((t) => names.has(t.name) || names.has(t.category)).map((t) => t.name);
}

/** Problems of a selection: DLQs whose source domain topics are not written. */
export function topicSelectionProblems(selection: TopicSelection): string[] {
  const chosen = new Set<string>(resolveTopics(selection));
  return DLQ_CATALOG.filter((d) => chosen.has(d.topic)).flatMap((d) => {
    const missing = d.sourceTopics.filter((t) => !chosen.has(t));
    return missing.length === 0
      ? []
      : [`${d.topic} needs ${missing.join(', ')}: a DLQ record points at the failed record's partition and offset`];
  });
}
