// An example consumer to load-test with sc-sim: a projection builder that folds sc.domain.user
// events into user cards and writes them to sc.proj.consumer.user-cards, as a real service would.
// It has knobs to make it slow, to commit rarely, and a deliberate bug, so `sc-sim run
// --watch-group` (and `--expect`) have something to find.
//
//   npx tsx examples/user-cards-builder.ts --brokers 127.0.0.1:9092 [--prefix P] [--group user-cards-builder]
//       [--delay-ms 0] [--commit-interval-ms 1000] [--bug] [--from-beginning] [--no-produce]
//
// It prints one JSON line per event of note on stderr (joined, committed, stopped) and stops
// cleanly on SIGTERM/SIGINT.
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel, Partitioners } from 'kafkajs';

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

interface Envelope {
  event_id: string;
  event_type: string;
  entity_id: string;
  sequence: number;
  occurred_at: string;
  payload: Record<string, unknown>;
}

interface UserCard {
  user_id: string;
  display_name: string | null;
  role: string | null;
  status: string;
  source_event_id: string;
  source_sequence: number;
  updated_at: string;
}

const cards = new Map<string, UserCard>();

/** The card after one user event: what the user-cards screen shows. */
function fold(e: Envelope): UserCard {
  const prev = cards.get(e.entity_id);
  const p = e.payload;
  const card: UserCard = {
    user_id: e.entity_id,
    display_name: (p['display_name'] as string | undefined) ?? prev?.display_name ?? null,
    role: (p['new_role'] as string | undefined) ?? (p['role'] as string | undefined) ?? prev?.role ?? null,
    status: (p['new_status'] as string | undefined) ?? (p['status'] as string | undefined) ?? prev?.status ?? 'pending',
    source_event_id: e.event_id,
    source_sequence: e.sequence,
    updated_at: e.occurred_at,
  };
  // The deliberate bug: for users whose id starts with 'a', a status change is not applied.
  if (o.bug && e.entity_id.startsWith('a') && prev) card.status = prev.status;
  cards.set(e.entity_id, card);
  return card;
}

const kafka = new Kafka({ clientId: 'user-cards-builder', brokers: o.brokers.split(','), logLevel: logLevel.NOTHING });
const consumer = kafka.consumer({ groupId: o.group, sessionTimeout: 30_000, heartbeatInterval: 3_000 });
const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true });

consumer.on(consumer.events.GROUP_JOIN, (e) => log('joined', { memberId: e.payload.memberId }));
consumer.on(consumer.events.COMMIT_OFFSETS, (e) => log('committed', { topics: e.payload.topics }));

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
    const out: { key: string; value: string }[] = [];
    for (const m of batch.messages) {
      if (!isRunning() || isStale() || stopping) break;
      const card = fold(JSON.parse(String(m.value)) as Envelope);
      out.push({ key: card.user_id, value: JSON.stringify(card) });
      if (delayMs > 0) await sleep(delayMs);
      resolveOffset(m.offset);
      if (out.length % 100 === 0) await heartbeat();
    }
    if (out.length > 0 && !o['no-produce']) await producer.send({ topic: target, messages: out, acks: -1 });
    await heartbeat();
  },
});
