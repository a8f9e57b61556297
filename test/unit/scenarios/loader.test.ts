import { DEFAULT_TIME_SHAPE } from '../../../src/runner/time-shape.js';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createWorld } from '../../../src/generators/world.js';
import { BUNDLED_SCENARIOS_PATH, getScenario, loadScenarios, parseScenarios } from '../../../src/scenarios/loader.js';
import { scSimErrorOf } from '../../support/errors.js';

describe('the shipped scenarios.yaml', () => {
  const loaded = loadScenarios(BUNDLED_SCENARIOS_PATH);

  it('validates, starts with the schema line and has the required scenarios', () => {
    expect(readFileSync(BUNDLED_SCENARIOS_PATH, 'utf8').split('\n')[0]).toBe(
      '# yaml-language-server: $schema=./scenarios.schema.json',
    );
    expect(Object.keys(loaded.scenarios)).toEqual(
      expect.arrayContaining([
        'seed-dev',
        'steady',
        'flash-sale',
        'viral-promotion-entity',
        'viral-promotion-bucketed',
        'login-storm',
      ]),
    );
  });

  it.each(Object.keys(loadScenarios(BUNDLED_SCENARIOS_PATH).scenarios))(
    '%s builds a world that produces events',
    (name) => {
      const s = getScenario(loaded, name);
      const world = createWorld({ ...s.world, seed: 1 } as Parameters<typeof createWorld>[0], { runId: 'test' });
      for (let i = 0; i < 200; i++) expect(world.next().envelope.run_id).toBe('test');
    },
  );

  it('seed-dev is 40,000 records on all 32 topics, a 6-day history written as fast as the broker acks', () => {
    const s = getScenario(loaded, 'seed-dev');
    expect(s.topics).toBe('all');
    expect(s.load).toEqual({ executor: 'unthrottled', count: 40_000 });
    expect(s.time).toEqual({
      mode: 'backfill',
      history: 6 * 86_400_000,
      beyondRetention: 'refuse',
      shape: DEFAULT_TIME_SHAPE,
    });
  });

  it('the four viral scenarios differ only in the impressions key strategy, seed pinned, the promotion a cascade', () => {
    const names = ['entity', 'bucketed', 'salted', 'unkeyed'].map((k) => `viral-promotion-${k}`);
    const [a, ...others] = names.map((n) => getScenario(loaded, n));
    const strip = (s: typeof a) => ({ ...s, description: '', keys: {} });
    for (const o of others) expect(strip(o!)).toEqual(strip(a!));
    expect(others.map((o) => o!.keys)).toEqual([
      { 'promotion.impression': { strategy: 'compound', bucket: 1_000 } },
      { 'promotion.impression': { strategy: 'salted', salts: 24, by: 'viewer_id' } },
      { 'promotion.impression': { strategy: 'none', partitioner: 'sticky' } },
    ]);
    expect(a!.keys).toEqual({});
    // The viral moment is a cascade sparked when the warm-up ends, on a small baseline share.
    expect(a!.world.hot.promotion).toBe(0.05);
    expect(a!.world.cascade.promotion).toMatchObject({ at: a!.warmup, spark: 0.85, branching: 0.7 });
    expect(a!.world.seed).toBe(7);
    expect(a!.time).toEqual({ mode: 'live', timeScale: 1, shape: 'flat' });
  });
});

