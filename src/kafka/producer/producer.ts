// The produce path: kafkajs carries connections, SASL/TLS, metadata and producer ids
// (kafkajs-internals.ts); we encode RecordBatch v2 ourselves (record-batch.ts) and deliver as the
// Java producer does: errors handled per partition, retriable ones retried in order with back-off
// until the batch's delivery deadline, leader moves followed through a metadata refresh, a new
// producer id when sequence state is in doubt, and a clear stop for a deleted topic or a refusal.
//
// Idempotent sends are pipelined, as the Java producer's max.in.flight.requests.per.connection=5:
// each send takes its partitions' sequence numbers in call order and is written without waiting
// for the previous one's answer. Ordering rests on the broker, which appends a producer's batch
// only when its sequence follows the last one appended; a batch behind a failed one is answered
// OUT_OF_ORDER_SEQUENCE_NUMBER and retried once every earlier send has finished. Three rules keep
// sequences in send order across failures: a send takes its numbers before the next send may
// (the numbering turn), a retry waits for every earlier send to finish, and numbers under a new
// producer id are taken only once no earlier unfinished send holds numbers under another id.
// And at most MAX_SENDS_IN_FLIGHT sends are numbered past the oldest unfinished one: the broker
// remembers a producer's last 5 batches per partition, so a retried batch is still recognised as a
// duplicate however many later ones were appended meanwhile. One case the broker does not catch: a
// partition that holds no batch of this producer id yet takes its first batch whatever its sequence
// (Kafka's ProducerAppendInfo.checkSequence), so a later batch could land before a failed first
// one. Until a partition has acked a batch under the current id, a send that writes to it waits
// for the sends before it to finish (the start of a run, and after a new producer id).
import type { Kafka } from 'kafkajs';
import { backoffMs, describeError, verdictForCode, verdictForThrown, type Verdict } from './delivery.js';
import { bounded } from '../bounded.js';
import {
  producerParts,
  frameRoomOf,
  protocolError,
  sendProduce,
  type Broker,
  type Cluster,
  type EosManager,
  type Logger,
  type ProduceResponse,
  type ProducerParts,
} from './kafkajs-internals.js';
import {
  encodeProduceRequest,
  groupByPartition,
  stampBatches,
  type Compression,
  type EncodedRequest,
  type PartitionGroup,
  type ProduceRecord,
} from './record-batch.js';

export type { ProduceRecord } from './record-batch.js';

export interface BatchProducerOptions {
  idempotent: boolean;
  /** -1 (all in-sync replicas), 1 (the leader) or 0 (no answer). */
  acks: -1 | 0 | 1;
  /** How long the broker may wait for the in-sync replicas (the Produce request's timeout). */
  ackTimeoutMs: number;
  compression: Compression;
  /** Back-off jitter (tests pass a fixed one). */
  random?: () => number;
}

/** How a Produce request reaches a broker (kafkajs-internals.ts; a unit test passes a broker of its own). */
export interface ProduceTransport {
  send(
    broker: Broker,
    encoded: EncodedRequest,
    o: { acks: number; timeoutMs: number; requestTimeoutMs: number },
  ): Promise<ProduceResponse | undefined>;
  frameRoom(broker: Broker): Promise<number>;
}

const KAFKAJS_TRANSPORT: ProduceTransport = { send: sendProduce, frameRoom: frameRoomOf };

/** How one record of a send ended. */
export type RecordOutcome = 'acked' | 'failed' | 'indeterminate' | 'unsent';

/** Why the producer cannot go on: the run must stop. */
export interface ProducerFatal {
  code: 'E_TOPIC_MISSING' | 'E_AUTHORIZATION';
  message: string;
  hint: string;
}

export interface ProduceResult {
  /** Per record, in send order. */
  outcomes: RecordOutcome[];
  /** Per record: its offset when acked (undefined with acks=0, or when the broker did not say). */
  offsets: (number | undefined)[];
  /** Why the records that are not acked were not: set whenever one of them is not. */
  error?: string;
  fatal?: ProducerFatal;
  /** Attempts after the first one. */
  retries: number;
  /** The errors attempts met (whether retried or final), by error, counted per partition. */
  retryErrors: Record<string, number>;
}

