import { describe, expect, it } from 'vitest';
import { createWorld, parseWorldConfig } from '../../../src/generators/world.js';
import type { SimEvent } from '../../../src/generators/types.js';

interface Lines {
  sale: number;
  all: number;
}

/** Order lines of the sale's products vs all order lines, before the sale (same length) and during it. */
function measure(boost: number, seed: number): { before: Lines; during: Lines; products: number } {
  const world = createWorld(
    {
      seed,
      mix: { order: 40 },
      // Without growth the weights stay put, so the boost alone moves the shares.
      popularity: { products: { zipf: 1.1, growth: 0 }, promotions: { zipf: 1, growth: 0 } },
      flashSale: { at: '12h', duration: '12h', boost },
    },
    { runId: 'sale' },
  );
  const events: SimEvent[] = [];
  let window = world.flashSale();
  while (window === null || events[events.length - 1]!.occurredAtMs < window.endMs) {
    events.push(world.next());
    window ??= world.flashSale();
  }
  const ids = new Set(window.products.map((p) => p.id));
  const before: Lines = { sale: 0, all: 0 };
  const during: Lines = { sale: 0, all: 0 };
  const lengthMs = window.endMs - window.startMs;
  for (const e of events) {
    if (e.envelope.event_type !== 'order.created') continue;
    const bucket =
      e.occurredAtMs >= window.startMs ? during : e.occurredAtMs >= window.startMs - lengthMs ? before : null;
    if (!bucket) continue;
    for (const item of e.envelope.payload['items'] as { product_id: string }[]) {
      bucket.all++;
      if (ids.has(item.product_id)) bucket.sale++;
    }
  }
  return { before, during, products: ids.size };
}

const share = (l: Lines) => l.sale / l.all;

describe('flash sale', () => {
  it("raises the sale's products' share of order items by about the configured boost, against the same world without it", () => {
    // The same seed is the same world until the sale opens, and the sale draws the same promotion:
    // the counterfactual (boost 1) gives the share the products would have had in the window.
    // The boost multiplies the pick weight of the products and of the promotion (through which
    // attributed orders choose their first line); stock running out during the sale caps the rise.
    const pooled = { sale: { sale: 0, all: 0 }, none: { sale: 0, all: 0 } };
    for (const seed of [1, 2, 3, 4]) {
      const sale = measure(10, seed);
      const none = measure(1, seed);
      expect(sale.products).toBeGreaterThan(0);
      expect(sale.before).toEqual(none.before);
      for (const [k, m] of [
        ['sale', sale],
        ['none', none],
      ] as const) {
        pooled[k].sale += m.during.sale;
        pooled[k].all += m.during.all;
      }
    }
    const rise = share(pooled.sale) / share(pooled.none);
    expect(rise).toBeGreaterThanOrEqual(10 * 0.5);
    expect(rise).toBeLessThanOrEqual(10 * 2);
  });

  it('is checked with the world: `at`, `duration` and `boost` with their paths', () => {
    expect(() => parseWorldConfig({ flashSale: { at: 'soon', duration: '0s', boost: 0.5 } as never })).toThrow(
      /3 problems/,
    );
  });
});
