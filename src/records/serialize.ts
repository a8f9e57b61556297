// The record value of an event: its envelope as JSON text. One function, so the encoder and the
// generator bench serialize the same way. The text is written as UTF-8 once, straight into the
// Produce request (kafka/producer/record-batch.ts): a Buffer per record in between cost ~1 µs of
// the main thread per record in a profile (allocation, copy, and the garbage it leaves).
//
// The envelope's own fields are written here and its payload by V8's JSON.stringify: the text is
// JSON.stringify(envelope)'s, byte for byte (test/unit/records/serialize.test.ts checks it over
// 100,000 events of every type and over fields that need escaping). JSON.stringify spent ~1.3 µs of
// its ~2.3 µs per event on the envelope's eleven fields — scanning ids and instants for characters
// to escape that they cannot hold — and ~1 µs on the payload. Here the parts that are the same for
// every event of a type (type, version, entity type) or of a run (producer, run id) are escaped once
// and cached; ids and instants are written as they are when they are made of plain characters
// (generated UUIDs and ISO instants always are; anything else takes JSON.stringify's path); the
// entity id is escaped as usual. Measured on the generator bench, three alternating pairs: events
// generated + serialized 233–254k → 287–293k ev/s (README, Performance).
//
// Whole-envelope alternatives were measured before and lost to JSON.stringify (bench/serializers.ts):
// fast-json-stringify compiled per event type from the exported JSON Schemas, and a byte writer
// generated per event type; both 10–25 % slower on these string-heavy envelopes.
import type { Envelope } from '../envelope.js';

/** Characters JSON never escapes, which generated ids, ISO instants and entity types are made of. */
const PLAIN = /^[0-9A-Za-z_.:-]*$/;

const quote = (s: string) => JSON.stringify(s);

interface TypeHead {
  version: number;
  entityType: string;
  /** `","event_type":…,"event_version":…,"occurred_at":"` */
  head: string;
  /** `","entity_type":"…","entity_id":"` (a plain id follows) */
  entity: string;
  /** `","entity_type":"…","entity_id":` (an escaped id follows) */
  entityQuoted: string;
}

const heads = new Map<string, TypeHead>();
let tailProducer = '';
let tailRunId = '';
/** `,"producer":…,"run_id":…,"payload":` for the last producer and run seen. */
let tail = '';

function typeHead(e: Envelope): TypeHead | undefined {
  let h = heads.get(e.event_type);
  if (h === undefined) {
    if (!PLAIN.test(e.entity_type)) return undefined;
    h = {
      version: e.event_version,
      entityType: e.entity_type,
      head: `","event_type":${quote(e.event_type)},"event_version":${JSON.stringify(e.event_version)},"occurred_at":"`,
      entity: `","entity_type":"${e.entity_type}","entity_id":"`,
      entityQuoted: `","entity_type":"${e.entity_type}","entity_id":`,
    };
    heads.set(e.event_type, h);
  }
  // One type, one version and entity type in the catalog; an envelope made otherwise is written plainly.
  return h.version === e.event_version && h.entityType === e.entity_type ? h : undefined;
}

/** The last instant found plain: the events of one millisecond share their occurred_at string. */
let plainAt = '';
function plainInstant(at: string): boolean {
  if (at === plainAt) return true;
  if (!PLAIN.test(at)) return false;
  plainAt = at;
  return true;
}

/**
 * `envelope` as JSON: the text a record carries as its value (UTF-8 on the wire).
 *
 * `idsPlain`: the caller vouches that event_id, occurred_at, entity_id, correlation_id and
 * causation_id hold no character JSON escapes, so they are written without being looked at. The
 * world does (SimEvent.idsPlain): its ids come from Rng.uuid and Rng.hex (hex digits and '-') and its
 * instants from isoUtc (Date#toISOString's characters). Checking them cost 0.3–0.5 µs of the
 * ~3.4 µs an event takes to generate and serialize (up to five regular-expression scans, which also
 * flattened the instant's rope early). Everything else (odd ids from a test or a future source) is
 * checked.
 */
export function serializeEnvelope(e: Envelope, idsPlain = false): string {
  const h = typeHead(e);
  const causation = e.causation_id;
  if (
    h === undefined ||
    !Number.isSafeInteger(e.sequence) ||
    (!idsPlain &&
      (!PLAIN.test(e.event_id) ||
        !plainInstant(e.occurred_at) ||
        // A root event's correlation id is its own id, tested just above.
        (e.correlation_id !== e.event_id && !PLAIN.test(e.correlation_id)) ||
        (causation !== null && !PLAIN.test(causation))))
  )
    return JSON.stringify(e);
  if (e.run_id !== tailRunId || e.producer !== tailProducer) {
    tailRunId = e.run_id;
    tailProducer = e.producer;
    tail = `,"producer":${quote(e.producer)},"run_id":${quote(e.run_id)},"payload":`;
  }
  // As few pieces as the fields allow: each + is a string of its own until the text is flattened.
  const entity =
    idsPlain || PLAIN.test(e.entity_id)
      ? h.entity + e.entity_id + '","sequence":'
      : h.entityQuoted + quote(e.entity_id) + ',"sequence":';
  return (
    '{"event_id":"' +
    e.event_id +
    h.head +
    e.occurred_at +
    entity +
    e.sequence +
    ',"correlation_id":"' +
    e.correlation_id +
    (causation === null ? '","causation_id":null' : '","causation_id":"' + causation + '"') +
    tail +
    JSON.stringify(e.payload) +
    '}'
  );
}
