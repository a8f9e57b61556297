// Key skew per topic: how unevenly records spread over their keys (distinct keys, Gini, the share of
// the top 1% and top 10% of keys, the hottest keys). The snapshot keeps counts of counts (how many
// keys were seen n times), which is all Gini and the top shares need, plus the hottest keys: small
// whatever the run's length, and it merges exactly for shards (their keys are disjoint).
export interface HotKeyCount {
  key: string;
  events: number;
}

export interface TopicKeyTally {
  /** Keyed records counted (records without a key are not). */
  events: number;
  distinctKeys: number;
  /** [events per key, keys with that many], most events first. */
  countsOfCounts: [number, number][];
  /** The hottest keys, most events first (at most HOTTEST_KEPT). */
  hottest: HotKeyCount[];
  /**
   * True when more than the tracked capacity of distinct keys arrived: the coldest keys were folded
   * (lossy counting), so a key's count may be low by at most `errorBound` and shares are estimates.
   */
  approximate: boolean;
  errorBound: number;
}

/** Per logical topic. */
export type KeyTallySnapshot = Record<string, TopicKeyTally>;

export const HOTTEST_KEPT = 10;
/** Distinct keys tracked exactly per topic before the coldest half is folded. */
export const DEFAULT_KEY_CAPACITY = 200_000;

interface TopicState {
  readonly counts: Map<string, number>;
  events: number;
  /** Events of keys folded away: they stay in the totals but have no key any more. */
  foldedEvents: number;
  foldedKeys: number;
  errorBound: number;
}

/** Counts records per key and topic (one Map increment per record). */
export class KeyTally {
  private readonly topics = new Map<string, TopicState>();

  constructor(private readonly capacity = DEFAULT_KEY_CAPACITY) {}

  add(topic: string, key: string): void {
    if (key === '') return;
    let t = this.topics.get(topic);
    if (!t)
      this.topics.set(topic, (t = { counts: new Map(), events: 0, foldedEvents: 0, foldedKeys: 0, errorBound: 0 }));
    t.events++;
    const n = t.counts.get(key);
    if (n !== undefined) {
      t.counts.set(key, n + 1);
      return;
    }
    if (t.counts.size >= this.capacity) this.fold(t);
    t.counts.set(key, 1);
  }

  /** Drops the coldest half of the keys (lossy counting); their events stay in the topic's total. */
  private fold(t: TopicState): void {
    const sorted = [...t.counts.values()].sort((a, b) => a - b);
    const cut = sorted[Math.floor(sorted.length / 2)]!;
    for (const [k, n] of t.counts) {
      if (n <= cut) {
        t.counts.delete(k);
        t.foldedEvents += n;
        t.foldedKeys++;
      }
    }
    t.errorBound = Math.max(t.errorBound, cut);
  }

  snapshot(): KeyTallySnapshot {
    const out: KeyTallySnapshot = {};
    for (const name of [...this.topics.keys()].sort()) {
      const t = this.topics.get(name)!;
      const byCount = new Map<number, number>();
      for (const n of t.counts.values()) byCount.set(n, (byCount.get(n) ?? 0) + 1);
      // Folded keys are kept as keys of average folded size, so totals and key counts stay whole.
      if (t.foldedKeys > 0) {
        const avg = Math.max(1, Math.round(t.foldedEvents / t.foldedKeys));
        byCount.set(avg, (byCount.get(avg) ?? 0) + t.foldedKeys);
      }
      out[name] = {
        events: t.events,
        distinctKeys: t.counts.size + t.foldedKeys,
        countsOfCounts: sortCounts([...byCount.entries()]),
        hottest: hottestOf([...t.counts.entries()].map(([key, events]) => ({ key, events }))),
        approximate: t.foldedKeys > 0,
        errorBound: t.errorBound,
      };
    }
    return out;
  }
}

function sortCounts(pairs: [number, number][]): [number, number][] {
  return pairs.sort((a, b) => b[0] - a[0]);
}

