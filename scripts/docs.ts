// Regenerates what is derived from code (`npm run docs`): the README's generated blocks and
// scenarios.schema.json. Unit tests fail when either is stale.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { derivedSamples } from '../src/derive/samples.js';
import {
  DERIVED_DOCS_BEGIN,
  DERIVED_DOCS_END,
  TOPIC_TABLE_BEGIN,
  TOPIC_TABLE_END,
  derivedTopicsMarkdown,
  replaceGeneratedBlock,
  topicCatalogMarkdown,
} from '../src/render/catalog-docs.js';
import { renderScenariosJsonSchema } from '../src/scenarios/index.js';

function update(url: URL, text: string): void {
  const before = readFileSync(url, 'utf8');
  if (text !== before) writeFileSync(url, text);
  process.stdout.write(`${fileURLToPath(url)}: ${text === before ? 'already up to date' : 'updated'}\n`);
}

const readme = new URL('../README.md', import.meta.url);
update(
  readme,
  replaceGeneratedBlock(
    replaceGeneratedBlock(readFileSync(readme, 'utf8'), TOPIC_TABLE_BEGIN, TOPIC_TABLE_END, topicCatalogMarkdown()),
    DERIVED_DOCS_BEGIN,
    DERIVED_DOCS_END,
    derivedTopicsMarkdown(derivedSamples()),
  ),
);

const schema = new URL('../scenarios.schema.json', import.meta.url);
writeFileSync(schema, renderScenariosJsonSchema());
// Prettier is the file's formatter (the test compares formatted text).
execFileSync('npx', ['prettier', '--write', fileURLToPath(schema)], { stdio: 'ignore' });
process.stdout.write(`${fileURLToPath(schema)}: regenerated\n`);
