// The number formats every rendered report shares (console, compare, verification, consumer, HTML),
// declared once so a figure reads the same wherever it appears.
export { formatDurationMs } from '../runner/duration.js';

/** A whole number with thousands separators: 12,345. */
export const int = (n: number): string => Math.round(n).toLocaleString('en-US');

/** A number with a fixed count of decimals and thousands separators: 1,234.5. */
export const fixed = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Milliseconds with precision that suits their size: 0.42, 12.3, 250. */
export const ms = (n: number): string => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));

/** A duration in seconds with one decimal: "12.5 s". */
export const secs = (durationMs: number): string => `${(durationMs / 1_000).toFixed(1)} s`;

/** A duration of any size in the unit that suits it: "420 ms", "12.5 s", "3.2 min", "5.0 h". */
export function approxDuration(durationMs: number): string {
  if (durationMs < 1_000) return `${Math.round(durationMs)} ms`;
  if (durationMs < 60_000) return `${(durationMs / 1_000).toFixed(1)} s`;
  if (durationMs < 3_600_000) return `${(durationMs / 60_000).toFixed(1)} min`;
  return `${(durationMs / 3_600_000).toFixed(1)} h`;
}

/** A share (0..1) as a percentage with one decimal: "38.9%". */
export const pct = (share: number): string => `${(share * 100).toFixed(1)}%`;

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

/** "SASL_SSL, SCRAM-SHA-512, user sc-sim-app": how a report's run connected (never more than this). */
export function describeConnection(c: {
  securityProtocol: string;
  saslMechanism: string | null;
  user: string | null;
}): string {
  return [c.securityProtocol, c.saslMechanism, c.user !== null ? `user ${c.user}` : null].filter(Boolean).join(', ');
}
