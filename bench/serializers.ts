// Which envelope serializer is fastest where it runs: generate + serialize into record value bytes,
// with each candidate on its own world (same seed and mix), in alternating chunks in one process,
// medians per wall-clock second and per CPU-second. Every candidate's bytes are first checked
// against Buffer.from(JSON.stringify(envelope)) on the events it will serialize.
//
// Candidates: JSON.stringify + Buffer.from (what the encoder does, src/records/serialize.ts),
// JSON.stringify copied into shared slabs, fast-json-stringify compiled per event type from the JSON
// Schemas sc-sim exports, and a byte writer generated per event type (compiled-writer.ts).
//
// `npx tsx bench/serializers.ts [--events N] [--out FILE.json]`
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import fastJson from 'fast-json-stringify';
import { EVENT_CATALOG } from '../src/catalog/events.js';
import type { Envelope } from '../src/envelope.js';
import { buildPools } from '../src/generators/pools.js';
import { createWorld } from '../src/generators/world.js';
import { serializeEnvelope } from '../src/records/serialize.js';
import { eventSchema, type JsonSchema } from '../src/schema/json-schema.js';
import { createCompiledWriter } from './compiled-writer.js';
import { byteLength, DEFAULT_BENCH_MIXES } from './generator.js';
import { median } from './stats.js';

/**
 * A serializer: bytes, or text whose UTF-8 is written later (its byte length is taken here, as the
 * encoder does). `idsPlain` is the world's word that its ids need no escaping (SimEvent.idsPlain).
 */
export type Candidate = () => (envelope: Envelope, idsPlain?: boolean) => Buffer | string;

/**
 * fast-json-stringify writes required properties before optional ones, so a payload whose optional
 * field comes before a required one (promotion.impression's community_id) would change key order:
 * the schemas lose `required` (and the draft's $schema/$id, which it does not need).
 */
function forFastJson(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(forFastJson);
  if (schema === null || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema as JsonSchema)
      .filter(([k]) => k !== 'required' && k !== '$schema' && k !== '$id')
      .map(([k, v]) => [k, forFastJson(v)]),
  );
}

function fastJsonSerializer(): (envelope: Envelope) => Buffer {
  const byType = new Map<string, (envelope: Envelope) => string>(
    EVENT_CATALOG.map((spec) => [
      spec.type,
      fastJson(forFastJson(eventSchema(spec)) as Parameters<typeof fastJson>[0]),
    ]),
  );
  return (envelope) => {
    const stringify = byType.get(envelope.event_type);
    return Buffer.from(stringify ? stringify(envelope) : JSON.stringify(envelope), 'utf8');
  };
}

/** Copies JSON.stringify's text into shared slabs and returns views, instead of a Buffer.from each. */
function slabSerializer(slabBytes = 64 * 1_024): (envelope: Envelope) => Buffer {
  let slab = Buffer.allocUnsafeSlow(slabBytes);
  let pos = 0;
  return (envelope) => {
    const text = JSON.stringify(envelope);
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    if (text.length * 3 > slabBytes >>> 2) return Buffer.from(text, 'utf8');
    if (text.length * 3 > slab.length - pos) {
      slab = Buffer.allocUnsafeSlow(slabBytes);
      pos = 0;
    }
    const start = pos;
    pos += slab.write(text, start);
    return Buffer.from(slab.buffer, slab.byteOffset + start, pos - start);
  };
}

export const SERIALIZER_CANDIDATES: Readonly<Record<string, Candidate>> = {
  'envelope fields written, the world’s ids unchecked (shipped)': () => serializeEnvelope,
  'envelope fields written, every id checked (shipped before)': () => (envelope) => serializeEnvelope(envelope),
  'JSON.stringify, UTF-8 written in the request (shipped before that)': () => (envelope) => JSON.stringify(envelope),
  'JSON.stringify + Buffer.from': () => (envelope) => Buffer.from(JSON.stringify(envelope), 'utf8'),
  'JSON.stringify + 64 KiB slabs': () => slabSerializer(),
  'fast-json-stringify + Buffer.from': fastJsonSerializer,
  'compiled byte writer': () => createCompiledWriter(),
};

