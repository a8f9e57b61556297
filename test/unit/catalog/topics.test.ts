import { describe, expect, it } from 'vitest';
import {
  DAY_MS,
  TOPICS,
  TOPIC_NAME_PATTERN,
  getTopic,
  physicalTopicName,
  validatePrefix,
} from '../../../src/catalog/topics.js';

// The spec's §2 tables restated by hand (not derived from the code under test).
const SPEC: [string, number, string | null, number][] = [
  ['sc.domain.user', 3, 'user_id', 14],
  ['sc.domain.supplier', 3, 'supplier_id', 14],
  ['sc.domain.community', 3, 'community_id', 14],
  ['sc.domain.product', 3, 'product_id', 14],
  ['sc.domain.promotion', 3, 'promotion_id', 14],
  ['sc.domain.post', 3, 'post_id', 14],
  ['sc.domain.order', 6, 'order_id', 30],
  ['sc.proj.consumer.user-cards', 3, 'user_id', 7],
  ['sc.proj.consumer.supplier-cards', 3, 'supplier_id', 7],
  ['sc.proj.consumer.community-cards', 3, 'community_id', 7],
  ['sc.proj.consumer.product-listings', 3, 'product_id', 7],
  ['sc.proj.consumer.promotion-cards', 3, 'promotion_id', 7],
  ['sc.proj.consumer.feed-global', 6, 'feed_item_id', 7],
  ['sc.proj.consumer.feed-community', 6, 'community_id', 7],
  ['sc.proj.consumer.order-summaries', 3, 'order_id', 7],
  ['sc.analytics.admin.user-lifecycle', 6, 'user_id', 30],
  ['sc.analytics.admin.user-security', 3, 'user_id', 30],
  ['sc.analytics.admin.supplier-verification', 3, 'supplier_id', 30],
  ['sc.analytics.admin.supplier-fulfillment', 6, 'supplier_id', 30],
  ['sc.analytics.admin.community-growth', 6, 'community_id', 30],
  ['sc.analytics.admin.community-moderation', 3, 'community_id', 30],
  ['sc.analytics.admin.product-catalog', 6, 'product_id', 30],
  ['sc.analytics.admin.promotion-lifecycle', 6, 'promotion_id', 30],
  ['sc.analytics.admin.promotion-performance', 6, 'promotion_id', 90],
  ['sc.analytics.admin.post-distribution', 6, 'post_id', 30],
  ['sc.analytics.admin.order-funnel', 6, 'order_id', 90],
  ['sc.analytics.admin.revenue', 6, 'order_id', 90],
  ['sc.dlq.proj-user-cards', 1, 'event_id', 7],
  ['sc.dlq.proj-feed-builder', 1, 'event_id', 7],
  ['sc.dlq.proj-order-summaries', 1, 'event_id', 7],
  ['sc.dlq.analytics-general', 1, 'event_id', 7],
  ['sc.internal.heartbeat', 1, null, 1],
];

describe('topic catalog', () => {
  it('has the 32 topics of the spec, no more, no fewer, no duplicates', () => {
    expect(TOPICS).toHaveLength(32);
    expect(new Set(TOPICS.map((t) => t.name)).size).toBe(32);
    expect(TOPICS.map((t) => t.name).sort()).toEqual(SPEC.map(([n]) => n).sort());
  });

  it.each(SPEC)('%s: %i partitions, key %s, %i days retention', (name, partitions, key, days) => {
    const t = getTopic(name);
    expect(t).toBeDefined();
    expect(t!.partitions).toBe(partitions);
    expect(t!.keyField).toBe(key);
    expect(t!.retentionMs).toBe(days * DAY_MS);
    expect(t!.cleanupPolicy).toBe('delete');
  });

  it('retention values are the spec §6 milliseconds (7/14/30/90/1 days)', () => {
    expect(new Set(TOPICS.map((t) => t.retentionMs))).toEqual(
      new Set([604_800_000, 1_209_600_000, 2_592_000_000, 7_776_000_000, 86_400_000]),
    );
  });

  it('every name follows sc.<category>.<entity>[.<qualifier>] and its category matches', () => {
    for (const t of TOPICS) {
      expect(t.name).toMatch(TOPIC_NAME_PATTERN);
      expect(t.name.split('.')[1]).toBe(t.category);
      expect(t.name.split('.').length).toBeLessThanOrEqual(4);
      expect(t.description.length).toBeGreaterThan(0);
    }
  });

  it('the pattern rejects names outside the convention', () => {
    for (const bad of ['sc.domain', 'sc.other.user', 'xx.domain.user', 'sc.domain.User', 'sc.domain.user.a.b']) {
      expect(bad).not.toMatch(TOPIC_NAME_PATTERN);
    }
  });

  it('prefixes namespace names and are validated', () => {
    expect(physicalTopicName('sc.domain.user', 'ci-1.')).toBe('ci-1.sc.domain.user');
    expect(physicalTopicName('sc.domain.user')).toBe('sc.domain.user');
    expect(validatePrefix('ci-1.')).toBeUndefined();
    expect(validatePrefix('bad prefix')).toMatch(/letters, digits/);
  });
});
