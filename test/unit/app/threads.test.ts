// The thread meter: each JavaScript thread's share of busy time over the run, and the cores the
// process kept busy; a producer thread is read before it goes, and a sink without one adds none.
import { describe, expect, it } from 'vitest';
import { startThreadMeter, type GenerationMeter } from '../../../src/app/threads.js';
import type { Sink, ThreadClock } from '../../../src/sinks/types.js';

function sink(producerThread?: () => ThreadClock | null): Sink {
  return {
    description: { kind: 'memory', target: 'test' },
    send: () => Promise.resolve({ ok: true, offsets: [] }),
    close: () => Promise.resolve(),
    ...(producerThread ? { producerThread } : {}),
  };
}

/** The world generated on the main thread, as a run with generator.threads: 0 chooses. */
const onMain: GenerationMeter = { chosen: { threads: 0, why: 'generator.threads: 0' }, clocks: () => [] };

/** Keeps the main thread busy for about `ms` (its event loop active, the CPU used). */
function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('startThreadMeter', () => {
  it('a sink on the main thread: one thread, busy while it computes; the cores the process used', async () => {
    const meter = startThreadMeter(sink(), onMain);
    spin(150);
    // Idle as ten waits of 30 ms: a loaded machine may preempt the process just before a wait
    // (counted as active, the likely cause), hardly before all ten (one 150 ms wait once read 100 % busy under load).
    for (let i = 0; i < 10; i++) await new Promise((r) => setTimeout(r, 30));
    const t = meter.stop();
    expect(t.threads.map((x) => x.thread)).toEqual(['main']);
    expect(t.generatorThreads).toEqual(onMain.chosen);
    expect(t.threads[0]!.does).toContain('producer');
    // At least 150 ms active and 300 ms idle (a loaded machine stretches the sleep, not the spin):
    // clearly between idle and saturated. Bounds on a measurement, not a speed target.
    expect(t.threads[0]!.busy).toBeGreaterThan(0.05);
    expect(t.threads[0]!.busy).toBeLessThan(0.9);
    expect(t.cpuCores).toBeGreaterThan(0);
    expect(t.cpuCores).toBeLessThan(8);
  });

  it('a producer thread: its busy share from its own event loop, read at stop', () => {
    let clock: ThreadClock | null = { activeMs: 1_000, idleMs: 5_000 };
    const meter = startThreadMeter(
      sink(() => clock),
      onMain,
    );
    clock = { activeMs: 1_300, idleMs: 5_700 };
    const t = meter.stop();
    expect(t.threads.map((x) => x.thread)).toEqual(['main', 'producer']);
    expect(t.threads[0]!.does).not.toContain('producer');
    expect(t.threads[1]!.busy).toBeCloseTo(0.3, 6);
  });

  it('a producer thread gone by the end (it crashed) is left out rather than guessed', () => {
    let clock: ThreadClock | null = { activeMs: 0, idleMs: 0 };
    const meter = startThreadMeter(
      sink(() => clock),
      onMain,
    );
    clock = null;
    expect(meter.stop().threads.map((x) => x.thread)).toEqual(['main']);
  });
});
