// The card reducers on hand-written event sequences: what each card must show, independently of
// the projector (which the stream tests compare against these same reducers).
import { describe, expect, it } from 'vitest';
import type { Envelope } from '../../../src/envelope.js';
import {
  feedAction,
  feedItem,
  reduceOrderSummary,
  reducePost,
  reduceProductListing,
  reduceUserCard,
  type PostState,
} from '../../../src/derive/cards.js';

let seq = 0;
function ev(type: string, entity: string, at: string, payload: Record<string, unknown>): Envelope {
  seq++;
  return {
    event_id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    event_type: type,
    event_version: 1,
    occurred_at: at,
    entity_type: type.slice(0, type.indexOf('.')) as Envelope['entity_type'],
    entity_id: entity,
    sequence: seq,
    correlation_id: 'c',
    causation_id: null,
    producer: 'test',
    run_id: 'test',
    payload,
  };
}

function fold<T>(reduce: (prev: T | undefined, e: Envelope) => T | undefined, events: Envelope[]): T | undefined {
  let card: T | undefined;
  for (const e of events) card = reduce(card, e) ?? card;
  return card;
}

describe('user card', () => {
  const u = 'u1';
  const created = ev('user.created', u, '2026-01-01T00:00:00.000Z', {
    user_id: u,
    role: 'consumer',
    status: 'pending',
    created_at: '2026-01-01T00:00:00.000Z',
    display_name: 'Ada',
  });
  const verified = ev('user.verified', u, '2026-01-01T00:01:00.000Z', {
    user_id: u,
    previous_status: 'pending',
    new_status: 'active',
    verified_at: '2026-01-01T00:01:00.000Z',
  });
  const locked = ev('user.locked', u, '2026-01-01T00:02:00.000Z', {
    user_id: u,
    locked_until: '2026-01-01T00:30:00.000Z',
    trigger_reason: 'too_many_failed_logins',
  });

  it('shows the status each event sets, and a failed login changes nothing', () => {
    const failed = ev('user.login_failed', u, '2026-01-01T00:01:30.000Z', {
      user_id: u,
      failure_reason: 'invalid_password',
      attempt_count: 1,
    });
    const card = fold(reduceUserCard, [created, verified]);
    expect(reduceUserCard(card, failed)).toBeUndefined();
    expect(fold(reduceUserCard, [created, verified, locked])).toMatchObject({
      status: 'locked',
      locked_until: '2026-01-01T00:30:00.000Z',
      verified_at: '2026-01-01T00:01:00.000Z',
    });
  });

  it('ends a lock at the first event after locked_until (the domain has no unlock event)', () => {
    const card = fold(reduceUserCard, [created, verified, locked])!;
    const early = ev('user.login_succeeded', u, '2026-01-01T00:10:00.000Z', { user_id: u, login_method: 'passkey' });
    const late = ev('user.login_succeeded', u, '2026-01-01T00:31:00.000Z', { user_id: u, login_method: 'passkey' });
    expect(reduceUserCard(card, early)).toBeUndefined();
    expect(reduceUserCard(card, late)).toMatchObject({ status: 'active', locked_until: null });
  });
});

describe('product listing', () => {
  it('counts reserved units out of what is available, and shipped units out of both', () => {
    const p = 'p1';
    const at = '2026-01-01T00:00:00.000Z';
    const card = fold(reduceProductListing, [
      ev('product.created', p, at, { product_id: p, supplier_id: 's', name: 'Mug', category: 'Home', status: 'draft' }),
      ev('product.variant_added', p, at, {
        product_id: p,
        variant_id: 'v1',
        variant_name: 'Blue',
        attributes: { color: 'blue' },
        price_cents: 1200,
        currency: 'USD',
      }),
      ev('product.inventory_adjusted', p, at, {
        product_id: p,
        variant_id: 'v1',
        location_id: 'l',
        previous_qty: 0,
        new_qty: 10,
        adjustment_type: 'initial',
        reason: 'r',
      }),
      ev('product.published', p, at, { product_id: p, published_at: at }),
      ev('product.inventory_reserved', p, at, { product_id: p, variant_id: 'v1', order_id: 'o', reserved_qty: 3 }),
      ev('product.inventory_adjusted', p, at, {
        product_id: p,
        variant_id: 'v1',
        location_id: 'l',
        previous_qty: 10,
        new_qty: 8,
        adjustment_type: 'fulfillment',
        reason: 'Shipped',
        order_id: 'o',
      }),
      ev('product.price_changed', p, at, { product_id: p, previous_price: 1200, new_price: 999, currency: 'USD' }),
    ])!;
    expect(card.variants[0]).toMatchObject({ on_hand_units: 8, reserved_units: 1, price_cents: 999 });
    expect(card).toMatchObject({ status: 'published', available_units: 7, in_stock: true, min_price_cents: 999 });
  });
});

