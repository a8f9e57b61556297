// Writes the JSON Schemas to a directory, or the AsyncAPI document to a file (`sc-sim schema export`).
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { ScSimError } from '../errors.js';
import { asyncApiDocument } from './asyncapi.js';
import { allSchemas } from './json-schema.js';

export const DEFAULT_SCHEMA_DIR = 'schemas';
export const DEFAULT_ASYNCAPI_FILE = 'asyncapi.yaml';

/** The AsyncAPI document as text: JSON for a `.json` file name, else YAML. */
export function renderAsyncApi(fileName: string): string {
  const doc = asyncApiDocument();
  return fileName.endsWith('.json') ? `${JSON.stringify(doc, null, 2)}\n` : stringify(doc, { lineWidth: 0 });
}

/** Writes the AsyncAPI document of all 32 topics; returns the path written. */
export async function exportAsyncApi(outFile: string = DEFAULT_ASYNCAPI_FILE): Promise<string> {
  try {
    await mkdir(dirname(outFile), { recursive: true });
    await writeFile(outFile, renderAsyncApi(outFile), 'utf8');
    return outFile;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new ScSimError('E_IO', `cannot write the AsyncAPI document to ${outFile}: ${code}`, {
      hint: 'choose a writable file with --out',
      cause: err,
    });
  }
}

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
