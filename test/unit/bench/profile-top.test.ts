import { describe, expect, it } from 'vitest';
import { formatProfileSummary, locate, summarizeCpuProfile, type CpuProfile } from '../../../bench/profile-top.js';

const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber });

// (root) → send [kafkajs] → alloc [node:buffer]; (root) → encode [src/encode.ts]; (idle); (garbage collector).
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 4, 5, 6] },
    { id: 2, callFrame: frame('send', 'file:///repo/node_modules/kafkajs/src/producer/index.js', 9), children: [3] },
    { id: 3, callFrame: frame('alloc', 'node:buffer', 390) },
    { id: 4, callFrame: frame('encode', 'file:///repo/src/encode.ts', 0) },
    { id: 5, callFrame: frame('(idle)') },
    { id: 6, callFrame: frame('(garbage collector)') },
  ],
  startTime: 0,
  endTime: 10_000,
  samples: [2, 3, 3, 4, 5, 6, 3],
  timeDeltas: [1_000, 2_000, 1_000, 3_000, 10_000, 1_000, 2_000],
};

describe('summarizeCpuProfile', () => {
  const s = summarizeCpuProfile(profile);

  it('adds up self time per function from the sample time deltas, idle apart', () => {
    expect(s.totalMs).toBe(20);
    expect(s.busyMs).toBe(10);
    expect(s.functions.map((f) => [f.name, f.where, f.selfMs])).toEqual([
      ['alloc:391', 'node', 5],
      ['encode:1', 'src/encode.ts', 3],
      ['send:10', 'kafkajs', 1],
      ['(garbage collector)', '(garbage collector)', 1],
    ]);
    expect(s.functions[0]!.share).toBe(0.5);
  });

  it("charges Node's own code to the package that called it", () => {
    expect(s.modules.find((m) => m.where === 'kafkajs')!.selfMs).toBe(1);
    expect(s.modulesByCaller.find((m) => m.where === 'kafkajs')!.selfMs).toBe(6);
    expect(s.modulesByCaller.map((m) => m.where)).not.toContain('node');
  });

  it('formats shares of busy time', () => {
    expect(formatProfileSummary(s)).toContain('busy 10 ms of 20 ms profiled');
    expect(formatProfileSummary(s)).toMatch(/60\.0%\s+6 ms\s+kafkajs/);
  });
});

describe('locate', () => {
  it('names packages, repo files and V8 pseudo-frames', () => {
    expect(locate('file:///x/node_modules/@faker-js/faker/dist/a.js', 'f')).toBe('@faker-js/faker');
    expect(locate('file:///x/main/src/generators/world.ts', 'f')).toBe('src/generators/world.ts');
    expect(locate('node:internal/buffer', 'f')).toBe('node');
    expect(locate('', '(program)')).toBe('(program)');
    expect(locate('', 'utf8Write')).toBe('(native)');
  });
});
