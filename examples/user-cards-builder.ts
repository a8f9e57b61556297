// An example consumer to load-test with sc-sim: a projection builder that folds sc.domain.user
// events into user cards and writes them to sc.proj.consumer.user-cards, as a real service would.
// Records it cannot parse (sc-sim's opt-in poison records) go to sc.dlq.proj-user-cards with Spring
// Kafka's dead-letter headers. It has knobs to make it slow, to commit rarely, and a deliberate bug
// (a role change not applied for users whose id starts with 'a'), so `sc-sim run --watch-group`
// and `--expect` have something to find.
//
//   npx tsx examples/user-cards-builder.ts --brokers 127.0.0.1:9092 [--prefix P] [--group user-cards-builder]
//       [--delay-ms 0] [--commit-interval-ms 1000] [--bug] [--from-beginning] [--no-produce]
//
// It prints one JSON line per event of note on stderr (joined, committed, stopped) and stops
// cleanly on SIGTERM/SIGINT.
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners, type KafkaMessage, type Message } from 'kafkajs';
import { reduceUserCard, type UserCard } from '../src/derive/cards.js';
import type { Envelope } from '../src/envelope.js';

const { values: o } = parseArgs({
  options: {
    brokers: { type: 'string', default: '127.0.0.1:9092' },
    prefix: { type: 'string', default: '' },
    group: { type: 'string', default: 'user-cards-builder' },
    'delay-ms': { type: 'string', default: '0' },
    'commit-interval-ms': { type: 'string', default: '1000' },
    bug: { type: 'boolean', default: false },
    'from-beginning': { type: 'boolean', default: false },
    'no-produce': { type: 'boolean', default: false },
  },
});

const delayMs = Number(o['delay-ms']);
const source = `${o.prefix}sc.domain.user`;
const target = `${o.prefix}sc.proj.consumer.user-cards`;
const log = (event: string, fields: Record<string, unknown> = {}) =>
  process.stderr.write(`${JSON.stringify({ event, atMs: Date.now(), ...fields })}\n`);

// The card fold is sc-sim's own (src/derive/cards.ts), so this builder is right by construction
// and `--expect` has a known-good consumer to pass; `--bug` breaks it on purpose. Your service has
// its own fold: that is what `--expect` checks.
const cards = new Map<string, UserCard>();
/** Per card, the number of card records written (the envelope's sequence). */
const sequences = new Map<string, number>();
const dlq = `${o.prefix}sc.dlq.proj-user-cards`;

interface Output {
  topic: string;
  messages: Message[];
}

/** The card record after one user event, or undefined when the event changes no card. */
function cardRecord(e: Envelope): Message | undefined {
  const prev = cards.get(e.entity_id);
  let card = reduceUserCard(prev, e);
  if (!card) return undefined;
  // The deliberate bug: for users whose id starts with 'a', a role change is not applied.
  if (o.bug && e.event_type === 'user.role_changed' && e.entity_id.startsWith('a') && prev)
    card = { ...card, role: prev.role };
  cards.set(e.entity_id, card);
  const envelope = {
    event_id: randomUUID(),
    event_type: 'proj.user_card',
    event_version: 1,
    occurred_at: e.occurred_at,
    entity_type: 'user',
    entity_id: e.entity_id,
    sequence: (sequences.get(e.entity_id) ?? 0) + 1,
    correlation_id: e.correlation_id,
    causation_id: e.event_id,
    producer: 'user-cards-builder/example',
    source: {
      topic: 'sc.domain.user',
      event_id: e.event_id,
      event_type: e.event_type,
      entity_id: e.entity_id,
      sequence: e.sequence,
    },
    projection_version: 1,
    payload: card,
  };
  sequences.set(e.entity_id, envelope.sequence);
  return { key: e.entity_id, value: JSON.stringify(envelope) };
}
/** A record this builder cannot read goes to its dead-letter topic, as Spring Kafka would send it. */
function deadLetter(m: KafkaMessage, partition: number, error: string): Message {
  const int32 = Buffer.alloc(4);
  int32.writeInt32BE(partition);
  const int64 = Buffer.alloc(8);
  int64.writeBigInt64BE(BigInt(m.offset));
  return {
    key: m.key,
    value: m.value,
    headers: {
      'kafka_dlt-original-topic': source,
      'kafka_dlt-original-partition': int32,
      'kafka_dlt-original-offset': int64,
      'kafka_dlt-original-consumer-group': o.group,
      'kafka_dlt-exception-message': error,
    },
  };
}

const kafka = new Kafka({ clientId: 'user-cards-builder', brokers: o.brokers.split(','), logLevel: logLevel.NOTHING });
const consumer = kafka.consumer({ groupId: o.group, sessionTimeout: 30_000, heartbeatInterval: 3_000 });
const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true });

consumer.on(consumer.events.GROUP_JOIN, (e) => log('joined', { memberId: e.payload.memberId }));
consumer.on(consumer.events.COMMIT_OFFSETS, (e) => log('committed', { topics: e.payload.topics }));
// A crash is said, not swallowed: kafkajs stops the consumer on a non-retriable error.
consumer.on(consumer.events.CRASH, (e) =>
  log('crashed', { error: e.payload.error.message, restart: e.payload.restart }),
);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await consumer.disconnect().catch(() => undefined);
  await producer.disconnect().catch(() => undefined);
  log('stopped');
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());

await Promise.all([consumer.connect(), o['no-produce'] ? undefined : producer.connect()]);
await consumer.subscribe({ topics: [source], fromBeginning: o['from-beginning'] });
await consumer.run({
  autoCommitInterval: Number(o['commit-interval-ms']),
  eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
    const cardsOut: Message[] = [];
    const lettersOut: Message[] = [];
    let handled = 0;
    for (const m of batch.messages) {
      if (!isRunning() || isStale() || stopping) break;
      let e: Envelope;
      try {
        e = JSON.parse(String(m.value)) as Envelope;
      } catch (err) {
        lettersOut.push(deadLetter(m, batch.partition, (err as Error).message));
        resolveOffset(m.offset);
        if (++handled % 100 === 0) await heartbeat();
        continue;
      }
      const record = cardRecord(e);
      if (record) cardsOut.push(record);
      if (delayMs > 0) await sleep(delayMs);
      resolveOffset(m.offset);
      // Every 100 records, whether or not they changed a card: a slow batch must not outlive the
      // session, and a rebalance is only noticed at a heartbeat.
      if (++handled % 100 === 0) await heartbeat();
    }
    // In requests of at most 200 cards: a card is ~1 KB, and a partition's batch must stay under
    // the broker's max.message.bytes (1 MiB by default).
    for (let i = 0; !o['no-produce'] && i < Math.max(cardsOut.length, lettersOut.length); i += 200) {
      const out: Output[] = [
        { topic: target, messages: cardsOut.slice(i, i + 200) },
        { topic: dlq, messages: lettersOut.slice(i, i + 200) },
      ].filter((t) => t.messages.length > 0);
      await producer.sendBatch({ topicMessages: out, acks: -1 });
    }
    await heartbeat();
  },
});
