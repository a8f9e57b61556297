import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { EVENT_CATALOG, EVENT_TYPES, getEventSpec, requiredFields } from '../../../src/catalog/events.js';
import { buildPools, type Pools } from '../../../src/generators/pools.js';
import type { SimEvent } from '../../../src/generators/types.js';
import { createWorld, type WorldStream } from '../../../src/generators/world.js';
import { PRODUCER } from '../../../src/version.js';
import { eventSchema } from '../../../src/schema/json-schema.js';
import { checkStream } from '../../support/lifecycle-checker.js';
import { scSimErrorOf } from '../../support/errors.js';

const addFormats = addFormatsModule.default;
const SEED = 20260101;
let pools: Pools;

function take(world: WorldStream, n: number): SimEvent[] {
  const out: SimEvent[] = [];
  for (let i = 0; i < n; i++) out.push(world.next());
  return out;
}

beforeAll(() => {
  pools = buildPools(SEED);
});

describe('a 100k-event run of the default world', () => {
  let wire: CheckedWire[];
  type CheckedWire = SimEvent & { json: string };

  beforeAll(() => {
    const world = createWorld({ seed: SEED }, { runId: 'run-100k', pools });
    // What consumers see is the JSON on the wire, so every check runs on the parsed JSON.
    wire = take(world, 100_000).map((e) => {
      const json = JSON.stringify(e.envelope);
      return { ...e, envelope: JSON.parse(json) as SimEvent['envelope'], json };
    });
  });

  it('emits all 74 event types', () => {
    const seen = new Set(wire.map((e) => e.envelope.event_type));
    expect(EVENT_TYPES.filter((t) => !seen.has(t))).toEqual([]);
  });

  it('validates every event against its JSON Schema and includes every required catalog field', () => {
    const ajv = new Ajv({ strict: true, allErrors: true });
    addFormats(ajv);
    const validators = new Map<string, ValidateFunction>(
      EVENT_CATALOG.map((spec) => [spec.type, ajv.compile(eventSchema(spec))]),
    );
    const failures: string[] = [];
    const missing: string[] = [];
    for (const e of wire) {
      const env = e.envelope;
      const validate = validators.get(env.event_type)!;
      if (!validate(env as unknown) && failures.length < 5)
        failures.push(`${env.event_type}: ${ajv.errorsText(validate.errors)}`);
      for (const f of requiredFields(getEventSpec(env.event_type)!)) {
        if (!(f in env.payload) && missing.length < 5) missing.push(`${env.event_type}.${f}`);
      }
    }
    expect(failures).toEqual([]);
    expect(missing).toEqual([]);
  });

  it('passes the independent lifecycle checker with zero anomalies', () => {
    const result = checkStream(wire);
    expect(result.events).toBe(100_000);
    expect(result.anomalies.slice(0, 5)).toEqual([]);
    expect(result.entities['order']).toBeGreaterThan(500);
  });

  it('fills the envelope: record key = entity id, producer, run id, monotonic simulated time', () => {
    let previousMs = 0;
    let regressions = 0;
    for (const e of wire) {
      const env = e.envelope;
      if (e.occurredAtMs < previousMs || Date.parse(env.occurred_at) !== e.occurredAtMs) regressions++;
      previousMs = e.occurredAtMs;
    }
    expect(regressions).toBe(0);
    expect(new Set(wire.map((e) => e.envelope.producer))).toEqual(new Set([PRODUCER]));
    expect(new Set(wire.map((e) => e.envelope.run_id))).toEqual(new Set(['run-100k']));
    expect(wire.every((e) => e.key === e.envelope.entity_id && e.topic === `sc.domain.${e.envelope.entity_type}`)).toBe(
      true,
    );
  });

  it('links order.created to its reservations and a conversion to its attribution', () => {
    const byId = new Map(wire.map((e) => [e.envelope.event_id, e.envelope]));
    const reserved = wire.find((e) => e.envelope.event_type === 'product.inventory_reserved')!.envelope;
    const cause = byId.get(reserved.causation_id!)!;
    expect(cause.event_type).toBe('order.created');
    expect(cause.correlation_id).toBe(reserved.correlation_id);
    expect(cause.entity_id).toBe(reserved.payload['order_id']);
    const attribution = wire.find((e) => e.envelope.event_type === 'order.attribution_recorded')!.envelope;
    const converted = byId.get(attribution.causation_id!)!;
    expect(converted.event_type).toBe('promotion.converted');
    expect(converted.payload['order_id']).toBe(attribution.entity_id);
    expect(converted.entity_id).toBe(attribution.payload['promotion_id']);
  });

  it('never carries an IP address, e-mail address or phone number', () => {
    const leaks = wire.filter((e) =>
      /@[a-z0-9-]+\.[a-z]{2,}|\b\d{1,3}(\.\d{1,3}){3}\b|"(ip|email|phone)[a-z_]*":/i.test(e.json),
    );
    expect(leaks.map((e) => e.json).slice(0, 2)).toEqual([]);
  });
});

