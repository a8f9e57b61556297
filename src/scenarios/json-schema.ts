// scenarios.schema.json, generated from the zod schema (one source of truth): editors using the
// YAML language server autocomplete and check scenarios.yaml with it. A test keeps the file in step.
import { z } from 'zod';
import { ScenariosFileSchema } from './schema.js';

export function scenariosJsonSchema(): Record<string, unknown> {
  // io: 'input' describes what a person writes (e.g. "30s" durations), not the parsed values.
  const schema = z.toJSONSchema(ScenariosFileSchema, { io: 'input', target: 'draft-7' });
  return { ...schema, title: 'sc-sim scenarios file', description: 'Named load scenarios for `sc-sim run <name>`.' };
}

/** The file's exact text (2-space JSON and a final newline). */
export function renderScenariosJsonSchema(): string {
  return `${JSON.stringify(scenariosJsonSchema(), null, 2)}\n`;
}
