import { describe, expect, it } from 'vitest';
import {
  brokerJavaArgs,
  clusterNodeSettings,
  clusterNodes,
  clusterPortCount,
  clusterSettings,
  formatJavaArgs,
  nodeJavaArgs,
  renderNodeProperties,
  generateClusterId,
  isValidClusterId,
  renderServerProperties,
  secureServerSettings,
  serverSettings,
} from '../../../../src/kafka/local/server-config.js';
import { secureConfigInput } from '../../../../src/kafka/local/index.js';

/** Parses java.util.Properties-style text the way the broker will read it (no continuations needed here). */
function parseProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const i = line.indexOf('=');
    out[line.slice(0, i)] = line.slice(i + 1).replace(/\\\\/g, '\\');
  }
  return out;
}

describe('renderServerProperties', () => {
  const props = parseProperties(renderServerProperties({ port: 19092, controllerPort: 19093, dataDir: '/tmp/h/data' }));

  it('is a single-node KRaft broker+controller on loopback with the given ports', () => {
    expect(props['process.roles']).toBe('broker,controller');
    expect(props['node.id']).toBe('1');
    expect(props['controller.quorum.voters']).toBe('1@127.0.0.1:19093');
    expect(props['listeners']).toBe('PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093');
    expect(props['advertised.listeners']).toBe('PLAINTEXT://127.0.0.1:19092');
    expect(props['controller.listener.names']).toBe('CONTROLLER');
    expect(props['inter.broker.listener.name']).toBe('PLAINTEXT');
    expect(props['log.dirs']).toBe('/tmp/h/data');
  });

  it('never auto-creates topics and uses replication factor 1 for internal topics', () => {
    expect(props['auto.create.topics.enable']).toBe('false');
    expect(props['offsets.topic.replication.factor']).toBe('1');
    expect(props['transaction.state.log.replication.factor']).toBe('1');
    expect(props['transaction.state.log.min.isr']).toBe('1');
    expect(props['group.initial.rebalance.delay.ms']).toBe('0');
    expect(props['num.partitions']).toBe('1');
  });

  it('renders every setting exactly once and nothing else', () => {
    const settings = serverSettings({ port: 19092, controllerPort: 19093, dataDir: '/tmp/h/data' });
    expect(props).toEqual(settings);
  });

  it('escapes backslashes so Windows-style paths survive java.util.Properties', () => {
    const text = renderServerProperties({ port: 1, controllerPort: 2, dataDir: 'C:\\sc\\data' });
    expect(text).toContain('log.dirs=C:\\\\sc\\\\data\n');
  });
});

describe('cluster id', () => {
  it('is a version-4 UUID as 22 chars of unpadded base64url, as Kafka makes them', () => {
    const bytes = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    const id = generateClusterId(() => bytes);
    expect(id).toHaveLength(22);
    expect(Buffer.from(id, 'base64url').toString('hex')).toBe('00112233445546778899aabbccddeeff');
    expect(isValidClusterId(id)).toBe(true);
  });

  it("never starts with '-': such a draw is thrown away and drawn again", () => {
    // 0xf8 makes the first base64url digit 62, which is '-'.
    const draws = [Buffer.alloc(16, 0xf8), Buffer.alloc(16, 0x11)];
    let calls = 0;
    const id = generateClusterId(() => draws[calls++]!);
    expect(calls).toBe(2);
    expect(id.startsWith('-')).toBe(false);
    expect(isValidClusterId(id)).toBe(true);
    expect(isValidClusterId(`-${id.slice(1)}`)).toBe(false);
  });

  it('differs between calls with the real RNG', () => {
    const ids = new Set(Array.from({ length: 50 }, () => generateClusterId()));
    expect(ids.size).toBe(50);
    for (const id of ids) expect(isValidClusterId(id)).toBe(true);
  });

  it('rejects ids of the wrong length or alphabet', () => {
    expect(isValidClusterId('short')).toBe(false);
    expect(isValidClusterId('c2Mtc2ltLWxvY2FsLWthZg=')).toBe(false);
    expect(isValidClusterId('c2Mtc2ltLWxvY2FsLWth+g')).toBe(false);
  });
});