/** Two counts of counts ([n, how many with n]) of disjoint sets as one, unsorted. */
export function addCountsOfCounts(
  a: readonly (readonly [number, number])[],
  b: readonly (readonly [number, number])[],
): [number, number][] {
  const byCount = new Map<number, number>(a);
  for (const [n, many] of b) byCount.set(n, (byCount.get(n) ?? 0) + many);
  return [...byCount.entries()];
}

function hottestOf(keys: HotKeyCount[]): HotKeyCount[] {
  return keys.sort((a, b) => b.events - a.events || (a.key < b.key ? -1 : 1)).slice(0, HOTTEST_KEPT);
}

/** Two tallies of disjoint key sets (shards) as one. */
export function mergeKeyTallies(a: KeyTallySnapshot, b: KeyTallySnapshot): KeyTallySnapshot {
  const out: KeyTallySnapshot = { ...a };
  for (const [name, tb] of Object.entries(b)) {
    const ta = out[name];
    if (!ta) {
      out[name] = tb;
      continue;
    }
    out[name] = {
      events: ta.events + tb.events,
      distinctKeys: ta.distinctKeys + tb.distinctKeys,
      countsOfCounts: sortCounts(addCountsOfCounts(ta.countsOfCounts, tb.countsOfCounts)),
      hottest: hottestOf([...ta.hottest, ...tb.hottest]),
      approximate: ta.approximate || tb.approximate,
      errorBound: ta.errorBound + tb.errorBound,
    };
  }
  return out;
}

/** The skew figures of one topic. */
export interface KeySkew {
  topic: string;
  events: number;
  distinctKeys: number;
  /** 0 = every key equally often, towards 1 = one key has everything. */
  gini: number;
  /** Share of the events (0..1) on the busiest 1% (at least one) and 10% of keys. */
  top1PctShare: number;
  top10PctShare: number;
  /** The hottest keys with their share of the events. */
  hottest: { key: string; events: number; share: number }[];
  /** The key count passed the tracked capacity: the coldest keys were folded, shares are estimates. */
  approximate: boolean;
}

/** Events held by the `k` busiest keys. */
function topEvents(countsOfCounts: readonly [number, number][], k: number): number {
  let left = k;
  let sum = 0;
  for (const [n, keys] of countsOfCounts) {
    const take = Math.min(left, keys);
    sum += take * n;
    left -= take;
    if (left === 0) break;
  }
  return sum;
}

/** Gini coefficient of the events per key: (2 Σ i·x_i)/(n Σ x) − (n+1)/n over the counts ascending. */
export function giniOfCounts(countsOfCounts: readonly [number, number][]): number {
  const ascending = [...countsOfCounts].sort((a, b) => a[0] - b[0]);
  let n = 0;
  let total = 0;
  let weighted = 0;
  for (const [x, keys] of ascending) {
    // Ranks n+1..n+keys all hold x: their sum of ranks is keys·n + keys(keys+1)/2.
    weighted += x * (keys * n + (keys * (keys + 1)) / 2);
    n += keys;
    total += x * keys;
  }
  if (n === 0 || total === 0) return 0;
  return (2 * weighted) / (n * total) - (n + 1) / n;
}

/** The skew of every topic in a tally, busiest topic first. */
export function keySkews(tally: KeyTallySnapshot): KeySkew[] {
  return Object.entries(tally)
    .map(([topic, t]): KeySkew => {
      const share = (events: number) => (t.events > 0 ? events / t.events : 0);
      return {
        topic,
        events: t.events,
        distinctKeys: t.distinctKeys,
        gini: giniOfCounts(t.countsOfCounts),
        top1PctShare: share(topEvents(t.countsOfCounts, Math.max(1, Math.ceil(t.distinctKeys * 0.01)))),
        top10PctShare: share(topEvents(t.countsOfCounts, Math.max(1, Math.ceil(t.distinctKeys * 0.1)))),
        hottest: t.hottest.map((h) => ({ key: h.key, events: h.events, share: share(h.events) })),
        approximate: t.approximate,
      };
    })
    .sort((a, b) => b.events - a.events || a.topic.localeCompare(b.topic));
}

/** One second of one topic: [second, keyed events, distinct keys, the hottest key's events]. */
export type KeySecond = [number, number, number, number];

/** Per logical topic, its seconds in order (only seconds with keyed events). */
export type KeySecondsSnapshot = Record<string, KeySecond[]>;

