import { describe, expect, it } from 'vitest';
import { decodeHistogram } from '../../../src/metrics/histogram.js';
import { mergeSessions, SessionTally, summarizeSessions } from '../../../src/metrics/sessions.js';

const LOGIN = 'user.login_succeeded';
const SEEN = 'promotion.impression';
const CLICK = 'promotion.clicked';
const ORDER = 'order.created';

describe('SessionTally', () => {
  it('starts a session at each login and counts its steps, length, gaps, idle time and funnel', () => {
    const t = new SessionTally();
    t.add(SEEN, 'u1', 0); // before u1's first login: outside a session
    t.add(LOGIN, 'u1', 1_000);
    t.add(SEEN, 'u1', 3_000);
    t.add(CLICK, 'u1', 4_000);
    t.add(ORDER, 'u1', 10_000);
    t.add(LOGIN, 'u2', 2_000);
    t.add('post.created', 'u2', 2_500); // not a session step: ignored
    t.add(LOGIN, 'u1', 70_000); // closes u1's first session: idle 60 s
    t.add(SEEN, 'u1', 71_000);
    const s = t.snapshot()!;
    expect([s.sessions, s.withImpression, s.withClick, s.withOrder]).toEqual([3, 2, 1, 1]);
    expect(s.stepsPerSession).toEqual([
      [1, 1],
      [2, 1],
      [4, 1],
    ]);
    expect(s.outsideSteps).toBe(1);
    // HdrHistogram keeps 3 significant digits: a value reads back within 0.1%.
    const near = (actual: number, expected: number) =>
      expect(Math.abs(actual - expected)).toBeLessThanOrEqual(expected / 1_000);
    const gaps = decodeHistogram(s.gapMs);
    expect(gaps.totalCount).toBe(4);
    near(gaps.minNonZeroValue, 1_000);
    near(gaps.maxValue, 6_000);
    const idle = decodeHistogram(s.idleMs);
    expect(idle.totalCount).toBe(1);
    near(idle.maxValue, 60_000);
    const length = decodeHistogram(s.lengthMs);
    expect(length.totalCount).toBe(3);
    near(length.maxValue, 9_000);
    const sum = summarizeSessions(s);
    expect(sum.funnel).toEqual({ impression: 2 / 3, click: 1 / 3, order: 1 / 3 });
    expect(sum.stepsPerSession).toEqual({ mean: 7 / 3, p50: 2, p90: 4, max: 4 });
  });

  it('takes a snapshot without closing the open sessions (the run goes on)', () => {
    const t = new SessionTally();
    t.add(LOGIN, 'u', 0);
    t.add(SEEN, 'u', 100);
    expect(t.snapshot()!.sessions).toBe(1);
    t.add(CLICK, 'u', 200);
    const s = t.snapshot()!;
    expect([s.sessions, s.withClick]).toEqual([1, 1]);
    expect(s.stepsPerSession).toEqual([[3, 1]]);
  });

  it('follows at most `capacity` users, counting the others untracked; nothing to report without steps', () => {
    expect(new SessionTally().snapshot()).toBeNull();
    const t = new SessionTally(2);
    t.add(LOGIN, 'a', 0);
    t.add(LOGIN, 'b', 0);
    t.add(LOGIN, 'c', 0);
    t.add(SEEN, 'c', 1);
    t.add(SEEN, 'a', 1);
    const s = t.snapshot()!;
    expect([s.sessions, s.untrackedSteps, s.withImpression]).toEqual([2, 2, 1]);
  });

  it('merges shards exactly: two tallies of disjoint users equal one tally of all', () => {
    const steps: [string, string, number][] = [];
    for (let u = 0; u < 40; u++)
      for (let k = 0; k < 5; k++) {
        const at = u * 1_000 + k * 97_000;
        steps.push([LOGIN, `u${u}`, at], [SEEN, `u${u}`, at + 13 * (k + 1)], [CLICK, `u${u}`, at + 500 + u]);
        if ((u + k) % 3 === 0) steps.push([ORDER, `u${u}`, at + 900]);
      }
    const all = new SessionTally();
    const even = new SessionTally();
    const odd = new SessionTally();
    for (const [type, user, at] of steps) {
      all.add(type, user, at);
      (Number(user.slice(1)) % 2 === 0 ? even : odd).add(type, user, at);
    }
    const merged = summarizeSessions(mergeSessions(even.snapshot()!, odd.snapshot()!));
    expect(merged).toEqual(summarizeSessions(all.snapshot()!));
    expect(merged.sessions).toBe(200);
  });
});
