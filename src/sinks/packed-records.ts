// Whole records (what the runner, the metrics and the producer read of each) as a few flat arrays,
// so a chunk of them crosses from a generation thread to the main thread as transferred buffers
// and one string. A structured clone of the records themselves was measured here at 3–7 µs per
// record to read back on the receiving thread — more than generating and serializing the event
// (~3.5 µs) — so it would have cost the main thread what the threads were meant to save.
//
// Keys and values stay bytes (views into the one transferred buffer, never decoded again); the
// short texts (key text, ids, event type, header names and values) travel back to back in one
// string with their lengths, and come back as slices of it.
import type { SinkRecord } from './types.js';

export interface PackedRecords {
  /** Keys and values back to back, in record order. */
  bytes: ArrayBuffer;
  /** Per record, FIELDS int32s: key length (-1: no key), value length, partition, topic index, header count, actor (1 = has one). */
  meta: Int32Array;
  /** Per record: timestamp (NaN: the producer stamps it), sequence, and the CARRIED numbers that travel with it. */
  numbers: Float64Array;
  /** Distinct physical and logical topic pairs; records refer to them by index. */
  topics: { topic: string; logicalTopic: string }[];
  /** All short texts back to back, and each one's length (see TEXTS_PER_RECORD). */
  text: string;
  textLengths: Int32Array;
}

const FIELDS = 6;
/** Bytes beyond the counted size: more than one UTF-8 character (see packRecords). */
const SLACK = 4;
/** Numbers the caller carries along with each record (see packRecords). */
export const CARRIED = 2;
const NUMBERS = 2 + CARRIED;

/** Texts per record before its headers: key text, event type, event id, entity id, actor id. */
const TEXTS_PER_RECORD = 5;

/**
 * `records` packed, with CARRIED numbers per record from `carried` (record i's at i * CARRIED) side
 * by side, as unpackRecords gives them back: what the sender knew at each record (a generation
 * thread: its event-time tally).
 */
export function packRecords(records: readonly SinkRecord[], carried: ArrayLike<number>): PackedRecords {
  const n = records.length;
  let size = 0;
  let texts = 0;
  for (const r of records) {
    // sizeBytes is the key's and the value's bytes, counted once by the encoder (checked as written).
    size += r.sizeBytes;
    texts += TEXTS_PER_RECORD;
    for (const _name in r.headers) texts += 2;
  }
  // allocUnsafeSlow: a buffer of its own (not a slice of Node's shared pool), so it can be transferred.
  // SLACK: a value longer than its count is then written whole, or cut more than a character short
  // of its room, and so always told apart from a right one (a Buffer's write stops silently at its end).
  const bytes = Buffer.allocUnsafeSlow(size + SLACK);
  const meta = new Int32Array(n * FIELDS);
  const numbers = new Float64Array(n * NUMBERS);
  const textLengths = new Int32Array(texts);
  const parts: string[] = new Array<string>(texts);
  const topics: PackedRecords['topics'] = [];
  const topicIndex = new Map<string, number>();
  let offset = 0;
  let t = 0;
  const addText = (s: string) => {
    parts[t] = s;
    textLengths[t++] = s.length;
  };
  for (let i = 0; i < n; i++) {
    const r = records[i]!;
    const keyLength = r.key ? r.key.copy(bytes, offset) : 0;
    offset += keyLength;
    const v = r.value;
    const valueLength = typeof v === 'string' ? bytes.write(v, offset, 'utf8') : v.copy(bytes, offset);
    offset += valueLength;
    if (keyLength + valueLength !== r.sizeBytes)
      throw new RangeError(
        `packRecords: record ${r.eventId} counts ${r.sizeBytes} bytes but holds ${keyLength + valueLength}`,
      );
    let topic = topicIndex.get(r.topic);
    if (topic === undefined) {
      topic = topics.length;
      topics.push({ topic: r.topic, logicalTopic: r.logicalTopic });
      topicIndex.set(r.topic, topic);
    }
    addText(r.keyText);
    addText(r.eventType);
    addText(r.eventId);
    addText(r.entityId);
    addText(r.actorId ?? '');
    let headerCount = 0;
    for (const name in r.headers) {
      const value = r.headers[name]!;
      // Generation threads write domain and derived records: their headers are text. Binary ones
      // (a dead letter's positions) are written on the main thread, where acks arrive.
      if (typeof value !== 'string')
        throw new TypeError(`packRecords: header ${name} is binary; only text headers cross threads`);
      addText(name);
      addText(value);
      headerCount++;
    }
    const m = i * FIELDS;
    meta[m] = r.key ? r.key.length : -1;
    meta[m + 1] = valueLength;
    meta[m + 2] = r.partition;
    meta[m + 3] = topic;
    meta[m + 4] = headerCount;
    meta[m + 5] = r.actorId === undefined ? 0 : 1;
    const k = i * NUMBERS;
    numbers[k] = r.timestampMs ?? Number.NaN;
    numbers[k + 1] = r.sequence;
    for (let c = 0; c < CARRIED; c++) numbers[k + 2 + c] = carried[i * CARRIED + c]!;
  }
  return { bytes: bytes.buffer as ArrayBuffer, meta, numbers, topics, text: parts.join(''), textLengths };
}

