// Reads back exactly the offset range a run wrote (start offsets recorded before it, end offsets
// after) and turns each record into what the verifier checks, counting what is not this run's.
import type { OffsetsByTopic } from '../kafka/admin.js';
import type { KafkaConnection } from '../kafka/client.js';
import { startRangeReader, type PartitionProgress } from '../kafka/consumer.js';
import { decodeRecord } from './decode.js';
import type { ConsumedRecord } from './verifier.js';

export interface ReadBackOptions {
  connection: KafkaConnection;
  startOffsets: OffsetsByTopic;
  /** Only this run's records are handed on; others are counted as foreign. Without it, all are. */
  runId?: string;
  /** Every decoded record of the range, with the run id its envelope carries. */
  onRecord: (record: ConsumedRecord, runId: string) => void;
  /** Records labelled as a scenario pathology (counted apart, never checked as events). */
  onPathology?: (topic: string, partition: number, pathology: string) => void;
  /** Removes the reader's throwaway consumer group afterwards. */
  deleteGroup?: (groupId: string) => Promise<void>;
  /** Wall clock for consumedAtMs (injectable for tests). */
  nowMs?: () => number;
}

export interface ReadBackStats {
  /** Records of this run handed to onRecord. */
  records: number;
  /** Records of other runs in the range (skipped). */
  foreign: number;
  /** Records that are not sc-sim envelopes (skipped), with the first reason seen. */
  undecodable: number;
  undecodableReason: string | null;
  /** Records labelled with an opt-in pathology (sc-pathology header), per pathology. */
  pathologies: Record<string, number>;
  tookMs: number;
  partitions: PartitionProgress[];
}

export interface ReadBack {
  readonly ready: Promise<void>;
  finish(endOffsets: OffsetsByTopic, timeoutMs: number): Promise<ReadBackStats>;
  stop(): Promise<void>;
}

export function startReadBack(opts: ReadBackOptions): ReadBack {
  const nowMs = opts.nowMs ?? Date.now;
  const stats = {
    records: 0,
    foreign: 0,
    undecodable: 0,
    undecodableReason: null as string | null,
    pathologies: {} as Record<string, number>,
  };
  const reader = startRangeReader({
    connection: opts.connection,
    startOffsets: opts.startOffsets,
    deleteGroup: opts.deleteGroup,
    onRecord: (topic, partition, raw) => {
      const d = decodeRecord(topic, partition, raw, opts.runId, nowMs());
      if (d.kind === 'record') {
        stats.records++;
        opts.onRecord(d.record, d.runId);
      } else if (d.kind === 'foreign') stats.foreign++;
      else if (d.kind === 'pathology') {
        stats.pathologies[d.pathology] = (stats.pathologies[d.pathology] ?? 0) + 1;
        opts.onPathology?.(topic, partition, d.pathology);
      } else {
        stats.undecodable++;
        stats.undecodableReason ??= d.reason;
      }
    },
  });
  return {
    ready: reader.ready,
    async finish(endOffsets, timeoutMs) {
      const done = await reader.finish(endOffsets, timeoutMs);
      return { ...stats, ...done };
    },
    stop: () => reader.stop(),
  };
}
