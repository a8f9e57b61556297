// `sc-sim catalog events`, `sc-sim sample <event-type>` and `sc-sim schema export`: the event
// catalog as a table or JSON, realistic example events from a seeded world, and JSON Schemas.
import { randomInt } from 'node:crypto';
import { Option, type Command } from 'commander';
import { EVENT_CATALOG, closestNames, type EventSpec, type FieldSpec } from '../catalog/events.js';
import { DOMAIN_TOPICS } from '../catalog/topics.js';
import { ScSimError } from '../errors.js';
import { renderTable } from '../render/table.js';
import { sampleEvents } from '../generators/index.js';
import {
  DEFAULT_ASYNCAPI_FILE,
  DEFAULT_SCHEMA_DIR,
  exportAsyncApi,
  exportSchemas,
  renderAsyncApi,
} from '../schema/export.js';
import { parsePositiveInt, parseSeed } from './options.js';

function kindLabel(f: FieldSpec): string {
  switch (f.kind) {
    case 'enum':
      return `enum(${f.values.join('|')})`;
    case 'array':
      return `${kindLabel(f.items)}[]`;
    case 'object':
      return `{${Object.keys(f.fields).join(',')}}`;
    default:
      return f.kind;
  }
}

/** `name` + `?` when optional, `+` when an sc-sim extension (not among the spec's key fields). */
function fieldLabel(name: string, f: FieldSpec): string {
  return `${f.ext ? '+' : ''}${name}${f.optional ? '?' : ''}`;
}

function describeFields(spec: EventSpec) {
  return Object.entries(spec.fields).map(([name, f]) => ({
    name,
    type: kindLabel(f),
    optional: f.optional === true,
    nullable: f.nullable === true,
    extension: f.ext === true,
    ...(f.doc ? { doc: f.doc } : {}),
  }));
}

export function registerCatalog(program: Command): void {
  const catalog = program.command('catalog').description('the event catalog: 74 domain event types and their fields');
  catalog
    .command('events')
    .description('list event types with their topic and payload fields (? optional, + sc-sim extension)')
    .option('--topic <topic>', 'only the event types of this topic, e.g. sc.domain.order')
    .option('--json', 'machine-readable JSON on stdout')
    .action((opts: { topic?: string; json?: boolean }) => {
      let specs: readonly EventSpec[] = EVENT_CATALOG;
      if (opts.topic !== undefined) {
        const topic = opts.topic;
        specs = specs.filter((e) => e.topic === topic);
        if (specs.length === 0) {
          throw new ScSimError('E_USAGE', `--topic ${topic}: no event types on this topic`, {
            hint: `event types live on the domain topics; closest: ${closestNames(topic, DOMAIN_TOPICS).join(', ')}`,
          });
        }
      }
      if (opts.json) {
        const rows = specs.map((e) => ({
          type: e.type,
          topic: e.topic,
          version: e.version,
          trigger: e.trigger,
          fields: describeFields(e),
        }));
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      const table = renderTable(specs, [
        { header: 'TYPE', value: (e) => e.type },
        { header: 'TOPIC', value: (e) => e.topic },
        {
          header: 'FIELDS',
          value: (e) =>
            Object.entries(e.fields)
              .map(([n, f]) => fieldLabel(n, f))
              .join(', '),
        },
      ]);
      process.stdout.write(`${table}\n`);
      process.stderr.write(`${specs.length} event types (? optional, + sc-sim extension)\n`);
    });

  program
    .command('sample <event-type>')
    .description('print realistic example events of one type, taken from a seeded simulated world')
    .option('-n, --count <n>', 'how many events', parsePositiveInt('--count'), 1)
    .option('--seed <seed>', 'world seed (printed when omitted; the same seed prints the same events)', parseSeed)
    .option('--ndjson', 'one compact JSON object per line instead of pretty JSON')
    .action((eventType: string, opts: { count: number; seed?: number; ndjson?: boolean }) => {
      const seed = opts.seed ?? randomInt(0, 0xffffffff);
      const result = sampleEvents(eventType, { count: opts.count, seed, runId: 'sample' });
      if (opts.seed === undefined) process.stderr.write(`seed ${seed} (reproduce with --seed ${seed})\n`);
      const lines = result.events.map((e) =>
        opts.ndjson ? JSON.stringify(e.envelope) : JSON.stringify(e.envelope, null, 2),
      );
      process.stdout.write(`${lines.join('\n')}\n`);
    });

  const schema = program
    .command('schema')
    .description('JSON Schemas of every record sc-sim writes, or the AsyncAPI document of all 32 topics');
  schema
    .command('export')
    .description(
      'json-schema: <event_type>.schema.json per event type, envelope.schema.json, <topic>.schema.json per derived topic and the heartbeat; asyncapi: one AsyncAPI 3 document of all 32 topics',
    )
    .addOption(
      new Option('--format <format>', 'what to write').choices(['json-schema', 'asyncapi']).default('json-schema'),
    )
    .option(
      '-o, --out <path>',
      `json-schema: output directory (default ${DEFAULT_SCHEMA_DIR}); asyncapi: output file, .json or .yaml (default ${DEFAULT_ASYNCAPI_FILE}; - for stdout)`,
    )
    .action(async (opts: { out?: string; format: 'json-schema' | 'asyncapi' }) => {
      if (opts.format === 'asyncapi') {
        if (opts.out === '-') {
          process.stdout.write(renderAsyncApi('stdout.yaml'));
          return;
        }
        const path = await exportAsyncApi(opts.out ?? DEFAULT_ASYNCAPI_FILE);
        process.stdout.write(`${path}\n`);
        process.stderr.write(`wrote the AsyncAPI 3 document of all 32 topics to ${path}\n`);
        return;
      }
      const dir = opts.out ?? DEFAULT_SCHEMA_DIR;
      const paths = await exportSchemas(dir);
      process.stdout.write(`${paths.join('\n')}\n`);
      process.stderr.write(`wrote ${paths.length} schemas to ${dir}\n`);
    });
}
