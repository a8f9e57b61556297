// A flash sale as a world event: for its window, one promotion and its products get a popularity
// boost (their pick weight × boost), so impressions, clicks and orders concentrate on them and on
// the partitions their keys hash to. The window is on the world's clock, from its first instant.
import type { FlashSaleSettings } from './config.js';
import type { Sim } from './sim.js';
import type { Product, Promotion } from './state.js';

/** What the sale did, for tests and reports. */
export interface FlashSaleWindow {
  readonly startMs: number;
  readonly endMs: number;
  readonly promotion: Promotion;
  readonly products: readonly Product[];
}

/**
 * The sale's state machine: waiting, open (promotion and products boosted), closed. `update` runs
 * before every action: two comparisons while nothing changes.
 */
export class FlashSale {
  private state: 'waiting' | 'open' | 'closed' = 'waiting';
  private startMs = Number.NaN;
  private endMs = Number.NaN;
  private opened: FlashSaleWindow | null = null;

  constructor(private readonly settings: FlashSaleSettings) {}

  get window(): FlashSaleWindow | null {
    return this.opened;
  }

  update(sim: Sim): void {
    if (this.state === 'closed') return;
    if (Number.isNaN(this.startMs)) {
      this.startMs = sim.originMs + sim.scaled(this.settings.at);
      this.endMs = this.startMs + sim.scaled(this.settings.duration);
    }
    const now = sim.nowMs;
    if (this.state === 'waiting' && now >= this.endMs) this.state = 'closed';
    else if (this.state === 'waiting' && now >= this.startMs) this.open(sim, now);
    else if (this.state === 'open' && now >= this.endMs) this.close(sim);
  }

  /**
   * The sale's promotion: one of the active ones whose products are all published, drawn uniformly
   * (not by popularity: a sale is a merchandising decision, and a promotion that already leads would
   * have little room to grow). None found: the next action tries again, until the window is over.
   */
  private open(sim: Sim, nowMs: number): void {
    const promotion = sim.promotions.active.pick(sim.schedulerRng);
    if (!promotion || !promotion.products.every((p) => p.status === 'published')) return;
    this.state = 'open';
    this.opened = { startMs: nowMs, endMs: this.endMs, promotion, products: promotion.products };
    this.apply(sim, this.settings.boost);
  }

  private close(sim: Sim): void {
    this.state = 'closed';
    this.apply(sim, 1);
  }

  private apply(sim: Sim, boost: number): void {
    const w = this.opened!;
    sim.promotions.setBoost(w.promotion, boost);
    for (const p of w.products) sim.products.setBoost(p, boost);
  }
}
