// A candidate that lost (kept for bench/serializers.ts): JSON written byte by byte into a shared
// buffer by code generated per catalog event type. Key literals and the constant envelope fields
// are byte stores in the generated code; strings are copied while they are printable ASCII
// without `"` or `\` and JSON.stringify'd otherwise; numbers are written as JS prints them; any
// value that is not as the catalog describes sends the whole event to JSON.stringify. Its output is
// Buffer.from(JSON.stringify(envelope))'s bytes as long as payload keys are in catalog order.
// Measured against V8's JSON.stringify on Node 20 it was slower, and its 74 generated functions
// took seconds of optimizing-compiler CPU to get fast (README "Performance").
import { EVENT_CATALOG, type EventSpec, type FieldMap, type FieldSpec } from '../src/catalog/events.js';
import type { Envelope } from '../src/envelope.js';

export interface CompiledWriterOptions {
  /** Bytes per shared buffer (default 64 KiB); an event that does not fit one is JSON.stringify'd. */
  slabBytes?: number;
  /** Event types to compile (default: the whole catalog); others are JSON.stringify'd. */
  catalog?: readonly EventSpec[];
}

/**
 * Room every writer keeps free at the end of the slab, so that the literal and number bytes it
 * writes between two room checks (at each string, and each array item) never need a check of their
 * own. compile() verifies that no event type writes more than half of it between checks.
 */
const RESERVE_BYTES = 4_096;
const DEFAULT_SLAB_BYTES = 64 * 1_024;
/** Longer than any text a finite JS number prints as (e.g. `-0.0000012345678901234567`: 25). */
const MAX_NUMBER_BYTES = 32;

// Return codes of the compiled writers (a position is >= 0).
const NO_ROOM = -1;
const NOT_AS_CATALOG = -2;

/** Writes `s` as a JSON string at `p`; returns the position after it, or NO_ROOM. */
function writeString(b: Buffer, p: number, s: string): number {
  const n = s.length;
  if (p + n + 2 > b.length - RESERVE_BYTES) return NO_ROOM;
  b[p] = 0x22;
  let q = p + 1;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    // Control characters, `"`, `\` and everything beyond ASCII (lone surrogates get escapes, the
    // rest needs UTF-8): JSON.stringify's own escaping, then a UTF-8 copy.
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return writeJson(b, p, s);
    b[q++] = c;
  }
  b[q] = 0x22;
  return q + 1;
}

/** Writes `JSON.stringify(value)` as UTF-8 at `p` (the rare strings and open maps); NO_ROOM if it may not fit. */
function writeJson(b: Buffer, p: number, value: unknown): number {
  const text = JSON.stringify(value);
  // UTF-8 takes at most 3 bytes per UTF-16 unit (a surrogate pair: 4 bytes for 2 units).
  if (text === undefined || p + text.length * 3 > b.length - RESERVE_BYTES) return NO_ROOM;
  return p + b.write(text, p, 'utf8');
}

/** Writes a finite number as JSON.stringify does (`String(v)`, and 0 for -0). */
function writeNumber(b: Buffer, p: number, v: number): number {
  if (v >= 0 && v <= 0x7fffffff && (v | 0) === v) {
    // Non-negative small integers (nearly every number sc-sim writes): digits from the end.
    let digits = 1;
    for (let t = v; t >= 10; t = (t / 10) | 0) digits++;
    let q = p + digits;
    let t = v;
    do {
      const next = (t / 10) | 0;
      b[--q] = 0x30 + t - next * 10;
      t = next;
    } while (t > 0);
    return p + digits;
  }
  const text = String(v);
  for (let i = 0; i < text.length; i++) b[p + i] = text.charCodeAt(i);
  return p + text.length;
}

// ---------------------------------------------------------------------------------------------
// Code generation

const lit = (text: string): string => JSON.stringify(text);
/** Constants up to this many bytes are byte stores in the code; longer ones are copied by a loop. */
const INLINE_MAX = 4;
function copyLoop(b: Buffer, p: number, k: Uint8Array): number {
  const n = k.length;
  for (let i = 0; i < n; i++) b[p + i] = k[i]!;
  return p + n;
}
const utf8 = new TextEncoder();

/** Generated-code writer: fresh local names, lines, and a count of the bytes written without a room check. */
class Code {
  private readonly lines: string[] = [];
  private names = 0;
  readonly locals: string[] = [];
  /** Upper bound of literal and number bytes between two room checks, over the whole type. */
  uncheckedBytes = 0;
  readonly constants: Uint8Array[] = [];

  local(prefix: string): string {
    const name = `${prefix}${this.names++}`;
    this.locals.push(name);
    return name;
  }

  line(text: string): void {
    this.lines.push(text);
  }

