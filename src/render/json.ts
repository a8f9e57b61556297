// The `--json` / `--out` form of a report: the data as is, 2-space indented, one trailing newline.
export function formatJsonReport(report: object): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
