// Run reports: build (src/report/build.ts), format (console or JSON, pure functions of the
// report), and save/load so `sc-sim report file.json` re-renders a past run.
import { readFileSync, writeFileSync } from 'node:fs';
import { ScSimError } from './errors.js';
import { REPORT_SCHEMA_VERSION, type RunReport } from './report/types.js';

export { buildReport, type BuildReportInput } from './report/build.js';
export { formatConsoleReport } from './render/console.js';
export { REPORT_SCHEMA_VERSION, type RunReport } from './report/types.js';

/** The `--json` / `--out` form: the report as is, 2-space indented. */
export function formatJsonReport(report: RunReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

export function writeReportFile(path: string, report: RunReport): void {
  try {
    writeFileSync(path, formatJsonReport(report));
  } catch (err) {
    throw new ScSimError('E_REPORT_FILE', `cannot write the report to ${path}: ${(err as Error).message}`, {
      hint: 'check that the directory exists and is writable',
      cause: err,
    });
  }
}

/** Reads a saved report, checking it is one (and a version this sc-sim understands). */
export function readReportFile(path: string): RunReport {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : (err as Error).message;
    throw new ScSimError('E_REPORT_FILE', `cannot read report ${path}: ${why}`, {
      hint: 'give a file written by `sc-sim run … --out report.json`',
      cause: err,
    });
  }
  const r = data as Partial<RunReport> | null;
  if (!r || typeof r !== 'object' || !('schemaVersion' in r) || !r.run || !r.summary) {
    throw new ScSimError('E_REPORT_FILE', `${path} is not an sc-sim run report`, {
      hint: 'give a file written by `sc-sim run … --out report.json`',
    });
  }
  if (r.schemaVersion !== REPORT_SCHEMA_VERSION) {
    throw new ScSimError(
      'E_REPORT_FILE',
      `${path} has report schemaVersion ${String(r.schemaVersion)}; this sc-sim reads ${REPORT_SCHEMA_VERSION}`,
      {
        hint: 'render it with the sc-sim version that wrote it',
      },
    );
  }
  return r as RunReport;
}
