// The topic catalog of ../shared/spec/topic-event-catalog.md §2 as typed data: the single source
// of truth for topic creation, key choice, docs and the docker-compose init.

export const DAY_MS = 24 * 60 * 60 * 1000;

export const TopicCategories = ['domain', 'proj', 'analytics', 'dlq', 'internal'] as const;
export type TopicCategory = (typeof TopicCategories)[number];

export interface TopicSpec {
  readonly name: string;
  readonly category: TopicCategory;
  readonly partitions: number;
  /** Payload field whose value is the record key; null where the spec says "-" (heartbeat). */
  readonly keyField: string | null;
  readonly retentionMs: number;
  readonly cleanupPolicy: 'delete';
  readonly description: string;
}

// Generic in the name so TopicName/DomainTopicName are literal unions, not `string`/`never`.
function topic<const N extends string>(
  name: N,
  category: TopicCategory,
  partitions: number,
  keyField: string | null,
  retentionDays: number,
  description: string,
): TopicSpec & { readonly name: N } {
  // §5: every topic is time-retained; events are immutable facts, never compacted.
  return {
    name,
    category,
    partitions,
    keyField,
    retentionMs: retentionDays * DAY_MS,
    cleanupPolicy: 'delete',
    description,
  };
}

export const TOPICS = [
  // §2.1 Domain topics (source of truth)
  topic('sc.domain.user', 'domain', 3, 'user_id', 14, 'All user lifecycle events'),
  topic('sc.domain.supplier', 'domain', 3, 'supplier_id', 14, 'All supplier lifecycle events'),
  topic('sc.domain.community', 'domain', 3, 'community_id', 14, 'Community and membership events'),
  topic('sc.domain.product', 'domain', 3, 'product_id', 14, 'Product catalog events'),
  topic('sc.domain.promotion', 'domain', 3, 'promotion_id', 14, 'Promotion lifecycle events'),
  topic('sc.domain.post', 'domain', 3, 'post_id', 14, 'Post content events'),
  topic('sc.domain.order', 'domain', 6, 'order_id', 30, 'Order transaction events'),
  // §2.2 Consumer projection topics
  topic('sc.proj.consumer.user-cards', 'proj', 3, 'user_id', 7, 'Materialized user display cards'),
  topic('sc.proj.consumer.supplier-cards', 'proj', 3, 'supplier_id', 7, 'Materialized supplier store cards'),
  topic('sc.proj.consumer.community-cards', 'proj', 3, 'community_id', 7, 'Materialized community cards'),
  topic('sc.proj.consumer.product-listings', 'proj', 3, 'product_id', 7, 'Product listing cards'),
  topic('sc.proj.consumer.promotion-cards', 'proj', 3, 'promotion_id', 7, 'Promotion display cards'),
  topic('sc.proj.consumer.feed-global', 'proj', 6, 'feed_item_id', 7, 'Global feed items'),
  topic('sc.proj.consumer.feed-community', 'proj', 6, 'community_id', 7, 'Per-community feed items'),
  topic('sc.proj.consumer.order-summaries', 'proj', 3, 'order_id', 7, 'Order summary cards'),
  // §2.3 Admin analytics topics
  topic('sc.analytics.admin.user-lifecycle', 'analytics', 6, 'user_id', 30, 'User state transitions'),
  topic('sc.analytics.admin.user-security', 'analytics', 3, 'user_id', 30, 'Security audit events'),
  topic('sc.analytics.admin.supplier-verification', 'analytics', 3, 'supplier_id', 30, 'Verification audit trail'),
  topic('sc.analytics.admin.supplier-fulfillment', 'analytics', 6, 'supplier_id', 30, 'Fulfillment SLA metrics'),
  topic('sc.analytics.admin.community-growth', 'analytics', 6, 'community_id', 30, 'Community growth metrics'),
  topic('sc.analytics.admin.community-moderation', 'analytics', 3, 'community_id', 30, 'Moderation actions'),
  topic('sc.analytics.admin.product-catalog', 'analytics', 6, 'product_id', 30, 'Catalog health metrics'),
  topic('sc.analytics.admin.promotion-lifecycle', 'analytics', 6, 'promotion_id', 30, 'Promotion audit trail'),
  topic('sc.analytics.admin.promotion-performance', 'analytics', 6, 'promotion_id', 90, 'Performance attribution'),
  topic('sc.analytics.admin.post-distribution', 'analytics', 6, 'post_id', 30, 'Distribution audit'),
  topic('sc.analytics.admin.order-funnel', 'analytics', 6, 'order_id', 90, 'Order funnel metrics'),
  topic('sc.analytics.admin.revenue', 'analytics', 6, 'order_id', 90, 'Revenue attribution'),
  // §2.4 Infrastructure topics
  topic('sc.dlq.proj-user-cards', 'dlq', 1, 'event_id', 7, 'Failed user card projections'),
  topic('sc.dlq.proj-feed-builder', 'dlq', 1, 'event_id', 7, 'Failed feed builds'),
  topic('sc.dlq.proj-order-summaries', 'dlq', 1, 'event_id', 7, 'Failed order summaries'),
  topic('sc.dlq.analytics-general', 'dlq', 1, 'event_id', 7, 'Failed analytics processing'),
  topic('sc.internal.heartbeat', 'internal', 1, null, 1, 'System health checks'),
] as const satisfies readonly TopicSpec[];

export type TopicName = (typeof TOPICS)[number]['name'];
export type DomainTopicName = Extract<TopicName, `sc.domain.${string}`>;

/** The seven domain topics: the only ones the generators write (events of §3 live there). */
export const DOMAIN_TOPICS: readonly DomainTopicName[] = TOPICS.filter(
  (t): t is Extract<(typeof TOPICS)[number], { name: DomainTopicName }> => t.category === 'domain',
).map((t) => t.name);

const byName = new Map<string, TopicSpec>(TOPICS.map((t) => [t.name, t]));

export function getTopic(name: string): TopicSpec | undefined {
  return byName.get(name);
}

/** `sc.<category>.<entity>[.<qualifier>]` (§1); entity and qualifier are lower-case kebab words. */
export const TOPIC_NAME_PATTERN =
  /^sc\.(domain|proj|analytics|dlq|retry|internal)\.[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)?$/;

/**
 * Prefixes namespace every topic so tests and shared dev clusters can run side by side.
 * The prefix is prepended verbatim ("ci-42." + "sc.domain.user").
 */
export function physicalTopicName(name: string, prefix = ''): string {
  return `${prefix}${name}`;
}

export function validatePrefix(prefix: string): string | undefined {
  // Kafka topic names allow [a-zA-Z0-9._-] up to 249 characters.
  if (!/^[a-zA-Z0-9._-]*$/.test(prefix)) return 'may only contain letters, digits, ".", "_" and "-"';
  if (prefix.length > 120) return 'is longer than 120 characters';
  return undefined;
}