  /** Byte stores for a constant text (its UTF-8 bytes). */
  bytes(text: string): void {
    const bytes = utf8.encode(text);
    if (bytes.length === 0) return;
    this.uncheckedBytes += bytes.length;
    if (bytes.length <= INLINE_MAX) {
      this.line(
        `${Array.from(bytes, (x, i) => `b[p${i === 0 ? '' : ` + ${i}`}] = ${x};`).join(' ')} p += ${bytes.length};`,
      );
    } else {
      this.constants.push(bytes);
      this.line(`p = wk(b, p, K[${this.constants.length - 1}]);`);
    }
  }

  string(v: string): void {
    this.line(`p = ws(b, p, ${v}); if (p < 0) return p;`);
  }

  number(v: string): void {
    this.uncheckedBytes += MAX_NUMBER_BYTES;
    this.line(`p = wn(b, p, ${v});`);
  }

  text(): string {
    return this.lines.join('\n');
  }
}

/**
 * What comes before a value: a constant text (comma and key), or, after optional fields that may
 * all be absent, a comma only if the runtime flag says something was written.
 */
type Prefix = { readonly text: string; readonly flag?: string };

function writePrefix(code: Code, prefix: Prefix): void {
  if (prefix.flag !== undefined) {
    code.uncheckedBytes += 1;
    code.line(`if (${prefix.flag}) { b[p] = 44; p += 1; }`);
  }
  code.bytes(prefix.text);
}

const BAIL = `return ${NOT_AS_CATALOG};`;

function emitValue(code: Code, f: FieldSpec, v: string, prefix: Prefix): void {
  if (f.nullable) {
    code.line(`if (${v} === null) {`);
    writePrefix(code, prefix);
    code.bytes('null');
    code.line('} else {');
    emitNonNull(code, f, v, prefix);
    code.line('}');
  } else {
    emitNonNull(code, f, v, prefix);
  }
}

function emitNonNull(code: Code, f: FieldSpec, v: string, prefix: Prefix): void {
  switch (f.kind) {
    case 'uuid':
    case 'string':
    case 'datetime':
    case 'url':
    case 'currency':
      code.line(`if (typeof ${v} !== 'string') ${BAIL}`);
      writePrefix(code, prefix);
      code.string(v);
      return;
    case 'enum':
      // A closed value set: each allowed value is written as constant bytes.
      code.line(`switch (${v}) {`);
      for (const value of f.values) {
        code.line(`case ${lit(value)}:`);
        writePrefix(code, prefix);
        code.bytes(lit(value));
        code.line('break;');
      }
      code.line(`default: if (typeof ${v} !== 'string') ${BAIL}`);
      writePrefix(code, prefix);
      code.string(v);
      code.line('}');
      return;
    case 'bool':
      code.line(`if (${v} !== true && ${v} !== false) ${BAIL}`);
      writePrefix(code, prefix);
      code.line(`if (${v}) {`);
      code.bytes('true');
      code.line('} else {');
      code.bytes('false');
      code.line('}');
      return;
    case 'int':
    case 'cents':
      // v - v === 0 only for finite numbers: JSON.stringify writes NaN and ±Infinity as null.
      code.line(`if (typeof ${v} !== 'number' || ${v} - ${v} !== 0) ${BAIL}`);
      writePrefix(code, prefix);
      code.number(v);
      return;
    case 'map':
      // Open string maps (variant attributes): their keys are data, not catalog.
      code.line(`if (typeof ${v} !== 'object' || ${v} === null || Array.isArray(${v})) ${BAIL}`);
      writePrefix(code, prefix);
      code.line(`p = wj(b, p, ${v}); if (p < 0) return p;`);
      return;
    case 'array': {
      const i = code.local('i');
      const item = code.local('v');
      code.line(`if (!Array.isArray(${v})) ${BAIL}`);
      writePrefix(code, prefix);
      code.bytes('[');
      code.line(`for (${i} = 0; ${i} < ${v}.length; ${i}++) {`);
      code.line(`if (p > L) return ${NO_ROOM};`);
      code.line(`${item} = ${v}[${i}];`);
      code.line(`if (${i} > 0) { b[p] = 44; p += 1; }`);
      code.uncheckedBytes += 1;
      emitValue(code, f.items, item, { text: '' });
      code.line('}');
      code.bytes(']');
      return;
    }
    case 'object':
      code.line(`if (typeof ${v} !== 'object' || ${v} === null || Array.isArray(${v})) ${BAIL}`);
      writePrefix(code, prefix);
      code.bytes('{');
      emitFields(code, f.fields, v);
      code.bytes('}');
      return;
  }
}

/** The fields of one object in catalog order; optional ones only when present (not undefined). */
function emitFields(code: Code, fields: FieldMap, obj: string): void {
  const entries = Object.entries(fields);
  // Optional fields before the first required one: whether a comma is due is known at run time.
  let flag: string | undefined;
  if (entries.length > 0 && entries[0]![1].optional) {
    flag = code.local('w');
    code.line(`${flag} = false;`);
  }
  let first = true;
  for (const [name, f] of entries) {
    const v = code.local('v');
    code.line(`${v} = ${obj}[${lit(name)}];`);
    const key = `${lit(name)}:`;
    const prefix: Prefix = flag !== undefined ? { text: key, flag } : { text: first ? key : `,${key}` };
    if (f.optional) {
      code.line(`if (${v} !== undefined) {`);
      emitValue(code, f, v, prefix);
      if (flag !== undefined) code.line(`${flag} = true;`);
      code.line('}');
    } else {
      emitValue(code, f, v, prefix);
      flag = undefined;
    }
    first = false;
  }
}