describe('feed items', () => {
  it('a post joins the global feed with the engagement it already has', () => {
    const p = 'post1';
    const at = (m: number) => `2026-01-01T00:0${m}:00.000Z`;
    const events = [
      ev('post.created', p, at(0), {
        post_id: p,
        author_id: 'a',
        community_id: 'c',
        post_type: 'text',
        status: 'draft',
      }),
      ev('post.published', p, at(1), { post_id: p, published_at: at(1) }),
      ev('post.stats_changed', p, at(2), { post_id: p, stat_type: 'likes', delta: 4 }),
      ev('post.global_requested', p, at(3), { post_id: p, requested_at: at(3) }),
    ];
    const before = fold(reducePost, events)!;
    const approved = ev('post.global_approved', p, at(4), { post_id: p, approved_by: 'admin', approved_at: at(4) });
    const after = reducePost(before, approved)!;
    expect(feedAction('global', before, after, approved.event_type)).toBe('added');
    expect(feedAction('community', before, after, approved.event_type)).toBeUndefined();
    expect(feedItem('global', 'item', after, 'added', at(4))).toMatchObject({
      likes: 4,
      engagement_score: 4,
      published_at: at(4),
      pinned: false,
    });
    const hidden = reducePost(after, ev('post.hidden', p, at(5), { post_id: p, hidden_by: 'x', reason: 'spam' }))!;
    expect(feedAction('community', after, hidden, 'post.hidden')).toBe('removed');
    const gone: PostState = reducePost(
      hidden,
      ev('post.deleted', p, at(6), { post_id: p, deleted_by: 'x', reason: 'r' }),
    )!;
    // Removed once: a deletion after hiding writes nothing more.
    expect(feedAction('community', hidden, gone, 'post.deleted')).toBeUndefined();
  });
});

describe('order summary', () => {
  it('follows payment, confirmation, shipping and refunds', () => {
    const o = 'o1';
    const at = '2026-01-01T00:00:00.000Z';
    const card = fold(reduceOrderSummary, [
      ev('order.created', o, at, {
        order_id: o,
        order_number: 'SC-1',
        customer_id: 'c',
        item_count: 1,
        total_cents: 2400,
        currency: 'USD',
        status: 'pending',
        items: [
          { item_id: 'i', product_id: 'p', variant_id: 'v', supplier_id: 's', quantity: 2, unit_price_cents: 1200 },
        ],
      }),
      ev('order.payment_initiated', o, at, { order_id: o, payment_method: 'card', amount_cents: 2400 }),
      ev('order.payment_succeeded', o, at, { order_id: o, transaction_id: 't', amount_cents: 2400 }),
      ev('order.item_shipped', o, at, {
        order_id: o,
        item_id: 'i',
        supplier_id: 's',
        tracking_number: '1Z',
        carrier: 'UPS',
        shipped_at: at,
      }),
      ev('order.refund_initiated', o, at, { order_id: o, refund_amount: 1200, reason: 'Wrong size' }),
    ])!;
    expect(card).toMatchObject({
      status: 'refunded',
      paid_cents: 2400,
      refunded_cents: 1200,
      payment_method: 'card',
      payment_attempts: 1,
    });
    expect(card.items[0]).toMatchObject({ status: 'shipped', carrier: 'UPS', tracking_number: '1Z' });
  });
});
