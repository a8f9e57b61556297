// The AsyncAPI 3.0 document of the whole topic catalog (`sc-sim schema export --format asyncapi`):
// one channel per topic with its Kafka bindings (partitions, retention, cleanup policy), one
// message per record type with its payload schema (the JSON Schemas of json-schema.ts), its
// headers and its key, and a send operation per channel (what sc-sim produces). Derived from the
// catalogs, like everything else.
import {
  DERIVED_CATALOG,
  DLQ_CATALOG,
  DLQ_HEADERS,
  HEARTBEAT_TOPIC,
  type DerivedSpec,
  type DlqSpec,
} from '../catalog/derived.js';
import { EVENT_CATALOG } from '../catalog/events.js';
import { TOPICS, type TopicSpec } from '../catalog/topics.js';
import { HEADER_EVENT_TYPE, HEADER_RUN_ID, HEADER_SEQUENCE } from '../envelope.js';
import { VERSION } from '../version.js';
import { derivedSchema, eventSchema, heartbeatSchema, type JsonSchema } from './json-schema.js';

export const ASYNCAPI_VERSION = '3.0.0';
const KAFKA_BINDING = '0.5.0';

/** AsyncAPI component and channel ids allow [A-Za-z0-9_-]: dots become underscores. */
export function asyncApiId(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, '_');
}

/** A JSON Schema as an AsyncAPI payload: the document's own $schema/$id are dropped. */
function embedded(schema: JsonSchema): JsonSchema {
  const { $schema: _s, $id: _i, ...rest } = schema;
  return rest;
}

const text = (description: string) => ({ type: 'string', description });

const SC_HEADERS: JsonSchema = {
  type: 'object',
  properties: {
    [HEADER_EVENT_TYPE]: text('The event or record type, so tools can filter without parsing the value'),
    [HEADER_RUN_ID]: text('The sc-sim run'),
    [HEADER_SEQUENCE]: text('The per-entity (per-key for derived records) sequence, as decimal text'),
  },
};

interface Message {
  id: string;
  message: JsonSchema;
}

function keySchema(t: TopicSpec): JsonSchema {
  if (t.keyField === null) return { type: 'null', description: 'Records carry no key' };
  return { type: 'string', description: `The value of ${t.keyField}` };
}

function message(
  t: TopicSpec,
  name: string,
  title: string,
  summary: string,
  payload: JsonSchema,
  headers: JsonSchema,
  contentType = 'application/json',
): Message {
  return {
    id: asyncApiId(`${t.name}.${name}`),
    message: {
      name,
      title,
      summary,
      contentType,
      payload: embedded(payload),
      headers,
      bindings: { kafka: { key: keySchema(t), bindingVersion: KAFKA_BINDING } },
    },
  };
}

function dlqMessage(t: TopicSpec, d: DlqSpec): Message {
  const properties: Record<string, JsonSchema> = {};
  for (const h of DLQ_HEADERS) {
    const encoding =
      h.encoding === 'utf8'
        ? 'UTF-8 text'
        : h.encoding === 'int32be'
          ? '4-byte big-endian int'
          : '8-byte big-endian long';
    properties[h.name] = { type: 'string', description: `${h.doc} (${encoding})` };
  }
  return message(
    t,
    'dead_letter',
    `Dead letter of ${d.consumerGroup}`,
    `${d.description}: the failed record's bytes as the consumer received them (possibly malformed), with Spring Kafka's kafka_dlt-* headers. Keyed by the failed event's event_id.`,
    {
      type: 'string',
      format: 'binary',
      description:
        'The failed record’s value: normally a domain envelope, possibly truncated, of a wrong schema version, of an unknown event type or oversize',
    },
    { type: 'object', properties, required: DLQ_HEADERS.map((h) => h.name) },
    'application/octet-stream',
  );
}

function messagesFor(t: TopicSpec): Message[] {
  if (t.category === 'domain') {
    return EVENT_CATALOG.filter((e) => e.topic === t.name).map((e) =>
      message(t, e.type, e.type, e.trigger, eventSchema(e), SC_HEADERS),
    );
  }
  const derived: DerivedSpec | undefined = DERIVED_CATALOG.find((d) => d.topic === t.name);
  if (derived) {
    return [message(t, derived.recordType, derived.recordType, derived.derivation, derivedSchema(derived), SC_HEADERS)];
  }
  const dlq = DLQ_CATALOG.find((d) => d.topic === t.name);
  if (dlq) return [dlqMessage(t, dlq)];
  if (t.name === HEARTBEAT_TOPIC) {
    return [message(t, 'heartbeat', 'Producer heartbeat', t.description, heartbeatSchema(), SC_HEADERS)];
  }
  throw new Error(`asyncapi: no messages for topic ${t.name}`);
}

/** The document as plain data (serialize it as YAML or JSON). */
export function asyncApiDocument(): JsonSchema {
  const channels: Record<string, JsonSchema> = {};
  const operations: Record<string, JsonSchema> = {};
  const messages: Record<string, JsonSchema> = {};
  for (const t of TOPICS) {
    const id = asyncApiId(t.name);
    const ms = messagesFor(t);
    for (const m of ms) messages[m.id] = m.message;
    channels[id] = {
      address: t.name,
      title: t.name,
      description: `${t.description} (${t.category}; key ${t.keyField ?? 'none'}). ${
        t.category === 'domain' ? 'Payloads follow the spec’s event catalog.' : 'Payload: sc-sim’s own design.'
      }`,
      messages: Object.fromEntries(ms.map((m) => [m.id, { $ref: `#/components/messages/${m.id}` }])),
      bindings: {
        kafka: {
          topic: t.name,
          partitions: t.partitions,
          replicas: 1,
          topicConfiguration: { 'cleanup.policy': [t.cleanupPolicy], 'retention.ms': t.retentionMs },
          bindingVersion: KAFKA_BINDING,
        },
      },
    };
    operations[asyncApiId(`send.${t.name}`)] = {
      action: 'send',
      title: `sc-sim writes ${t.name}`,
      channel: { $ref: `#/channels/${id}` },
      messages: ms.map((m) => ({ $ref: `#/channels/${id}/messages/${m.id}` })),
    };
  }
  return {
    asyncapi: ASYNCAPI_VERSION,
    info: {
      title: 'sc-sim social-commerce topic catalog',
      version: VERSION,
      description:
        'All 32 topics of the platform’s topic catalog as sc-sim writes them: the 7 domain topics (payloads from the spec’s event catalog) and the projection, analytics, dead-letter and heartbeat topics (the spec gives their names, keys, partitions and retention; their payloads are sc-sim’s own design). Topic names are shown without a --prefix.',
    },
    defaultContentType: 'application/json',
    servers: {
      local: {
        host: '127.0.0.1:9092',
        protocol: 'kafka',
        description: 'The local broker of `sc-sim kafka up` (any cluster: --brokers)',
      },
    },
    channels,
    operations,
    components: { messages },
  };
}
