// Dead-letter records: which domain records the platform's failing consumers dead-letter, what the
// value holds (the record's bytes — truncated, with a wrong schema version, an unknown event type,
// oversize, or intact for a processing timeout) and the headers DLQ tooling reads. The headers
// follow Spring Kafka's DeadLetterPublishingRecoverer (`kafka_dlt-*`, partition and offsets as
// big-endian integers) and its retry-topic attempt counter (`retry_topic-attempts`): the one
// widespread convention that names every field a consumer-side DLQ needs — original topic,
// partition, offset, timestamp, consumer group, exception and attempts. (Kafka Connect's
// `__connect.errors.*` has no timestamp, consumer group or attempt count: it describes connectors.)
// Every choice is a hash of the event id: the same seed dead-letters the same events the same way.
import {
  CONSUMER_MAX_VALUE_BYTES,
  DLQ_CATALOG,
  DLQ_FAILURES,
  DLQ_ONE_IN,
  type DlqFailure,
  type DlqSpec,
} from '../catalog/derived.js';
import type { Envelope } from '../envelope.js';
import { unitDraw } from './ids.js';

export interface DlqPick {
  spec: DlqSpec;
  failure: DlqFailure;
}

/** The DLQs (among `selected`) that dead-letter this domain event, each with its failure. */
export function dlqPicks(env: Envelope, sourceTopic: string, selected: ReadonlySet<string>): DlqPick[] {
  const picks: DlqPick[] = [];
  for (const spec of DLQ_CATALOG) {
    if (!selected.has(spec.topic) || !(spec.sourceTopics as readonly string[]).includes(sourceTopic)) continue;
    if (unitDraw(env.event_id, spec.topic) >= 1 / DLQ_ONE_IN) continue;
    const failure = DLQ_FAILURES[Math.floor(unitDraw(env.event_id, spec.topic, 'failure') * DLQ_FAILURES.length)]!;
    picks.push({ spec, failure });
  }
  return picks;
}

/** The value the failing consumer received: the original bytes, or a malformed variant of them. */
export function dlqValue(original: Buffer, env: Envelope, failure: DlqFailure): Buffer {
  switch (failure) {
    case 'truncated_json': {
      // Cut somewhere in the middle: a partial write or a broken proxy.
      const at = Math.floor(original.length * (0.2 + 0.6 * unitDraw(env.event_id, 'truncate')));
      return original.subarray(0, at);
    }
    case 'wrong_schema_version':
      return Buffer.from(JSON.stringify({ ...env, event_version: env.event_version + 1 }));
    case 'unknown_event_type':
      return Buffer.from(JSON.stringify({ ...env, event_type: `${env.entity_type}.archived` }));
    case 'oversize': {
      // An attachment inlined by mistake takes the value past what the consumer accepts.
      const blob = env.event_id.replace(/-/g, '').repeat(Math.ceil((CONSUMER_MAX_VALUE_BYTES + 4_096) / 32));
      return Buffer.from(JSON.stringify({ ...env, payload: { ...env.payload, attachment_base64: blob } }));
    }
    case 'processing_timeout':
      return original;
  }
}

interface Failure {
  fqcn: string;
  cause: string;
  message: (env: Envelope, valueBytes: number) => string;
  attempts: number;
}

const LISTENER_FAILED = 'org.springframework.kafka.listener.ListenerExecutionFailedException';
const DESERIALIZATION = 'org.springframework.kafka.support.serializer.DeserializationException';

// Deserialization failures are not retried (Spring's DefaultErrorHandler classifies them as fatal);
// a timeout is retried three times before it is dead-lettered.
const FAILURES: Record<DlqFailure, Failure> = {
  truncated_json: {
    fqcn: DESERIALIZATION,
    cause: 'com.fasterxml.jackson.core.io.JsonEOFException',
    message: () =>
      'failed to deserialize; nested exception is Unexpected end-of-input: expected close marker for Object',
    attempts: 1,
  },
  wrong_schema_version: {
    fqcn: LISTENER_FAILED,
    cause: 'com.socialcommerce.events.UnsupportedSchemaVersionException',
    message: (env) =>
      `event_version ${env.event_version + 1} of ${env.event_type} is not supported (highest known: ${env.event_version})`,
    attempts: 1,
  },
  unknown_event_type: {
    fqcn: LISTENER_FAILED,
    cause: 'com.socialcommerce.events.UnknownEventTypeException',
    message: (env) => `no handler for event_type ${env.entity_type}.archived`,
    attempts: 1,
  },
  oversize: {
    fqcn: LISTENER_FAILED,
    cause: 'com.socialcommerce.events.PayloadTooLargeException',
    message: (_env, bytes) => `record value of ${bytes} bytes exceeds the limit of ${CONSUMER_MAX_VALUE_BYTES} bytes`,
    attempts: 1,
  },
  processing_timeout: {
    fqcn: LISTENER_FAILED,
    cause: 'java.util.concurrent.TimeoutException',
    message: () => 'projection store did not answer within 5000 ms',
    attempts: 4,
  },
};

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

function int64(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt(n));
  return b;
}

export interface DlqOrigin {
  /** Physical topic of the failed record. */
  topic: string;
  partition: number;
  /** From the broker's ack; -1 when the sink reports none (acks=0). */
  offset: number;
  timestampMs: number;
}

/** The record's headers, Spring Kafka's names and encodings, plus sc-sim's failure label and run id. */
export function dlqHeaders(
  pick: DlqPick,
  env: Envelope,
  origin: DlqOrigin,
  valueBytes: number,
  runId: string,
): Record<string, string | Buffer> {
  const f = FAILURES[pick.failure];
  const listener = pick.spec.consumerGroup
    .split(/[.-]/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
  return {
    'kafka_dlt-original-topic': origin.topic,
    'kafka_dlt-original-partition': int32(origin.partition),
    'kafka_dlt-original-offset': int64(origin.offset),
    'kafka_dlt-original-timestamp': int64(origin.timestampMs),
    'kafka_dlt-original-timestamp-type': 'CreateTime',
    'kafka_dlt-original-consumer-group': pick.spec.consumerGroup,
    'kafka_dlt-exception-fqcn': f.fqcn,
    'kafka_dlt-exception-cause-fqcn': f.cause,
    'kafka_dlt-exception-message': f.message(env, valueBytes),
    'kafka_dlt-exception-stacktrace': [
      `${f.fqcn}: ${f.message(env, valueBytes)}`,
      `\tat com.socialcommerce.${listener}.onEvent(${listener}.java:88)`,
      '\tat org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer.invokeOnMessage(KafkaMessageListenerContainer.java:2922)',
      `Caused by: ${f.cause}`,
    ].join('\n'),
    'retry_topic-attempts': int32(f.attempts),
    'sc-dlq-failure': pick.failure,
    'sc-run-id': runId,
  };
}
