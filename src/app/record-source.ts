// The run's record source: the world's domain events, encoded, followed by what the platform would
// derive from each (projection and analytics records from the projector), plus the records that
// depend on the run itself: dead letters once their failed record's offset is known from its ack,
// and one heartbeat per second with the producer's live counters. The runner paces records; it
// sees one stream and knows nothing of where they come from.
import { hostname } from 'node:os';
import { DLQ_CATALOG, DERIVED_CATALOG, HEARTBEAT_TOPIC } from '../catalog/derived.js';
import { DOMAIN_TOPICS, type TopicName } from '../catalog/topics.js';
import { DerivedEncoder } from '../derive/encode.js';
import { dlqPicks, type DlqPick } from '../derive/dlq.js';
import { Projector } from '../derive/projector.js';
import { HEADER_PATHOLOGY, type Envelope } from '../envelope.js';
import { unitDraw } from '../derive/ids.js';
import type { Pathologies } from '../scenarios/index.js';
import type { WorldStream } from '../generators/index.js';
import type { Encoder } from '../records/encode.js';
import type { EventClock } from '../runner/time-mode.js';
import type { AckObserver, Progress } from '../runner.js';
import { valueBytes, type SinkRecord } from '../sinks/types.js';
import { PRODUCER } from '../version.js';
import type { PreparedRun } from './prepare.js';

export interface RecordSourceOptions {
  world: WorldStream;
  /** Encodes a domain event (key strategy, partition, value, headers). */
  encode: Encoder;
  /** The instant of the event that fills schedule slot i (the run's time mode); default the world's own clock. */
  at?: EventClock;
  runId: string;
  prefix: string;
  /** The logical topics the run writes. */
  topics: readonly TopicName[];
  /** Partition count per logical topic. */
  partitions: ReadonlyMap<string, number>;
  /** This producer instance in heartbeats (default host:pid). */
  instanceId?: string;
  /** Wall clock for heartbeats and for DLQ timestamps of producer-stamped records (default Date.now). */
  nowMs?: () => number;
  /** Opt-in abnormal records (duplicates, late copies, poison), each labelled in a header. */
  pathologies?: Pathologies;
  /** Shard `i/N` of a sharded run (its derived records carry the sc-shard header too). */
  shard?: { index: number; count: number };
  /** Per logical topic, the earliest record timestamp it keeps (backfill with `beyondRetention: clamp`). */
  minTimestampMs?: ReadonlyMap<string, number>;
}

/** What a run's record source takes from the prepared run, on whichever thread its world runs. */
export function recordSourceOf(
  prepared: PreparedRun,
  partitions: ReadonlyMap<string, number>,
): Omit<RecordSourceOptions, 'world' | 'encode' | 'at'> {
  return {
    runId: prepared.runId,
    prefix: prepared.prefix,
    topics: prepared.topics,
    partitions,
    pathologies: prepared.scenario.pathologies,
    shard: prepared.shard,
    minTimestampMs: prepared.time.minTimestampMs,
  };
}

/** A late copy goes out this many records after its original. */
export const LATE_AFTER_RECORDS = 1_000;

type PathologyKind = keyof Pathologies;

/** A labelled copy of `r` (or, for poison, a record with a broken value) that the verifier skips. */
function pathological(r: SinkRecord, kind: PathologyKind): SinkRecord {
  const value = kind === 'poison' ? brokenHalf(valueBytes(r.value)) : r.value;
  return {
    ...r,
    value,
    headers: { ...r.headers, [HEADER_PATHOLOGY]: kind },
    sizeBytes: (r.key?.length ?? 0) + value.length,
    eventId: `${r.eventId}#${kind}`,
    intendedAtMs: 0,
  };
}

export interface RecordSource {
  /** The next record, due `intendedOffsetMs` into the run (a live run's event time). */
  next(intendedOffsetMs?: number): SinkRecord;
  /** Learns the offsets of records that will be dead-lettered. */
  readonly onAck: AckObserver;
  /** Once a second (the runner's progress): the next heartbeat. */
  onProgress(p: Progress): void;
  /** True when the source needs the runner's progress ticks (it writes heartbeats). */
  readonly wantsProgress: boolean;
  /** Dead letters still due when the schedule is done (their failed records were acked last). */
  finalRecords(): SinkRecord[];
}

/** A record that will be dead-lettered once its offset is known (from its ack). */
export interface DeadLetterCandidate {
  eventId: string;
  env: Envelope;
  value: string | Buffer;
  timestampMs: number | undefined;
  picks: DlqPick[];
}

