// JSON Schemas (draft-07) derived from the event catalog: one per event type (envelope + typed
// payload, closed with additionalProperties: false) and one for the bare envelope. Consumers can
// validate what sc-sim sends; our tests validate every generated event with ajv.
import { EVENT_CATALOG, type EventSpec, type FieldMap, type FieldSpec } from '../catalog/events.js';
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

export interface SchemaFile {
  /** `<event_type>.schema.json` or `envelope.schema.json`. */
  readonly fileName: string;
  readonly schema: JsonSchema;
}

/** Every schema sc-sim publishes: one per event type plus the envelope. */
export function allSchemas(): SchemaFile[] {
  return [
    { fileName: 'envelope.schema.json', schema: envelopeSchema() },
    ...EVENT_CATALOG.map((spec) => ({ fileName: `${spec.type}.schema.json`, schema: eventSchema(spec) })),
  ];
}