describe('java command lines', () => {
  const input = {
    libsDir: '/c/libs',
    log4jConfigPath: '/r/kafka/log4j2.yaml',
    serverPropertiesPath: '/h/server.properties',
  };

  it('runs kafka.Kafka with the server.properties as its last argument and a bounded heap', () => {
    const args = brokerJavaArgs(input);
    expect(args.slice(-2)).toEqual(['kafka.Kafka', '/h/server.properties']);
    expect(args).toContain('-Xmx1024m');
    expect(args).toContain('-Dlog4j2.configurationFile=/r/kafka/log4j2.yaml');
    expect(args[args.indexOf('-cp') + 1]).toBe('/c/libs/*');
  });

  it('formats with StorageTool using the given cluster id and config', () => {
    const args = formatJavaArgs({ ...input, clusterId: 'c2Mtc2ltLWxvY2FsLWthZg' });
    const i = args.indexOf('kafka.tools.StorageTool');
    expect(args.slice(i)).toEqual([
      'kafka.tools.StorageTool',
      'format',
      '--ignore-formatted',
      '--cluster-id=c2Mtc2ltLWxvY2FsLWthZg',
      '-c',
      '/h/server.properties',
    ]);
  });
});

describe('secureServerSettings', () => {
  const input = secureConfigInput('/h', { port: 19405, controllerPort: 19406 }, { host: '127.0.0.1' });

  it('one SASL_SSL listener for clients and the broker itself, a PLAIN controller listener, deny by default', () => {
    const s = secureServerSettings(input);
    expect(s['listeners']).toBe('SASL_SSL://127.0.0.1:19405,CONTROLLER://127.0.0.1:19406');
    expect(s['listener.security.protocol.map']).toBe('CONTROLLER:SASL_PLAINTEXT,SASL_SSL:SASL_SSL');
    expect(s['inter.broker.listener.name']).toBe('SASL_SSL');
    expect(s['sasl.mechanism.inter.broker.protocol']).toBe('SCRAM-SHA-512');
    expect(s['listener.name.sasl_ssl.sasl.enabled.mechanisms']).toBe('SCRAM-SHA-512,SCRAM-SHA-256,PLAIN');
    expect(s['authorizer.class.name']).toBe('org.apache.kafka.metadata.authorizer.StandardAuthorizer');
    expect(s['allow.everyone.if.no.acl.found']).toBe('false');
    expect(s['super.users']).toBe('User:admin;User:controller');
    expect(s['ssl.keystore.location']).toBe('/h/tls/broker-keystore.pem');
    expect(s['ssl.truststore.location']).toBe('/h/tls/ca.crt');
    expect(s['auto.create.topics.enable']).toBe('false');
  });

  it('holds no password: every one is a ${file:...} reference to the credentials file', () => {
    const jaas = Object.entries(secureServerSettings(input)).filter(([k]) => k.endsWith('jaas.config'));
    expect(jaas.length).toBe(4);
    for (const [, v] of jaas) {
      for (const m of v.matchAll(/(?:password|user_[\w-]+)="([^"]*)"/g))
        expect(m[1]).toMatch(/^\$\{file:\/h\/credentials\.properties:(admin|app|controller)\.password\}$/);
    }
    const text = renderServerProperties(input);
    expect(text).toContain('config.providers=file');
  });

  it('adds an mTLS listener and the unsecured OAUTHBEARER validator only when asked (tests)', () => {
    const s = secureServerSettings({ ...input, mtlsPort: 19407, unsecuredOAuth: true });
    expect(s['listeners']).toContain(',MTLS://127.0.0.1:19407');
    expect(s['listener.name.mtls.ssl.client.auth']).toBe('required');
    expect(s['listener.name.sasl_ssl.sasl.enabled.mechanisms']).toContain('OAUTHBEARER');
    expect(secureServerSettings(input)['listener.name.sasl_ssl.oauthbearer.sasl.jaas.config']).toBeUndefined();
  });
});

