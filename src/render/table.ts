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

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function formatBytes(sizeBytes: number): string {
  let v = sizeBytes;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(1)} ${UNITS[u]}`;
}

/** 1209600000 -> "14d", 3600000 -> "1h": retention as people write it. */
export function formatDurationMs(durationMs: number): string {
  const units: [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'm'],
    [1_000, 's'],
  ];
  for (const [size, suffix] of units) {
    if (durationMs >= size && durationMs % size === 0) return `${durationMs / size}${suffix}`;
  }
  return `${durationMs}ms`;
}
