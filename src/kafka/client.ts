// The one place that constructs kafkajs clients: connection timeouts, bounded retries and
// log routing are decided here so every role (admin, producer sink, consumers) behaves alike.
import { Kafka, logLevel, type KafkaConfig, type LogEntry } from 'kafkajs';
import type { KafkaConnection } from '../config.js';
import { ScSimError } from '../errors.js';

export type { KafkaConnection };

export interface ClientOptions extends KafkaConnection {
  clientId?: string;
  /** Upper bound for establishing a TCP connection to one broker. */
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** Retries for retriable errors; kept small so an unreachable broker fails within seconds. */
  retries?: number;
}

// kafkajs logs connection errors at ERROR level while it retries; we surface failures ourselves
// as ScSimErrors, so its own log is only shown when asked for.
function logCreator() {
  const wanted = process.env['SC_SIM_KAFKA_LOG'];
  return ({ level, log }: LogEntry) => {
    if (!wanted) return;
    const { message, ...rest } = log;
    process.stderr.write(`[kafkajs ${logLevel[level]}] ${message} ${JSON.stringify(rest)}\n`);
  };
}

export function createKafka(opts: ClientOptions): Kafka {
  const config: KafkaConfig = {
    clientId: opts.clientId ?? 'sc-sim',
    brokers: opts.brokers,
    connectionTimeout: opts.connectionTimeoutMs ?? 3_000,
    requestTimeout: opts.requestTimeoutMs ?? 30_000,
    retry: { retries: opts.retries ?? 3, initialRetryTime: 200, maxRetryTime: 2_000 },
    logLevel: process.env['SC_SIM_KAFKA_LOG'] ? logLevel.DEBUG : logLevel.ERROR,
    logCreator,
  };
  return new Kafka(config);
}

const CONNECTION_ERROR_NAMES = new Set([
  'KafkaJSConnectionError',
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSNonRetriableError',
  'KafkaJSBrokerNotFound',
  'KafkaJSRequestTimeoutError',
]);

/** Turns a kafkajs connection failure into a user-facing error that says where and how to fix. */
export function toBrokerError(err: unknown, brokers: string[]): ScSimError {
  const e = err as { name?: string; message?: string; cause?: { message?: string } };
  const why = e.cause?.message ?? e.message ?? String(err);
  if (e.name && CONNECTION_ERROR_NAMES.has(e.name)) {
    return new ScSimError('E_BROKER_UNREACHABLE', `cannot reach Kafka at ${brokers.join(',')}: ${why}`, {
      hint: 'start the local broker with `sc-sim kafka up`, or point at yours with --brokers host:port / SC_SIM_BROKERS',
      cause: err,
    });
  }
  return new ScSimError('E_KAFKA', `Kafka request failed: ${why}`, { cause: err });
}

/**
 * Retries kafkajs errors it marks retriable (NOT_LEADER_OR_FOLLOWER, UNKNOWN_TOPIC_OR_PARTITION…),
 * which a broker answers for a moment after topics are created or grown, for a bounded time.
 */
export async function retryRetriable<T>(fn: () => Promise<T>, timeoutMs = 30_000, delayMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      const retriable = (err as { retriable?: boolean }).retriable === true;
      if (!retriable || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, delayMs));
    }
  }
}
