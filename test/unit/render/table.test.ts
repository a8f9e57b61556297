import { describe, expect, it } from 'vitest';
import { formatBytes, formatDurationMs } from '../../../src/render/format.js';
import { renderTable } from '../../../src/render/table.js';

describe('table formatting', () => {
  it('pads columns and right-aligns numbers', () => {
    const out = renderTable(
      [
        { a: 'x', n: 5 },
        { a: 'longer', n: 123 },
      ],
      [
        { header: 'NAME', value: (r) => r.a },
        { header: 'N', value: (r) => r.n, align: 'right' },
      ],
    );
    expect(out.split('\n')).toEqual(['NAME      N', '------  ---', 'x         5', 'longer  123']);
  });

  it('formats bytes and durations as people write them', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatDurationMs(14 * 86_400_000)).toBe('14d');
    expect(formatDurationMs(3_600_000)).toBe('1h');
    expect(formatDurationMs(1500)).toBe('1500ms');
  });
});
