import { beforeAll, describe, expect, it } from 'vitest';
import { buildPools, type Pools } from '../../../src/generators/pools.js';
import type { Rng } from '../../../src/generators/rng.js';
import { Sim } from '../../../src/generators/sim.js';
import type { Entity } from '../../../src/generators/state.js';
import { parseWorldConfig } from '../../../src/generators/world.js';

let pools: Pools;
beforeAll(() => {
  pools = buildPools(7);
});

function newSim(): Sim {
  return new Sim(parseWorldConfig({ seed: 7 }), 7, 'sim-test', pools);
}

const entity = (id: string): Entity => ({ id, seq: 0, slots: [] });
const posted = (id: string) => ({ post_id: id, published_at: '2026-01-01T00:00:00.000Z' });

describe('Sim', () => {
  it('emits a root event that correlates with itself, and consequences that name their cause', () => {
    const sim = newSim();
    const rng = sim.rng.post;
    const post = entity('p1');
    const root = sim.emit(rng, 'post.published', post, posted('p1'));
    expect(root.envelope.correlation_id).toBe(root.envelope.event_id);
    expect(root.envelope.causation_id).toBeNull();

    const caused = sim.emitCaused('post.published', post, posted('p1'), root);
    expect([caused.envelope.correlation_id, caused.envelope.causation_id]).toEqual([
      root.envelope.event_id,
      root.envelope.event_id,
    ]);
    const alone = sim.emitRootOrCaused(rng, 'post.published', post, posted('p1'), null);
    expect([alone.envelope.correlation_id, alone.envelope.causation_id]).toEqual([alone.envelope.event_id, null]);
    const chained = sim.emitRootOrCaused(rng, 'post.published', post, posted('p1'), alone);
    expect(chained.envelope.causation_id).toBe(alone.envelope.event_id);

    const inChain = sim.emitInChain(rng, 'post.published', post, posted('p1'), {
      correlationId: 'corr',
      lastEventId: 'prev',
    });
    expect([inChain.envelope.correlation_id, inChain.envelope.causation_id]).toEqual(['corr', 'prev']);
    expect([root, caused, alone, chained, inChain].map((e) => e.envelope.sequence)).toEqual([1, 2, 3, 4, 5]);
  });

  it('draws the ids of consequences from their own stream, not from the acting family’s', () => {
    const a = newSim();
    const b = newSim();
    const root = a.emit(a.rng.post, 'post.published', entity('p1'), posted('p1'));
    b.emit(b.rng.post, 'post.published', entity('p1'), posted('p1'));
    a.emitCaused('post.published', entity('p2'), posted('p2'), root);
    // After a consequence in `a` only, both post streams still give the same next id.
    expect(a.rng.post.uuid()).toBe(b.rng.post.uuid());
  });

  it('queues events in emission order with strictly increasing simulated time', () => {
    const sim = newSim();
    expect([sim.hasQueued(), sim.queuedCount]).toEqual([false, 0]);
    const emitted = ['a', 'b', 'c'].map((id) => sim.emit(sim.rng.post, 'post.published', entity(id), posted(id)));
    expect([sim.hasQueued(), sim.queuedCount]).toEqual([true, 3]);
    const taken = [sim.takeQueued(), sim.takeQueued(), sim.takeQueued()];
    expect(taken).toEqual(emitted);
    expect(taken[0]!.occurredAtMs < taken[1]!.occurredAtMs && taken[1]!.occurredAtMs < taken[2]!.occurredAtMs).toBe(
      true,
    );
    expect([sim.hasQueued(), sim.queuedCount]).toEqual([false, 0]);
    const again = sim.emit(sim.rng.post, 'post.published', entity('d'), posted('d'));
    expect(sim.takeQueued()).toBe(again);
  });

  it('lets time pass for an attempt that emits, and none for one that finds nothing to do', () => {
    const sim = newSim();
    const startMs = sim.nowMs;
    const nothing = (): boolean => false;
    expect(sim.attempt(nothing, sim.rng.post)).toBe(false);
    expect(sim.nowMs).toBe(startMs);
    let seen: Rng | undefined;
    const something = (s: Sim, rng: Rng): boolean => {
      seen = rng;
      return s === sim;
    };
    expect(sim.attempt(something, sim.rng.user)).toBe(true);
    expect(seen).toBe(sim.rng.user);
    expect(sim.nowMs).toBeGreaterThan(startMs);
  });

  it('with a time handed in, stamps every event of an action with it and no longer moves its own clock', () => {
    const sim = newSim();
    const rng = sim.rng.post;
    sim.setTime(1_764_590_400_000);
    sim.tick();
    const a = sim.emit(rng, 'post.published', entity('p1'), posted('p1'));
    const b = sim.emit(rng, 'post.published', entity('p2'), posted('p2'));
    expect([a.occurredAtMs, b.occurredAtMs]).toEqual([1_764_590_400_000, 1_764_590_400_000]);
    expect(a.envelope.occurred_at).toBe('2025-12-01T12:00:00.000Z');
    sim.setTime(1_764_590_400_250);
    expect(sim.nowMs).toBe(1_764_590_400_250);
    // Time never goes back.
    sim.setTime(1_764_590_400_100);
    expect(sim.nowMs).toBe(1_764_590_400_250);
  });

  it('scales world durations by timeScale', () => {
    const fast = new Sim(parseWorldConfig({ seed: 7 }), 7, 'sim-test', pools, undefined, 60);
    fast.setTime(0);
    expect(fast.later(15 * 60_000)).toBe(15_000);
    expect(fast.scaled(7 * 86_400_000)).toBe(10_080_000);
    expect(newSim().scaled(60_000)).toBe(60_000);
  });
});
