// Proves the independent checker (test/support/lifecycle-checker.ts) can fail: hand-made streams
// with one defect each must be flagged with the right anomaly, and a clean hand-made stream not.
import { describe, expect, it } from 'vitest';
import { checkStream, type AnomalyKind, type CheckedEvent } from '../../support/lifecycle-checker.js';
import { createWorld } from '../../../src/generators/world.js';

/** Builds envelopes with per-entity sequences and a ticking clock, like a tiny hand-written producer. */
class StreamBuilder {
  readonly events: CheckedEvent[] = [];
  private readonly seqs = new Map<string, number>();
  private clockMs = Date.parse('2026-03-01T10:00:00.000Z');
  private counter = 0;

  id(label: string): string {
    // Deterministic UUID-shaped ids that read well in failure messages.
    const hex = Buffer.from(label.padEnd(16, '_').slice(0, 16)).toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }

  add(
    type: string,
    entity: string,
    payload: Record<string, unknown>,
    opts: { cause?: CheckedEvent; seq?: number; atMs?: number } = {},
  ): CheckedEvent {
    const family = type.split('.')[0]!;
    const entityId = entity.startsWith('anon-') ? entity : this.id(entity);
    const key = `${family}:${entityId}`;
    const seq = opts.seq ?? (this.seqs.get(key) ?? 0) + 1;
    this.seqs.set(key, seq);
    this.clockMs = opts.atMs ?? this.clockMs + 1000;
    const eventId = this.id(`ev${++this.counter}`);
    const keyField = `${family}_id`;
    const e: CheckedEvent = {
      topic: `sc.domain.${family}`,
      key: entityId,
      envelope: {
        event_id: eventId,
        event_type: type,
        event_version: 1,
        occurred_at: new Date(this.clockMs).toISOString(),
        entity_type: family,
        entity_id: entityId,
        sequence: seq,
        correlation_id: opts.cause ? opts.cause.envelope.correlation_id : eventId,
        causation_id: opts.cause ? opts.cause.envelope.event_id : null,
        producer: 'test',
        run_id: 'test',
        payload: entity.startsWith('anon-') ? payload : { [keyField]: entityId, ...payload },
      },
    };
    this.events.push(e);
    return e;
  }

  /** A verified supplier with one published product (variant v1, 10 units) and an active customer. */
  shop(): void {
    this.add('user.created', 'alice', { role: 'consumer', status: 'pending', created_at: 'x', display_name: 'Alice' });
    this.add('user.verified', 'alice', { previous_status: 'pending', new_status: 'active', verified_at: 'x' });
    this.add('supplier.created', 'acme', { company_name: 'Acme', status: 'pending' });
    this.add('supplier.verification_submitted', 'acme', { documents_types: ['business_license'], submitted_at: 'x' });
    this.add('supplier.verified', 'acme', { verified_by: this.id('admin'), verification_tier: 'basic' });
    const created = this.add('product.created', 'lamp', {
      supplier_id: this.id('acme'),
      name: 'Lamp',
      category: 'Home',
      status: 'draft',
    });
    const variant = this.add(
      'product.variant_added',
      'lamp',
      { variant_id: this.id('v1'), variant_name: 'Red', attributes: {}, price_cents: 1000, currency: 'USD' },
      { cause: created },
    );
    this.add(
      'product.inventory_adjusted',
      'lamp',
      {
        variant_id: this.id('v1'),
        location_id: this.id('wh'),
        previous_qty: 0,
        new_qty: 10,
        adjustment_type: 'initial',
        reason: 'Initial stock',
      },
      { cause: variant },
    );
    this.add('product.published', 'lamp', { published_at: 'x' });
  }

  order(label: string, quantity: number): CheckedEvent {
    const created = this.add('order.created', label, {
      order_number: 'SC-1',
      customer_id: this.id('alice'),
      item_count: 1,
      total_cents: 1000 * quantity,
      currency: 'USD',
      status: 'pending',
      items: [
        {
          item_id: this.id(`${label}-i1`),
          product_id: this.id('lamp'),
          variant_id: this.id('v1'),
          supplier_id: this.id('acme'),
          quantity,
          unit_price_cents: 1000,
        },
      ],
    });
    this.add(
      'product.inventory_reserved',
      'lamp',
      { variant_id: this.id('v1'), order_id: this.id(label), reserved_qty: quantity },
      { cause: created },
    );
    return created;
  }
}

function kinds(events: CheckedEvent[]): AnomalyKind[] {
  return [...new Set(checkStream(events).anomalies.map((a) => a.kind))].sort();
}

