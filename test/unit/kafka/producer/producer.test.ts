// The pipelined idempotent producer against a broker of this test's own that keeps Kafka's
// idempotence rules (a batch is appended only when its sequence follows the last one appended for
// its producer id and partition; the last 5 batches are answered as duplicates; a partition with no
// batch of the producer id yet takes the first one whatever its sequence). Faults are
// injected per request; the property checked is the one the pipeline exists to keep: every
// partition's log holds the records in send order, each once, and what is reported acked is there.
import { describe, expect, it } from 'vitest';
import type { Broker, ProducerParts, ProduceResponse } from '../../../../src/kafka/producer/kafkajs-internals.js';
import {
  BatchProducer,
  type ProduceRecord,
  type ProduceResult,
  type ProduceTransport,
} from '../../../../src/kafka/producer/producer.js';
import { BATCH, type EncodedRequest } from '../../../../src/kafka/producer/record-batch.js';

const TOPIC = 't';
const PARTITIONS = 3;

/** What the broker does with a request: answer it, answer one partition with an error code, or fail. */
type Fault =
  | { kind: 'ok' }
  | { kind: 'code'; partition: number; code: number; append: boolean }
  /** The connection drops after (append) or before the broker read the request. */
  | { kind: 'drop'; append: boolean };

interface Entry {
  value: string;
  producerId: bigint;
}

/** Reads a zigzag varint at p: [value, next position]. */
function varint(buf: Buffer, p: number): [number, number] {
  let shift = 0;
  let raw = 0;
  for (;;) {
    const byte = buf[p++]!;
    raw += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if ((byte & 0x80) === 0) break;
  }
  return [raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2, p];
}

/** The values of an uncompressed RecordBatch v2's records. */
function batchValues(buf: Buffer, start: number, count: number): string[] {
  const values: string[] = [];
  let p = start + BATCH.records;
  for (let i = 0; i < count; i++) {
    let len: number;
    [len, p] = varint(buf, p);
    const end = p + len;
    p += 1; // attributes
    [, p] = varint(buf, p); // timestamp delta
    [, p] = varint(buf, p); // offset delta
    let keyLen: number;
    [keyLen, p] = varint(buf, p);
    if (keyLen > 0) p += keyLen;
    let valueLen: number;
    [valueLen, p] = varint(buf, p);
    values.push(buf.toString('utf8', p, p + valueLen));
    p = end;
  }
  return values;
}

class FakeBroker {
  readonly logs: Entry[][] = Array.from({ length: PARTITIONS }, () => []);
  /** Per producer id and partition: the next sequence expected and the last 5 batches (first seq -> base offset). */
  private readonly state = new Map<string, { next: number; recent: Map<number, number> }>();
  requests = 0;
  inFlight = 0;
  maxInFlight = 0;
  nextProducerId = 1000n;

  constructor(
    private readonly fault: (request: number) => Fault,
    private readonly delayMs: () => number,
  ) {}

  private appendBatch(buf: Buffer, start: number, partition: number, count: number): { code: number; base: number } {
    const producerId = buf.readBigInt64BE(start + BATCH.producerId);
    const seq = buf.readInt32BE(start + BATCH.baseSequence);
    const key = `${producerId}/${partition}`;
    // Kafka's ProducerAppendInfo.checkSequence: with no state for the producer id, any sequence goes.
    const st = this.state.get(key) ?? { next: seq, recent: new Map<number, number>() };
    const seen = st.recent.get(seq);
    if (seen !== undefined) return { code: 0, base: seen };
    if (seq !== st.next) return { code: 45, base: -1 };
    const log = this.logs[partition]!;
    const base = log.length;
    for (const value of batchValues(buf, start, count)) log.push({ value, producerId });
    st.next = seq + count;
    st.recent.set(seq, base);
    if (st.recent.size > 5) st.recent.delete(st.recent.keys().next().value!);
    this.state.set(key, st);
    return { code: 0, base };
  }

  readonly transport: ProduceTransport = {
    frameRoom: async () => 0,
    send: async (_broker: Broker, encoded: EncodedRequest): Promise<ProduceResponse | undefined> => {
      // Appended in the order requests arrive, as a broker does on one connection; answered later.
      const fault = this.fault(this.requests++);
      this.inFlight++;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
      const partitions: { partition: number; errorCode: number; baseOffset: string }[] = [];
      if (!(fault.kind === 'drop' && !fault.append)) {
        for (const b of encoded.batches) {
          const failHere = fault.kind === 'code' && fault.partition === b.group.partition;
          if (failHere && !fault.append) {
            partitions.push({ partition: b.group.partition, errorCode: fault.code, baseOffset: '-1' });
            continue;
          }
          const r = this.appendBatch(encoded.buffer, b.start, b.group.partition, b.group.indexes.length);
          partitions.push({
            partition: b.group.partition,
            errorCode: failHere ? fault.code : r.code,
            baseOffset: String(r.base),
          });
        }
      }
      await new Promise((resolve) => setTimeout(resolve, this.delayMs()));
      this.inFlight--;
      if (fault.kind === 'drop')
        throw Object.assign(new Error('Connection closed'), { name: 'KafkaJSConnectionClosedError' });
      return { topics: [{ topicName: TOPIC, partitions }] };
    },
  };