describe('a local cluster (clusterNodes, clusterNodeSettings, nodeJavaArgs)', () => {
  it('lays 3 brokers and 3 controllers on 6 consecutive ports, in either layout', () => {
    const split = clusterNodes(3, 19550, 'split');
    expect(split.map((n) => [n.id, n.role, n.clientPort ?? n.controllerPort])).toEqual([
      [1, 'broker', 19550],
      [2, 'broker', 19551],
      [3, 'broker', 19552],
      [4, 'controller', 19553],
      [5, 'controller', 19554],
      [6, 'controller', 19555],
    ]);
    const combined = clusterNodes(3, 19550, 'combined');
    expect(combined.map((n) => [n.id, n.role, n.clientPort, n.controllerPort])).toEqual([
      [1, 'broker,controller', 19550, 19553],
      [2, 'broker,controller', 19551, 19554],
      [3, 'broker,controller', 19552, 19555],
    ]);
    expect(clusterPortCount(3)).toBe(6);
  });

  it('gives every node the same voters and production replication, each its own listeners and data', () => {
    const nodes = clusterNodes(3, 19550, 'split');
    const props = nodes.map((n) =>
      parseProperties(renderNodeProperties(clusterNodeSettings(n, nodes, `/h/node${n.id}/data`))),
    );
    const voters = '4@127.0.0.1:19553,5@127.0.0.1:19554,6@127.0.0.1:19555';
    for (const p of props) expect(p['controller.quorum.voters']).toBe(voters);
    const broker = props[0]!;
    expect(broker).toMatchObject({
      'process.roles': 'broker',
      'node.id': '1',
      listeners: 'PLAINTEXT://127.0.0.1:19550',
      'advertised.listeners': 'PLAINTEXT://127.0.0.1:19550',
      'log.dirs': '/h/node1/data',
      'min.insync.replicas': '2',
      'offsets.topic.replication.factor': '3',
      'transaction.state.log.min.isr': '2',
      'broker.session.timeout.ms': '3000',
    });
    // Topic defaults belong to the controller role in KRaft (a broker-only node warns and ignores them).
    expect(broker['default.replication.factor']).toBeUndefined();
    const controller = props[3]!;
    expect(controller).toMatchObject({
      'process.roles': 'controller',
      'node.id': '4',
      listeners: 'CONTROLLER://127.0.0.1:19553',
      'default.replication.factor': '3',
    });
    expect(controller['advertised.listeners']).toBeUndefined();
    const combined = clusterNodes(3, 19550, 'combined');
    const c2 = clusterNodeSettings(combined[1]!, combined, '/d');
    expect(c2['listeners']).toBe('PLAINTEXT://127.0.0.1:19551,CONTROLLER://127.0.0.1:19554');
    expect(c2['controller.quorum.voters']).toBe('1@127.0.0.1:19553,2@127.0.0.1:19554,3@127.0.0.1:19555');
  });

  it('scales replication down for fewer than 3 brokers', () => {
    expect(clusterSettings(2)).toMatchObject({ 'default.replication.factor': '2', 'min.insync.replicas': '1' });
    expect(clusterSettings(5)).toMatchObject({ 'default.replication.factor': '3', 'min.insync.replicas': '2' });
  });

  it('starts nodes with small heaps, C1 only and the class-data archive when given', () => {
    const base = { libsDir: '/l', log4jConfigPath: '/c.yaml', serverPropertiesPath: '/h/node1/server.properties' };
    const broker = nodeJavaArgs({ ...base, role: 'broker', cdsArchive: { path: '/a.jsa', create: false } });
    expect(broker).toEqual(
      expect.arrayContaining(['-Xmx384m', '-Xms64m', '-XX:TieredStopAtLevel=1', '-XX:SharedArchiveFile=/a.jsa']),
    );
    expect(broker.slice(-2)).toEqual(['kafka.Kafka', '/h/node1/server.properties']);
    expect(nodeJavaArgs({ ...base, role: 'controller' })).toContain('-Xmx128m');
    expect(nodeJavaArgs({ ...base, role: 'broker', cdsArchive: { path: '/t.jsa', create: true } })).toContain(
      '-XX:ArchiveClassesAtExit=/t.jsa',
    );
    expect(nodeJavaArgs({ ...base, role: 'broker' }).some((a) => a.includes('Archive'))).toBe(false);
  });
});
