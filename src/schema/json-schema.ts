// JSON Schemas (draft-07) derived from the event catalog: one per event type (envelope + typed
// payload, closed with additionalProperties: false) and one for the bare envelope. Consumers can
// validate what sc-sim sends; our tests validate every generated event with ajv.
import {
  DERIVED_CATALOG,
  DERIVED_ENVELOPE_DOC,
  HEARTBEAT_FIELDS,
  HEARTBEAT_TOPIC,
  PROJECTION_VERSION,
  type DerivedSpec,
} from '../catalog/derived.js';
import { EVENT_CATALOG, type EventSpec, type FieldMap, type FieldSpec } from '../catalog/events.js';
import { DOMAIN_TOPICS } from '../catalog/topics.js';
import { EntityTypes } from '../envelope.js';

export const JSON_SCHEMA_DRAFT = 'http://json-schema.org/draft-07/schema#';

/** A JSON Schema document (plain data; kept loose on purpose). */
export type JsonSchema = { [keyword: string]: unknown };

/** Pseudonymous entity ids of failed logins for unknown accounts (see generators/families/users.ts). */
export const ANON_ENTITY_PATTERN = '^anon-[0-9a-f]{16}$';

function describe(f: FieldSpec): string | undefined {
  const parts: string[] = [];
  if (f.ext) parts.push('[sc-sim extension: not among the spec’s key payload fields]');
  if (f.doc) parts.push(f.doc);
  return parts.length > 0 ? parts.join(' ') : undefined;
}

function baseSchema(f: FieldSpec): JsonSchema {
  switch (f.kind) {
    case 'uuid':
      return { type: 'string', format: 'uuid' };
    case 'string':
      return { type: 'string', minLength: 1 };
    case 'datetime':
      return { type: 'string', format: 'date-time' };
    case 'url':
      return { type: 'string', format: 'uri' };
    case 'currency':
      return { type: 'string', pattern: '^[A-Z]{3}$' };
    case 'bool':
      return { type: 'boolean' };
    case 'int':
      return f.min === undefined ? { type: 'integer' } : { type: 'integer', minimum: f.min };
    case 'cents':
      return { type: 'integer', minimum: 0 };
    case 'number':
      return { type: 'number', minimum: 0 };
    case 'enum':
      return { type: 'string', enum: [...f.values] };
    case 'array':
      return { type: 'array', items: fieldSchema(f.items) };
    case 'object':
      return objectSchema(f.fields);
    case 'map':
      return { type: 'object', additionalProperties: { type: 'string' } };
  }
}

export function fieldSchema(f: FieldSpec): JsonSchema {
  const schema = baseSchema(f);
  if (f.nullable) {
    schema['type'] = [schema['type'], 'null'];
    if (Array.isArray(schema['enum'])) schema['enum'] = [...(schema['enum'] as unknown[]), null];
  }
  const description = describe(f);
  return description === undefined ? schema : { description, ...schema };
}

/** A closed object: every field typed, the non-optional ones required, nothing else allowed. */
export function objectSchema(fields: FieldMap): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const [name, f] of Object.entries(fields)) {
    properties[name] = fieldSchema(f);
    if (!f.optional) required.push(name);
  }
  return { type: 'object', properties, required, additionalProperties: false };
}

function envelopeProperties(): Record<string, JsonSchema> {
  return {
    event_id: { type: 'string', format: 'uuid', description: 'Unique per event' },
    event_type: { type: 'string', enum: EVENT_CATALOG.map((e) => e.type) },
    event_version: { type: 'integer', minimum: 1 },
    occurred_at: {
      type: 'string',
      format: 'date-time',
      description: 'Simulated event time, UTC; monotonic per entity',
    },
    entity_type: { type: 'string', enum: [...EntityTypes] },
    entity_id: { type: 'string', minLength: 1, description: 'Value of the topic key field; also the record key' },
    sequence: { type: 'integer', minimum: 1, description: '1, 2, 3… per entity' },
    correlation_id: { type: 'string', format: 'uuid' },
    causation_id: {
      type: ['string', 'null'],
      format: 'uuid',
      description: 'event_id of the cause; null for root events',
    },
    producer: { type: 'string', minLength: 1 },
    run_id: { type: 'string', minLength: 1 },
    payload: { type: 'object' },
  };
}

/** The envelope alone: any catalog event type, payload not inspected. */
export function envelopeSchema(): JsonSchema {
  const properties = envelopeProperties();
  return {
    $schema: JSON_SCHEMA_DRAFT,
    $id: 'urn:sc-sim:schema:envelope',
    title: 'sc-sim event envelope',
    type: 'object',
    properties,
    required: Object.keys(properties),
    additionalProperties: false,
  };
}

