// Seeded input mutation for the fuzz tests: the same seed gives the same mutants, so a failure
// is reproduced by its case number.

/** mulberry32: small, fast, good enough to pick mutations. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rnd: () => number, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;

/** Values of every kind and size, the edges first. */
export function oddValue(rnd: () => number): unknown {
  return pick(rnd, [
    0,
    -1,
    1,
    -0.5,
    1e308,
    -1e308,
    2 ** 53 + 1,
    9_999_999_999_999,
    NaN,
    '',
    ' ',
    '-1',
    '1e9',
    '30s',
    'x'.repeat(5_000),
    '\u0000\u202e\ud83d\ude00',
    null,
    true,
    [],
    [1, 'a', null],
    {},
    { a: { b: { c: [] } } },
  ]);
}

const SCALAR_TEXT = [
  '0',
  '-1',
  '1e308',
  '.nan',
  '~',
  'true',
  '"x"',
  "'30s'",
  '999999999999',
  '[]',
  '{}',
  '[1, [2, [3]]]',
  '{ a: 1 }',
  '&a 1',
  '*nope',
  '!!binary AAAA',
  '"\\u0000"',
  '-',
  'x'.repeat(3_000),
];

/** One random edit of a text file: lines deleted, duplicated or shuffled, values replaced, truncation, junk. */
export function mutateText(text: string, rnd: () => number): string {
  const lines = text.split('\n');
  const i = Math.floor(rnd() * lines.length);
  switch (Math.floor(rnd() * 9)) {
    case 0:
      lines.splice(i, 1);
      break;
    case 1:
      lines.splice(i, 0, lines[i] ?? '');
      break;
    case 2: {
      const j = Math.floor(rnd() * lines.length);
      [lines[i], lines[j]] = [lines[j] ?? '', lines[i] ?? ''];
      break;
    }
    case 3: // replace a scalar value after a colon
      lines[i] = (lines[i] ?? '').replace(/:\s*[^\s{[].*$/, `: ${pick(rnd, SCALAR_TEXT)}`);
      break;
    case 4: // a number becomes something else
      lines[i] = (lines[i] ?? '').replace(/\d+(\.\d+)?/, pick(rnd, SCALAR_TEXT));
      break;
    case 5: // indentation broken
      lines[i] = pick(rnd, ['', ' ', '\t', '      ']) + (lines[i] ?? '').trimStart();
      break;
    case 6: // truncated anywhere
      return text.slice(0, Math.floor(rnd() * text.length));
    case 7: {
      // binary junk inserted
      const junk = String.fromCharCode(
        ...Array.from({ length: 1 + Math.floor(rnd() * 16) }, () => Math.floor(rnd() * 256)),
      );
      const at = Math.floor(rnd() * text.length);
      return text.slice(0, at) + junk + text.slice(at);
    }
    default: // a key renamed
      lines[i] = (lines[i] ?? '').replace(/^(\s*)([a-zA-Z_.-]+):/, (_m, sp: string, k: string) => `${sp}${k}x:`);
  }
  return lines.join('\n');
}

/** Paths to every value of a JSON document. */
function paths(
  value: unknown,
  prefix: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...prefix, i], out));
  else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  return out;
}

/** One random structural edit of a JSON document: a value removed or replaced by an odd one. */
export function mutateJson(doc: unknown, rnd: () => number): string {
  const copy = structuredClone(doc) as Record<string | number, unknown>;
  const all = paths(copy).filter((p) => p.length > 0);
  const path = pick(rnd, all);
  let parent: Record<string | number, unknown> = copy;
  for (const seg of path.slice(0, -1)) parent = parent[seg] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  const op = Math.floor(rnd() * 4);
  if (op === 0) {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else {
    parent[last] = oddValue(rnd);
  }
  const text = JSON.stringify(copy);
  // Sometimes the file itself is cut short or has junk in it.
  if (op === 3 && rnd() < 0.3) return text.slice(0, Math.floor(rnd() * text.length));
  return text;
}