/** One partition's records across the attempts of a send. */
interface GroupState {
  readonly group: PartitionGroup;
  done: boolean;
  /** A request carrying it may have been written although no answer said so. */
  unknown: boolean;
  /** A request carrying it left, or was refused by the broker. */
  attempted: boolean;
  /** Not to be retried (the broker refused these records for good). */
  final: boolean;
  error: string | undefined;
  /** Idempotent: the producer id and epoch its sequence number was taken under, and that number. */
  identity: string | undefined;
  sequence: number;
}

/** An idempotent send's place in the pipeline. */
interface SendTurn {
  /** Resolves when every earlier send has finished. */
  readonly earlierDone: Promise<void>;
  /** Set once earlierDone has resolved. */
  earlierFinished: boolean;
  /** The identity (`id:epoch`) this send's numbers are held under (counted in BatchProducer#holders). */
  held: string | undefined;
  heldId: bigint;
  heldEpoch: number;
}

interface BrokerRequest {
  nodeId: number;
  states: GroupState[];
  encoded: EncodedRequest;
}

interface AttemptVerdict {
  state: GroupState;
  verdict: Verdict;
  error: string;
}

/** A topic reported unknown this long, in answers at least this far apart, is taken as deleted. */
const TOPIC_MISSING_CONFIRM_MS = 1_000;

/** Kafka's Errors.java codes that mean a topic is gone or off limits, as metadata reports them. */
const METADATA_TOPIC_ERRORS = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'TOPIC_AUTHORIZATION_FAILED']);

export class BatchProducer {
  private readonly cluster: Cluster;
  private readonly eos: EosManager;
  private readonly logger: Logger;
  private readonly random: () => number;
  /** Resolves once the last send called has taken its sequence numbers (or finished). */
  private numberingTail: Promise<void> = Promise.resolve();
  /** Resolves once the last send called and every one before it have finished. */
  private doneTail: Promise<void> = Promise.resolve();
  /** doneTail as it was after each of the last MAX_SENDS_IN_FLIGHT sends called, oldest first. */
  private readonly recentDone: Promise<void>[] = [];
  /** Unfinished sends holding sequence numbers, per producer identity (`id:epoch`). */
  private readonly holders = new Map<string, number>();
  /** `identity\0topic\0partition` of partitions that have acked a batch under that identity. */
  private readonly confirmed = new Set<string>();
  /** A producer id being taken (shared by the sends that need it at once). */
  private renewing: Promise<void> | undefined;
  private readonly transport: ProduceTransport;
  private readonly targetTopics = new Set<string>();
  private metadataStale = false;
  private needsNewProducerId = false;
  private fatal: ProducerFatal | undefined;
  /** First time each topic was reported unknown, while it still is. */
  private readonly missingSince = new Map<string, number>();
  /** Producer ids taken after the first one (sequence state was in doubt). */
  producerIdResets = 0;
  /** Bytes left before each request body for its frame, once known (kafkajs-internals.ts sendProduce). */
  private headerRoom = 0;

  private constructor(
    parts: ProducerParts,
    private readonly o: BatchProducerOptions,
    transport: ProduceTransport,
  ) {
    this.cluster = parts.cluster;
    this.eos = parts.eos;
    this.logger = parts.logger;
    this.transport = transport;
    this.random = o.random ?? Math.random;
  }

  /** A producer not yet connected: `connect()` it (the caller bounds how long that may take). */
  static create(kafka: Kafka, o: BatchProducerOptions): BatchProducer {
    return new BatchProducer(producerParts(kafka), o, KAFKAJS_TRANSPORT);
  }

  /** A producer on parts of the caller's own (a unit test's cluster, producer id manager and broker). */
  static fromParts(parts: ProducerParts, o: BatchProducerOptions, transport: ProduceTransport): BatchProducer {
    return new BatchProducer(parts, o, transport);
  }

  /** Connects, reads metadata and (idempotent) gets a producer id; on failure disconnects and throws. */
  async connect(): Promise<this> {
    try {
      await this.cluster.connect();
      await this.cluster.refreshMetadata();
      if (this.o.idempotent) await this.eos.initProducerId();
    } catch (err) {
      await this.cluster.disconnect().catch(() => undefined);
      throw err;
    }
    return this;
  }