/** Envelope with event_type/entity_type fixed and the payload typed from the catalog. */
export function eventSchema(spec: EventSpec): JsonSchema {
  const properties = envelopeProperties();
  const family = spec.family;
  const keyField = Object.keys(spec.fields)[0]!;
  const keyOptional = spec.fields[keyField]?.optional === true;
  properties['event_type'] = { const: spec.type };
  properties['event_version'] = { const: spec.version };
  properties['entity_type'] = { const: family };
  properties['entity_id'] = keyOptional
    ? {
        anyOf: [
          { type: 'string', format: 'uuid' },
          { type: 'string', pattern: ANON_ENTITY_PATTERN },
        ],
      }
    : { type: 'string', format: 'uuid' };
  properties['payload'] = objectSchema(spec.fields);
  return {
    $schema: JSON_SCHEMA_DRAFT,
    $id: `urn:sc-sim:schema:${spec.type}:v${spec.version}`,
    title: spec.type,
    description: `${spec.trigger} (topic ${spec.topic}, key ${keyField})`,
    type: 'object',
    properties,
    required: Object.keys(properties),
    additionalProperties: false,
  };
}

const SC_SIM_DESIGN =
  'sc-sim’s own design: the spec names this topic, its key, partitions and retention, not its payload.';

/** The derived envelope with its record type fixed and the payload typed from the derived catalog. */
export function derivedSchema(spec: DerivedSpec): JsonSchema {
  const doc = DERIVED_ENVELOPE_DOC;
  const properties: Record<string, JsonSchema> = {
    event_id: { type: 'string', format: 'uuid', description: doc.event_id },
    event_type: { const: spec.recordType, description: doc.event_type },
    event_version: { const: spec.version, description: doc.event_version },
    occurred_at: { type: 'string', format: 'date-time', description: doc.occurred_at },
    entity_type: { const: spec.entityType, description: doc.entity_type },
    entity_id: { type: 'string', minLength: 1, description: `${doc.entity_id} (${spec.keyField})` },
    sequence: { type: 'integer', minimum: 1, description: doc.sequence },
    correlation_id: { type: 'string', format: 'uuid', description: doc.correlation_id },
    causation_id: { type: 'string', format: 'uuid', description: doc.causation_id },
    producer: { type: 'string', minLength: 1, description: doc.producer },
    run_id: { type: 'string', minLength: 1, description: doc.run_id },
    source: {
      description: doc.source,
      type: 'object',
      properties: {
        topic: { type: 'string', enum: [...DOMAIN_TOPICS] },
        event_id: { type: 'string', format: 'uuid' },
        event_type: { type: 'string', enum: [...spec.sources] },
        entity_id: { type: 'string', minLength: 1 },
        sequence: { type: 'integer', minimum: 1 },
      },
      required: ['topic', 'event_id', 'event_type', 'entity_id', 'sequence'],
      additionalProperties: false,
    },
    projection_version: { const: PROJECTION_VERSION, description: doc.projection_version },
    payload: objectSchema(spec.fields),
  };
  return {
    $schema: JSON_SCHEMA_DRAFT,
    $id: `urn:sc-sim:schema:${spec.topic}:v${spec.version}`,
    title: `${spec.recordType} (${spec.topic})`,
    description: `${spec.derivation} Key: ${spec.keyField}. ${SC_SIM_DESIGN}`,
    type: 'object',
    properties,
    required: Object.keys(properties),
    additionalProperties: false,
  };
}

/** The heartbeat value: a flat object (no envelope), one per producer instance per second. */
export function heartbeatSchema(): JsonSchema {
  return {
    $schema: JSON_SCHEMA_DRAFT,
    $id: `urn:sc-sim:schema:${HEARTBEAT_TOPIC}:v1`,
    title: `heartbeat (${HEARTBEAT_TOPIC})`,
    description: `One record per producer instance per second, without a key. ${SC_SIM_DESIGN}`,
    ...objectSchema(HEARTBEAT_FIELDS),
  };
}

export interface SchemaFile {
  /** `<event_type>.schema.json`, `envelope.schema.json` or `<derived topic>.schema.json`. */
  readonly fileName: string;
  readonly schema: JsonSchema;
}

/** Every schema sc-sim publishes: the envelope, one per event type, per derived topic, the heartbeat. */
export function allSchemas(): SchemaFile[] {
  return [
    { fileName: 'envelope.schema.json', schema: envelopeSchema() },
    ...EVENT_CATALOG.map((spec) => ({ fileName: `${spec.type}.schema.json`, schema: eventSchema(spec) })),
    ...DERIVED_CATALOG.map((spec) => ({ fileName: `${spec.topic}.schema.json`, schema: derivedSchema(spec) })),
    { fileName: `${HEARTBEAT_TOPIC}.schema.json`, schema: heartbeatSchema() },
  ];
}
