// Regenerates the README blocks that are derived from code (`npm run docs`).
import { readFileSync, writeFileSync } from 'node:fs';
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

const path = new URL('../README.md', import.meta.url);
const before = readFileSync(path, 'utf8');
const after = replaceGeneratedBlock(
  replaceGeneratedBlock(before, TOPIC_TABLE_BEGIN, TOPIC_TABLE_END, topicCatalogMarkdown()),
  DERIVED_DOCS_BEGIN,
  DERIVED_DOCS_END,
  derivedTopicsMarkdown(derivedSamples()),
);
if (after !== before) writeFileSync(path, after);
process.stdout.write(after === before ? 'README.md already up to date\n' : 'README.md updated\n');
