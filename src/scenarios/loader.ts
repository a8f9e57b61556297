// Reads scenarios.yaml once with line positions and validates it with one schema, reporting
// every problem (YAML syntax and schema) as `file:LINE:COL path: message`, all at once.
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { closestNames } from '../catalog/events.js';
import { ScSimError } from '../errors.js';
import { THRESHOLD_METRIC_NAMES } from '../report/thresholds.js';
import { DERIVED_TYPES, isDerivedType } from '../generators/index.js';
import { ACTIVITY_NAMES, MIX_NAMES, ScenariosFileSchema, type Scenario, type ScenariosFile } from './schema.js';

export const DEFAULT_SCENARIOS_FILE = 'scenarios.yaml';
/** The file shipped with sc-sim, used when the working directory has none. */
export const BUNDLED_SCENARIOS_PATH = fileURLToPath(new URL('../../scenarios.yaml', import.meta.url));

/** --file if given; else ./scenarios.yaml when it exists; else the bundled file (shown relative to the cwd). */
export function resolveScenariosPath(file: string | undefined, cwd = process.cwd()): string {
  if (file !== undefined) return file;
  if (existsSync(DEFAULT_SCENARIOS_FILE)) return DEFAULT_SCENARIOS_FILE;
  const rel = relative(cwd, BUNDLED_SCENARIOS_PATH);
  return rel.startsWith('..') ? BUNDLED_SCENARIOS_PATH : rel;
}

export interface LoadedScenarios {
  /** The file as given (shown in messages). */
  path: string;
  scenarios: ScenariosFile['scenarios'];
}

type PathSegment = PropertyKey;

/** `scenarios.flash-sale.load.stages[1].duration` */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (String(seg).includes('.')) out += `["${String(seg)}"]`;
    else out += out === '' ? String(seg) : `.${String(seg)}`;
  }
  return out || '(root)';
}

/**
 * The source offset for a path: the value (or, for an unknown key, the key itself); for a missing
 * key, the key of the deepest object that exists (so "missing" points at the object that lacks it).
 */
function offsetOf(doc: Document, path: readonly PathSegment[], atKey: boolean): number {
  let node: unknown = doc.contents;
  let valueStart = (doc.contents as Node | null)?.range?.[0] ?? 0;
  let keyStart = valueStart;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) return keyStart;
      keyStart = (pair.key as Node).range?.[0] ?? keyStart;
      // An empty value (`world:`) has no range of its own: the key stands for it.
      valueStart = (pair.value as Node | null)?.range?.[0] ?? keyStart;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as Node | undefined;
      if (!item) return keyStart;
      keyStart = valueStart = item.range?.[0] ?? valueStart;
      node = item;
    } else {
      return valueStart;
    }
  }
  return atKey ? keyStart : valueStart;
}

/** Maps whose keys are a closed set of names: an unknown key there gets the closest names as a hint. */
const KNOWN_KEYS: Record<string, readonly string[]> = {
  thresholds: THRESHOLD_METRIC_NAMES,
  mix: MIX_NAMES,
  keys: ACTIVITY_NAMES,
};

/** What a missing key needs, where zod's own words would be vague. */
const MISSING_HINTS: Record<string, string> = {
  bucket: 'a compound key needs its bucket width, e.g. bucket: 1s',
  executor: 'the load shape: constant-rate, ramping-rate or unthrottled',
  description: 'a sentence saying what the scenario is for',
  load: 'the load shape, e.g. { executor: constant-rate, rate: 1000, duration: 1m }',
};

/** The value at a path of the parsed YAML (undefined when any step is missing). */
function valueAt(js: unknown, path: readonly PathSegment[]): unknown {
  let v = js;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[seg as string];
  }
  return v;
}