  parts(): ProducerParts & { resets: () => number } {
    let producerId = -1n;
    let inits = 0;
    let sequences = new Map<string, number>();
    const broker = { nodeId: 1 } as unknown as Broker;
    return {
      resets: () => inits - 1,
      logger: { error: () => undefined, warn: () => undefined, debug: () => undefined },
      eos: {
        initProducerId: async () => {
          producerId = this.nextProducerId++;
          inits++;
          sequences = new Map();
        },
        isInitialized: () => producerId >= 0n,
        getProducerId: () => Number(producerId),
        getProducerEpoch: () => 0,
        getSequence: (topic, partition) => sequences.get(`${topic}/${partition}`) ?? 0,
        updateSequence: (topic, partition, increment) =>
          sequences.set(`${topic}/${partition}`, (sequences.get(`${topic}/${partition}`) ?? 0) + increment),
      },
      cluster: {
        connect: async () => undefined,
        disconnect: async () => undefined,
        isConnected: () => true,
        refreshMetadata: async () => undefined,
        refreshMetadataIfNecessary: async () => undefined,
        addMultipleTargetTopics: async () => undefined,
        findTopicPartitionMetadata: () =>
          Array.from({ length: PARTITIONS }, (_, partitionId) => ({ partitionId, leader: 1 })) as never,
        findBroker: async () => broker,
        getNodeIds: () => ['1'],
      },
    };
  }
}

/** Sends `sends` batches of `perSend` records, `inFlight` at a time (as the runner's p-limit does). */
async function run(
  broker: FakeBroker,
  o: { sends: number; perSend: number; inFlight: number; deadlineMs?: number },
): Promise<{ results: ProduceResult[]; records: ProduceRecord[][]; resets: number }> {
  const parts = broker.parts();
  const producer = await BatchProducer.fromParts(
    parts,
    { idempotent: true, acks: -1, ackTimeoutMs: 30_000, compression: 'none', random: () => 0.5 },
    broker.transport,
  ).connect();
  const records = Array.from({ length: o.sends }, (_, s) =>
    Array.from({ length: o.perSend }, (_, i): ProduceRecord => {
      const n = s * o.perSend + i;
      return { topic: TOPIC, partition: n % PARTITIONS, key: null, value: Buffer.from(`r${n}`), headers: {} };
    }),
  );
  const results: ProduceResult[] = new Array(o.sends);
  let next = 0;
  await Promise.all(
    Array.from({ length: o.inFlight }, async () => {
      while (next < o.sends) {
        const s = next++;
        results[s] = await producer.send(records[s]!, Date.now() + (o.deadlineMs ?? 20_000));
      }
    }),
  );
  return { results, records, resets: parts.resets() };
}

/** Every partition's log in send order, each record once; acked records at the offsets reported. */
function expectOrderedOnce(broker: FakeBroker, r: Awaited<ReturnType<typeof run>>): void {
  const seen = new Set<string>();
  for (const log of broker.logs) {
    let last = -1;
    for (const e of log) {
      const n = Number(e.value.slice(1));
      expect(seen.has(e.value), `${e.value} twice`).toBe(false);
      seen.add(e.value);
      expect(n, `${e.value} after r${last}`).toBeGreaterThan(last);
      last = n;
    }
  }
  r.results.forEach((res, s) =>
    res.outcomes.forEach((outcome, i) => {
      const rec = r.records[s]![i]!;
      const value = rec.value!.toString();
      if (outcome === 'acked') {
        expect(broker.logs[rec.partition]![res.offsets[i]!]?.value).toBe(value);
      } else if (outcome === 'failed' || outcome === 'unsent') {
        expect(seen.has(value), `${value} reported ${outcome} but in the log`).toBe(false);
      }
    }),
  );
}

/** A broker answering in 5 ms, with `faults` at those request numbers. */
const brokerWith = (faults: Record<number, Fault> = {}) =>
  new FakeBroker(
    (n) => faults[n] ?? { kind: 'ok' },
    () => 5,
  );

const allAcked = (r: Awaited<ReturnType<typeof run>>) => r.results.every((x) => x.outcomes.every((o) => o === 'acked'));

