// The run report's public entry: built from metric snapshots (report/build.ts), checked against
// thresholds, compared, and read back from files. It is plain data; src/render/ formats it
// (console, JSON, HTML), and only formats.
import type { z } from 'zod';
import type { ConsumerSimReport } from './consume/report.js';
import { ScSimError } from './errors.js';
import { ConsumerReportSchema, describeIssues, RunReportSchema } from './report/schema.js';
import { REPORT_SCHEMA_VERSION, type RunReport } from './report/types.js';

export { buildReport, type BuildReportInput } from './report/build.js';
export { mergeReports, type NamedReport } from './report/merge.js';
export { ackedFromReport, offsetsFromReport, offsetsReport } from './report/offsets.js';
export { compare, sideOf, type CompareInput, type CompareResult, type CompareSide } from './report/compare.js';
export { REPORT_SCHEMA_VERSION, type KeyReport, type RunReport, type TimeReport } from './report/types.js';

/** Checks that parsed JSON is a run report this sc-sim understands (`where` names the file in errors). */
export function parseRunReport(data: unknown, where: string): RunReport {
  const r = data as Partial<RunReport> | null;
  if (!r || typeof r !== 'object' || !('schemaVersion' in r) || !('run' in r) || !('summary' in r)) {
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
  const parsed = RunReportSchema.safeParse(data);
  if (!parsed.success) throw damaged(where, parsed.error);
  return data as RunReport;
}

/** Checks a consumer report (`consume --out`) the same way. */
export function parseConsumerReport(data: unknown, where: string): ConsumerSimReport {
  const parsed = ConsumerReportSchema.safeParse(data);
  if (!parsed.success) throw damaged(where, parsed.error);
  return data as ConsumerSimReport;
}

function damaged(where: string, error: z.ZodError): ScSimError {
  return new ScSimError('E_REPORT_FILE', `${where} is damaged: it does not have the shape of an sc-sim report`, {
    details: describeIssues(error),
    hint: 'regenerate it with `sc-sim run … --out`; a hand-edited report must keep every field',
  });
}
