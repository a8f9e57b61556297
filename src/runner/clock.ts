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
      // Already due: yield one macrotask so I/O still runs. Due within the millisecond: wait the
      // 1 ms a timer can — yielding then too (as sc-sim once did) spun the event loop and kept a core
      // 100 % busy whenever events were due less than 1 ms apart, i.e. above ~1,000 ev/s, at any rate.
      if (waitMs <= 0 || signal?.aborted) return new Promise((resolve) => setImmediate(resolve));
      return new Promise((resolve) => {
        const onAbort = () => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(
          () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
          Math.max(1, Math.floor(waitMs)),
        );
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
  };
}
