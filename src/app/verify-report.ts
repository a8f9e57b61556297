// `sc-sim verify --report`: reads back the offset range a saved report recorded and checks it
// against the report's acked counts per partition (counts mode: no per-send records were kept).
import { withAdmin } from '../kafka/admin.js';
import type { KafkaConnection } from '../kafka/client.js';
import { ackedFromReport, offsetsFromReport, type RunReport } from '../report.js';
import { HotKeyTracker } from '../verify/hot-keys.js';
import { runIdentity } from '../verify/decode.js';
import { startReadBack } from '../verify/read-back.js';
import { buildVerificationSection, type VerificationSection } from '../verify/section.js';
import { Verifier } from '../verify/verifier.js';

/** Physical topic -> the partition counts it had during the run (a raise moves keys). */
export function countsDuringRun(report: RunReport): Map<string, number[]> {
  return new Map((report.partitionChanges ?? []).map((c) => [c.physicalTopic, [c.from, c.to]]));
}

export async function verifySavedReport(
  report: RunReport,
  connection: KafkaConnection,
  timeoutMs: number,
): Promise<VerificationSection> {
  const { start, end, partitions } = offsetsFromReport(report);
  const verifier = new Verifier();
  for (const a of ackedFromReport(report)) verifier.expectAcked(a.topic, a.partition, a.acked);
  // The gap policy: the report lists (bounded) the events it did not deliver; their holes are not gaps.
  for (const e of report.delivery?.undelivered.listed ?? []) {
    const physical = report.offsets?.topics[e.topic]?.physicalTopic;
    if (physical) verifier.explainUndelivered(physical, e.entityId, e.sequences);
  }
  const hotKeys = new HotKeyTracker((t) => partitions.get(t));
  const stats = await withAdmin(connection, (admin) =>
    startReadBack({
      connection,
      startOffsets: start,
      // A shard's report checks that shard's records; a merged report all of them.
      runId: runIdentity(report.run.id, report.run.shard && `${report.run.shard.index}/${report.run.shard.count}`),
      deleteGroup: (id) => admin.deleteGroups([id]),
      onPathology: (topic, partition) => verifier.countPathology(topic, partition),
      onRecord: (r) => {
        verifier.addConsumed(r);
        // Without per-send records, the hottest keys are counted from what was read.
        hotKeys.addProduced(r.topic, r.key, r.partition);
        hotKeys.observe(r.topic, r.key, r.partition);
      },
    }).finish(end, timeoutMs),
  );
  const result = verifier.finish();
  const counts = countsDuringRun(report);
  // Timed-out sends are only known per run, not per partition, in a saved report.
  result.totals.indeterminate = report.summary.totals.indeterminate + (report.warmup?.totals.indeterminate ?? 0);
  result.totals.undelivered = report.summary.totals.failed + (report.summary.totals.unsent ?? 0);
  return buildVerificationSection({
    result,
    readBack: {
      records: stats.records,
      foreign: stats.foreign,
      undecodable: stats.undecodable,
      tookMs: stats.tookMs,
      pathologies: stats.pathologies,
    },
    producer: report.producer,
    hotKeys: hotKeys.result((t) => counts.get(t)),
    movedKeys: verifier.movedKeys((t) => counts.get(t)),
  });
}