/** The JS body of one event type's writer `(e, b, p) => end | NO_ROOM | NOT_AS_CATALOG`. */
export function writerSource(spec: EventSpec): { source: string; uncheckedBytes: number; constants: Uint8Array[] } {
  const code = new Code();
  const str = (key: string, first = false) => {
    code.line(`v = e.${key}; if (typeof v !== 'string') ${BAIL}`);
    code.bytes(`${first ? '{' : ','}${lit(key)}:`);
    code.string('v');
  };
  const constant = (key: string, value: string | number) => {
    code.line(`if (e.${key} !== ${JSON.stringify(value)}) ${BAIL}`);
    code.bytes(`,${lit(key)}:${JSON.stringify(value)}`);
  };
  code.line(`const L = b.length - ${RESERVE_BYTES};`);
  code.line(`if (p > L) return ${NO_ROOM};`);
  // The envelope, in the order Sim.build creates it.
  str('event_id', true);
  constant('event_type', spec.type);
  constant('event_version', spec.version);
  str('occurred_at');
  constant('entity_type', spec.family);
  str('entity_id');
  code.line(`v = e.sequence; if (typeof v !== 'number' || v - v !== 0) ${BAIL}`);
  code.bytes(',"sequence":');
  code.number('v');
  str('correlation_id');
  code.line(`v = e.causation_id; if (v !== null && typeof v !== 'string') ${BAIL}`);
  code.line('if (v === null) {');
  code.bytes(',"causation_id":null');
  code.line('} else {');
  code.bytes(',"causation_id":');
  code.string('v');
  code.line('}');
  str('producer');
  str('run_id');
  code.line(`const o = e.payload; if (typeof o !== 'object' || o === null || Array.isArray(o)) ${BAIL}`);
  code.bytes(',"payload":{');
  emitFields(code, spec.fields, 'o');
  code.bytes('}}');
  code.line('return p;');
  const locals = ['v', ...code.locals].join(', ');
  return { source: `let ${locals};\n${code.text()}`, uncheckedBytes: code.uncheckedBytes, constants: code.constants };
}

type Writer = (envelope: Envelope, b: Buffer, p: number) => number;

function compile(spec: EventSpec): Writer {
  const { source, uncheckedBytes, constants } = writerSource(spec);
  if (uncheckedBytes > RESERVE_BYTES / 2) {
    throw new Error(`serialize: ${spec.type} writes up to ${uncheckedBytes} bytes between room checks`);
  }
  // new Function: the source is built from the catalog (constant data; every name and value is
  // quoted with JSON.stringify), never from events. fast-json-stringify compiles the same way.
  const factory = new Function('ws', 'wn', 'wj', 'wk', 'K', `return function write(e, b, p) {\n${source}\n};`) as (
    ws: typeof writeString,
    wn: typeof writeNumber,
    wj: typeof writeJson,
    wk: typeof copyLoop,
    K: Uint8Array[],
  ) => Writer;
  return factory(writeString, writeNumber, writeJson, copyLoop, constants);
}

/**
 * A serializer for every catalog event type (compiled here, once). Events of an unknown type, with
 * values the catalog does not describe, or too big for one slab are written by JSON.stringify.
 */
export function createCompiledWriter(opts: CompiledWriterOptions = {}): (envelope: Envelope) => Buffer {
  const slabBytes = Math.max(opts.slabBytes ?? DEFAULT_SLAB_BYTES, 2 * RESERVE_BYTES);
  const writers = new Map<string, Writer>((opts.catalog ?? EVENT_CATALOG).map((spec) => [spec.type, compile(spec)]));
  let slab = Buffer.allocUnsafeSlow(slabBytes);
  let pos = 0;
  let lastType = '';
  let last: Writer | undefined;
  return (envelope) => {
    // Runs of one type are common (impressions): skip the map lookup for a repeat.
    if (envelope.event_type !== lastType) {
      lastType = envelope.event_type;
      last = writers.get(lastType);
    }
    if (last !== undefined) {
      let end = last(envelope, slab, pos);
      if (end === NO_ROOM && pos > 0) {
        // The rest of this slab was too small: a fresh one (the old one lives on in its records).
        slab = Buffer.allocUnsafeSlow(slabBytes);
        pos = 0;
        end = last(envelope, slab, 0);
      }
      if (end >= 0) {
        const value = Buffer.from(slab.buffer, slab.byteOffset + pos, end - pos);
        pos = end;
        return value;
      }
    }
    return Buffer.from(JSON.stringify(envelope), 'utf8');
  };
}