const DERIVED = new Set<string>(DERIVED_CATALOG.map((d) => d.topic));
const DLQS = new Set<string>(DLQ_CATALOG.map((d) => d.topic));

const derivedEncoderOf = (
  o: Pick<RecordSourceOptions, 'runId' | 'prefix' | 'partitions' | 'shard' | 'minTimestampMs'>,
) =>
  new DerivedEncoder({
    runId: o.runId,
    prefix: o.prefix,
    partitions: o.partitions,
    ...(o.shard ? { shard: o.shard } : {}),
    ...(o.minTimestampMs ? { minTimestampMs: o.minTimestampMs } : {}),
  });

/** The seeded part of the stream: the world's records, what is derived from them, pathologies. */
export interface WorldRecords {
  next(intendedOffsetMs: number): SinkRecord;
}

/**
 * The world's domain records in stream order, each followed by what is derived from it and by its
 * labelled pathological copies (a late copy LATE_AFTER_RECORDS records later). Records that will be
 * dead-lettered are announced to `expect` (their letters need the offsets acks bring).
 */
export function createWorldRecords(o: RecordSourceOptions, expect: (c: DeadLetterCandidate) => void): WorldRecords {
  const selected = new Set<string>(o.topics);
  const domainSelected = new Set(DOMAIN_TOPICS.filter((t) => selected.has(t)));
  const derivedSelected = new Set([...selected].filter((t) => DERIVED.has(t)));
  const dlqSelected = new Set([...selected].filter((t) => DLQS.has(t)));
  const encoder = derivedEncoderOf(o);
  // Load scenarios write domain topics only: then nothing is projected at all.
  const projector =
    derivedSelected.size > 0 ? new Projector({ runId: o.runId, producer: PRODUCER, topics: derivedSelected }) : null;

  // Records of the current domain event (it, then what is derived from it).
  let pending: SinkRecord[] = [];
  let head = 0;
  const pathologies = (Object.entries(o.pathologies ?? {}) as [PathologyKind, number | undefined][]).filter(
    ([, share]) => share !== undefined && share > 0,
  ) as [PathologyKind, number][];
  /** Late copies and the record count after which each is due. */
  const late: { dueAt: number; record: SinkRecord }[] = [];
  let handedOut = 0;

  /**
   * The place in the seeded stream (records from the world, their derived records and pathologies):
   * what a backfill's event time follows. Not the runner's slot index, which also counts dead
   * letters and heartbeats — those come when acks and seconds come, so two runs of one seed would
   * otherwise give the same events different times.
   */
  let streamIndex = 0;
  /**
   * Where the next action sits in the stream, for its event time (a backfill places events by it).
   * It advances per action (the world acts, then returns what that action queued: a cascade's
   * events share its instant) by the mean number of records an action brings — a running mean —
   * not by this action's own count, and is pulled gently towards streamIndex so the history still
   * ends where the stream does. One action that brings many records (a supplier suspended: its
   * products unpublished and its promotions cancelled, each projected) would otherwise push the
   * next action that many slots later: a hole of many minutes in a backfill, hours in its night.
   */
  let position = 0;
  let meanRecordsPerAction = 0;
  let actions = 0;
  let actionRecords = 0;

  const refill = (offsetMs: number) => {
    pending = [];
    head = 0;
    // Derived-only selections skip the domain records but still fold every event.
    while (pending.length === 0) {
      if (!o.world.hasQueued()) {
        if (actions > 0) {
          // A running mean over the last ~1,000 actions (the first ones: their plain mean).
          meanRecordsPerAction += (actionRecords - meanRecordsPerAction) / Math.min(actions, 1_000);
          position += meanRecordsPerAction + (streamIndex - position) / 100;
        }
        actions++;
        actionRecords = 0;
      }
      const event = o.world.next(o.at?.(Math.round(position), offsetMs));
      const record = o.encode(event);
      if (domainSelected.has(event.topic)) {
        pending.push(record);
        for (const [kind, share] of pathologies) {
          if (unitDraw(record.eventId, 'pathology', kind) >= share) continue;
          if (kind === 'late') late.push({ dueAt: handedOut + LATE_AFTER_RECORDS, record: pathological(record, kind) });
          else pending.push(pathological(record, kind));
        }
        if (dlqSelected.size > 0) {
          const picks = dlqPicks(event.envelope, event.topic, dlqSelected);
          if (picks.length > 0)
            expect({
              eventId: record.eventId,
              env: event.envelope,
              value: record.value,
              timestampMs: record.timestampMs,
              picks,
            });
        }
      }
      if (projector) {
        for (const d of projector.project(event.envelope)) pending.push(encoder.derived(d, record.timestampMs));
      }
    }
    // Every iteration but the last brought no record: the whole batch is the last event's.
    streamIndex += pending.length;
    actionRecords += pending.length;
  };

  return {
    next(intendedOffsetMs) {
      handedOut++;
      if (late.length > 0 && late[0]!.dueAt <= handedOut) return late.shift()!.record;
      if (head >= pending.length) refill(intendedOffsetMs);
      return pending[head++]!;
    },
  };
}

