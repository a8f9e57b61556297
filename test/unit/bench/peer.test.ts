import { describe, expect, it } from 'vitest';
import { parseProducerPerformance } from '../../../bench/peer.js';

// Output as Kafka 4.4's ProducerPerformance prints it (progress lines every 5 s, then the summary).
const OUTPUT = `Reading payloads from: /tmp/payloads.txt
Number of messages read: 5000
101314 records sent, 20258.7 records/sec (10.18 MB/sec), 1160.7 ms avg latency, 1941.0 ms max latency.
200000 records sent, 17866.714311 records/sec (8.52 MB/sec), 1164.98 ms avg latency, 2253.00 ms max latency, 1454 ms 50th, 1971 ms 95th, 2101 ms 99th, 2198 ms 99.9th.
`;

describe('parseProducerPerformance', () => {
  it('reads the final summary line, not a progress line', () => {
    expect(parseProducerPerformance(OUTPUT)).toEqual({
      records: 200000,
      recordsPerSec: 17866.714311,
      mbPerSec: 8.52,
      avgLatencyMs: 1164.98,
      maxLatencyMs: 2253,
      p50LatencyMs: 1454,
      p99LatencyMs: 2101,
    });
  });
  it('throws with the end of the output when there is no summary (e.g. the topic does not exist)', () => {
    expect(() =>
      parseProducerPerformance('org.apache.kafka.common.errors.TimeoutException: Topic pp not present in metadata\n'),
    ).toThrow(/no summary line[\s\S]*Topic pp not present/);
  });
});
