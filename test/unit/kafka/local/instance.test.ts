import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  dirUsage,
  lastStartLines,
  readInstance,
  rotateLogIfLarge,
  START_MARKER,
  tailLines,
  writeInstance,
} from '../../../../src/kafka/local/instance.js';

const dir = mkdtempSync(join(tmpdir(), 'sc-sim-inst-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('instance.json', () => {
  it('round-trips what status/down/logs need', async () => {
    const f = join(dir, 'a', 'instance.json');
    const rec = {
      mode: 'jvm' as const,
      port: 19092,
      controllerPort: 19093,
      version: '4.4.0',
      startedAt: '2026-01-01T00:00:00.000Z',
    };
    await writeInstance(f, rec, join(dir, 'a'));
    expect(await readInstance(f)).toEqual(rec);
  });

  it('treats a missing or malformed file as "never started"', async () => {
    expect(await readInstance(join(dir, 'nope.json'))).toBeUndefined();
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"mode":"podman","port":1}');
    expect(await readInstance(bad)).toBeUndefined();
    writeFileSync(bad, '{not json');
    expect(await readInstance(bad)).toBeUndefined();
  });
});

describe('tailLines', () => {
  it('returns the last N lines of a file larger than one read chunk', async () => {
    const f = join(dir, 'big.log');
    const lines = Array.from({ length: 20_000 }, (_, i) => `line ${i} ${'x'.repeat(20)}`);
    writeFileSync(f, lines.join('\n') + '\n');
    expect(await tailLines(f, 3)).toEqual(lines.slice(-3));
    expect(await tailLines(f, 5000)).toEqual(lines.slice(-5000));
  });

  it('handles a file without a trailing newline, a short file and a missing file', async () => {
    const f = join(dir, 'short.log');
    writeFileSync(f, 'a\nb\nc');
    expect(await tailLines(f, 2)).toEqual(['b', 'c']);
    expect(await tailLines(f, 10)).toEqual(['a', 'b', 'c']);
    expect(await tailLines(join(dir, 'none.log'), 10)).toEqual([]);
  });
});

describe('lastStartLines', () => {
  it('keeps only what the most recent start wrote', async () => {
    const f = join(dir, 'broker.log');
    writeFileSync(
      f,
      [`${START_MARKER} 1`, 'old run', '', `${START_MARKER} 2`, 'new 1', 'new 2', 'new 3', ''].join('\n'),
    );
    expect(await lastStartLines(f, 20)).toEqual(['new 1', 'new 2', 'new 3']);
    expect(await lastStartLines(f, 2)).toEqual(['new 2', 'new 3']);
  });
});

describe('dirUsage', () => {
  it('sums regular files recursively and is 0 for a missing dir', async () => {
    const d = join(dir, 'data');
    mkdirSync(join(d, 'topic-0'), { recursive: true });
    writeFileSync(join(d, 'meta.properties'), 'x'.repeat(100));
    writeFileSync(join(d, 'topic-0', '0.log'), 'y'.repeat(1234));
    const u = await dirUsage(d);
    expect(u.apparentBytes).toBe(1334);
    expect(u.allocatedBytes).toBeGreaterThanOrEqual(1334);
    expect(await dirUsage(join(dir, 'missing'))).toEqual({ allocatedBytes: 0, apparentBytes: 0 });
  });

  it('counts what a sparse, preallocated index file takes on disk, not its apparent size', async () => {
    // Like Kafka's .index files: 10 MiB long, almost nothing written.
    const d = join(dir, 'sparse');
    mkdirSync(d, { recursive: true });
    const f = join(d, '00000000000000000000.index');
    writeFileSync(f, 'z');
    truncateSync(f, 10 * 1024 * 1024);
    const u = await dirUsage(d);
    expect(u.apparentBytes).toBe(10 * 1024 * 1024);
    expect(u.allocatedBytes).toBeLessThan(1024 * 1024);
  });
});

describe('rotateLogIfLarge', () => {
  it('moves a log above the limit aside and leaves a small one alone', async () => {
    const f = join(dir, 'rot.log');
    writeFileSync(f, 'z'.repeat(2000));
    await rotateLogIfLarge(f, 5000);
    expect(statSync(f).size).toBe(2000);
    await rotateLogIfLarge(f, 1000);
    expect(statSync(`${f}.1`).size).toBe(2000);
    expect(() => statSync(f)).toThrow();
  });
});
