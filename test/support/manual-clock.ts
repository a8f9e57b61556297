// A discrete-event clock for tests: timing logic runs on it deterministically and in no real time.
import type { Clock } from '../../src/runner/clock.js';

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
