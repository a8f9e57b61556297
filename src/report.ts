// The run report's public entry: built from metric snapshots (report/build.ts), checked against
// thresholds, compared, and formatted (src/render/: console, JSON, HTML). Reporters only format.
import { ScSimError } from './errors.js';
import { REPORT_SCHEMA_VERSION, type RunReport } from './report/types.js';

export { buildReport, type BuildReportInput } from './report/build.js';
export { ackedFromReport, offsetsFromReport, offsetsReport } from './report/offsets.js';
export { compare, sideOf, type CompareInput, type CompareResult, type CompareSide } from './report/compare.js';
export { REPORT_SCHEMA_VERSION, type RunReport } from './report/types.js';
export { formatConsoleReport } from './render/console.js';
export { renderHtmlReport, type HtmlReportInput } from './render/html/report.js';

/** The `--json` / `--out` form: the report as is, 2-space indented. */
export function formatJsonReport(report: RunReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** Checks that parsed JSON is a run report this sc-sim understands (`where` names the file in errors). */
export function parseRunReport(data: unknown, where: string): RunReport {
  const r = data as Partial<RunReport> | null;
  if (!r || typeof r !== 'object' || !('schemaVersion' in r) || !r.run || !r.summary) {
    throw new ScSimError('E_REPORT_FILE', `${where} is not an sc-sim run report`, {
      hint: 'give a file written by `sc-sim run … --out report.json`',
    });
  }
  if (r.schemaVersion !== REPORT_SCHEMA_VERSION) {
    throw new ScSimError(
      'E_REPORT_FILE',
      `${where} has report schemaVersion ${String(r.schemaVersion)}; this sc-sim reads ${REPORT_SCHEMA_VERSION}`,
      { hint: 'render it with the sc-sim version that wrote it' },
    );
  }
  return r as RunReport;
}