describe('lifecycle checker', () => {
  it('accepts a clean hand-made stream (no false positives)', () => {
    const b = new StreamBuilder();
    b.shop();
    const created = b.order('o1', 2);
    const init = b.add(
      'order.payment_initiated',
      'o1',
      { payment_method: 'card', amount_cents: 2000 },
      { cause: created },
    );
    b.add('order.payment_succeeded', 'o1', { transaction_id: 't', amount_cents: 2000 }, { cause: init });
    b.add('user.login_failed', 'alice', {
      user_id: b.id('alice'),
      failure_reason: 'invalid_password',
      attempt_count: 1,
    });
    b.add('user.login_failed', 'anon-0123456789abcdef', { failure_reason: 'unknown_account', attempt_count: 1 });
    expect(checkStream(b.events).anomalies).toEqual([]);
  });

  it('flags an invalid transition (locked without repeated failed logins)', () => {
    const b = new StreamBuilder();
    b.shop();
    b.add('user.login_failed', 'alice', {
      user_id: b.id('alice'),
      failure_reason: 'invalid_password',
      attempt_count: 1,
    });
    b.add('user.locked', 'alice', {
      locked_until: '2027-01-01T00:00:00.000Z',
      trigger_reason: 'too_many_failed_logins',
    });
    expect(kinds(b.events)).toEqual(['invalid_transition']);
  });

  it('flags payment_succeeded without payment_initiated, and events after a delete', () => {
    const b = new StreamBuilder();
    b.shop();
    const created = b.order('o1', 1);
    b.add('order.payment_succeeded', 'o1', { transaction_id: 't', amount_cents: 1000 }, { cause: created });
    b.add('user.deleted', 'alice', { deleted_by: b.id('alice'), reason: 'bye' });
    b.add('user.login_succeeded', 'alice', { login_method: 'password' });
    const anomalies = checkStream(b.events).anomalies;
    expect(anomalies.map((a) => a.eventType)).toEqual(['order.payment_succeeded', 'user.login_succeeded']);
    expect(anomalies.every((a) => a.kind === 'invalid_transition')).toBe(true);
  });

  it('flags a sequence gap and an occurred_at that goes backwards for one entity', () => {
    const b = new StreamBuilder();
    b.shop();
    b.add('user.login_succeeded', 'alice', { login_method: 'password' }, { seq: 4 });
    expect(kinds(b.events)).toEqual(['sequence_gap']);
    const c = new StreamBuilder();
    c.shop();
    c.add('user.login_succeeded', 'alice', { login_method: 'password' }, { atMs: Date.parse('2020-01-01T00:00:00Z') });
    expect(kinds(c.events)).toEqual(['non_monotonic_time']);
  });

  it('flags dangling references: an order by an unknown customer, a post by a non-member', () => {
    const b = new StreamBuilder();
    b.shop();
    b.add('order.created', 'ghost-order', {
      order_number: 'SC-2',
      customer_id: b.id('nobody'),
      item_count: 0,
      total_cents: 0,
      currency: 'USD',
      status: 'pending',
      items: [],
    });
    expect(kinds(b.events)).toEqual(['dangling_reference']);

    const c = new StreamBuilder();
    c.shop();
    c.add('user.role_changed', 'alice', {
      previous_role: 'consumer',
      new_role: 'leader',
      reason: 'r',
      actor_id: c.id('admin'),
    });
    const club = c.add('community.created', 'club', { owner_id: c.id('alice'), name: 'Club', visibility: 'public' });
    c.add(
      'community.member_joined',
      'club',
      { user_id: c.id('alice'), join_method: 'owner', member_count_after: 1 },
      { cause: club },
    );
    c.add('user.created', 'bob', { role: 'consumer', status: 'pending', created_at: 'x', display_name: 'Bob' });
    c.add('post.created', 'p1', {
      author_id: c.id('bob'),
      community_id: c.id('club'),
      post_type: 'text',
      status: 'draft',
    });
    expect(checkStream(c.events).anomalies.map((x) => [x.kind, x.message])).toEqual([
      ['dangling_reference', 'post author is not a member of the community'],
    ]);
  });

  it('flags over-reservation, a wrong member count and a causation that points nowhere', () => {
    const b = new StreamBuilder();
    b.shop();
    b.order('o1', 8);
    b.order('o2', 8); // only 10 units on hand
    expect(kinds(b.events)).toEqual(['over_reservation']);

    const c = new StreamBuilder();
    c.shop();
    c.add('user.role_changed', 'alice', {
      previous_role: 'consumer',
      new_role: 'leader',
      reason: 'r',
      actor_id: c.id('admin'),
    });
    const community = c.add('community.created', 'club', {
      owner_id: c.id('alice'),
      name: 'Club',
      visibility: 'public',
    });
    c.add(
      'community.member_joined',
      'club',
      { user_id: c.id('alice'), join_method: 'owner', member_count_after: 3 },
      { cause: community },
    );
    expect(kinds(c.events)).toEqual(['counter_mismatch']);

    const d = new StreamBuilder();
    d.shop();
    const orphan = d.order('o1', 1);
    orphan.envelope.causation_id = d.id('missing');
    expect(kinds(d.events)).toContain('bad_causation');
  });

  it('flags privacy leaks', () => {
    const b = new StreamBuilder();
    b.shop();
    b.add('user.profile_updated', 'alice', {
      changed_fields: ['bio'],
      display_name: 'Alice',
      avatar_url: 'https://example.com/a.png',
      bio: 'write to alice@example.com',
    });
    expect(kinds(b.events)).toEqual(['privacy_leak']);
  });

  it('catches defects injected into a real generated stream', () => {
    const world = createWorld({ seed: 11 }, { runId: 'mutate' });
    const events = Array.from({ length: 20_000 }, () => JSON.parse(JSON.stringify(world.next())) as CheckedEvent);
    expect(checkStream(events).anomalies).toEqual([]);
    // Drop one payment_initiated: its order's later events now skip a sequence and pay without initiating.
    const i = events.findIndex((e, k) => k > 5_000 && e.envelope.event_type === 'order.payment_initiated');
    const dropped = [...events.slice(0, i), ...events.slice(i + 1)];
    expect(kinds(dropped)).toEqual(expect.arrayContaining(['sequence_gap']));
    // Swap two consecutive events of one order: out of order and out of sequence.
    const j = events.findIndex((e, k) => k > 5_000 && e.envelope.event_type === 'order.item_shipped');
    const k = events.findIndex((e, n) => n > j && e.key === events[j]!.key);
    const swapped = [...events];
    [swapped[j], swapped[k]] = [swapped[k]!, swapped[j]!];
    expect(kinds(swapped)).toEqual(expect.arrayContaining(['sequence_gap', 'non_monotonic_time']));
  });
});