describe('parseScenarios', () => {
  it('reports every problem of a broken file at once, with line:col', () => {
    const text = [
      'scenarios:', // 1
      '  ok:', // 2
      '    description: fine', // 3
      '    load: { executor: constant-rate, rate: 10, duration: 5s }', // 4
      '  broken:', // 5
      '    description: ""', // 6
      '    wrld: {}', // 7
      '    world:', // 8
      '      mix: { ordr: 2, product.inventory_reserved: 1 }', // 9
      '    load:', // 10
      '      executor: ramping-rate', // 11
      '      stages:', // 12
      '        - { target: 10, duration: 1s }', // 13
      '        - { target: x, duration: 10 minutes }', // 14
      '    producer: { compression: lz4 }', // 15
      '    thresholds: { p99: "< 5", errors: "= 0" }', // 16
      '  steady:', // 17
      '    description: missing its load', // 18
    ].join('\n');
    const err = scSimErrorOf(() => parseScenarios(text, 'scenarios.yaml'));
    expect(err.code).toBe('E_SCENARIO_INVALID');
    expect(err.message).toBe('scenarios.yaml has 10 problems');
    expect(err.details).toEqual([
      'scenarios.yaml:6:18 scenarios.broken.description: Too small: expected string to have >=1 characters',
      'scenarios.yaml:7:5 scenarios.broken.wrld: unknown key',
      'scenarios.yaml:9:14 scenarios.broken.world.mix.ordr: unknown key; did you mean order, user, post?',
      'scenarios.yaml:9:23 scenarios.broken.world.mix["product.inventory_reserved"]: product.inventory_reserved has no weight of its own: it follows order.created',
      'scenarios.yaml:14:21 scenarios.broken.load.stages[1].target: Invalid input: expected number, received string',
      'scenarios.yaml:14:34 scenarios.broken.load.stages[1].duration: expected a duration like "500ms", "30s", "2m", "1h", "7d" or a number of milliseconds',
      expect.stringMatching(/^scenarios\.yaml:15:30 scenarios\.broken\.producer\.compression: expected none or gzip/),
      expect.stringMatching(
        /^scenarios\.yaml:16:19 scenarios\.broken\.thresholds\.p99: unknown key; did you mean ack_latency_p99_ms/,
      ),
      expect.stringMatching(/^scenarios\.yaml:16:39 scenarios\.broken\.thresholds\.errors: expected "<op> <number>"/),
      'scenarios.yaml:17:3 scenarios.steady.load: missing: the load shape, e.g. { executor: constant-rate, rate: 1000, duration: 1m }',
    ]);
  });

  it('reports YAML syntax errors with line:col too', () => {
    const err = scSimErrorOf(() => parseScenarios('scenarios:\n  a:\n    load: [1,\n  b: 2\n', 'x.yaml'));
    expect(err.code).toBe('E_SCENARIO_INVALID');
    expect(err.details.length).toBeGreaterThan(0);
    for (const d of err.details) expect(d).toMatch(/^x\.yaml:\d+:\d+ \(yaml\): /);
  });

  it('names the known scenarios when asked for an unknown one', () => {
    const loaded = parseScenarios(
      'scenarios:\n  steady:\n    description: d\n    load: { executor: unthrottled, count: 1 }\n',
      'f.yaml',
    );
    const err = scSimErrorOf(() => getScenario(loaded, 'stedy'));
    expect(err.code).toBe('E_SCENARIO_UNKNOWN');
    expect(err.details).toEqual(['known scenarios: steady']);
    expect(err.hint).toMatch(/did you mean steady/);
  });

  it("reports an idempotent producer without acks: all next to the block's other errors", () => {
    const text = [
      'scenarios:',
      '  a:',
      '    description: d',
      '    load: { executor: unthrottled, count: 1 }',
      '    producer: { acks: leader, compression: zstd }',
      '',
    ].join('\n');
    const err = scSimErrorOf(() => parseScenarios(text, 'p.yaml'));
    expect(err.details).toEqual([
      'p.yaml:5:23 scenarios.a.producer.acks: an idempotent producer needs acks: all (or set idempotent: false)',
      expect.stringMatching(/^p\.yaml:5:44 scenarios\.a\.producer\.compression: expected none or gzip/),
    ]);
  });

  it('rejects a mix that turns everything off, with its line', () => {
    const text = [
      'scenarios:',
      '  quiet:',
      '    description: d',
      '    world:',
      '      mix: { user: 0, supplier: 0, community: 0, product: 0, promotion: 0, post: 0, order: 0 }',
      '    load: { executor: unthrottled, count: 1 }',
      '',
    ].join('\n');
    const err = scSimErrorOf(() => parseScenarios(text, 'm.yaml'));
    expect(err.details).toEqual([
      expect.stringMatching(/^m\.yaml:5:12 scenarios\.quiet\.world\.mix: .*turns every activity off/),
    ]);
  });

  it('says what a compound key misses when it has no bucket', () => {
    const text = [
      'scenarios:',
      '  k:',
      '    description: d',
      '    load: { executor: unthrottled, count: 1 }',
      '    keys: { promotion.impression: { strategy: compound } }',
      '',
    ].join('\n');
    const err = scSimErrorOf(() => parseScenarios(text, 'k.yaml'));
    expect(err.details).toEqual([
      expect.stringMatching(
        /^k\.yaml:\d+:\d+ scenarios\.k\.keys\["promotion\.impression"\]\.bucket: missing: a compound key needs its bucket width, e\.g\. bucket: 1s$/,
      ),
    ]);
  });

  it('refuses what time and keys cannot do, each problem with its line', () => {
    const text = [
      'scenarios:', // 1
      '  t:', // 2
      '    description: d', // 3
      '    world: { simMsPerEvent: 5 }', // 4
      '    load: { executor: unthrottled, duration: 10s }', // 5
      '    time: { mode: backfill, history: 20d }', // 6
      '    keys: { promotion: { strategy: salted, salts: 4 } }', // 7
      '',
    ].join('\n');
    const err = scSimErrorOf(() => parseScenarios(text, 't.yaml'));
    expect(err.details).toEqual([
      expect.stringMatching(
        /^t\.yaml:4:\d+ scenarios\.t\.world\.simMsPerEvent: a run's event times come from its time mode/,
      ),
      expect.stringMatching(/^t\.yaml:5:\d+ scenarios\.t\.load: a backfill spreads a known number of events/),
      expect.stringMatching(
        /^t\.yaml:6:\d+ scenarios\.t\.time\.history: a 20d history reaches past sc\.domain\.community's 14d retention .*beyondRetention: clamp$/,
      ),
      expect.stringMatching(
        /^t\.yaml:7:\d+ scenarios\.t\.keys\.promotion\.by: missing: promotion\.created, .* have no payload field viewer_id to salt by/,
      ),
    ]);
  });

  it('says so when the file is missing', () => {
    expect(scSimErrorOf(() => loadScenarios('/nonexistent/scenarios.yaml')).code).toBe('E_SCENARIO_FILE');
  });
});