export interface SerializerFigures {
  mix: string;
  candidate: string;
  eventsPerSec: number;
  eventsPerCpuSec: number;
  /** The same figure in the second half of the chunks only (after the JIT has settled). */
  lateEventsPerCpuSec: number;
}

export function compareSerializers(events = 600_000, chunkEvents = 25_000, seed = 1): SerializerFigures[] {
  const out: SerializerFigures[] = [];
  const names = Object.keys(SERIALIZER_CANDIDATES);
  for (const [mixName, mix] of Object.entries(DEFAULT_BENCH_MIXES)) {
    const pools = buildPools(seed);
    const sides = names.map((name) => ({
      name,
      serialize: SERIALIZER_CANDIDATES[name]!(),
      world: createWorld({ seed, mix }, { runId: 'bench-serializers', pools }),
      wall: [] as number[],
      cpu: [] as number[],
    }));
    // Same seed, same events: check every candidate's bytes on the first chunk, untimed.
    for (const side of sides) {
      for (let i = 0; i < chunkEvents; i++) {
        const event = side.world.next();
        const envelope = event.envelope;
        const out = side.serialize(envelope, event.idsPlain);
        if (!Buffer.from(out).equals(Buffer.from(JSON.stringify(envelope), 'utf8'))) {
          throw new Error(`${side.name} wrote other bytes than JSON.stringify for a ${envelope.event_type}`);
        }
      }
    }
    const chunks = Math.max(2, Math.ceil(events / chunkEvents));
    for (let c = 0; c < chunks; c++) {
      for (const side of c % 2 === 0 ? sides : [...sides].reverse()) {
        const cpu0 = process.cpuUsage();
        const start = performance.now();
        let bytes = 0;
        for (let i = 0; i < chunkEvents; i++) {
          const event = side.world.next();
          bytes += byteLength(side.serialize(event.envelope, event.idsPlain));
        }
        const wallMs = performance.now() - start;
        const cpu = process.cpuUsage(cpu0);
        if (bytes === 0) throw new Error(`${side.name} wrote nothing`);
        side.wall.push((chunkEvents / wallMs) * 1_000);
        side.cpu.push((chunkEvents / (cpu.user + cpu.system)) * 1e6);
      }
    }
    for (const side of sides) {
      out.push({
        mix: mixName,
        candidate: side.name,
        eventsPerSec: Math.round(median(side.wall)),
        eventsPerCpuSec: Math.round(median(side.cpu)),
        lateEventsPerCpuSec: Math.round(median(side.cpu.slice(side.cpu.length >> 1))),
      });
    }
  }
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const at = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  const events = at('--events') === undefined ? undefined : Number(at('--events'));
  if (events !== undefined && (!Number.isSafeInteger(events) || events <= 0)) {
    process.stderr.write('--events expects a positive whole number\n');
    process.exit(2);
  }
  const loadAvg1AtStart = Number(loadavg()[0]!.toFixed(2));
  const results = compareSerializers(events);
  for (const r of results) process.stdout.write(`${JSON.stringify({ bench: 'serializers', ...r })}\n`);
  const out = at('--out');
  if (out !== undefined) {
    const file = {
      date: new Date().toISOString(),
      machine: { cpuModel: cpus()[0]?.model ?? 'unknown', cpus: cpus().length, node: process.version },
      method:
        'generate + serialize to record value bytes; each candidate on its own world (same seed and mix) in alternating ' +
        'chunks of one process; medians per wall-clock second and per CPU-second (process.cpuUsage user + system).',
      loadAvg1AtStart,
      loadAvg1AtEnd: Number(loadavg()[0]!.toFixed(2)),
      results,
    };
    writeFileSync(out, `${JSON.stringify(file, null, 2)}\n`);
  }
}
