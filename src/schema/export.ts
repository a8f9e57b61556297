// Writes the JSON Schemas to a directory (`sc-sim schema export`).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ScSimError } from '../errors.js';
import { allSchemas } from './json-schema.js';

export const DEFAULT_SCHEMA_DIR = 'schemas';

/** Writes every schema as pretty JSON; returns the paths written. */
export async function exportSchemas(outDir: string = DEFAULT_SCHEMA_DIR): Promise<string[]> {
  try {
    await mkdir(outDir, { recursive: true });
    const written: string[] = [];
    for (const { fileName, schema } of allSchemas()) {
      const path = join(outDir, fileName);
      await writeFile(path, `${JSON.stringify(schema, null, 2)}\n`, 'utf8');
      written.push(path);
    }
    return written;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new ScSimError('E_IO', `cannot write schemas to ${outDir}: ${code}`, {
      hint: 'choose a writable directory with --out',
      cause: err,
    });
  }
}
