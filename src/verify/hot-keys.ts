// Hot keys: the hottest record keys per topic and their share, the partition Java-compatible murmur2
// predicts for each, and the partitions the key was actually seen on. Memory is bounded by lossy
// counting: past `capacity` distinct keys the coldest half is dropped and the error bound noted.
import { partitionForKey } from '../partitioning/murmur2.js';

export interface HotKeyOptions {
  /** Distinct keys tracked per topic before the coldest are pruned (default 50,000). */
  capacity?: number;
  /** Keys listed per topic (default 10). */
  top?: number;
}

export interface HotKey {
  key: string;
  events: number;
  /** events / all events of the topic, 0..1. */
  share: number;
  /** murmur2(key) % partitions, as Kafka's and kafkajs's default partitioner place it. */
  predictedPartition: number | null;
  /** Partitions the producer sent this key to. */
  producedPartitions: number[];
  /** Partitions the key was read from (empty when nothing was read back). */
  observedPartitions: number[];
  /** False when a produced or observed partition differs from the prediction; null when unknown. */
  matchesPrediction: boolean | null;
}

export interface TopicHotKeys {
  topic: string;
  events: number;
  partitions: number | null;
  /** Distinct keys counted (a lower bound when `approximate`). */
  distinctKeys: number;
  /** True when pruning happened: counts may be low by at most `errorBound`. */
  approximate: boolean;
  errorBound: number;
  hottest: HotKey[];
  /** The partition with the most events and its share of the topic. */
  hottestPartition: { partition: number; events: number; share: number } | null;
  /** Events per partition, index = partition. */
  eventsPerPartition: number[];
}

interface Entry {
  events: number;
  produced: number[];
  observed: number[];
}

interface TopicState {
  keys: Map<string, Entry>;
  events: number;
  perPartition: number[];
  errorBound: number;
  pruned: boolean;
}

export class HotKeyTracker {
  private readonly capacity: number;
  private readonly top: number;
  private readonly topics = new Map<string, TopicState>();

  /** `partitionsOf(topic)` gives the topic's partition count, for the prediction. */
  constructor(
    private readonly partitionsOf: (topic: string) => number | undefined,
    options: HotKeyOptions = {},
  ) {
    this.capacity = options.capacity ?? 50_000;
    this.top = options.top ?? 10;
  }

  /** One sent (or, without producer records, one read) event of `key` on `partition`. */
  addProduced(topic: string, key: string, partition: number): void {
    const t = this.topic(topic);
    t.events++;
    t.perPartition[partition] = (t.perPartition[partition] ?? 0) + 1;
    let e = t.keys.get(key);
    if (e === undefined) {
      if (t.keys.size >= this.capacity) this.prune(t);
      e = { events: 0, produced: [], observed: [] };
      t.keys.set(key, e);
    }
    e.events++;
    if (!e.produced.includes(partition)) e.produced.push(partition);
  }

  /** The consumer read `key` from `partition`. */
  observe(topic: string, key: string, partition: number): void {
    const e = this.topics.get(topic)?.keys.get(key);
    if (e !== undefined && !e.observed.includes(partition)) e.observed.push(partition);
  }

  /**
   * `countsOf(topic)`: the partition counts a topic had during the run, when it was raised (a key
   * then rightly sits on murmur2(key) mod each of them, as it moved); the prediction is the last.
   */
  result(countsOf?: (topic: string) => readonly number[] | undefined): TopicHotKeys[] {
    return [...this.topics.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([topic, t]) => {
        const partitions = this.partitionsOf(topic) ?? null;
        const counts = countsOf?.(topic) ?? (partitions === null ? [] : [partitions]);
        const hottest = [...t.keys.entries()]
          .sort((a, b) => b[1].events - a[1].events || (a[0] < b[0] ? -1 : 1))
          .slice(0, this.top)
          .map(([key, e]): HotKey => {
            // A record without a key ('') goes where the producer's partitioner put it: no prediction.
            const predicted = partitions === null || key === '' ? null : partitionForKey(key, partitions);
            const seen = [...e.produced, ...e.observed];
            const allowed = predicted === null ? null : new Set(counts.map((n) => partitionForKey(key, n)));
            return {
              key,
              events: e.events,
              share: t.events === 0 ? 0 : e.events / t.events,
              predictedPartition: predicted,
              producedPartitions: [...e.produced].sort((a, b) => a - b),
              observedPartitions: [...e.observed].sort((a, b) => a - b),
              matchesPrediction: allowed === null ? null : seen.every((p) => allowed.has(p)),
            };
          });
        const perPartition = Array.from(
          { length: Math.max(partitions ?? 0, t.perPartition.length) },
          (_, i) => t.perPartition[i] ?? 0,
        );
        let hottestPartition: TopicHotKeys['hottestPartition'] = null;
        perPartition.forEach((events, partition) => {
          if (events > 0 && (hottestPartition === null || events > hottestPartition.events)) {
            hottestPartition = { partition, events, share: events / t.events };
          }
        });
        return {
          topic,
          events: t.events,
          partitions,
          distinctKeys: t.keys.size,
          approximate: t.pruned,
          errorBound: t.errorBound,
          hottest,
          hottestPartition,
          eventsPerPartition: perPartition,
        };
      });
  }

  private topic(topic: string): TopicState {
    let t = this.topics.get(topic);
    if (t === undefined) {
      t = { keys: new Map(), events: 0, perPartition: [], errorBound: 0, pruned: false };
      this.topics.set(topic, t);
    }
    return t;
  }

  // Lossy counting: drop the colder half; a key whose share exceeds ~2/capacity is never dropped,
  // so the hot keys this report is about stay exact.
  private prune(t: TopicState): void {
    const counts = [...t.keys.values()].map((e) => e.events).sort((a, b) => a - b);
    const cut = counts[Math.floor(counts.length / 2)] ?? 0;
    for (const [key, e] of t.keys) if (e.events <= cut) t.keys.delete(key);
    t.errorBound = Math.max(t.errorBound, cut);
    t.pruned = true;
  }
}