  static async connect(kafka: Kafka, o: BatchProducerOptions): Promise<BatchProducer> {
    return BatchProducer.create(kafka, o).connect();
  }

  async disconnect(): Promise<void> {
    await this.cluster.disconnect();
  }

  /**
   * Sends the records and keeps trying what fails with a retriable error until `deadlineMs`
   * (wall clock). Idempotent sends take their sequence numbers in call order and are pipelined
   * (see the top of this file); a retry waits for every earlier send to finish, so a retried batch
   * never lands behind a later one. Never rejects: every record gets an outcome.
   */
  async send(records: readonly ProduceRecord[], deadlineMs: number): Promise<ProduceResult> {
    // The turns are taken before any await: call order = sequence order = log order.
    const idempotent = this.o.idempotent;
    const previousNumbered = this.numberingTail;
    let endNumbering = (): void => undefined;
    let finish = (): void => undefined;
    let turn: SendTurn | undefined;
    let windowOpen: Promise<void> | undefined;
    if (idempotent) {
      this.numberingTail = new Promise<void>((resolve) => (endNumbering = resolve));
      const finished = new Promise<void>((resolve) => (finish = resolve));
      turn = { earlierDone: this.doneTail, earlierFinished: false, held: undefined, heldId: -1n, heldEpoch: -1 };
      const t = turn;
      void t.earlierDone.then(() => (t.earlierFinished = true));
      // Sends up to and including the one MAX_SENDS_IN_FLIGHT before this one, all finished.
      windowOpen = this.recentDone.length >= MAX_SENDS_IN_FLIGHT ? this.recentDone.shift() : undefined;
      this.doneTail = Promise.all([this.doneTail, finished]).then(() => undefined);
      this.recentDone.push(this.doneTail);
    }
    // One CreateTime for records without their own, kept across retries.
    const nowMs = Date.now();
    const states: GroupState[] = groupByPartition(records).map((group) => ({
      group,
      done: false,
      unknown: false,
      attempted: false,
      final: false,
      error: undefined,
      identity: undefined,
      sequence: -1,
    }));
    const offsets = new Array<number | undefined>(records.length).fill(undefined);
    const retryErrors: Record<string, number> = {};
    let attempts = 0;
    let wantsNewProducerId = false;
    let backOff = true;
    // Encoded while earlier sends are still on the wire (metadata as known now).
    let prepared: Promise<Prepared | undefined> | undefined = this.fatal
      ? undefined
      : this.prepare(records, states, nowMs).catch(() => undefined);
    try {
      await previousNumbered;
      // Past the deadline with the window still closed, this send takes no numbers and expires.
      const inWindow = windowOpen === undefined || (await within(windowOpen, deadlineMs - Date.now()));
      for (;;) {
        if (!inWindow) break;
        const pending = states.filter((s) => !s.done && !s.final);
        if (pending.length === 0 || this.fatal) break;
        const leftMs = deadlineMs - Date.now();
        if (leftMs <= 0) break;
        if (attempts > 0) {
          // A retry goes out only behind every earlier send: what it resends then lands in order.
          if (turn && !turn.earlierFinished) await within(turn.earlierDone, leftMs);
          // Asked for by an answer to this send; taken now that no earlier send can still need the old id.
          if (wantsNewProducerId) this.needsNewProducerId = true;
          wantsNewProducerId = false;
          if (backOff) await sleep(Math.min(backoffMs(attempts, this.random), Math.max(0, deadlineMs - Date.now())));
          if (Date.now() >= deadlineMs) break;
        }
        attempts++;
        const verdicts = await this.attempt(
          records,
          states,
          pending,
          offsets,
          nowMs,
          attempts === 1 ? prepared : undefined,
          turn,
          endNumbering,
          deadlineMs,
        );
        prepared = undefined;
        for (const v of verdicts) retryErrors[v.error] = (retryErrors[v.error] ?? 0) + 1;
        backOff = !verdicts.every((v) => v.verdict.kind === 'retry' && v.verdict.behindEarlier === true);
        wantsNewProducerId = (await this.apply(verdicts, pending)) || wantsNewProducerId;
      }
    } finally {
      endNumbering();
      if (turn?.held !== undefined) this.release(turn.held);
    }
    try {
      // Before later sends go on: a give-up here decides whether their retries need a new producer id.
      return this.result(records, states, offsets, deadlineMs, attempts, retryErrors);
    } finally {
      finish();
    }
  }

