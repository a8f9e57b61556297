import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { COMPOSE_SERVICE } from '../../src/kafka/local/docker.js';
import { DEFAULT_KAFKA_PORT, KAFKA_VERSION } from '../../src/kafka/local/index.js';
import { COMPOSE_FILE_PATH } from '../../src/kafka/local/paths.js';
import { isValidClusterId, SINGLE_NODE_SETTINGS, serverSettings } from '../../src/kafka/local/server-config.js';

interface ComposeService {
  image: string;
  ports: string[];
  environment: Record<string, string>;
  healthcheck: { test: string[] };
  volumes: string[];
}

/** Applies compose's `${VAR:-default}` interpolation with VAR unset, i.e. what a plain `docker compose up` sees. */
function withDefaults(value: string): string {
  return value.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');
}

const compose = parse(readFileSync(COMPOSE_FILE_PATH, 'utf8')) as {
  name: string;
  services: Record<string, ComposeService>;
};
const service = compose.services[COMPOSE_SERVICE]!;
const env = Object.fromEntries(Object.entries(service.environment).map(([k, v]) => [k, withDefaults(String(v))]));

/** The apache/kafka image turns KAFKA_FOO_BAR into foo.bar in server.properties. */
const brokerProps = Object.fromEntries(
  Object.entries(env)
    .filter(([k]) => k.startsWith('KAFKA_'))
    .map(([k, v]) => [k.slice('KAFKA_'.length).toLowerCase().replace(/_/g, '.'), v]),
);

describe('docker-compose.yml', () => {
  it('parses and defines the kafka service under a fixed project name', () => {
    expect(compose.name).toBe('sc-sim');
    expect(service).toBeDefined();
  });

  it('runs the official image at the version pinned in kafka/pom.xml', () => {
    expect(service.image).toBe(`apache/kafka:${KAFKA_VERSION}`);
  });

  it('publishes the same default port as the JVM broker, on loopback only', () => {
    expect(service.ports.map(withDefaults)).toEqual([`127.0.0.1:${DEFAULT_KAFKA_PORT}:${DEFAULT_KAFKA_PORT}`]);
    expect(brokerProps['advertised.listeners']).toBe(`PLAINTEXT://127.0.0.1:${DEFAULT_KAFKA_PORT}`);
    expect(brokerProps['listeners']).toBe(`PLAINTEXT://:${DEFAULT_KAFKA_PORT},CONTROLLER://localhost:9093`);
  });

  it('uses exactly the JVM broker settings (KRaft single node, no auto-create, RF 1)', () => {
    const jvm = serverSettings({
      port: DEFAULT_KAFKA_PORT,
      controllerPort: DEFAULT_KAFKA_PORT + 1,
      dataDir: '/var/lib/kafka/data',
    });
    // Listener hosts differ by nature (container vs loopback); everything else must be identical.
    const { listeners: _l, 'controller.quorum.voters': voters, ...rest } = brokerProps;
    const { listeners: _jl, 'controller.quorum.voters': jvmVoters, ...jvmRest } = jvm;
    expect(rest).toEqual(jvmRest);
    expect(voters?.replace('localhost', '127.0.0.1')).toBe(jvmVoters);
    for (const key of Object.keys(SINGLE_NODE_SETTINGS)) expect(brokerProps[key], key).toBe(SINGLE_NODE_SETTINGS[key]);
  });

  it('has a valid fixed cluster id and keeps data in a named volume', () => {
    expect(isValidClusterId(env['CLUSTER_ID'] ?? '')).toBe(true);
    expect(service.volumes).toContain(`kafka-data:${brokerProps['log.dirs']}`);
  });

  it('reports healthy only when the broker answers API requests on its port', () => {
    const test = service.healthcheck.test.map(withDefaults).join(' ');
    expect(test).toContain('/opt/kafka/bin/kafka-broker-api-versions.sh');
    expect(test).toContain(`--bootstrap-server localhost:${DEFAULT_KAFKA_PORT}`);
  });
});
