import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureJars, isJarCacheComplete } from '../../../../src/kafka/local/jars.js';
import { jarCachePaths } from '../../../../src/kafka/local/paths.js';

const root = mkdtempSync(join(tmpdir(), 'sc-sim-jars-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('jar cache', () => {
  it('counts as complete only once the marker is written', () => {
    const p = jarCachePaths(root, '9.9.9');
    expect(isJarCacheComplete(root, '9.9.9')).toBe(false);
    mkdirSync(p.libsDir, { recursive: true });
    writeFileSync(join(p.libsDir, 'kafka_2.13-9.9.9.jar'), '');
    // Jars without a marker are what an interrupted download leaves behind.
    expect(isJarCacheComplete(root, '9.9.9')).toBe(false);
    writeFileSync(p.markerFile, '{}\n');
    expect(isJarCacheComplete(root, '9.9.9')).toBe(true);
  });

  it('reuses a complete cache without running Maven', async () => {
    const p = jarCachePaths(root, '8.8.8');
    mkdirSync(p.libsDir, { recursive: true });
    for (const jar of ['a.jar', 'b.jar', 'notes.txt']) writeFileSync(join(p.libsDir, jar), '');
    writeFileSync(p.markerFile, '{}\n');
    const progress: string[] = [];
    // A pom that does not exist: any Maven run would fail, so success proves none happened.
    const r = await ensureJars({
      cacheRoot: root,
      version: '8.8.8',
      pomPath: join(root, 'no-pom.xml'),
      onProgress: (m) => progress.push(m),
    });
    expect(r).toEqual({ libsDir: p.libsDir, downloaded: false, jarCount: 2 });
    expect(progress).toEqual([]);
  });
});