  /** One attempt for the pending partitions: every one ends done or with a verdict. */
  private async attempt(
    records: readonly ProduceRecord[],
    states: GroupState[],
    pending: GroupState[],
    offsets: (number | undefined)[],
    nowMs: number,
    prepared: Promise<Prepared | undefined> | undefined,
    turn: SendTurn | undefined,
    endNumbering: () => void,
    deadlineMs: number,
  ): Promise<AttemptVerdict[]> {
    let plan: Prepared;
    let pipelined = false;
    // The identity the numbers were taken under (another send may renew the id before this one is stamped).
    let stampAs = { id: -1n, epoch: -1 };
    try {
      await this.ensureReady();
      plan = (await prepared) ?? (await this.prepare(records, pending, nowMs));
      if (turn) {
        await this.number(turn, states);
        // A partition with no batch of this producer id yet would take a later batch before an
        // earlier one that failed: written only once the sends before this one have finished (and
        // the next send numbered only after that, so writes keep the numbering's order).
        const held = turn.held!;
        if (!turn.earlierFinished && pending.some((s) => !this.confirmed.has(confirmKey(held, s.group)))) {
          if (!(await within(turn.earlierDone, deadlineMs - Date.now()))) {
            const verdict = { kind: 'retry', refreshMetadata: false, unknownOutcome: false } as const;
            const error = 'delivery timeout: earlier batches to a partition new to this producer id had not finished';
            return pending.map((state) => ({ state, verdict, error }));
          }
        }
        // Numbered: the next send may take its numbers (and be written) while this one is on the wire.
        endNumbering();
        pipelined = !turn.earlierFinished;
        stampAs = { id: turn.heldId, epoch: turn.heldEpoch };
      }
    } catch (err) {
      const verdict = verdictForThrown(err, false);
      const error = describeError(err);
      return pending.map((state) => ({ state, verdict, error }));
    }
    const verdicts: AttemptVerdict[] = plan.unrouted.map((state) => ({
      state,
      verdict: { kind: 'retry', refreshMetadata: true, unknownOutcome: false },
      error: `no leader known for ${state.group.topic}/${state.group.partition}`,
    }));
    const answers = await Promise.all(
      plan.requests.map((r) => this.stampAndSend(r, offsets, stampAs, turn?.held, pipelined)),
    );
    for (const a of answers) verdicts.push(...a);
    return verdicts;
  }

  /**
   * Acts on an attempt's verdicts: flags for the next attempt, a topic check, or a stop. Returns
   * whether the next attempt needs a new producer id (taken once earlier sends have finished).
   */
  private async apply(verdicts: AttemptVerdict[], pending: GroupState[]): Promise<boolean> {
    const topicsToCheck = new Set<string>();
    let newProducerId = false;
    for (const { state, verdict, error } of verdicts) {
      state.error = error;
      switch (verdict.kind) {
        case 'retry':
          if (verdict.unknownOutcome) state.unknown = true;
          if (verdict.refreshMetadata) this.metadataStale = true;
          break;
        case 'new-producer-id':
          if (verdict.unknownOutcome) state.unknown = true;
          newProducerId = true;
          break;
        case 'check-topic':
          this.metadataStale = true;
          topicsToCheck.add(state.group.topic);
          break;
        case 'unauthorized':
          this.fatal ??= {
            code: 'E_AUTHORIZATION',
            message: `not authorized to write to topic ${state.group.topic} (${error})`,
            hint: 'grant the user WRITE (and DESCRIBE) on the topic, e.g. with kafka-acls, or run with a user that has them',
          };
          break;
        case 'fail':
          state.final = true;
          break;
      }
    }
    // A metadata refresh that failed on an unknown topic does not say which: check them all.
    if (topicsToCheck.size > 0) {
      for (const s of pending) topicsToCheck.add(s.group.topic);
      for (const t of this.targetTopics) topicsToCheck.add(t);
      await this.checkTopics(topicsToCheck);
    }
    return newProducerId;
  }

