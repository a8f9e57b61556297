// A viral cascade as a self-exciting (Hawkes) process on the viral promotion's engagement: a spark
// (the moment it goes viral) lifts its share of impressions and clicks at once, and every
// impression or click it then gets lifts the share a little more, each lift decaying with the same
// exponential kernel. With a branching ratio n < 1 (the mean number of further engagements each one
// brings) the excitement feeds on itself and still dies out: after the spark the share decays with
// a half-life of halfLife / (1 − n) instead of halfLife, back to the baseline (`hot.promotion`).
//
// The stream's total rate is set by the load, so the process is applied as a share: the viral
// intensity λ(t) = μ + Σ wᵢ α e^(−β(t−tᵢ)) over the engagement rate R(t) measured in world time,
// with β = ln 2 / halfLife and α = n β (each engagement of weight w brings w n more, in
// expectation). Pure and seeded: it reads the world's clock and draws from the family's stream.
import { z } from 'zod';
import { DurationSchema, PositiveDurationSchema } from '../runner/duration.js';

export const CascadeSchema = z
  .object({
    /** When the promotion goes viral, after the world's first instant (world time: divided by timeScale). */
    at: DurationSchema.default(0),
    /** Share of engagement the spark adds at once (on top of the baseline `hot.promotion`). */
    spark: z.number().min(0).max(1).default(0.8),
    /** Mean number of further engagements each one brings (< 1: the cascade dies out). */
    branching: z.number().min(0).max(0.95).default(0.6),
    /** Half-life of one engagement's excitement (world time). */
    halfLife: PositiveDurationSchema.default(2_000),
    /** A click excites this many times more than an impression (clicks are shares of intent). */
    clickWeight: z.number().min(0).max(100).default(3),
  })
  .strict();
export type CascadeSettings = z.output<typeof CascadeSchema>;

/** The most of engagement the viral promotion takes: the others keep a trickle. */
export const MAX_VIRAL_SHARE = 0.98;
/** How many engagements the rate estimate averages over. */
const RATE_WINDOW = 256;

/** World time as the cascade needs it: now, the world's first instant, and durations scaled. */
export interface CascadeClock {
  readonly nowMs: number;
  readonly originMs: number;
  scaled(durationMs: number): number;
}

export class Cascade {
  /** Σ wᵢ e^(−β(t−tᵢ)) over the viral engagements so far, at lastMs. */
  private excitation = 0;
  private lastMs = Number.NaN;
  /** Mean world time between engagements (EMA), ms; NaN until two were seen. */
  private meanGapMs = Number.NaN;
  private seen = 0;
  private sparkAtMs = Number.NaN;
  private beta = Number.NaN;

  constructor(private readonly settings: CascadeSettings) {}

  /** Moves the cascade to now: decays the excitement, and counts one engagement toward the rate. */
  private advance(clock: CascadeClock, countEngagement: boolean): void {
    if (Number.isNaN(this.beta)) {
      this.beta = Math.LN2 / Math.max(1, clock.scaled(this.settings.halfLife));
      this.sparkAtMs = clock.originMs + clock.scaled(this.settings.at);
    }
    const now = clock.nowMs;
    if (!Number.isNaN(this.lastMs) && now > this.lastMs) {
      this.excitation *= Math.exp(-this.beta * (now - this.lastMs));
    }
    if (countEngagement) {
      if (!Number.isNaN(this.lastMs)) {
        const gap = Math.max(0, now - this.lastMs);
        this.seen++;
        const k = Math.min(this.seen, RATE_WINDOW);
        this.meanGapMs = Number.isNaN(this.meanGapMs) ? gap : this.meanGapMs + (gap - this.meanGapMs) / k;
      }
      this.lastMs = Math.max(now, Number.isNaN(this.lastMs) ? now : this.lastMs);
    } else if (Number.isNaN(this.lastMs)) this.lastMs = now;
  }

  /** The spark's own excitement now: `spark` at its instant, decaying with the kernel. */
  private sparkShare(now: number): number {
    if (now < this.sparkAtMs) return 0;
    return this.settings.spark * Math.exp(-this.beta * (now - this.sparkAtMs));
  }

  /**
   * The viral promotion's share of the engagement happening now, over a baseline share. An
   * impression or click counts toward the engagement rate; an attributed order only reads it.
   */
  share(clock: CascadeClock, baseline: number, engagement: boolean): number {
    this.advance(clock, engagement);
    // Engagements per ms of world time; until measured, no self-excitement (only the spark).
    const rate = this.meanGapMs > 0 ? 1 / this.meanGapMs : Number.NaN;
    const alpha = this.settings.branching * this.beta;
    const self = Number.isNaN(rate) ? 0 : (alpha * this.excitation) / rate;
    return Math.min(MAX_VIRAL_SHARE, baseline + this.sparkShare(clock.nowMs) + self);
  }

  /**
   * An engagement whose promotion was not drawn by share() (a session's click on the promotion it
   * saw): it counts toward the engagement rate, and excites when it is the viral one.
   */
  engaged(clock: CascadeClock, viral: boolean, click: boolean): void {
    this.advance(clock, true);
    if (viral) this.excite(click);
  }

  /** The viral promotion got an engagement: an impression (weight 1) or a click. */
  excite(click: boolean): void {
    this.excitation += click ? this.settings.clickWeight : 1;
  }
}
