// Turns a record read from Kafka into what the verifier checks: the envelope's entity, sequence and
// event id, or a reason it cannot be checked (another run's record, or not an sc-sim envelope).
import { HEADER_RUN_ID, HEADER_SHARD } from '../envelope.js';
import type { KafkaRecord } from '../kafka/consumer.js';
import type { ConsumedRecord } from './verifier.js';

/** The parts of a record the decoder reads. */
export type RawRecord = KafkaRecord;

export type Decoded =
  | { kind: 'record'; record: ConsumedRecord; runId: string }
  | { kind: 'foreign'; runId: string }
  | { kind: 'undecodable'; reason: string };

function text(v: Buffer | string | null | undefined): string | undefined {
  if (v === null || v === undefined) return undefined;
  return typeof v === 'string' ? v : v.toString('utf8');
}

function headerText(headers: RawRecord['headers'], name: string): string | undefined {
  const h = headers?.[name];
  return text(Array.isArray(h) ? h[0] : h);
}

/**
 * Whose a record is: its run id, and for a shard of a sharded run `<run id>#<i>/<N>` (the shards
 * share one run id). A run id alone owns every shard's records: the merged view of a sharded run.
 */
export function runIdentity(runId: string, shard: string | undefined): string {
  return shard === undefined ? runId : `${runId}#${shard}`;
}

function owns(wanted: string, identity: string): boolean {
  return identity === wanted || identity.startsWith(`${wanted}#`);
}

/**
 * Decodes one record. With `runId` (a run identity, see runIdentity), records of other runs and
 * other shards are recognised from the headers alone (no JSON parse), so reading a shared topic
 * costs little for what is not ours.
 */
export function decodeRecord(
  topic: string,
  partition: number,
  raw: RawRecord,
  runId: string | undefined,
  consumedAtMs: number,
): Decoded {
  const headerRun = headerText(raw.headers, HEADER_RUN_ID);
  const shard = headerText(raw.headers, HEADER_SHARD);
  if (runId !== undefined && headerRun !== undefined && !owns(runId, runIdentity(headerRun, shard)))
    return { kind: 'foreign', runId: runIdentity(headerRun, shard) };
  const value = text(raw.value);
  if (value === undefined) return { kind: 'undecodable', reason: 'record has no value' };
  let env: unknown;
  try {
    env = JSON.parse(value);
  } catch {
    return { kind: 'undecodable', reason: 'value is not JSON' };
  }
  const e = env as { event_id?: unknown; entity_id?: unknown; sequence?: unknown; run_id?: unknown };
  if (
    typeof e.event_id !== 'string' ||
    typeof e.entity_id !== 'string' ||
    typeof e.sequence !== 'number' ||
    typeof e.run_id !== 'string'
  ) {
    return { kind: 'undecodable', reason: 'value is not an sc-sim envelope (event_id, entity_id, sequence, run_id)' };
  }
  const identity = runIdentity(e.run_id, shard);
  if (runId !== undefined && !owns(runId, identity)) return { kind: 'foreign', runId: identity };
  return {
    kind: 'record',
    runId: identity,
    record: {
      topic,
      partition,
      offset: Number(raw.offset),
      key: text(raw.key) ?? '',
      entityId: e.entity_id,
      sequence: e.sequence,
      eventId: e.event_id,
      consumedAtMs,
      timestampMs: Number(raw.timestamp),
    },
  };
}