/** How many records a packed chunk holds. */
export const packedCount = (p: PackedRecords): number => p.meta.length / FIELDS;

/** The records again (keys and values as views into the one buffer), with the numbers carried along. */
export function unpackRecords(p: PackedRecords): { records: SinkRecord[]; carried: Float64Array } {
  const bytes = Buffer.from(p.bytes);
  const count = packedCount(p);
  const records = new Array<SinkRecord>(count);
  const carried = new Float64Array(count * CARRIED);
  const { text, textLengths, meta, numbers } = p;
  let offset = 0;
  let at = 0;
  let t = 0;
  const nextText = () => {
    const end = at + textLengths[t++]!;
    const s = text.slice(at, end);
    at = end;
    return s;
  };
  for (let i = 0; i < count; i++) {
    const m = i * FIELDS;
    const keyLength = meta[m]!;
    const valueLength = meta[m + 1]!;
    const key = keyLength < 0 ? null : bytes.subarray(offset, offset + keyLength);
    offset += Math.max(0, keyLength);
    const value = bytes.subarray(offset, offset + valueLength);
    offset += valueLength;
    const { topic, logicalTopic } = p.topics[meta[m + 3]!]!;
    const keyText = nextText();
    const eventType = nextText();
    const eventId = nextText();
    const entityId = nextText();
    const actor = nextText();
    const headers: Record<string, string> = {};
    for (let h = meta[m + 4]!; h > 0; h--) {
      const name = nextText();
      headers[name] = nextText();
    }
    const k = i * NUMBERS;
    const timestampMs = numbers[k]!;
    for (let c = 0; c < CARRIED; c++) carried[i * CARRIED + c] = numbers[k + 2 + c]!;
    records[i] = {
      topic,
      logicalTopic: logicalTopic as SinkRecord['logicalTopic'],
      partition: meta[m + 2]!,
      key,
      keyText,
      value,
      headers,
      timestampMs: Number.isNaN(timestampMs) ? undefined : timestampMs,
      sizeBytes: Math.max(0, keyLength) + valueLength,
      eventType,
      actorId: meta[m + 5] === 1 ? actor : undefined,
      eventId,
      entityId,
      sequence: numbers[k + 1]!,
      intendedAtMs: 0,
    };
  }
  return { records, carried };
}

/** The buffers postMessage should transfer rather than copy. */
export function packedTransferList(p: PackedRecords): ArrayBuffer[] {
  return [p.bytes, p.meta.buffer as ArrayBuffer, p.numbers.buffer as ArrayBuffer, p.textLengths.buffer as ArrayBuffer];
}
