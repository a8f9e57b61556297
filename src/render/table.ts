// Plain-text tables for the console: columns padded to their widest cell, numbers right-aligned.

export interface Column<R> {
  header: string;
  value: (row: R) => string | number;
  align?: 'left' | 'right';
}

export function renderTable<R>(rows: readonly R[], columns: readonly Column<R>[]): string {
  const cells = rows.map((r) => columns.map((c) => String(c.value(r))));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((row) => row[i]!.length)));
  const pad = (text: string, i: number) => {
    const col = columns[i]!;
    const right = col.align === 'right';
    return right ? text.padStart(widths[i]!) : text.padEnd(widths[i]!);
  };
  const line = (row: string[]) => row.map(pad).join('  ').trimEnd();
  return [line(columns.map((c) => c.header)), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}
