import { describe, expect, it } from 'vitest';
import { barChart, escapeXml, lineChart, niceMax, percentileX, roundTicks } from '../../../../src/render/html/svg.js';

describe('svg charts', () => {
  it('draws one path per series and counts its points', () => {
    const svg = lineChart(
      [
        {
          name: 'target',
          dashed: true,
          points: [
            { x: 0, y: 100 },
            { x: 1, y: 100 },
          ],
        },
        {
          name: 'acked <b>',
          points: [
            { x: 0, y: 90 },
            { x: 1, y: 101 },
            { x: 2, y: 99 },
          ],
        },
      ],
      { id: 'rate', title: 'Rate & more', x: { label: 's' }, y: { label: 'ev/s' } },
    );
    expect(svg).toContain('data-chart="rate"');
    expect(svg).toContain('data-points="5"');
    expect(svg.match(/<path class="series"/g)).toHaveLength(2);
    expect(svg).toContain('stroke-dasharray');
    expect(svg).toContain('Rate &amp; more');
    expect(svg).toContain('acked &lt;b&gt;');
    expect(svg).not.toContain('no data');
  });

  it('says "no data" instead of drawing an empty frame silently', () => {
    const svg = lineChart([], { id: 'lag', title: 'Lag', x: { label: 's' }, y: { label: 'records' } });
    expect(svg).toContain('data-points="0"');
    expect(svg).toContain('no data');
  });

  it('draws one rect per bar and marks highlighted ones', () => {
    const svg = barChart(
      [
        { label: 'promotion/0', value: 10 },
        { label: 'promotion/1', value: 900, highlight: true },
        { label: 'promotion/2', value: 12 },
      ],
      { id: 'partitions', title: 'Events', y: { label: 'events' } },
    );
    expect(svg.match(/<rect class="bar/g)).toHaveLength(3);
    expect(svg.match(/class="bar hot"/g)).toHaveLength(1);
    expect(svg).toContain('<title>promotion/1: 900</title>');
  });

  it('has nice axis maxima and a log percentile axis', () => {
    expect([niceMax(0), niceMax(7), niceMax(2_699), niceMax(101)]).toEqual([1, 10, 5_000, 200]);
    expect(percentileX(0)).toBe(0);
    expect(percentileX(90)).toBeCloseTo(1);
    expect(percentileX(99)).toBeCloseTo(2);
    expect(percentileX(99.9)).toBeCloseTo(3);
    expect(Number.isFinite(percentileX(100))).toBe(true);
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});

describe('roundTicks', () => {
  it('puts x ticks on round numbers inside the range', () => {
    expect(roundTicks(0, 17, String).map((t) => t.value)).toEqual([0, 5, 10, 15]);
    expect(roundTicks(0, 12, String).map((t) => t.value)).toEqual([0, 2.5, 5, 7.5, 10]);
    expect(roundTicks(0, 300, String).map((t) => t.value)).toEqual([0, 100, 200, 300]);
  });
});
