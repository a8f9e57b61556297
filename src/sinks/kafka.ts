// The Kafka sink: hands each runner batch to the produce path (src/kafka/producer/) with what is
// left of its delivery timeout, and turns the per-record outcomes into the runner's SendResult.
import { connectWithin, createKafka, type KafkaConnection } from '../kafka/client.js';
import { BatchProducer, type ProduceRecord, type ProduceResult } from '../kafka/producer/producer.js';
import type { ProducerMode, SendOptions, SendResult, Sink, SinkDescription } from './types.js';

export interface KafkaSinkOptions {
  connection: KafkaConnection;
  clientId?: string;
  mode: ProducerMode;
  /** How long the broker may take to ack (the produce request's timeout), ms. */
  ackTimeoutMs: number;
}

/** The Java producer's delivery.timeout.ms default: used when the caller gives no budget. */
export const DEFAULT_DELIVERY_TIMEOUT_MS = 120_000;

const ACKS = { all: -1, leader: 1, none: 0 } as const;

/** The runner's view of a produce result (pure: unit-tested). */
export function toSendResult(r: ProduceResult, acksNone: boolean): SendResult {
  const retried =
    r.retries > 0 || Object.keys(r.retryErrors).length > 0 ? { retries: r.retries, errors: r.retryErrors } : undefined;
  const first = r.outcomes[0] ?? 'acked';
  const alike = r.outcomes.every((o) => o === first);
  if (alike && first === 'acked') {
    const offsets = acksNone ? undefined : r.offsets.map((o) => o ?? -1);
    return { ok: true, offsets, ...(retried ? { retried } : {}) };
  }
  const fatal = r.fatal ? { code: r.fatal.code, message: r.fatal.message, hint: r.fatal.hint } : undefined;
  return {
    ok: false,
    error: r.error ?? 'not delivered',
    indeterminate: alike && first === 'indeterminate',
    ...(fatal ? { fatal } : {}),
    ...(alike && first === 'unsent' ? { unsent: true } : {}),
    ...(alike ? {} : { perRecord: { outcomes: r.outcomes, offsets: r.offsets } }),
    ...(retried ? { retried } : {}),
  };
}

export class KafkaSink implements Sink {
  readonly description: SinkDescription;

  private constructor(
    private readonly producer: BatchProducer,
    private readonly opts: KafkaSinkOptions,
  ) {
    this.description = { kind: 'kafka', target: opts.connection.brokers.join(','), producer: opts.mode };
  }

  /** Connects the producer; a failure says why (unreachable, login refused, TLS, ACLs). */
  static async connect(opts: KafkaSinkOptions): Promise<KafkaSink> {
    const kafka = createKafka({ ...opts.connection, clientId: opts.clientId ?? 'sc-sim-runner' });
    const producer = BatchProducer.create(kafka, {
      idempotent: opts.mode.idempotent,
      acks: ACKS[opts.mode.acks],
      ackTimeoutMs: opts.ackTimeoutMs,
      compression: opts.mode.compression,
    });
    await connectWithin(opts.connection, { action: 'produce' }, producer, () => producer.connect());
    return new KafkaSink(producer, opts);
  }

  async send(batch: readonly ProduceRecord[], options: SendOptions = {}): Promise<SendResult> {
    const deadlineMs = Date.now() + (options.timeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS);
    const result = await this.producer.send(batch, deadlineMs);
    return toSendResult(result, this.opts.mode.acks === 'none');
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
