// DescribeLogDirs against the real test broker when the first bootstrap address is down: the way a
// run's reading after a fault meets a cluster whose first broker was killed and is not back yet.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { withAdmin } from '../../src/kafka/admin.js';
import { createKafka } from '../../src/kafka/client.js';
import { describeLogDirs, type BrokerLogDirs } from '../../src/kafka/log-dirs.js';
import { uniquePrefix } from '../support/cli.js';
import { freePortRun } from '../support/ports.js';

const brokers = inject('brokers').split(',');
const topic = `${uniquePrefix('logdirs')}t`;

beforeAll(async () => {
  await withAdmin({ brokers }, async (admin) => {
    const failures = await admin.createTopics([{ topic, partitions: 2, replicationFactor: 1, configs: {} }]);
    expect(failures).toEqual([]);
    await admin.waitForPartitions([{ topic, count: 2 }]);
  });
  const producer = createKafka({ brokers, clientId: 'log-dirs-test' }).producer();
  await producer.connect();
  try {
    await producer.send({ topic, messages: [{ key: 'k', value: 'x'.repeat(1_000), partition: 1 }] });
  } finally {
    await producer.disconnect();
  }
}, 60_000);

afterAll(async () => {
  await withAdmin({ brokers }, (admin) => admin.deleteTopics([topic]));
});

describe('describeLogDirs', () => {
  it('reads the live brokers when the first bootstrap broker refuses connections', async () => {
    // Below the ephemeral range and free: nothing listens there, so a connect is refused at once.
    const closed = `127.0.0.1:${await freePortRun(1, 23_200)}`;
    const nodes = await withAdmin({ brokers }, (admin) => admin.brokers());
    const answers = await describeLogDirs({ brokers: [closed, ...brokers] }, nodes, new Map([[topic, 2]]));
    expect(answers).toHaveLength(nodes.length);
    for (const answer of answers) {
      expect(answer.status, JSON.stringify(answer)).toBe('fulfilled');
      const sizes = new Map(
        (answer as PromiseFulfilledResult<BrokerLogDirs>).value.replicas.map((r) => [r.partition, r.bytes]),
      );
      expect(sizes.get(0)).toBe(0);
      expect(sizes.get(1)).toBeGreaterThan(1_000);
    }
  });
});