describe('BatchProducer, idempotent and pipelined', () => {
  it('sends are written without waiting for earlier answers, and land in order', async () => {
    const broker = brokerWith();
    const r = await run(broker, { sends: 30, perSend: 30, inFlight: 5 });
    expect(allAcked(r)).toBe(true);
    expect(broker.maxInFlight).toBeGreaterThanOrEqual(4);
    expect(broker.logs.flat()).toHaveLength(900);
    expectOrderedOnce(broker, r);
    expect(r.resets).toBe(0);
  });

  it('a batch refused with a retriable error: the batches behind it (OUT_OF_ORDER) wait and follow it, same producer id', async () => {
    const broker = brokerWith({ 8: { kind: 'code', partition: 1, code: 6, append: false } });
    const r = await run(broker, { sends: 20, perSend: 30, inFlight: 5 });
    expect(allAcked(r)).toBe(true);
    const refused = r.results.findIndex((x) => x.retryErrors['KafkaJSProtocolError: NOT_LEADER_FOR_PARTITION']);
    expect(refused).toBeGreaterThanOrEqual(0);
    expect(r.results[refused]!.retryErrors).toEqual({ 'KafkaJSProtocolError: NOT_LEADER_FOR_PARTITION': 1 });
    // At least one later send met the gap and was retried behind it.
    expect(
      r.results.slice(refused + 1).some((x) => x.retryErrors['KafkaJSProtocolError: OUT_OF_ORDER_SEQUENCE_NUMBER']),
    ).toBe(true);
    expectOrderedOnce(broker, r);
    expect(r.resets).toBe(0);
  });

  it("a partition's first batch refused: later batches to it wait (the broker would take them first), same producer id", async () => {
    const broker = brokerWith({ 0: { kind: 'code', partition: 1, code: 6, append: false } });
    const r = await run(broker, { sends: 12, perSend: 30, inFlight: 5 });
    expect(allAcked(r)).toBe(true);
    expectOrderedOnce(broker, r);
    expect(r.resets).toBe(0);
    // Once every partition has a batch in, sends overlap again.
    expect(broker.maxInFlight).toBeGreaterThanOrEqual(3);
  });

  it('a connection dropped after the broker appended: the retries are answered as duplicates, nothing twice', async () => {
    const broker = brokerWith({ 2: { kind: 'drop', append: true }, 7: { kind: 'drop', append: true } });
    const r = await run(broker, { sends: 20, perSend: 30, inFlight: 5 });
    expect(allAcked(r)).toBe(true);
    expect(broker.logs.flat()).toHaveLength(600);
    expectOrderedOnce(broker, r);
    expect(r.resets).toBe(0);
  });

  it('a batch refused for good: its records fail, the partition goes on in order on a new producer id', async () => {
    // 10 MESSAGE_TOO_LARGE: not retriable.
    const broker = brokerWith({ 4: { kind: 'code', partition: 0, code: 10, append: false } });
    const r = await run(broker, { sends: 20, perSend: 30, inFlight: 5 });
    const failed = r.results.flatMap((x) => x.outcomes.filter((o) => o !== 'acked'));
    expect(failed).toEqual(new Array(10).fill('failed'));
    expect(broker.logs.flat()).toHaveLength(590);
    expectOrderedOnce(broker, r);
    expect(r.resets).toBe(1);
  });

  it('random faults (seeded): every partition in send order, each record once, the acked at their offsets', async () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const faults: Fault[] = [
      { kind: 'code', partition: 0, code: 6, append: false },
      { kind: 'code', partition: 2, code: 7, append: true },
      { kind: 'code', partition: 1, code: 19, append: false },
      { kind: 'drop', append: true },
      { kind: 'drop', append: false },
    ];
    // Per request number, fixed up front: which requests fail does not depend on the timing of the run.
    const plan = Array.from({ length: 2_000 }, () => ({
      fault: rand() < 0.08 ? faults[Math.floor(rand() * faults.length)]! : ({ kind: 'ok' } as const),
      delayMs: Math.floor(rand() * 6),
    }));
    let delays = 0;
    const broker = new FakeBroker(
      (n) => plan[n]!.fault,
      () => plan[delays++]!.delayMs,
    );
    const r = await run(broker, { sends: 80, perSend: 12, inFlight: 5 });
    // At least the first 80 requests went out (one per send), and they held these faults.
    const faulted = plan.slice(0, 80).filter((p) => p.fault.kind !== 'ok').length;
    expect(faulted).toBeGreaterThanOrEqual(4);
    expect(broker.requests).toBeGreaterThanOrEqual(80 + faulted);
    expect(broker.maxInFlight).toBeGreaterThanOrEqual(3);
    expect(allAcked(r)).toBe(true);
    expect(r.results.reduce((n, x) => n + x.retries, 0)).toBeGreaterThanOrEqual(faulted);
    expect(broker.logs.flat()).toHaveLength(960);
    expectOrderedOnce(broker, r);
  });
});
