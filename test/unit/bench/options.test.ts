import { describe, expect, it } from 'vitest';
import { parseBenchArgs, PHASES } from '../../../bench/options.js';
import { ScSimError } from '../../../src/errors.js';

describe('parseBenchArgs', () => {
  it('default mode: every phase, 3 rounds of 200k, a 60 s memory run, its own broker', () => {
    const o = parseBenchArgs([]);
    expect(o).toMatchObject({
      mode: 'default',
      brokers: undefined,
      phases: [...PHASES],
      rounds: 3,
      produceCount: 200_000,
      memoryDurationMs: 60_000,
    });
  });
  it('--smoke is seconds: tiny counts and one round', () => {
    const o = parseBenchArgs(['--smoke']);
    expect(o.mode).toBe('smoke');
    expect(o.rounds).toBe(1);
    expect(o.produceCount).toBeLessThanOrEqual(10_000);
    expect(o.memoryDurationMs).toBeLessThanOrEqual(10_000);
  });
  it('--full runs the memory phase for 5 minutes', () => {
    expect(parseBenchArgs(['--full']).memoryDurationMs).toBe(300_000);
  });
  it('--brokers, --only, --rounds and --count override', () => {
    const o = parseBenchArgs(['--brokers', 'a:1, b:2', '--only', 'memory,produce', '--rounds', '5', '--count', '1000']);
    expect(o.brokers).toEqual(['a:1', 'b:2']);
    expect(o.phases).toEqual(['produce', 'memory']);
    expect(o.rounds).toBe(5);
    expect(o.produceCount).toBe(1000);
  });
  it('bad flags are usage errors', () => {
    for (const argv of [
      ['--smoke', '--full'],
      ['--only', 'nope'],
      ['--rounds', '0'],
      ['--count', 'x'],
      ['--bogus'],
      ['--brokers', ' , '],
    ]) {
      expect(() => parseBenchArgs(argv), argv.join(' ')).toThrow(ScSimError);
      try {
        parseBenchArgs(argv);
      } catch (err) {
        expect((err as ScSimError).code).toBe('E_USAGE');
      }
    }
  });
});
