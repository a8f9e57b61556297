// `sc-sim report merge`: the reports of a sharded run's shards as one report. Exact where it can be:
// counters add, HdrHistograms merge bucket by bucket, per-topic and per-partition tables are rebuilt
// from the merged metrics, thresholds are evaluated again on the merged data. Per-second series are
// aligned on wall time, to the nearest second (the shards start within a second of each other).
import { ScSimError } from '../errors.js';
import { mergeSnapshots, type MetricsSnapshot } from '../metrics/snapshot.js';
import type { SinkDescription } from '../sinks/types.js';
import { buildReport } from './build.js';
import type { Thresholds } from './thresholds.js';
import type { OffsetsReport, PartitionChange, RunReport } from './types.js';

export interface NamedReport {
  /** Where it came from (shown in errors). */
  path: string;
  report: RunReport;
}

function refuse(message: string, hint: string): ScSimError {
  return new ScSimError('E_REPORT_MERGE', message, { hint });
}

/** The reports must be distinct shards of one sharded run; says which one is not and why. */
function checkShards(inputs: readonly NamedReport[]): { count: number } {
  if (inputs.length === 0) throw refuse('nothing to merge', 'give the report files of a sharded run’s shards');
  const first = inputs[0]!;
  const count = first.report.run.shard?.count;
  const seen = new Map<number, string>();
  for (const { path, report } of inputs) {
    const shard = report.run.shard;
    if (!shard) {
      throw refuse(
        `${path} is not the report of a shard`,
        'merge the reports written by `sc-sim run … --shard i/N --out …`',
      );
    }
    const same: [string, unknown, unknown][] = [
      ['scenario', report.run.scenario, first.report.run.scenario],
      ['seed', report.run.seed, first.report.run.seed],
      ['shard count', shard.count, count],
      ['run id', report.run.id, first.report.run.id],
      ['topic prefix', report.prefix, first.report.prefix],
    ];
    for (const [what, value, expected] of same) {
      if (value !== expected) {
        throw refuse(
          `${path} has ${what} ${JSON.stringify(value)}, but ${first.path} has ${JSON.stringify(expected)}: they are not shards of one run`,
          'merge only the shards of one run (same scenario, seed, shard count and run id)',
        );
      }
    }
    const other = seen.get(shard.index);
    if (other !== undefined) {
      throw refuse(
        `${path} and ${other} are both shard ${shard.index}/${shard.count}`,
        'give each shard’s report once',
      );
    }
    seen.set(shard.index, path);
  }
  return { count: count! };
}

/** The metrics of a run that started `shiftS` seconds after the earliest shard, on that shard's timeline. */
function shifted(metrics: MetricsSnapshot, shiftS: number): MetricsSnapshot {
  if (shiftS === 0) return metrics;
  return { ...metrics, series: metrics.series.map((p) => ({ ...p, second: p.second + shiftS })) };
}

/** Per partition: the lowest start offset and the highest end offset any shard recorded. */
function mergedOffsets(reports: readonly RunReport[]): OffsetsReport | null {
  if (reports.some((r) => r.offsets === null)) return null;
  const topics: OffsetsReport['topics'] = {};
  for (const r of reports) {
    for (const [logical, t] of Object.entries(r.offsets!.topics)) {
      const into = (topics[logical] ??= { physicalTopic: t.physicalTopic, start: {}, end: {} });
      for (const [p, o] of Object.entries(t.start))
        into.start[p] = into.start[p] === undefined || BigInt(o) < BigInt(into.start[p]) ? o : into.start[p];
      for (const [p, o] of Object.entries(t.end))
        into.end[p] = into.end[p] === undefined || BigInt(o) > BigInt(into.end[p]) ? o : into.end[p];
    }
  }
  return { topics };
}

/**
 * A raised partition count as the shards saw it: the lowest count before, the highest after, and
 * the first shard to follow it (on the merged run's clock; null when no shard followed it).
 */
function mergedPartitionChanges(reports: readonly RunReport[], shiftMs: (r: RunReport) => number): PartitionChange[] {
  const byTopic = new Map<string, PartitionChange>();
  for (const r of reports)
    for (const c of r.partitionChanges ?? []) {
      const after =
        c.followedAfterMs === null || c.followedAfterMs === undefined ? null : c.followedAfterMs + shiftMs(r);
      const had = byTopic.get(c.physicalTopic);
      if (!had) {
        byTopic.set(c.physicalTopic, { ...c, followedAfterMs: after });
        continue;
      }
      had.from = Math.min(had.from, c.from);
      had.to = Math.max(had.to, c.to);
      if (after !== null)
        had.followedAfterMs = had.followedAfterMs === null ? after : Math.min(had.followedAfterMs, after);
    }
  return [...byTopic.values()].sort((a, b) => a.topic.localeCompare(b.topic));
}

export function mergeReports(inputs: readonly NamedReport[]): RunReport {
  const { count } = checkShards(inputs);
  const reports = [...inputs].map((i) => i.report).sort((a, b) => a.run.shard!.index - b.run.shard!.index);
  const first = reports[0]!;
  const startMs = Math.min(...reports.map((r) => Date.parse(r.run.startedAt)));
  const shiftMs = (r: RunReport) => Date.parse(r.run.startedAt) - startMs;
  const metrics = reports
    .map((r) => shifted(r.metrics, Math.round(shiftMs(r) / 1_000)))
    .reduce((a, b) => mergeSnapshots(a, b));
  const ends = reports.map((r) =>
    r.run.scheduleEndMs === undefined || r.run.scheduleEndMs === null ? null : r.run.scheduleEndMs + shiftMs(r),
  );
  const partitions = new Map<string, number>();
  for (const r of reports)
    for (const t of r.summary.topics)
      partitions.set(t.topic, Math.max(partitions.get(t.topic) ?? 0, t.partitions.length));
  const thresholds: Thresholds = Object.fromEntries(first.thresholds.map((t) => [t.metric, t.condition]));
  const sink: SinkDescription = first.sink;
  const merged = buildReport({
    tool: first.tool,
    runId: first.run.id,
    scenarioName: first.run.scenario,
    description: first.run.description,
    plan: `${reports.length} of ${count} shards merged; each: ${first.run.plan.replace(/; shard \d+\/\d+$/, '')}`,
    seed: first.run.seed,
    startedAt: new Date(startMs),
    endedAt: new Date(Math.max(...reports.map((r) => Date.parse(r.run.endedAt)))),
    durationMs: Math.max(...reports.map((r) => r.run.durationMs + shiftMs(r))),
    interrupted: reports.some((r) => r.run.interrupted),
    metrics,
    scheduleEndMs: ends.some((e) => e === null) ? null : Math.max(...(ends as number[])),
    sink,
    prefix: first.prefix,
    partitions,
    offsets: mergedOffsets(reports),
    thresholds,
  });
  merged.run.shards = reports.map((r) => ({ ...r.run.shard!, runStartedAt: r.run.startedAt }));
  const changes = mergedPartitionChanges(reports, shiftMs);
  if (changes.length > 0) merged.partitionChanges = changes;
  const stopped = reports.find((r) => r.run.stoppedBy);
  if (stopped) merged.run.stoppedBy = stopped.run.stoppedBy;
  if (first.run.startAt) merged.run.startAt = first.run.startAt;
  return merged;
}