describe('createWorld', () => {
  it('emits every type within the first 20,000 events of the default world (seed-dev size)', () => {
    for (const seed of [1, 2, 3]) {
      const seen = new Set(take(createWorld({ seed }, { runId: 'early' }), 20_000).map((e) => e.envelope.event_type));
      expect({ seed, missing: EVENT_TYPES.filter((t) => !seen.has(t)) }).toEqual({ seed, missing: [] });
    }
  });

  it('is deterministic: the same seed gives byte-identical JSON, another seed different JSON', () => {
    const json = (seed: number, runPools?: Pools) =>
      take(createWorld({ seed }, { runId: 'det', ...(runPools ? { pools: runPools } : {}) }), 10_000)
        .map((e) => JSON.stringify(e))
        .join('\n');
    const a = json(SEED);
    expect(json(SEED, pools)).toBe(a);
    expect(json(SEED + 1)).not.toBe(a);
  });

  it('keeps a family’s own choices independent of other families’ weights (up to clock-based rules)', () => {
    // What holds by design: the scheduler draws the family from its own stream and each family
    // draws from its own; consequences get ids hashed from their cause. So another family's
    // weight changes timestamps and interleaving, but (1) the initial population is byte-identical
    // and (2) a family's own events (type, entity, sequence, event_id, non-time payload) stay the
    // same until a clock-based rule (lock expiry, scheduled start) or a cross-family guard (owner
    // checks) decides differently. For this seed: 100+ user events after the bootstrap. Sessions
    // tie logins to engagement on purpose (a session's last impression sends its user back to
    // idle), so this holds with them off; with them on, see the next test.
    const run = (mix: Record<string, number>) => {
      const world = createWorld({ seed: 1, mix, sessions: 'off' }, { runId: 'indep', pools: buildPools(1) });
      const boot: string[] = [];
      const users: string[] = [];
      const all: string[] = [];
      while (users.length < boot.length + 600 || world.stats().phase === 'bootstrap') {
        const e = world.next();
        const json = JSON.stringify(e.envelope);
        all.push(json);
        if (world.stats().phase === 'bootstrap') boot.push(json);
        if (e.envelope.entity_type === 'user' && world.stats().phase === 'activity') {
          const spec = getEventSpec(e.envelope.event_type)!;
          const p = Object.entries(e.envelope.payload).filter(([k]) => spec.fields[k]?.kind !== 'datetime');
          users.push(
            JSON.stringify([e.envelope.event_type, e.envelope.entity_id, e.envelope.sequence, e.envelope.event_id, p]),
          );
        }
      }
      return { boot, users, all };
    };
    const base = run({});
    const orderHeavy = run({ order: 45 });
    expect(orderHeavy.boot).toEqual(base.boot);
    expect(base.boot.length).toBeGreaterThan(1_000);
    let same = 0;
    while (same < base.users.length && base.users[same] === orderHeavy.users[same]) same++;
    expect(same).toBeGreaterThanOrEqual(100);
    // ...while the streams as a whole do differ (the test would be vacuous otherwise).
    expect(orderHeavy.all.slice(base.boot.length, base.boot.length + 200)).not.toEqual(
      base.all.slice(base.boot.length, base.boot.length + 200),
    );
  });

  it('keeps memory bounded: live entities stay within their bands over a long run', () => {
    const world = createWorld({ seed: 5 }, { runId: 'long', pools });
    const peaks = {
      users: 0,
      suppliers: 0,
      communities: 0,
      products: 0,
      promotions: 0,
      posts: 0,
      orders: 0,
      memberships: 0,
      queued: 0,
    };
    for (let i = 0; i < 200_000; i++) {
      world.next();
      if (i % 5_000 === 0) {
        const s = world.stats();
        for (const k of Object.keys(peaks) as (keyof typeof peaks)[]) peaks[k] = Math.max(peaks[k], s[k]);
      }
    }
    // Defaults: 200 users, 20 suppliers, 15 communities, 100 products, 10 promotions, 50 posts; +25% band.
    expect(peaks.users).toBeLessThanOrEqual(250);
    expect(peaks.suppliers).toBeLessThanOrEqual(25);
    expect(peaks.communities).toBeLessThanOrEqual(19);
    expect(peaks.products).toBeLessThanOrEqual(125);
    expect(peaks.promotions).toBeLessThanOrEqual(13);
    expect(peaks.posts).toBeLessThanOrEqual(63);
    expect(peaks.orders).toBeLessThanOrEqual(200);
    expect(peaks.memberships).toBeLessThanOrEqual(250 * 4 + 19);
    expect(peaks.queued).toBeLessThan(200);
  });

  it('concentrates config.hot.promotion of engagement on one promotion that stays active', () => {
    const events = take(
      createWorld({ seed: 9, hot: { promotion: 0.9, post: 0.8 } }, { runId: 'hot', pools: buildPools(9) }),
      60_000,
    );
    const engagement = events.filter((e) =>
      ['promotion.impression', 'promotion.clicked'].includes(e.envelope.event_type),
    );
    const perPromotion = new Map<string, number>();
    for (const e of engagement) perPromotion.set(e.key, (perPromotion.get(e.key) ?? 0) + 1);
    const [viralId, viralCount] = [...perPromotion.entries()].sort((a, b) => b[1] - a[1])[0]!;
    expect(viralCount / engagement.length).toBeGreaterThan(0.88);
    const viralTypes = new Set(events.filter((e) => e.key === viralId).map((e) => e.envelope.event_type));
    for (const t of ['promotion.ended', 'promotion.cancelled', 'promotion.paused'])
      expect(viralTypes.has(t)).toBe(false);
    const postStats = events.filter((e) => e.envelope.event_type === 'post.stats_changed');
    const perPost = new Map<string, number>();
    for (const e of postStats) perPost.set(e.key, (perPost.get(e.key) ?? 0) + 1);
    expect(Math.max(...perPost.values()) / postStats.length).toBeGreaterThan(0.78);
  });

  it('follows the mix: a heavier family gets more events, a weight of 0 turns a type or family off', () => {
    const mixPools = buildPools(4);
    const count = (mix: Record<string, number>, pred: (t: string) => boolean) =>
      take(createWorld({ seed: 4, mix }, { runId: 'mix', pools: mixPools }), 15_000).filter((e) =>
        pred(e.envelope.event_type),
      ).length;
    const isOrder = (t: string) => t.startsWith('order.');
    expect(count({ order: 60 }, isOrder)).toBeGreaterThan(2 * count({}, isOrder));
    expect(count({ order: 0 }, isOrder)).toBe(0);
    expect(count({ 'user.login_failed': 0 }, (t) => t === 'user.login_failed')).toBe(0);
    expect(count({ user: 80, 'user.login_failed': 40 }, (t) => t === 'user.login_failed')).toBeGreaterThan(2_000);
  });

  it('runs with tiny populations without violating any lifecycle rule', () => {
    const world = createWorld(
      { seed: 3, population: { users: 4, suppliers: 1, communities: 1, products: 2, promotions: 1, posts: 1 } },
      { runId: 'tiny', pools },
    );
    const result = checkStream(take(world, 30_000).map((e) => JSON.parse(JSON.stringify(e)) as SimEvent));
    expect(result.anomalies.slice(0, 3)).toEqual([]);
  });

  it('chooses a seed when none is given, and that seed reproduces the run', () => {
    const world = createWorld({}, { runId: 'r' });
    expect(Number.isInteger(world.seed)).toBe(true);
    const first = JSON.stringify(take(world, 2_000));
    expect(JSON.stringify(take(createWorld({ seed: world.seed }, { runId: 'r' }), 2_000))).toBe(first);
  });

  it('reports every problem of an invalid config with its path', () => {
    const err = scSimErrorOf(() =>
      createWorld({ population: { users: -1, posts: 1.5 }, simMsPerEvent: 0 } as never, { runId: 'x' }),
    );
    expect(err.code).toBe('E_CONFIG');
    expect(err.details.join('\n')).toMatch(/world\.population\.users/);
    expect(err.details.join('\n')).toMatch(/world\.population\.posts/);
    expect(err.details.join('\n')).toMatch(/world\.simMsPerEvent/);
    expect(scSimErrorOf(() => createWorld({ mix: { 'order.shiped': 1 } }, { runId: 'x' })).details[0]).toMatch(
      /order\.item_shipped|order\.shipped|did you mean/,
    );
  });

  it('matches the seeded snapshots of a few event types', () => {
    const world = createWorld({ seed: 7 }, { runId: 'snapshot', pools: buildPools(7) });
    const wanted = new Set([
      'user.created',
      'order.created',
      'product.inventory_reserved',
      'promotion.activated',
      'order.item_shipped',
      'community.member_joined',
    ]);
    const firsts = new Map<string, SimEvent['envelope']>();
    while (firsts.size < wanted.size) {
      const e = world.next();
      if (wanted.has(e.envelope.event_type) && !firsts.has(e.envelope.event_type))
        firsts.set(e.envelope.event_type, e.envelope);
    }
    for (const type of wanted) expect(firsts.get(type)).toMatchSnapshot(type);
  });

  it('takes the instant each event happens at from its caller, and is deterministic up to those instants', () => {
    const startMs = Date.parse('2026-12-01T12:00:00.000Z');
    // Two runs of the same seed handed different clocks (e.g. started at different times, at different rates).
    const a = createWorld({ seed: SEED }, { runId: 'r', pools });
    const b = createWorld({ seed: SEED }, { runId: 'r', pools });
    const strip = (e: SimEvent) =>
      JSON.stringify(e.envelope).replace(/"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"/g, '"T"');
    let last = 0;
    for (let i = 0; i < 5_000; i++) {
      const ea = a.next(startMs + Math.floor(i / 2));
      const eb = b.next(startMs + 3_600_000 + i * 3);
      expect(strip(ea)).toBe(strip(eb));
      // occurred_at is the instant handed in (an action's later events keep its instant): never later, never back.
      expect(ea.occurredAtMs).toBeLessThanOrEqual(startMs + Math.floor(i / 2));
      expect(ea.occurredAtMs).toBeGreaterThanOrEqual(last);
      expect(ea.envelope.occurred_at).toBe(new Date(ea.occurredAtMs).toISOString());
      last = ea.occurredAtMs;
    }
  });

  it('passes the lifecycle checker with wall-clock instants and a timeScale', () => {
    // 2,000 ev/s of live time with world durations 3,600× faster: locks and promotion schedules run out.
    const world = createWorld({ seed: SEED }, { runId: 'r', pools, timeScale: 3_600 });
    const startMs = Date.parse('2026-12-01T12:00:00.000Z');
    const events = Array.from({ length: 30_000 }, (_, i) => world.next(startMs + Math.floor(i / 2)));
    const result = checkStream(events);
    expect(result.anomalies).toEqual([]);
    // Time-based rules fired: a locked user logged in again, scheduled promotions went live.
    const types = new Set(events.map((e) => e.envelope.event_type));
    expect(types.has('user.locked') && types.has('promotion.activated')).toBe(true);
  });
});