  /** Reconnects, refreshes metadata and takes a new producer id, as the last attempt asked. */
  private async ensureReady(): Promise<void> {
    if (!this.cluster.isConnected()) await this.cluster.connect();
    if (this.metadataStale) {
      await this.cluster.refreshMetadata();
      this.metadataStale = false;
    }
    if (this.o.idempotent && (this.needsNewProducerId || !this.eos.isInitialized())) {
      // Pipelined sends may all find it needed at once: one InitProducerId serves them.
      this.renewing ??= (async () => {
        const first = !this.eos.isInitialized();
        // kafkajs's initProducerId takes a new id and epoch and restarts every sequence at 0.
        await this.eos.initProducerId();
        // The broker has no batch of the new id anywhere (entries of older ids cannot match it).
        this.confirmed.clear();
        if (!first) this.producerIdResets++;
        this.needsNewProducerId = false;
      })().finally(() => (this.renewing = undefined));
      await this.renewing;
    }
  }

  private identity(): string {
    return `${this.eos.getProducerId()}:${this.eos.getProducerEpoch()}`;
  }

  /**
   * Gives every partition of the send a sequence number under the current producer identity (the
   * ones it has under it are kept: a retry resends the same numbers, and the broker answers a batch
   * it already has with its first offsets). Under a new identity it first waits for every earlier
   * send still holding numbers under another one, so the new numbers follow send order too.
   * Partitions with no leader yet are numbered as well: a later send's batch must not pass theirs.
   */
  private async number(turn: SendTurn, states: GroupState[]): Promise<void> {
    for (;;) {
      const identity = this.identity();
      if (turn.held === identity) break;
      let others = 0;
      for (const [id, n] of this.holders) if (id !== identity) others += n;
      if (turn.held !== undefined) others--; // this send's own numbers, under the old identity
      if (others > 0 && !turn.earlierFinished) {
        await turn.earlierDone;
        if (this.needsNewProducerId) await this.ensureReady();
        continue;
      }
      if (turn.held !== undefined) this.release(turn.held);
      this.holders.set(identity, (this.holders.get(identity) ?? 0) + 1);
      turn.held = identity;
      turn.heldId = BigInt(this.eos.getProducerId());
      turn.heldEpoch = this.eos.getProducerEpoch();
      break;
    }
    const identity = turn.held;
    for (const s of states) {
      if (s.done || s.final || s.identity === identity) continue;
      s.identity = identity;
      s.sequence = this.eos.getSequence(s.group.topic, s.group.partition);
      this.eos.updateSequence(s.group.topic, s.group.partition, s.group.indexes.length);
    }
  }

  private release(identity: string): void {
    const n = (this.holders.get(identity) ?? 0) - 1;
    if (n > 0) this.holders.set(identity, n);
    else this.holders.delete(identity);
  }

  /** Groups the pending partitions by leader and encodes one request per broker. */
  private async prepare(records: readonly ProduceRecord[], states: GroupState[], nowMs: number): Promise<Prepared> {
    const newTopics = [...new Set(states.map((s) => s.group.topic))].filter((t) => !this.targetTopics.has(t));
    if (newTopics.length > 0) {
      await this.cluster.addMultipleTargetTopics(newTopics);
      for (const t of newTopics) this.targetTopics.add(t);
    }
    await this.cluster.refreshMetadataIfNecessary();
    const byLeader = new Map<number, GroupState[]>();
    const unrouted: GroupState[] = [];
    for (const s of states) {
      const meta = this.cluster
        .findTopicPartitionMetadata(s.group.topic)
        .find((p) => p.partitionId === s.group.partition);
      // A partition the metadata does not know (added since, or not elected yet): refresh and retry.
      if (!meta || meta.leader === null || meta.leader === undefined || meta.leader < 0) {
        unrouted.push(s);
        continue;
      }
      let list = byLeader.get(meta.leader);
      if (!list) byLeader.set(meta.leader, (list = []));
      list.push(s);
    }
    const { acks, ackTimeoutMs, compression } = this.o;
    const requests = await Promise.all(
      [...byLeader].map(async ([nodeId, list]) => ({
        nodeId,
        states: list,
        encoded: await encodeProduceRequest(
          records,
          list.map((s) => s.group),
          { acks, timeoutMs: ackTimeoutMs, compression, nowMs, headerRoom: this.headerRoom },
        ),
      })),
    );
    return { requests, unrouted };
  }

