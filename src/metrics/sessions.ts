// Sessions as the stream shows them, measured from the records sent (not from the generator's
// state): a user's login starts a session, and the user's impressions, clicks and orders up to their
// next login belong to it. Per session: steps, length (login to last step), the gaps between its
// steps; between sessions: the idle gap from a session's last step to the user's next login; and
// the funnel (sessions with an impression, a click, an order). Steps of a user not yet seen logging
// in during the run (a session begun before it) count as outside a session. The snapshot is
// counters and histograms: it merges exactly for shards (their users are disjoint).
import { SESSION_STEPS, type SessionStep } from '../catalog/events.js';
import { addCountsOfCounts } from './key-skew.js';
import type { Histogram } from 'hdr-histogram-js';
import {
  decodeHistogram,
  encodeHistogram,
  mergeEncodedHistograms,
  newHistogram,
  type EncodedHistogram,
} from './histogram.js';

export interface SessionsSnapshot {
  /** Logins seen: sessions started. */
  sessions: number;
  withImpression: number;
  withClick: number;
  withOrder: number;
  /** Steps (login included) per session: [steps, sessions with that many], fewest first. */
  stepsPerSession: [number, number][];
  /** Login to the session's last step, ms of event time. */
  lengthMs: EncodedHistogram;
  /** Between consecutive steps of a session, ms. */
  gapMs: EncodedHistogram;
  /** From a session's last step to the same user's next login, ms. */
  idleMs: EncodedHistogram;
  /** Impressions, clicks and orders of users with no login seen yet in the run. */
  outsideSteps: number;
  /** Steps of users beyond the tracked capacity (not counted anywhere else). */
  untrackedSteps: number;
}

/** Users followed at once; beyond this, new users' steps are only counted as untracked. */
export const DEFAULT_SESSION_USERS = 500_000;

interface Open {
  startMs: number;
  lastMs: number;
  steps: number;
  impression: boolean;
  click: boolean;
  order: boolean;
}

interface Totals {
  sessions: number;
  withImpression: number;
  withClick: number;
  withOrder: number;
  readonly steps: Map<number, number>;
  readonly lengthMs: Histogram;
}

const newTotals = (): Totals => ({
  sessions: 0,
  withImpression: 0,
  withClick: 0,
  withOrder: 0,
  steps: new Map(),
  lengthMs: newHistogram(),
});

export class SessionTally {
  /** Per user: the open session, or null for a user seen acting before any login of theirs. */
  private readonly users = new Map<string, Open | null>();
  /** Sessions closed by the user's next login. */
  private readonly closed = newTotals();
  private readonly gapMs = newHistogram();
  private readonly idleMs = newHistogram();
  private outsideSteps = 0;
  private untrackedSteps = 0;

  constructor(private readonly capacity = DEFAULT_SESSION_USERS) {}

  /** One record of a session step type: its event type, the user who acted and its event time. */
  add(eventType: string, actorId: string, atMs: number): void {
    const step: SessionStep | undefined = SESSION_STEPS[eventType as keyof typeof SESSION_STEPS]?.step;
    if (step === undefined) return;
    const open = this.users.get(actorId);
    if (open === undefined && this.users.size >= this.capacity) {
      this.untrackedSteps++;
      return;
    }
    if (step === 'login') {
      if (open) {
        close(open, this.closed);
        this.idleMs.recordValue(Math.max(0, atMs - open.lastMs));
      }
      this.users.set(actorId, { startMs: atMs, lastMs: atMs, steps: 1, impression: false, click: false, order: false });
      return;
    }
    if (!open) {
      if (open === undefined) this.users.set(actorId, null);
      this.outsideSteps++;
      return;
    }
    this.gapMs.recordValue(Math.max(0, atMs - open.lastMs));
    open.lastMs = Math.max(open.lastMs, atMs);
    open.steps++;
    if (step === 'impression') open.impression = true;
    else if (step === 'click') open.click = true;
    else open.order = true;
  }

  /** Sessions closed so far plus the ones still open (counted as they stand), without closing them. */
  snapshot(): SessionsSnapshot | null {
    const c = this.closed;
    const t: Totals = { ...c, steps: new Map(c.steps), lengthMs: newHistogram() };
    t.lengthMs.add(c.lengthMs);
    for (const open of this.users.values()) if (open) close(open, t);
    if (t.sessions === 0 && this.outsideSteps === 0 && this.untrackedSteps === 0) return null;
    return {
      sessions: t.sessions,
      withImpression: t.withImpression,
      withClick: t.withClick,
      withOrder: t.withOrder,
      stepsPerSession: [...t.steps.entries()].sort(([a], [b]) => a - b),
      lengthMs: encodeHistogram(t.lengthMs),
      gapMs: encodeHistogram(this.gapMs),
      idleMs: encodeHistogram(this.idleMs),
      outsideSteps: this.outsideSteps,
      untrackedSteps: this.untrackedSteps,
    };
  }
}