/** The records that depend on the run itself: dead letters (after their acks) and heartbeats. */
export interface RunRecords {
  /** A record that will be dead-lettered once its ack brings its offset. */
  expect(c: DeadLetterCandidate): void;
  /** The next dead letter or heartbeat that is due, if any: these go out before the stream's. */
  due(): SinkRecord | undefined;
  readonly onAck: AckObserver;
  onProgress(p: Progress): void;
  readonly wantsProgress: boolean;
  finalRecords(): SinkRecord[];
}

export function createRunRecords(
  o: Pick<
    RecordSourceOptions,
    'runId' | 'prefix' | 'topics' | 'partitions' | 'shard' | 'minTimestampMs' | 'instanceId' | 'nowMs'
  >,
): RunRecords {
  const heartbeats = o.topics.includes(HEARTBEAT_TOPIC);
  const encoder = derivedEncoderOf(o);
  const nowMs = o.nowMs ?? Date.now;
  const instanceId = o.instanceId ?? `${hostname()}:${process.pid}`;
  const dueLetters: SinkRecord[] = [];
  const dueHeartbeats: SinkRecord[] = [];
  const awaiting = new Map<string, DeadLetterCandidate>();
  let heartbeatSeq = 0;

  const onAck: AckObserver = (batch, result) => {
    if (awaiting.size === 0) return;
    for (let i = 0; i < batch.length; i++) {
      const r = batch[i]!;
      const a = awaiting.get(r.eventId);
      if (a === undefined) continue;
      awaiting.delete(r.eventId);
      // A record that was never written was never consumed: nothing to dead-letter.
      if (!result.ok) continue;
      const origin = {
        topic: r.topic,
        partition: r.partition,
        offset: result.offsets?.[i] ?? -1,
        // The record's own timestamp, or (stamped by the producer at send) the ack's arrival.
        timestampMs: a.timestampMs ?? nowMs(),
      };
      for (const pick of a.picks) dueLetters.push(encoder.dlq(pick, a.env, a.value, origin));
    }
  };

  return {
    expect: (c) => awaiting.set(c.eventId, c),
    due() {
      if (dueLetters.length > 0) return dueLetters.shift()!;
      if (dueHeartbeats.length > 0) return dueHeartbeats.shift()!;
      return undefined;
    },
    onAck,
    wantsProgress: heartbeats,
    finalRecords: () => dueLetters.splice(0),
    onProgress(p) {
      if (!heartbeats) return;
      heartbeatSeq++;
      dueHeartbeats.push(
        encoder.heartbeat({
          instance_id: instanceId,
          run_id: o.runId,
          producer: PRODUCER,
          sequence: heartbeatSeq,
          emitted_at: new Date(nowMs()).toISOString(),
          uptime_ms: Math.round(p.elapsedMs),
          sent: p.sent,
          acked: p.acked,
          failed: p.errors,
          dropped: p.dropped,
        }),
      );
    },
  };
}

/** The run's records on this thread: what is due from the run itself first, then the world's stream. */
export function createRecordSource(o: RecordSourceOptions): RecordSource {
  const run = createRunRecords(o);
  const stream = createWorldRecords(o, run.expect);
  return {
    next: (intendedOffsetMs = 0) => run.due() ?? stream.next(intendedOffsetMs),
    onAck: run.onAck,
    wantsProgress: run.wantsProgress,
    finalRecords: run.finalRecords,
    onProgress: (p) => run.onProgress(p),
  };
}

/** The first half of a value and bytes no JSON parser takes: a poison record's value. */
function brokenHalf(bytes: Buffer): Buffer {
  return Buffer.concat([bytes.subarray(0, Math.floor(bytes.length / 2)), Buffer.from('\u0000\ufffd}{')]);
}