  /**
   * Stamps producer id, epoch and the sequence numbers the send holds, sends, and reads the answer
   * per partition. `pipelined`: an earlier send was unfinished when this one was numbered, so
   * OUT_OF_ORDER_SEQUENCE_NUMBER means only that an earlier batch is to be retried first.
   */
  private async stampAndSend(
    r: BrokerRequest,
    offsets: (number | undefined)[],
    producer: { id: bigint; epoch: number },
    identity: string | undefined,
    pipelined: boolean,
  ): Promise<AttemptVerdict[]> {
    const idempotent = this.o.idempotent;
    const stateOf = new Map(r.states.map((s) => [s.group, s]));
    stampBatches(r.encoded, producer.id, producer.epoch, (b) => (idempotent ? stateOf.get(b.group)!.sequence : -1));
    const all = (err: unknown, requestLeft: boolean): AttemptVerdict[] => {
      const verdict = verdictForThrown(err, requestLeft);
      const error = describeError(err);
      return r.states.map((state) => ({ state, verdict, error }));
    };
    let response: ProduceResponse | undefined;
    try {
      const broker = await this.cluster.findBroker({ nodeId: r.nodeId });
      // Learnt once (the client id's length): later requests are framed in place.
      if (this.headerRoom === 0) this.headerRoom = await this.transport.frameRoom(broker);
      try {
        for (const s of r.states) s.attempted = true;
        response = await this.transport.send(broker, r.encoded, {
          acks: this.o.acks,
          timeoutMs: this.o.ackTimeoutMs,
          // The broker answers within its timeout; past this margin the connection is suspect.
          requestTimeoutMs: this.o.ackTimeoutMs + 5_000,
        });
      } catch (err) {
        return all(err, true);
      }
    } catch (err) {
      return all(err, false);
    }
    if (this.o.acks === 0 || response === undefined) {
      for (const s of r.states) s.done = true;
      return [];
    }
    const answers = new Map<string, { errorCode: number; baseOffset: string }>();
    for (const t of response.topics) for (const p of t.partitions) answers.set(`${t.topicName}\u0000${p.partition}`, p);
    const verdicts: AttemptVerdict[] = [];
    // The request lists batches topic by topic, not in the order of r.states: match by group.
    for (const b of r.encoded.batches) {
      const state = stateOf.get(b.group)!;
      const answer = answers.get(`${b.group.topic}\u0000${b.group.partition}`);
      const code = answer?.errorCode;
      // 46 DUPLICATE_SEQUENCE_NUMBER: the broker has this batch already (an earlier attempt got through).
      if (code === 0 || code === 46) {
        state.done = true;
        if (identity !== undefined) this.confirmed.add(confirmKey(identity, b.group));
        const base = Number(answer!.baseOffset);
        if (base >= 0) for (let j = 0; j < b.group.indexes.length; j++) offsets[b.group.indexes[j]!] = base + j;
        continue;
      }
      if (code === undefined) {
        // Every partition sent must be answered (kafkajs#1303 lost acked records when one was not).
        verdicts.push({
          state,
          verdict: { kind: 'retry', refreshMetadata: true, unknownOutcome: true },
          error: `no answer for ${b.group.topic}/${b.group.partition} in the Produce response`,
        });
        continue;
      }
      const e = protocolError(code);
      verdicts.push({ state, verdict: verdictForCode(code, e.retriable, pipelined), error: describeError(e) });
    }
    return verdicts;
  }

