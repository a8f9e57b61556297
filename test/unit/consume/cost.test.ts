import { describe, expect, it } from 'vitest';
import { CostPacer } from '../../../src/consume/cost.js';

/** Drives the pacer on a manual clock: sleeping advances time exactly by the asked amount. */
function simulate(
  perEventMs: number,
  events: number,
  sliceMs = Infinity,
): { elapsedMs: number; sleeps: number; slices: number } {
  let t = 1_000;
  const clock = { now: () => t };
  const pacer = new CostPacer(perEventMs, sliceMs, clock);
  let sleeps = 0;
  let slices = 0;
  let done = 0;
  while (done < events) {
    pacer.startBatch();
    slices++;
    while (done < events) {
      const wait = pacer.charge();
      done++;
      t += 0.01; // the bookkeeping itself takes a little time
      if (wait > 0) {
        sleeps++;
        t += wait;
      }
      if (pacer.sliceUsed()) break;
    }
    t += pacer.owed();
  }
  return { elapsedMs: t - 1_000, sleeps, slices };
}

describe('CostPacer', () => {
  it('holds a worker to 1000 / perEventMs events per second, with few timer sleeps', () => {
    const r = simulate(0.5, 2_000); // 2000 events at 0.5 ms = 1 s
    expect(r.elapsedMs).toBeGreaterThanOrEqual(1_000);
    expect(r.elapsedMs).toBeLessThan(1_025);
    expect(r.sleeps).toBeLessThanOrEqual(250); // batched into >= 4 ms sleeps, not one per event
  });

  it('cuts a long batch into slices of the given work', () => {
    const r = simulate(2, 500, 100); // 1 s of work in 100 ms slices
    expect(r.slices).toBe(10);
    expect(r.elapsedMs).toBeGreaterThanOrEqual(1_000);
  });

  it('does not count idle time as credit', () => {
    let t = 0;
    const pacer = new CostPacer(10, Infinity, { now: () => t });
    pacer.startBatch();
    pacer.charge();
    t = 5_000; // idle for a long time
    pacer.startBatch();
    expect(pacer.charge()).toBe(10);
  });

  it('costs nothing with perEventMs 0', () => {
    const r = simulate(0, 1_000);
    expect(r.sleeps).toBe(0);
    expect(r.elapsedMs).toBeLessThan(11);
  });
});
