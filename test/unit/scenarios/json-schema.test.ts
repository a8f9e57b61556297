import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { renderScenariosJsonSchema, scenariosJsonSchema } from '../../../src/scenarios/json-schema.js';
import { BUNDLED_SCENARIOS_PATH } from '../../../src/scenarios/loader.js';

const SCHEMA_FILE = new URL('../../../scenarios.schema.json', import.meta.url);

describe('scenarios.schema.json', () => {
  it('is the file generated from the zod schema', () => {
    // Regenerate with: npm run docs
    expect(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'))).toEqual(JSON.parse(renderScenariosJsonSchema()));
  });

  it('accepts the shipped scenarios.yaml and rejects a wrong one', () => {
    const validate = new Ajv({ strict: false }).compile(scenariosJsonSchema());
    const shipped = parse(readFileSync(BUNDLED_SCENARIOS_PATH, 'utf8'));
    expect(validate(shipped), JSON.stringify(validate.errors)).toBe(true);
    const wrong = { scenarios: { x: { description: 'd', load: { executor: 'warp', rate: 1 } } } };
    expect(validate(wrong)).toBe(false);
  });
});
