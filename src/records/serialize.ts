// The record value of an event: its envelope as JSON text. One function, so the encoder and the
// generator bench serialize the same way. The text is written as UTF-8 once, straight into the
// Produce request (kafka/producer/record-batch.ts): a Buffer per record in between cost ~1 µs of
// the main thread per record in a profile (allocation, copy, and the garbage it leaves).
//
// JSON.stringify on purpose. Three alternatives were measured against it on Node 20 (V8 11.3),
// generating and serializing in one process with alternating chunks (bench/serializers.ts, README
// "Performance"): fast-json-stringify compiled per event type from the exported JSON Schemas, a
// byte writer generated per event type from the catalog (bench/compiled-writer.ts), and
// JSON.stringify copied into shared 64 KiB slabs instead of Buffer.from. The first two were 10–25 %
// slower per CPU-second than V8's native JSON.stringify on these string-heavy envelopes (UUIDs and
// timestamps are two thirds of the bytes) and their 74 per-type functions took seconds of
// optimizing-compiler CPU to get fast; the slabs did not pay measurably. What paid was upstream:
// UUIDs built as flat strings (generators/rng.ts), which JSON.stringify no longer has to flatten.
import type { Envelope } from '../envelope.js';

/** `envelope` as JSON: the text a record carries as its value (UTF-8 on the wire). */
export function serializeEnvelope(envelope: Envelope): string {
  return JSON.stringify(envelope);
}
