// Turns a record read from Kafka into what the verifier checks: the envelope's entity, sequence and
// event id, or a reason it cannot be checked (another run's record, or not an sc-sim envelope).
import { DLQ_CATALOG, HEARTBEAT_TOPIC, getDerivedSpec } from '../catalog/derived.js';
import { HEADER_PATHOLOGY, HEADER_RUN_ID, HEADER_SHARD } from '../envelope.js';
import type { KafkaRecord } from '../kafka/consumer.js';
import type { ConsumedRecord } from './verifier.js';

/** The parts of a record the decoder reads. */
export type RawRecord = KafkaRecord;

export type Decoded =
  | { kind: 'record'; record: ConsumedRecord; runId: string }
  /** A deliberately abnormal record of an opt-in scenario pathology (labelled in a header). */
  | { kind: 'pathology'; pathology: string; runId: string }
  | { kind: 'foreign'; runId: string }
  | { kind: 'undecodable'; reason: string };

type TopicKind = { kind: 'dlq' } | { kind: 'heartbeat' } | { kind: 'derived'; keyField: string } | { kind: 'domain' };

const kinds = new Map<string, TopicKind>();

/** What a physical topic holds, from the catalog name it ends with (the prefix is free-form). */
function topicKind(physical: string): TopicKind {
  let k = kinds.get(physical);
  if (k === undefined) {
    const logical = physical.slice(physical.lastIndexOf('sc.'));
    const derived = getDerivedSpec(logical);
    k = DLQ_CATALOG.some((d) => d.topic === logical)
      ? { kind: 'dlq' }
      : logical === HEARTBEAT_TOPIC
        ? { kind: 'heartbeat' }
        : derived
          ? { kind: 'derived', keyField: derived.keyField }
          : { kind: 'domain' };
    kinds.set(physical, k);
  }
  return k;
}

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
  const pathology = headerText(raw.headers, HEADER_PATHOLOGY);
  if (pathology !== undefined) return { kind: 'pathology', pathology, runId: runIdentity(headerRun ?? '', shard) };
  const kind = topicKind(topic);
  if (kind.kind === 'dlq') {
    // The value is the failed record's bytes (possibly malformed): identity comes from key and headers.
    const key = text(raw.key);
    if (key === undefined || headerRun === undefined)
      return { kind: 'undecodable', reason: 'DLQ record without a key or an sc-run-id header' };
    return {
      kind: 'record',
      runId: runIdentity(headerRun, shard),
      record: {
        topic,
        partition,
        offset: Number(raw.offset),
        key,
        entityId: key,
        sequence: 1,
        eventId: `${topic}/${key}`,
        consumedAtMs,
        timestampMs: Number(raw.timestamp),
      },
    };
  }
  const value = text(raw.value);
  if (value === undefined) return { kind: 'undecodable', reason: 'record has no value' };
  let env: unknown;
  try {
    env = JSON.parse(value);
  } catch {
    return { kind: 'undecodable', reason: 'value is not JSON' };
  }
  if (kind.kind === 'heartbeat') {
    const h = env as { heartbeat_id?: unknown; instance_id?: unknown; sequence?: unknown; run_id?: unknown };
    if (
      typeof h.heartbeat_id !== 'string' ||
      typeof h.instance_id !== 'string' ||
      typeof h.sequence !== 'number' ||
      typeof h.run_id !== 'string'
    )
      return { kind: 'undecodable', reason: 'value is not an sc-sim heartbeat' };
    if (runId !== undefined && h.run_id !== runId) return { kind: 'foreign', runId: h.run_id };
    return {
      kind: 'record',
      runId: h.run_id,
      // Keyless: ordered per producer instance.
      record: {
        topic,
        partition,
        offset: Number(raw.offset),
        key: h.instance_id,
        entityId: h.instance_id,
        sequence: h.sequence,
        eventId: h.heartbeat_id,
        consumedAtMs,
        timestampMs: Number(raw.timestamp),
      },
    };
  }
  const e = env as {
    event_id?: unknown;
    entity_id?: unknown;
    sequence?: unknown;
    run_id?: unknown;
    payload?: Record<string, unknown>;
    source?: { entity_id?: unknown; sequence?: unknown };
  };
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
  const key = text(raw.key) ?? '';
  const record: ConsumedRecord = {
    topic,
    partition,
    offset: Number(raw.offset),
    key,
    entityId: e.entity_id,
    sequence: e.sequence,
    eventId: e.event_id,
    consumedAtMs,
    timestampMs: Number(raw.timestamp),
  };
  if (kind.kind === 'derived') {
    // The catalog's key field decides the key: the record key, entity_id and the payload agree.
    const keyValue = e.payload?.[kind.keyField];
    record.derived = {
      keyMatches: key === e.entity_id && keyValue === key,
      sourceEntityId: typeof e.source?.entity_id === 'string' ? e.source.entity_id : '',
      sourceSequence: typeof e.source?.sequence === 'number' ? e.source.sequence : 0,
    };
  }
  return { kind: 'record', runId: identity, record };
}
