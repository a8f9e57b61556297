// The AsyncAPI document is checked by the reference parser (@asyncapi/parser): the AsyncAPI 3
// JSON Schema, $ref resolution and the semantic rules (an operation's messages must be its
// channel's), which a plain JSON Schema check of the document would not catch.
import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import { stringify } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { DERIVED_CATALOG } from '../../../src/catalog/derived.js';
import { TOPICS } from '../../../src/catalog/topics.js';
import { asyncApiDocument, asyncApiId } from '../../../src/schema/asyncapi.js';

type Doc = ReturnType<typeof asyncApiDocument>;

async function errorsOf(doc: Doc): Promise<string[]> {
  const diagnostics = await new Parser().validate(stringify(doc));
  return diagnostics
    .filter((d) => d.severity === DiagnosticSeverity.Error)
    .map((d) => `[${d.code}] ${d.path.join('/')}: ${d.message}`);
}

describe('the AsyncAPI document of the catalog', () => {
  let doc: Doc;
  beforeAll(() => {
    doc = asyncApiDocument();
  });

  it('is a valid AsyncAPI 3 document for the reference parser', async () => {
    expect(await errorsOf(doc)).toEqual([]);
  }, 120_000);

  it('has all 32 topics with the catalog’s partitions, retention, cleanup and key', async () => {
    const { document } = await new Parser().parse(stringify(doc));
    expect(document).toBeDefined();
    const channels = document!.channels();
    expect(channels.length).toBe(32);
    for (const t of TOPICS) {
      const ch = channels.get(asyncApiId(t.name))!;
      expect(ch.address()).toBe(t.name);
      const kafka = ch.bindings().get('kafka')!.value() as {
        partitions: number;
        topicConfiguration: Record<string, unknown>;
      };
      expect(kafka.partitions).toBe(t.partitions);
      expect(kafka.topicConfiguration).toEqual({ 'cleanup.policy': ['delete'], 'retention.ms': t.retentionMs });
      for (const m of ch.messages().all()) {
        const key = m.bindings().get('kafka')!.value() as { key: { type: string; description?: string } };
        expect(key.key.type, t.name).toBe(t.keyField === null ? 'null' : 'string');
      }
    }
    // 74 domain event types, one record type per derived topic, 4 dead letters, the heartbeat.
    expect(document!.messages().length).toBe(74 + DERIVED_CATALOG.length + 4 + 1);
  }, 120_000);

  it('the parser does catch a broken document (an operation naming another channel’s message)', async () => {
    const broken = structuredClone(doc) as { operations: Record<string, { messages: { $ref: string }[] }> };
    broken.operations[asyncApiId('send.sc.domain.user')]!.messages = [
      { $ref: `#/channels/${asyncApiId('sc.domain.order')}/messages/${asyncApiId('sc.domain.order.order.created')}` },
    ];
    expect((await errorsOf(broken as Doc)).length).toBeGreaterThan(0);
  }, 120_000);
});
