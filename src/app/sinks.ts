// Where a run's records go: the Kafka producer (on a worker thread by default) or NDJSON lines.
import type { Writable } from 'node:stream';
import { ScSimError } from '../errors.js';
import type { KafkaConnection } from '../kafka/client.js';
import type { ProducerSettings } from '../scenarios/index.js';
import { MAX_SENDS_IN_FLIGHT } from '../kafka/producer/producer.js';
import { KafkaSink } from '../sinks/kafka.js';
import { WorkerKafkaSink } from '../sinks/kafka-worker.js';
import { NdjsonSink } from '../sinks/ndjson.js';
import type { ProducerMode, Sink } from '../sinks/types.js';

export type SinkChoice = { kind: 'kafka' } | { kind: 'ndjson'; file?: string };

/** `--sink kafka | ndjson | ndjson:<file>`. */
export function parseSinkChoice(raw: string | undefined): SinkChoice {
  if (raw === undefined || raw === 'kafka') return { kind: 'kafka' };
  if (raw === 'ndjson') return { kind: 'ndjson' };
  if (raw.startsWith('ndjson:') && raw.length > 'ndjson:'.length)
    return { kind: 'ndjson', file: raw.slice('ndjson:'.length) };
  throw new ScSimError('E_USAGE', `--sink "${raw}" is not a sink`, {
    hint: 'use --sink kafka, --sink ndjson (stdout) or --sink ndjson:events.ndjson',
  });
}

export async function openKafkaSink(
  connection: KafkaConnection,
  producer: ProducerSettings,
  clientId: string,
): Promise<Sink> {
  return (producer.worker ? WorkerKafkaSink : KafkaSink).connect({
    connection,
    clientId,
    mode: producerModeOf(producer),
    ackTimeoutMs: producer.timeout,
  });
}

/**
 * The producer mode a run states in its report. Its in-flight bound is the real one unless the
 * scenario states one: batches handed over at once, and for an idempotent producer at most
 * MAX_SENDS_IN_FLIGHT of them on the wire.
 */
export function producerModeOf(producer: ProducerSettings): ProducerMode {
  return {
    acks: producer.acks,
    idempotent: producer.idempotent,
    maxInFlightRequests:
      producer.maxInFlightRequests ??
      (producer.idempotent ? Math.min(producer.inFlightBatches, MAX_SENDS_IN_FLIGHT) : producer.inFlightBatches),
    compression: producer.compression,
  };
}

export function openNdjsonSink(file: string | undefined, stdout: Writable = process.stdout): Sink {
  return new NdjsonSink(file, stdout);
}
