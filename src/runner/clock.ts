// Time source for the runner: the process's monotonic clock. Tests inject a manual discrete-event
// clock (test/support/manual-clock.ts), so timing logic is tested without real sleeps.
import { performance } from 'node:perf_hooks';

export interface Clock {
  /** Milliseconds on a monotonic timeline, with sub-millisecond precision. */
  now(): number;
  /** Resolves once now() >= tMs (immediately if already past), or early when `signal` aborts. */
  sleepUntil(tMs: number, signal?: AbortSignal): Promise<void>;
}

/** The process's monotonic clock (performance.now), never the wall clock, so NTP jumps cannot skew rates. */
export function realClock(): Clock {
  return {
    now: () => performance.now(),
    sleepUntil(tMs: number, signal?: AbortSignal): Promise<void> {
      const waitMs = tMs - performance.now();
      // setTimeout cannot wait less than ~1 ms; below that, yield one macrotask so I/O still runs.
      if (waitMs < 1 || signal?.aborted) return new Promise((resolve) => setImmediate(resolve));
      return new Promise((resolve) => {
        const onAbort = () => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }, Math.floor(waitMs));
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
  };
}