function close(s: Open, into: Totals): void {
  into.sessions++;
  if (s.impression) into.withImpression++;
  if (s.click) into.withClick++;
  if (s.order) into.withOrder++;
  into.steps.set(s.steps, (into.steps.get(s.steps) ?? 0) + 1);
  into.lengthMs.recordValue(Math.max(0, s.lastMs - s.startMs));
}

/** Two shards' sessions as one (their users are disjoint). */
export function mergeSessions(a: SessionsSnapshot, b: SessionsSnapshot): SessionsSnapshot {
  return {
    sessions: a.sessions + b.sessions,
    withImpression: a.withImpression + b.withImpression,
    withClick: a.withClick + b.withClick,
    withOrder: a.withOrder + b.withOrder,
    stepsPerSession: addCountsOfCounts(a.stepsPerSession, b.stepsPerSession).sort(([x], [y]) => x - y),
    lengthMs: mergeEncodedHistograms(a.lengthMs, b.lengthMs),
    gapMs: mergeEncodedHistograms(a.gapMs, b.gapMs),
    idleMs: mergeEncodedHistograms(a.idleMs, b.idleMs),
    outsideSteps: a.outsideSteps + b.outsideSteps,
    untrackedSteps: a.untrackedSteps + b.untrackedSteps,
  };
}

export interface GapSummaryMs {
  count: number;
  p10: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface SessionsSummary {
  sessions: number;
  /** Share of sessions reaching each step: login (1), an impression, a click, an order. */
  funnel: { impression: number; click: number; order: number };
  stepsPerSession: { mean: number; p50: number; p90: number; max: number };
  lengthMs: GapSummaryMs;
  gapMs: GapSummaryMs;
  idleMs: GapSummaryMs;
  /**
   * σ of ln(gap) estimated from the gap percentiles ((ln p90 − ln p10) / 2.563): what a log-normal
   * with the same spread would have; null with too few positive gaps.
   */
  gapLogSigma: number | null;
  outsideSteps: number;
  untrackedSteps: number;
}

function gaps(encoded: EncodedHistogram): GapSummaryMs {
  const h = decodeHistogram(encoded);
  if (h.totalCount === 0) return { count: 0, p10: 0, p50: 0, p90: 0, p99: 0, max: 0 };
  return {
    count: h.totalCount,
    p10: h.getValueAtPercentile(10),
    p50: h.getValueAtPercentile(50),
    p90: h.getValueAtPercentile(90),
    p99: h.getValueAtPercentile(99),
    max: h.maxValue,
  };
}

/** z(0.9) − z(0.1) of the standard normal. */
const Z_SPAN_10_90 = 2.5631;

function stepQuantile(sorted: readonly [number, number][], total: number, q: number): number {
  let seen = 0;
  for (const [n, c] of sorted) {
    seen += c;
    if (seen >= q * total) return n;
  }
  return sorted.at(-1)?.[0] ?? 0;
}

/** What the report shows of a sessions snapshot. */
export function summarizeSessions(s: SessionsSnapshot): SessionsSummary {
  const share = (n: number) => (s.sessions > 0 ? n / s.sessions : 0);
  let steps = 0;
  for (const [n, c] of s.stepsPerSession) steps += n * c;
  const gap = gaps(s.gapMs);
  return {
    sessions: s.sessions,
    funnel: { impression: share(s.withImpression), click: share(s.withClick), order: share(s.withOrder) },
    stepsPerSession: {
      mean: s.sessions > 0 ? steps / s.sessions : 0,
      p50: stepQuantile(s.stepsPerSession, s.sessions, 0.5),
      p90: stepQuantile(s.stepsPerSession, s.sessions, 0.9),
      max: s.stepsPerSession.at(-1)?.[0] ?? 0,
    },
    lengthMs: gaps(s.lengthMs),
    gapMs: gap,
    idleMs: gaps(s.idleMs),
    gapLogSigma: gap.count >= 20 && gap.p10 > 0 ? (Math.log(gap.p90) - Math.log(gap.p10)) / Z_SPAN_10_90 : null,
    outsideSteps: s.outsideSteps,
    untrackedSteps: s.untrackedSteps,
  };
}
