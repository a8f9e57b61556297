// The one-line progress views printed on stderr while a run or a consumer works.
import type { Progress } from '../runner.js';
import { int } from './format.js';

export function formatRunProgress(p: Progress): string {
  const target = p.targetRatePerSec === undefined ? '' : ` / target ${int(p.targetRatePerSec)}`;
  return (
    `[${(p.elapsedMs / 1_000).toFixed(0).padStart(4)}s] ${int(p.ackedRatePerSec)} ev/s${target}` +
    `  acked ${int(p.acked)}  errors ${p.errors}  dropped ${p.dropped}  p99 ${p.ackP99Ms.toFixed(1)} ms`
  );
}

export function formatConsumerProgress(s: {
  tMs: number;
  processed: number;
  totalLag: number;
  maxLag: number;
}): string {
  return `[${(s.tMs / 1000).toFixed(0).padStart(4)}s] processed ${int(s.processed)}  lag ${int(s.totalLag)}  max partition lag ${int(s.maxLag)}`;
}
