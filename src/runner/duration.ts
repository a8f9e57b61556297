// Durations as scenario files write them ("500ms", "30s", "2m", "1h", "7d", or a number of ms),
// parsed once into milliseconds so the rest of the code only sees numbers.
import { z } from 'zod';

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION_PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

/** Parses "30s"/"2m"/"500ms"/"1.5h"/"7d" or a plain number of ms; undefined when it is not a duration. */
export function parseDurationMs(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  const m = DURATION_PATTERN.exec(value.trim());
  if (!m) return undefined;
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

const DURATION_HINT = 'a duration like "500ms", "30s", "2m", "1h", "7d" or a number of milliseconds';

/** A duration in a scenario file; the parsed value is in milliseconds. */
export const DurationSchema = z
  .union([z.number().nonnegative(), z.string().regex(DURATION_PATTERN, { message: `expected ${DURATION_HINT}` })], {
    error: `expected ${DURATION_HINT}`,
  })
  .transform((v) => parseDurationMs(v) as number);

/** A duration that must be longer than zero. */
export const PositiveDurationSchema = DurationSchema.refine((ms) => ms > 0, { message: 'must be longer than 0' });

/** 1209600000 -> "14d", 3600000 -> "1h": a duration as people write it (the inverse of parseDurationMs). */
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
