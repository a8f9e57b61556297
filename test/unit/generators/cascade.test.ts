import { describe, expect, it } from 'vitest';
import { Cascade, CascadeSchema, MAX_VIRAL_SHARE, type CascadeClock } from '../../../src/generators/cascade.js';
import { Rng } from '../../../src/generators/rng.js';
import { createWorld } from '../../../src/generators/world.js';

/** A world clock the test moves by hand; durations pass unscaled. */
function clock(): CascadeClock & { nowMs: number } {
  return { nowMs: 0, originMs: 0, scaled: (ms) => ms };
}

/**
 * Drives a cascade with one engagement every `gapMs`, each going viral with the cascade's share
 * (drawn from a seeded stream, as the world does), and returns the share every `everyMs`.
 */
function drive(settings: Parameters<typeof CascadeSchema.parse>[0], baseline: number, untilMs: number) {
  const c = new Cascade(CascadeSchema.parse(settings));
  const t = clock();
  const rng = Rng.derive(7, 'cascade-test');
  const shares: { atMs: number; share: number }[] = [];
  for (t.nowMs = 0; t.nowMs < untilMs; t.nowMs += 1) {
    const s = c.share(t, baseline, true);
    if (t.nowMs % 100 === 0) shares.push({ atMs: t.nowMs, share: s });
    if (rng.chance(s)) c.excite(false);
  }
  return shares;
}

/** Mean share over [fromMs, toMs). */
const meanShare = (shares: { atMs: number; share: number }[], fromMs: number, toMs: number) => {
  const inside = shares.filter((s) => s.atMs >= fromMs && s.atMs < toMs);
  return inside.reduce((a, s) => a + s.share, 0) / inside.length;
};

describe('a viral cascade (Hawkes, exponential kernel)', () => {
  it('without branching, the spark alone decays with the half-life; before it, the baseline', () => {
    const shares = drive({ at: 2_000, spark: 0.8, branching: 0, halfLife: 1_000 }, 0.05, 8_000);
    expect(shares.find((s) => s.atMs === 1_000)!.share).toBe(0.05);
    expect(shares.find((s) => s.atMs === 2_000)!.share).toBeCloseTo(0.85, 6);
    expect(shares.find((s) => s.atMs === 3_000)!.share).toBeCloseTo(0.05 + 0.4, 6);
    expect(shares.find((s) => s.atMs === 4_000)!.share).toBeCloseTo(0.05 + 0.2, 6);
  });

  it('feeds on itself: with branching n the excitement decays with a half-life about halfLife / (1 − n)', () => {
    // One engagement a ms (1,000 a second); n = 0.5 doubles the half-life to ~2 s.
    const n = 0.5;
    const shares = drive({ at: 1_000, spark: 0.6, branching: n, halfLife: 1_000 }, 0.02, 12_000);
    const excess = (fromMs: number) => meanShare(shares, fromMs, fromMs + 500) - 0.02;
    const measured = Math.log(2) / (Math.log(excess(2_000) / excess(6_000)) / 4_000);
    expect(measured).toBeGreaterThan((1_000 / (1 - n)) * 0.8);
    expect(measured).toBeLessThan((1_000 / (1 - n)) * 1.25);
    // And it dies out: back near the baseline.
    expect(meanShare(shares, 11_000, 12_000)).toBeLessThan(0.06);
    // Never more than the cap, never less than the baseline.
    expect(Math.max(...shares.map((s) => s.share))).toBeLessThanOrEqual(MAX_VIRAL_SHARE);
    expect(Math.min(...shares.map((s) => s.share))).toBeGreaterThanOrEqual(0.02);
  });

  it('a click excites clickWeight times an impression', () => {
    const settings = CascadeSchema.parse({ at: 0, spark: 0, branching: 0.5, halfLife: 1_000, clickWeight: 3 });
    const shareAfter = (click: boolean) => {
      const c = new Cascade(settings);
      const t = clock();
      for (t.nowMs = 0; t.nowMs < 100; t.nowMs++) c.share(t, 0, true);
      c.excite(click);
      return c.share(t, 0, true);
    };
    expect(shareAfter(true) / shareAfter(false)).toBeCloseTo(3, 6);
  });

  it('an engagement not drawn by share() counts toward the rate, and excites only when viral', () => {
    const settings = CascadeSchema.parse({ at: 0, spark: 0, branching: 0.5, halfLife: 1_000, clickWeight: 3 });
    const after = (engage: (c: Cascade, t: ReturnType<typeof clock>) => void) => {
      const c = new Cascade(settings);
      const t = clock();
      for (t.nowMs = 0; t.nowMs < 100; t.nowMs++) c.share(t, 0, true);
      engage(c, t);
      return c.share(t, 0, false);
    };
    // Viral: as share() then excite(); not viral: no excitement at all.
    const viral = after((c, t) => c.engaged(t, true, true));
    const drawn = after((c, t) => {
      c.share(t, 0, true);
      c.excite(true);
    });
    expect(viral).toBeCloseTo(drawn, 12);
    expect(viral).toBeGreaterThan(0);
    expect(after((c, t) => c.engaged(t, false, true))).toBe(0);
  });

  it("in a world: the viral promotion's share of impressions jumps at the spark and decays; same seed, same stream", () => {
    const run = () => {
      const world = createWorld(
        {
          seed: 5,
          population: { users: 300, suppliers: 10, communities: 10, products: 60, promotions: 20, posts: 20 },
          mix: { 'promotion.impression': 90, 'promotion.clicked': 5, order: 5 },
          // Popularity that does not grow, so the cascade alone moves the viral promotion's share.
          popularity: { promotions: 'uniform' },
          hot: { promotion: 0.05 },
          cascade: { promotion: { at: '6s', spark: 0.8, branching: 0.5, halfLife: '1s' } },
        },
        { runId: 'cascade' },
      );
      // 2,000 events a second of world time, for 14 s (the world's set-up takes the first seconds); the
      // flagship (the first promotion) is the viral one.
      const start = 1_000_000;
      const perSecond = Array.from({ length: 14 }, () => ({ viral: 0, all: 0 }));
      let viral: string | undefined;
      const ids: string[] = [];
      for (let i = 0; i < 28_000; i++) {
        const e = world.next(start + i / 2);
        ids.push(e.envelope.event_id);
        if (e.envelope.event_type === 'promotion.created') viral ??= e.envelope.entity_id;
        if (e.envelope.event_type !== 'promotion.impression') continue;
        const bucket = perSecond[Math.floor((e.occurredAtMs - start) / 1_000)]!;
        bucket.all++;
        if (e.envelope.payload['promotion_id'] === viral) bucket.viral++;
      }
      return { ids, shares: perSecond.map((b) => b.viral / b.all) };
    };
    const a = run();
    process.stderr.write(
      `[cascade] viral share of impressions per second: ${a.shares.map((x) => x.toFixed(2)).join(' ')}\n`,
    );
    // Before: the baseline plus its popularity share; the spark second; two seconds on; the last three.
    const [before, spark, after] = [a.shares[5]!, a.shares[6]!, a.shares[8]!];
    const late = (a.shares[11]! + a.shares[12]! + a.shares[13]!) / 3;
    expect(spark).toBeGreaterThan(0.7);
    expect(spark).toBeGreaterThan(before + 0.4);
    expect(after).toBeLessThan(spark - 0.15);
    expect(late).toBeLessThan(after);
    expect(late).toBeLessThan(before + 0.25);
    expect(run().ids).toEqual(a.ids);
  });
});
