import { describe, expect, it } from 'vitest';
import { Partitioners } from 'kafkajs';
import { murmur2, partitionForKey } from '../../../src/partitioning/murmur2.js';

describe('murmur2', () => {
  it('matches the Java client for known vectors', () => {
    // Vectors from Kafka's UtilsTest#testMurmur2 (org.apache.kafka.common.utils).
    const cases: [string, number][] = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
    ];
    for (const [input, expected] of cases) expect(murmur2(Buffer.from(input, 'utf8'))).toBe(expected);
  });

  it("agrees with kafkajs's default partitioner for many keys and partition counts", () => {
    const partitioner = Partitioners.DefaultPartitioner();
    for (const numPartitions of [1, 3, 6, 7]) {
      const partitionMetadata = Array.from({ length: numPartitions }, (_, partitionId) => ({
        partitionId,
        leader: 0,
        partitionErrorCode: 0,
        replicas: [0],
        isr: [0],
      }));
      for (let i = 0; i < 500; i++) {
        const key = `promotion-${i}_${i * 7919}`;
        const theirs = partitioner({ topic: 't', partitionMetadata, message: { key, value: null } });
        expect(partitionForKey(key, numPartitions)).toBe(theirs);
      }
    }
  });
});
