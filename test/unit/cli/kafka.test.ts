import { describe, expect, it } from 'vitest';
import { formatNodes, formatStatus } from '../../../src/cli/kafka.js';
import type { KafkaStatus } from '../../../src/kafka/local/index.js';

const nodes = [
  { id: 1, role: 'broker' as const, port: 19550, pid: 101, up: true, logFile: '/h/node1/broker.log' },
  { id: 2, role: 'broker' as const, port: 19551, up: false, logFile: '/h/node2/broker.log' },
  { id: 4, role: 'controller' as const, port: 19553, pid: 104, up: true, logFile: '/h/node4/broker.log' },
];

describe('kafka status for a cluster', () => {
  it('prints one row per node: id, role, port, pid, up or DOWN', () => {
    const text = formatNodes(nodes);
    const rows = text.trimEnd().split('\n');
    expect(rows[0]).toMatch(/^\s+node\s+role\s+port\s+pid\s+up$/);
    expect(rows[1]).toMatch(/^\s+1\s+broker\s+19550\s+101\s+up$/);
    expect(rows[2]).toMatch(/^\s+2\s+broker\s+19551\s+-\s+DOWN$/);
    expect(rows[3]).toMatch(/^\s+4\s+controller\s+19553\s+104\s+up$/);
  });

  it('names the layout and lists the nodes under the usual status lines', () => {
    const s: KafkaStatus = {
      running: false,
      mode: 'jvm',
      version: '4.4.0',
      brokers: ['127.0.0.1:19550', '127.0.0.1:19551'],
      dataSizeBytes: 0,
      home: '/h',
      secure: false,
      nodes,
      layout: 'split',
    };
    const text = formatStatus(s);
    expect(text).toContain('address: 127.0.0.1:19550,127.0.0.1:19551');
    expect(text).toContain('layout:  split (controller-only JVMs beside the brokers)');
    expect(text).toMatch(/2\s+broker\s+19551\s+-\s+DOWN/);
  });
});
