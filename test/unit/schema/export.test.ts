import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ScSimError } from '../../../src/errors.js';
import { exportSchemas } from '../../../src/schema/export.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('exportSchemas', () => {
  it('writes <event_type>.schema.json for all 74 types, envelope.schema.json and one per derived topic and the heartbeat', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sc-sim-schemas-'));
    dirs.push(dir);
    const out = join(dir, 'nested', 'schemas');
    const paths = await exportSchemas(out);
    const files = (await readdir(out)).sort();
    expect(paths).toHaveLength(96);
    expect(files).toHaveLength(96);
    expect(files).toContain('envelope.schema.json');
    expect(files).toContain('community.deleted.schema.json');
    const schema = JSON.parse(await readFile(join(out, 'order.created.schema.json'), 'utf8')) as { title: string };
    expect(schema.title).toBe('order.created');
  });

  it('reports an unwritable directory as E_IO with a hint', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sc-sim-schemas-'));
    dirs.push(dir);
    const file = join(dir, 'not-a-dir');
    await writeFile(file, 'x');
    const err = await exportSchemas(join(file, 'schemas')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScSimError);
    expect((err as ScSimError).code).toBe('E_IO');
    expect((err as ScSimError).hint).toMatch(/--out/);
  });
});
