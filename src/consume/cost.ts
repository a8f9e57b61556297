// The simulated processing cost of a consumer: each event "costs" perEventMs of one worker's time.
// Modelled by sleeping (not busy work): the worker is occupied but the process's CPU stays free for
// the producer and broker on the same machine. Sleeps are paced against absolute due times, so the
// worker's long-run rate is exactly 1000 / perEventMs events/s even though timers are ~1 ms coarse.

export interface CostClock {
  now(): number;
}

export class CostPacer {
  private dueMs = 0;
  private batchStartMs = 0;

  /**
   * @param perEventMs processing time per event (0 = free)
   * @param sliceMs a batch yields after this much work, so one hot partition cannot keep a fetch
   *   cycle (and with it every other partition) waiting
   * @param minSleepMs sleeps shorter than this are deferred and added to the next one
   */
  constructor(
    readonly perEventMs: number,
    readonly sliceMs: number,
    private readonly clock: CostClock,
    private readonly minSleepMs = 4,
  ) {}

  /** A worker picks up a batch: time it spent idle is not credit for later events. */
  startBatch(): void {
    const now = this.clock.now();
    this.dueMs = Math.max(this.dueMs, now);
    this.batchStartMs = now;
  }

  /** Charges one event; returns how long to sleep now (0 = keep going). */
  charge(): number {
    this.dueMs += this.perEventMs;
    const waitMs = this.dueMs - this.clock.now();
    return waitMs >= this.minSleepMs ? waitMs : 0;
  }

  /** Time still owed at the end of a batch (the last events' cost). */
  owed(): number {
    return Math.max(0, this.dueMs - this.clock.now());
  }

  /** True once this batch has used its slice: stop, and let the rest be fetched again. */
  sliceUsed(): boolean {
    return this.dueMs - this.batchStartMs >= this.sliceMs;
  }
}
