// Flag parsers at their edges: what a user types that is almost right must get a usage error.
import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import {
  parseDurationFlag,
  parseGeneratorThreads,
  parseRunId,
  parseShard,
  parseStartAt,
  shardFromEnv,
} from '../../../src/cli/options.js';
import { ScenarioSchema } from '../../../src/scenarios/schema.js';

describe('--shard', () => {
  it('takes i/N with 0 <= i < N <= 65536', () => {
    expect(parseShard('0/1')).toEqual({ index: 0, count: 1 });
    expect(parseShard('3/4')).toEqual({ index: 3, count: 4 });
    expect(parseShard('65535/65536')).toEqual({ index: 65_535, count: 65_536 });
    for (const bad of ['4/4', '-1/4', '1/0', '0/65537', '1', '1/4/8', 'a/4', '1.5/4', ' /4', '']) {
      expect(() => parseShard(bad), bad).toThrow(InvalidArgumentError);
    }
  });

  it('comes from a Kubernetes Indexed Job: JOB_COMPLETION_INDEX with SC_SIM_SHARDS', () => {
    expect(shardFromEnv({})).toBeUndefined();
    expect(shardFromEnv({ JOB_COMPLETION_INDEX: '2' })).toBeUndefined();
    expect(shardFromEnv({ JOB_COMPLETION_INDEX: '2', SC_SIM_SHARDS: '4' })).toEqual({ index: 2, count: 4 });
    expect(() => shardFromEnv({ SC_SIM_SHARDS: '4' })).toThrow(/JOB_COMPLETION_INDEX is not/);
    expect(() => shardFromEnv({ JOB_COMPLETION_INDEX: '4', SC_SIM_SHARDS: '4' })).toThrow(
      expect.objectContaining({ code: 'E_USAGE' }),
    );
  });
});

describe('--start-at', () => {
  it('takes an ISO-8601 instant with its zone, and nothing vaguer', () => {
    expect(parseStartAt('2026-12-01T12:00:00Z').toISOString()).toBe('2026-12-01T12:00:00.000Z');
    expect(parseStartAt('2026-12-01T13:00:00.5+01:00').toISOString()).toBe('2026-12-01T12:00:00.500Z');
    for (const bad of ['2026-12-01T12:00:00', '2026-12-01', 'tomorrow', '2026-13-01T00:00:00Z', '+30s']) {
      expect(() => parseStartAt(bad), bad).toThrow(InvalidArgumentError);
    }
  });
});

describe('--run-id', () => {
  it('takes header-safe ids and refuses one that starts like an option', () => {
    expect(parseRunId('run-20261201T120000-abc123')).toBe('run-20261201T120000-abc123');
    for (const bad of ['-run', '.x', '_x', 'a b', 'x'.repeat(129), '', 'é']) {
      expect(() => parseRunId(bad), bad).toThrow(InvalidArgumentError);
    }
  });
});

describe('duration flags', () => {
  it('read 30s, 2m, 500ms and bare milliseconds', () => {
    const parse = parseDurationFlag('--delivery-timeout');
    expect([parse('30s'), parse('2m'), parse('500ms'), parse('1500')]).toEqual([30_000, 120_000, 500, 1_500]);
  });

  it('refuse a value below the flag’s minimum, naming both', () => {
    const parse = parseDurationFlag('--metadata-max-age', 1_000);
    expect(parse('1s')).toBe(1_000);
    expect(() => parse('999ms')).toThrow(InvalidArgumentError);
    expect(() => parse('500ms')).toThrow('--metadata-max-age must be at least 1s, got "500ms"');
    expect(() => parse('-1s')).toThrow('--metadata-max-age expects e.g. 30s');
  });
});

describe('--generator-threads and generator.threads', () => {
  it('take 0 to 16 or auto, and nothing else', () => {
    expect(parseGeneratorThreads('0')).toBe(0);
    expect(parseGeneratorThreads('16')).toBe(16);
    expect(parseGeneratorThreads('auto')).toBe('auto');
    for (const bad of ['17', '-1', '1.5', 'two', '', ' ', 'Auto', '2e1']) {
      expect(() => parseGeneratorThreads(bad), bad).toThrow(InvalidArgumentError);
    }
    const parse = (threads: unknown) =>
      ScenarioSchema.safeParse({
        description: 'x',
        load: { executor: 'unthrottled', count: 1 },
        generator: { threads },
      });
    expect(parse(undefined).data?.generator.threads).toBe(0);
    expect(parse('auto').data?.generator.threads).toBe('auto');
    for (const bad of [-1, 17, 2.5, 'all']) {
      expect(parse(bad).error?.issues[0]?.message, String(bad)).toBe(
        'expected a whole number of threads from 0 to 16, or auto',
      );
    }
  });
});
