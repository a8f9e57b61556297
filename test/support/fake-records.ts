// A tiny stand-in for the world + encoder in runner tests: numbered records spread over two
// topics and their partitions, so tests can check counts and order without the real generators.
import type { DomainTopicName } from '../../src/catalog/topics.js';
import type { SinkRecord } from '../../src/sinks/types.js';

const TOPICS: { name: DomainTopicName; partitions: number }[] = [
  { name: 'sc.domain.order', partitions: 6 },
  { name: 'sc.domain.user', partitions: 3 },
];

/** Record n goes to topic n % 2, partition n % partitions; every record is 100 bytes. */
export function fakeRecords(): { next: () => SinkRecord; generated: () => number } {
  let n = 0;
  return {
    next: () => {
      const t = TOPICS[n % TOPICS.length]!;
      const id = `e${n}`;
      const record: SinkRecord = {
        topic: `test.${t.name}`,
        logicalTopic: t.name,
        partition: n % t.partitions,
        key: Buffer.from(id),
        keyText: id,
        value: Buffer.alloc(100 - id.length),
        headers: {},
        sizeBytes: 100,
        eventType: 'fake.event',
        eventId: id,
        entityId: id,
        sequence: 1,
        intendedAtMs: NaN,
      };
      n++;
      return record;
    },
    generated: () => n,
  };
}
