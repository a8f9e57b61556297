// A report's offsets: recorded from the broker around a run (what was written where), and read
// back out of a saved report by whoever checks it later.
import { physicalTopicName } from '../catalog/topics.js';
import type { OffsetsByTopic } from '../kafka/admin.js';
import type { OffsetsReport, RunReport } from './types.js';

/** The end offsets before and after a run, per logical topic, as the report records them (decimal strings). */
export function offsetsReport(
  logicalTopics: readonly string[],
  prefix: string,
  start: OffsetsByTopic,
  end: OffsetsByTopic,
): OffsetsReport {
  const asRecord = (m: ReadonlyMap<number, bigint> | undefined) =>
    Object.fromEntries(
      [...(m ?? new Map<number, bigint>())].sort(([a], [b]) => a - b).map(([p, o]) => [String(p), o.toString()]),
    );
  const topics: OffsetsReport['topics'] = {};
  for (const logical of logicalTopics) {
    const physicalTopic = physicalTopicName(logical, prefix);
    topics[logical] = {
      physicalTopic,
      start: asRecord(start.get(physicalTopic)),
      end: asRecord(end.get(physicalTopic)),
    };
  }
  return { topics };
}

/** The offsets a report recorded, as the read-back wants them. */
export function offsetsFromReport(report: RunReport): {
  start: OffsetsByTopic;
  end: OffsetsByTopic;
  partitions: Map<string, number>;
} {
  const start: OffsetsByTopic = new Map();
  const end: OffsetsByTopic = new Map();
  const partitions = new Map<string, number>();
  for (const t of Object.values(report.offsets?.topics ?? {})) {
    start.set(t.physicalTopic, new Map(Object.entries(t.start).map(([p, o]) => [Number(p), BigInt(o)])));
    end.set(t.physicalTopic, new Map(Object.entries(t.end).map(([p, o]) => [Number(p), BigInt(o)])));
    partitions.set(t.physicalTopic, Object.keys(t.start).length);
  }
  return { start, end, partitions };
}

/** Acked records per physical topic and partition over the whole run (warm-up included). */
export function ackedFromReport(report: RunReport): { topic: string; partition: number; acked: number }[] {
  const out: { topic: string; partition: number; acked: number }[] = [];
  const physical = new Map(
    Object.entries(report.offsets?.topics ?? {}).map(([logical, t]) => [logical, t.physicalTopic]),
  );
  for (const [logical, physicalTopic] of physical) {
    const counts = new Map<number, number>();
    for (const phase of [report.metrics.warmup, report.metrics.measured]) {
      for (const [p, c] of Object.entries(phase.topics[logical]?.partitions ?? {}))
        counts.set(Number(p), (counts.get(Number(p)) ?? 0) + c.events);
    }
    for (const p of Object.keys(report.offsets!.topics[logical]!.start)) {
      out.push({ topic: physicalTopic, partition: Number(p), acked: counts.get(Number(p)) ?? 0 });
    }
  }
  return out;
}
