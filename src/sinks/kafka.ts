// The Kafka sink: the ONLY file that talks to the kafkajs producer. One sendBatch per runner
// batch, records grouped per topic with their partition set explicitly; offsets per record
// are derived from each partition's base offset in the response.
import { CompressionTypes, Partitioners, type Message, type Producer, type TopicMessages } from 'kafkajs';
import { connectWithin, createKafka, type KafkaConnection } from '../kafka/client.js';
import type { ProduceRecord } from './packed-batch.js';
import type { ProducerMode, SendResult, Sink, SinkDescription } from './types.js';

export interface KafkaSinkOptions {
  connection: KafkaConnection;
  clientId?: string;
  mode: ProducerMode;
  /** How long the broker may take to ack (the produce request's timeout), ms. */
  ackTimeoutMs: number;
}

const ACKS: Record<ProducerMode['acks'], number> = { all: -1, leader: 1, none: 0 };
const COMPRESSION: Record<ProducerMode['compression'], CompressionTypes> = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
};

// Errors after which the broker may or may not have written the records: reported as
// indeterminate (unknown outcome), apart from definite failures.
const UNKNOWN_OUTCOME = /Timeout|ConnectionClosed|Connection/;

function describeFailure(err: unknown): { error: string; indeterminate: boolean } {
  const e = err as { name?: string; message?: string; type?: string; cause?: { name?: string; message?: string } };
  const names = [e.name, e.cause?.name].filter((n): n is string => typeof n === 'string');
  const message = e.type ?? e.cause?.message ?? e.message ?? String(err);
  return { error: `${e.name ?? 'Error'}: ${message}`, indeterminate: names.some((n) => UNKNOWN_OUTCOME.test(n)) };
}

export class KafkaSink implements Sink {
  readonly description: SinkDescription;

  private constructor(
    private readonly producer: Producer,
    private readonly opts: KafkaSinkOptions,
  ) {
    this.description = { kind: 'kafka', target: opts.connection.brokers.join(','), producer: opts.mode };
  }

  /** Connects the producer; a failure says why (unreachable, login refused, TLS, ACLs). */
  static async connect(opts: KafkaSinkOptions): Promise<KafkaSink> {
    const producer = createKafka({ ...opts.connection, clientId: opts.clientId ?? 'sc-sim-runner' }).producer({
      idempotent: opts.mode.idempotent,
      ...(opts.mode.maxInFlightRequests !== null ? { maxInFlightRequests: opts.mode.maxInFlightRequests } : {}),
      allowAutoTopicCreation: false,
      // Every record's partition is set explicitly; naming the (murmur2) default also keeps kafkajs
      // from printing its partitioner banner.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await connectWithin(opts.connection, { action: 'produce' }, producer, () => producer.connect());
    return new KafkaSink(producer, opts);
  }

  async send(batch: readonly ProduceRecord[]): Promise<SendResult> {
    // Only what kafkajs reads: it copies every message object per record (`{ ...message }`), so
    // a small one costs less than a SinkRecord with all its bookkeeping fields.
    const byTopic = new Map<string, Message[]>();
    for (const r of batch) {
      let messages = byTopic.get(r.topic);
      if (!messages) byTopic.set(r.topic, (messages = []));
      const message: Message = { key: r.key, value: r.value, headers: r.headers, partition: r.partition };
      // The event time as CreateTime when the record carries one; else kafkajs stamps the send.
      if (r.timestampMs !== undefined) message.timestamp = String(r.timestampMs);
      messages.push(message);
    }
    const topicMessages: TopicMessages[] = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
    let response;
    try {
      response = await this.producer.sendBatch({
        topicMessages,
        acks: ACKS[this.opts.mode.acks],
        compression: COMPRESSION[this.opts.mode.compression],
        timeout: this.opts.ackTimeoutMs,
      });
    } catch (err) {
      return { ok: false, ...describeFailure(err) };
    }
    if (this.opts.mode.acks === 'none') return { ok: true, offsets: undefined };
    // kafkajs keeps batch order within each partition, so a record's offset is its partition's
    // base offset plus the number of records before it in that partition.
    const next = new Map<string, number>();
    for (const m of response) next.set(`${m.topicName}\u0000${m.partition}`, Number(m.baseOffset ?? -1));
    const offsets = batch.map((r) => {
      const tp = `${r.topic}\u0000${r.partition}`;
      const offset = next.get(tp) ?? -1;
      next.set(tp, offset + 1);
      return offset;
    });
    return { ok: true, offsets };
  }

  /** Disconnects, at most 10 s: a broker that stopped answering must not hold the run's end. */
  async close(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.producer.disconnect().catch(() => undefined),
      new Promise((r) => (timer = setTimeout(r, 10_000))),
    ]);
    clearTimeout(timer);
  }
}
