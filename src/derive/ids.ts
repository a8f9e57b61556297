// Deterministic ids and choices for derived records: a hash of the source event id (itself drawn
// from the seeded world), so a derived record's id and every per-record decision are the same in
// every run of the same seed, without a random stream whose position could drift.
import { createHash } from 'node:crypto';

function digest(text: string): Buffer {
  return createHash('sha1').update(text).digest();
}

/** A UUID (version-5 layout, RFC 9562) naming `parts`, e.g. (source event id, topic). */
export function derivedUuid(...parts: string[]): string {
  const b = digest(parts.join('\u0000'));
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex', 0, 16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** A number in [0, 1) fixed by `parts`: a reproducible draw for one decision about one record. */
export function unitDraw(...parts: string[]): number {
  return digest(parts.join('\u0000')).readUInt32BE(0) / 2 ** 32;
}