  /** Asks a broker about each topic; one still unknown after TOPIC_MISSING_CONFIRM_MS stops the producer. */
  private async checkTopics(topics: Set<string>): Promise<void> {
    for (const topic of topics) {
      const status = await this.topicStatus(topic);
      if (status === 'exists') {
        this.missingSince.delete(topic);
        continue;
      }
      if (status === 'unauthorized') {
        this.fatal ??= {
          code: 'E_AUTHORIZATION',
          message: `not authorized to describe or write topic ${topic} (TOPIC_AUTHORIZATION_FAILED)`,
          hint: 'grant the user WRITE and DESCRIBE on the topic, e.g. with kafka-acls, or run with a user that has them',
        };
        return;
      }
      if (status !== 'missing') continue;
      const now = Date.now();
      const since = this.missingSince.get(topic);
      if (since === undefined) this.missingSince.set(topic, now);
      else if (now - since >= TOPIC_MISSING_CONFIRM_MS) {
        this.fatal ??= {
          code: 'E_TOPIC_MISSING',
          message: `topic ${topic} no longer exists: it was deleted while the run was writing to it`,
          hint: 'recreate it with `sc-sim topics apply` (with the same --prefix) and run again',
        };
        return;
      }
    }
  }

  private async topicStatus(topic: string): Promise<'exists' | 'missing' | 'unauthorized' | 'unknown'> {
    for (const id of this.cluster.getNodeIds()) {
      try {
        const broker = await this.cluster.findBroker({ nodeId: Number(id) });
        await broker.metadata([topic]);
        return 'exists';
      } catch (err) {
        const type = (err as { type?: string }).type;
        if (type === 'UNKNOWN_TOPIC_OR_PARTITION') return 'missing';
        if (type === 'TOPIC_AUTHORIZATION_FAILED') return 'unauthorized';
        // A partition error (no leader yet) still means the topic is there.
        if (type !== undefined && !METADATA_TOPIC_ERRORS.has(type)) return 'exists';
      }
    }
    return 'unknown';
  }

  private result(
    records: readonly ProduceRecord[],
    states: GroupState[],
    offsets: (number | undefined)[],
    deadlineMs: number,
    attempts: number,
    retryErrors: Record<string, number>,
  ): ProduceResult {
    const outcomes = new Array<RecordOutcome>(records.length);
    let error: string | undefined;
    let gaveUpNumbered = false;
    const expired = Date.now() >= deadlineMs;
    for (const s of states) {
      let outcome: RecordOutcome;
      if (s.done) outcome = 'acked';
      else if (s.unknown) outcome = 'indeterminate';
      else if (this.fatal && !s.attempted) outcome = 'unsent';
      else outcome = 'failed';
      if (outcome !== 'acked') {
        gaveUpNumbered ||= s.identity !== undefined;
        const why = this.fatal
          ? this.fatal.message
          : s.final
            ? (s.error ?? 'refused by the broker')
            : `delivery timeout: not acked within the deadline${s.error ? ` (last error ${s.error})` : attempts === 0 ? ' (expired before it could be sent)' : ''}`;
        error ??= why;
      }
      for (const i of s.group.indexes) outcomes[i] = outcome;
    }
    // A batch given up leaves a gap in its partition's sequence (its numbers are not given back:
    // later sends may hold the next ones) or, with an unknown outcome, the broker's state in doubt:
    // what follows goes on a fresh producer id.
    if (gaveUpNumbered && this.o.idempotent) this.needsNewProducerId = true;
    if (expired && error !== undefined) this.logger.warn('records not delivered before their deadline', { error });
    return {
      outcomes,
      offsets,
      ...(error !== undefined ? { error } : {}),
      ...(this.fatal && error !== undefined ? { fatal: this.fatal } : {}),
      retries: Math.max(0, attempts - 1),
      retryErrors,
    };
  }
}

interface Prepared {
  requests: BrokerRequest[];
  /** Partitions whose leader the metadata does not know. */
  unrouted: GroupState[];
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Waits for `p`, or `ms` at most (the send's own deadline bounds how long it waits for others):
 * whether `p` resolved.
 */
function within(p: Promise<void>, ms: number): Promise<boolean> {
  return bounded(p, Math.max(0, ms)).then(
    () => true,
    () => false,
  );
}

/**
 * Idempotent sends numbered past the oldest unfinished one, at most: Kafka's limit for an
 * idempotent producer's max.in.flight.requests.per.connection (the broker's 5-batch memory).
 */
export const MAX_SENDS_IN_FLIGHT = 5;

function confirmKey(identity: string, g: PartitionGroup): string {
  return `${identity}\u0000${g.topic}\u0000${g.partition}`;
}
