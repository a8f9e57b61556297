// Report files: every JSON and HTML file sc-sim writes or reads goes through here, so a bad path
// or a file that is not a report gets one clear error (E_IO / E_REPORT_FILE) with the path.
import { accessSync, constants, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isConsumerReport, type ConsumerSimReport } from '../consume/report.js';
import { ScSimError } from '../errors.js';
import { parseConsumerReport, parseRunReport, type CompareInput, type RunReport } from '../report.js';
import { renderHtmlReport } from '../render/html/report.js';
import { formatJsonReport } from '../render/json.js';

/** Writes a file sc-sim produced (report, HTML, events); any failure is E_IO naming the path. */
export function writeOutputFile(path: string, text: string, what: string): void {
  try {
    writeFileSync(path, text);
  } catch (err) {
    throw new ScSimError('E_IO', `cannot write the ${what} to ${path}: ${(err as Error).message}`, {
      hint: 'check that the directory exists and is writable',
      cause: err,
    });
  }
}

/**
 * Checks before a run that a file could be written there (its directory exists and is writable,
 * the file itself is not a directory or read-only), so a bad --out fails at once, not after the run.
 */
export function assertWritable(path: string, what: string): void {
  const dir = dirname(resolve(path));
  const problem = (() => {
    if (!existsSync(dir)) return `the directory ${dir} does not exist`;
    if (!statSync(dir).isDirectory()) return `${dir} is not a directory`;
    try {
      if (existsSync(path)) {
        if (statSync(path).isDirectory()) return `${path} is a directory`;
        accessSync(path, constants.W_OK);
      } else accessSync(dir, constants.W_OK);
    } catch (err) {
      return (err as Error).message;
    }
    return undefined;
  })();
  if (problem !== undefined) {
    throw new ScSimError('E_IO', `cannot write the ${what} to ${path}: ${problem}`, {
      hint: 'give a path in an existing, writable directory',
    });
  }
}

export function writeReportFile(path: string, report: RunReport | ConsumerSimReport): void {
  writeOutputFile(path, formatJsonReport(report), 'report');
}

export function writeHtmlReport(path: string, report: RunReport): void {
  writeOutputFile(
    path,
    renderHtmlReport({
      run: report,
      verification: report.verification ?? null,
      consumer: report.consumer ?? null,
      watch: report.watch ?? null,
    }),
    'HTML report',
  );
}

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : (err as Error).message;
    throw new ScSimError('E_REPORT_FILE', `cannot read report ${path}: ${why}`, {
      hint: 'give a file written by `sc-sim run … --out report.json`',
      cause: err,
    });
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ScSimError('E_REPORT_FILE', `${path} is not JSON: ${(err as Error).message}`, {
      hint: 'give a file written by `sc-sim run … --out report.json`',
      cause: err,
    });
  }
}

/** Reads a saved run report, checking it is one (and a version this sc-sim understands). */
export function readReportFile(path: string): RunReport {
  return parseRunReport(readJson(path), path);
}

/** Reads a run report or a consumer report (`consume --out`). */
export function readAnyReport(path: string): { run: RunReport | null; consumer: ConsumerSimReport | null } {
  const data = readJson(path);
  if (isConsumerReport(data)) return { run: null, consumer: parseConsumerReport(data, path) };
  const run = parseRunReport(data, path);
  return { run, consumer: run.consumer ?? null };
}

/** One side of `compare`: "run.json" or "run.json,consumer.json" (files describing the same run). */
export function loadCompareSide(arg: string, label: string): CompareInput {
  const side: CompareInput = { label, run: null, consumer: null, verification: null };
  for (const path of arg
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const r = readAnyReport(path);
    if (r.run) {
      side.run = r.run;
      side.verification = r.run.verification ?? side.verification ?? null;
    }
    if (r.consumer) side.consumer = r.consumer;
  }
  return side;
}