function issueLines(doc: Document, js: unknown, lines: LineCounter, file: string, issues: readonly z.core.$ZodIssue[]) {
  const out: { offset: number; text: string }[] = [];
  const at = (path: readonly PathSegment[], atKey: boolean, message: string) => {
    const offset = offsetOf(doc, path, atKey);
    const { line, col } = lines.linePos(offset);
    out.push({ offset, text: `${file}:${line}:${col} ${formatPath(path)}: ${message}` });
  };
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const parent = String(issue.path.at(-1));
      const known = KNOWN_KEYS[parent];
      for (const key of issue.keys) {
        if (parent === 'mix' && isDerivedType(key)) {
          at([...issue.path, key], true, `${key} has no weight of its own: it follows ${DERIVED_TYPES[key]}`);
          continue;
        }
        const hint = known ? `; did you mean ${closestNames(key, known, 3).join(', ')}?` : '';
        at([...issue.path, key], true, `unknown key${hint}`);
      }
    } else if (issue.code === 'invalid_key') {
      at(issue.path, true, issue.issues.map((i) => i.message).join('; ') || issue.message);
    } else if (valueAt(js, issue.path) === undefined && issue.path.length > 0) {
      // A key that is not there: say "missing", and what belongs there, rather than zod's type talk.
      const key = String(issue.path.at(-1));
      const what = MISSING_HINTS[key] ?? (issue.code === 'invalid_type' ? `${issue.expected} expected` : issue.message);
      at(issue.path, false, `missing: ${what}`);
    } else {
      at(issue.path, false, issue.message);
    }
  }
  return out;
}

/** Parses and validates scenario file text; throws one E_SCENARIO_INVALID listing every problem. */
export function parseScenarios(text: string, path: string): LoadedScenarios {
  const file = path;
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, merge: true });
  const problems: { offset: number; text: string }[] = [];
  for (const err of doc.errors) {
    const offset = err.pos[0];
    const { line, col } = lines.linePos(offset);
    const message = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    problems.push({ offset, text: `${file}:${line}:${col} (yaml): ${message}` });
  }
  visit(doc, {
    Alias(_key, node) {
      // `*name` with no `&name` anchor before it: toJS() would throw on it.
      if (node.resolve(doc) === undefined) {
        const offset = node.range?.[0] ?? 0;
        const { line, col } = lines.linePos(offset);
        problems.push({
          offset,
          text: `${file}:${line}:${col} (yaml): alias *${node.source} has no anchor &${node.source}`,
        });
      }
    },
  });
  let js: unknown;
  if (problems.length === 0) {
    try {
      js = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      // Whatever else YAML cannot turn into data (e.g. an alias bomb): still a coded error with a place.
      problems.push({ offset: 0, text: `${file}:1:1 (yaml): ${(err as Error).message}` });
    }
  }
  if (problems.length === 0) {
    const parsed = ScenariosFileSchema.safeParse(js);
    if (parsed.success) return { path, scenarios: parsed.data.scenarios };
    problems.push(...issueLines(doc, js, lines, file, parsed.error.issues));
  }
  problems.sort((a, b) => a.offset - b.offset);
  throw new ScSimError(
    'E_SCENARIO_INVALID',
    `${file} has ${problems.length} problem${problems.length === 1 ? '' : 's'}`,
    {
      details: problems.map((p) => p.text),
      hint: `fix the lines above; the schema is ${DEFAULT_SCENARIOS_FILE.replace('.yaml', '.schema.json')} (editors with the YAML language server check as you type)`,
    },
  );
}

export function loadScenarios(path: string = resolveScenariosPath(undefined)): LoadedScenarios {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : (err as Error).message;
    throw new ScSimError('E_SCENARIO_FILE', `cannot read scenarios file ${path}: ${why}`, {
      hint: 'run from the repository root, or point at a file with --file path/to/scenarios.yaml',
      cause: err,
    });
  }
  return parseScenarios(text, path);
}

export function getScenario(loaded: LoadedScenarios, name: string): Scenario {
  const scenario = loaded.scenarios[name];
  if (scenario) return scenario;
  const known = Object.keys(loaded.scenarios);
  const near = closestNames(name, known, 3);
  throw new ScSimError('E_SCENARIO_UNKNOWN', `no scenario named "${name}" in ${loaded.path}`, {
    details: [`known scenarios: ${known.join(', ')}`],
    hint:
      near.length > 0
        ? `did you mean ${near.join(' or ')}? (sc-sim scenarios lists them)`
        : 'sc-sim scenarios lists them',
  });
}
