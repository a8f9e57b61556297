import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DERIVED_DOCS_BEGIN,
  DERIVED_DOCS_END,
  TOPIC_TABLE_BEGIN,
  TOPIC_TABLE_END,
  derivedTopicsMarkdown,
  replaceGeneratedBlock,
  topicCatalogMarkdown,
} from '../../../src/render/catalog-docs.js';
import { derivedSamples } from '../../../src/derive/samples.js';
import { TOPICS } from '../../../src/catalog/topics.js';

describe('README topic table', () => {
  it('is the table generated from the catalog (run `npm run docs` after changing the catalog)', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    expect(replaceGeneratedBlock(readme, TOPIC_TABLE_BEGIN, TOPIC_TABLE_END, topicCatalogMarkdown())).toBe(readme);
  });

  it('has one row per catalog topic', () => {
    const rows = topicCatalogMarkdown().split('\n').slice(2);
    expect(rows).toHaveLength(TOPICS.length);
    expect(rows[6]).toBe('| `sc.domain.order` | domain | 6 | `order_id` | 30d | delete | Order transaction events |');
  });

  it('replaceGeneratedBlock refuses a document without markers', () => {
    expect(() => replaceGeneratedBlock('no markers', TOPIC_TABLE_BEGIN, TOPIC_TABLE_END, 'x')).toThrow(/not found/);
  });

  it('the derived topics’ tables and samples are the ones generated from the catalog and the projector', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const samples = derivedSamples();
    // One sample per projection, analytics, DLQ and heartbeat topic.
    expect(samples).toHaveLength(25);
    expect(replaceGeneratedBlock(readme, DERIVED_DOCS_BEGIN, DERIVED_DOCS_END, derivedTopicsMarkdown(samples))).toBe(
      readme,
    );
  });
});