/** Seconds still open per topic: a record may arrive a little after a later second began (acks of batches in flight). */
const OPEN_SECONDS = 3;

interface OpenSecond {
  readonly second: number;
  readonly counts: Map<string, number>;
  events: number;
  hottest: number;
}

/**
 * The hottest key's events per second and topic: what a consumer partition sees when one key takes
 * over for a while. Memory is the keys of the last few seconds; a second closes once a record three
 * seconds later arrives (a straggler for a closed second counts in the oldest open one).
 */
export class KeySeconds {
  private readonly open = new Map<string, OpenSecond[]>();
  private readonly closed = new Map<string, KeySecond[]>();

  add(topic: string, key: string, second: number): void {
    if (key === '') return;
    let seconds = this.open.get(topic);
    if (!seconds) this.open.set(topic, (seconds = []));
    let s = seconds.find((o) => o.second === second);
    if (!s) {
      const newest = seconds.length > 0 ? seconds[seconds.length - 1]!.second : -1;
      if (second < newest) s = seconds.find((o) => o.second > second) ?? seconds[0]!;
      else {
        s = { second, counts: new Map(), events: 0, hottest: 0 };
        seconds.push(s);
        while (seconds.length > 0 && seconds[0]!.second <= second - OPEN_SECONDS) this.close(topic, seconds.shift()!);
      }
    }
    const n = (s.counts.get(key) ?? 0) + 1;
    s.counts.set(key, n);
    s.events++;
    if (n > s.hottest) s.hottest = n;
  }

  private close(topic: string, s: OpenSecond): void {
    let rows = this.closed.get(topic);
    if (!rows) this.closed.set(topic, (rows = []));
    rows.push([s.second, s.events, s.counts.size, s.hottest]);
  }

  snapshot(): KeySecondsSnapshot {
    const out: KeySecondsSnapshot = {};
    const names = [...new Set([...this.open.keys(), ...this.closed.keys()])].sort();
    for (const name of names) {
      const rows = [...(this.closed.get(name) ?? [])];
      for (const s of this.open.get(name) ?? []) rows.push([s.second, s.events, s.counts.size, s.hottest]);
      out[name] = rows.sort((a, b) => a[0] - b[0]);
    }
    return out;
  }
}

/** Two per-second tallies of disjoint key sets (shards) on the same seconds as one. */
export function mergeKeySeconds(a: KeySecondsSnapshot, b: KeySecondsSnapshot): KeySecondsSnapshot {
  const out: KeySecondsSnapshot = {};
  for (const name of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const bySecond = new Map<number, KeySecond>();
    for (const row of [...(a[name] ?? []), ...(b[name] ?? [])]) {
      const prev = bySecond.get(row[0]);
      bySecond.set(row[0], prev ? [row[0], prev[1] + row[1], prev[2] + row[2], Math.max(prev[3], row[3])] : [...row]);
    }
    out[name] = [...bySecond.values()].sort((x, y) => x[0] - y[0]);
  }
  return out;
}

/** The hottest key's share of a topic per second: median and maximum over seconds with enough events. */
export interface HottestKeyPerSecond {
  p50: number;
  max: number;
  /** Median distinct keys per counted second. */
  distinctKeysP50: number;
  seconds: number;
  minEvents: number;
}

export function hottestKeyPerSecond(
  rows: readonly KeySecond[] | undefined,
  minEvents: number,
  fromSecond = 0,
): HottestKeyPerSecond | null {
  const counted = (rows ?? []).filter((r) => r[0] >= fromSecond && r[1] >= minEvents);
  if (counted.length === 0) return null;
  const median = (xs: number[]) => {
    xs.sort((x, y) => x - y);
    const mid = xs.length / 2;
    return xs.length % 2 === 1 ? xs[Math.floor(mid)]! : (xs[mid - 1]! + xs[mid]!) / 2;
  };
  const shares = counted.map((r) => r[3] / r[1]);
  return {
    p50: median([...shares]),
    max: Math.max(...shares),
    distinctKeysP50: median(counted.map((r) => r[2])),
    seconds: counted.length,
    minEvents,
  };
}
