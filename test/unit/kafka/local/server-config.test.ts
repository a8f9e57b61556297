import { describe, expect, it } from 'vitest';
import {
  brokerJavaArgs,
  formatJavaArgs,
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
