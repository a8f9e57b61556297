// Time source for the runner: real (monotonic, sub-ms) in production and a manual
// discrete-event clock in tests, so timing logic is tested without real sleeps.
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

interface Waiter {
  tMs: number;
  order: number;
  resolve: () => void;
}

/**
 * A discrete-event clock for tests: time stands still while code runs and jumps to the earliest
 * pending sleepUntil once every promise continuation has settled (checked on a macrotask), so a
 * run on this clock is deterministic and takes no real time.
 */
export class ManualClock implements Clock {
  private current: number;
  private waiters: Waiter[] = [];
  private order = 0;
  private scheduled = false;

  constructor(startMs = 0) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  sleepUntil(tMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const onAbort = () => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve();
      };
      const waiter: Waiter = {
        tMs: Math.max(tMs, this.current),
        order: this.order++,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      this.waiters.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.schedule();
    });
  }

  /** Moves time forward by hand (e.g. to model CPU time spent between two sleeps). */
  advance(deltaMs: number): void {
    this.current += deltaMs;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // setImmediate runs after all pending microtasks, i.e. when the simulated program is idle.
    setImmediate(() => {
      this.scheduled = false;
      this.fireEarliest();
    });
  }

  private fireEarliest(): void {
    if (this.waiters.length === 0) return;
    this.waiters.sort((a, b) => a.tMs - b.tMs || a.order - b.order);
    this.current = Math.max(this.current, this.waiters[0]!.tMs);
    // Wake everyone due at this instant together, in the order they went to sleep.
    while (this.waiters.length > 0 && this.waiters[0]!.tMs <= this.current) this.waiters.shift()!.resolve();
    if (this.waiters.length > 0) this.schedule();
  }
}
