import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  COMPOSE_SECURE_PROFILE,
  COMPOSE_SECURE_SERVICE,
  COMPOSE_SERVICE,
  CONTAINER_SECURE_HOME,
} from '../../src/kafka/local/docker.js';
import {
  DEFAULT_KAFKA_PORT,
  DOCKER_SCRAM_ARGS_FILE,
  KAFKA_VERSION,
  dockerSecureConfigInput,
  secureConfigInput,
} from '../../src/kafka/local/index.js';
import { COMPOSE_FILE_PATH } from '../../src/kafka/local/paths.js';
import {
  clusterSettings,
  isValidClusterId,
  nodeMaxHeapMb,
  secureServerSettings,
  SINGLE_NODE_SETTINGS,
  serverSettings,
} from '../../src/kafka/local/server-config.js';

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

describe('docker-compose.yml, profile secure', () => {
  const secure = (
    compose.services as Record<
      string,
      ComposeService & { profiles: string[]; user: string; entrypoint: string[]; command: string[] }
    >
  )[COMPOSE_SECURE_SERVICE]!;
  const script = secure.command.join('\n');

  it("is the same image on the same loopback port, only under the secure profile, as the home's owner", () => {
    expect(secure.profiles).toEqual([COMPOSE_SECURE_PROFILE]);
    expect(secure.image).toBe(`apache/kafka:${KAFKA_VERSION}`);
    expect(secure.ports.map(withDefaults)).toEqual([`127.0.0.1:${DEFAULT_KAFKA_PORT}:${DEFAULT_KAFKA_PORT}`]);
    expect(secure.user).toBe('${SC_SIM_KAFKA_UID:-1000}:${SC_SIM_KAFKA_GID:-1000}');
    expect(secure.volumes).toEqual([`\${SC_SIM_KAFKA_SECURE_HOME:-./.sc-sim/kafka}:${CONTAINER_SECURE_HOME}`]);
    expect(isValidClusterId(String(secure.environment['CLUSTER_ID']))).toBe(true);
  });

  it("formats once with the home's salted SCRAM users (output dropped), then runs the home's server.properties", () => {
    const props = `${CONTAINER_SECURE_HOME}/server.properties`;
    expect(secure.entrypoint).toEqual(['/bin/bash', '-c']);
    expect(script).toContain(`if [ ! -f ${CONTAINER_SECURE_HOME}/data/meta.properties ]`);
    expect(script).toContain(`done < ${CONTAINER_SECURE_HOME}/${DOCKER_SCRAM_ARGS_FILE}`);
    expect(script).toMatch(
      new RegExp(`kafka-storage\\.sh format --ignore-formatted .* -c ${props} "\\$\\$\\{args\\[@\\]\\}" > /dev/null`),
    );
    expect(script).toContain(`exec /opt/kafka/bin/kafka-server-start.sh ${props}`);
  });

  it("that server.properties is the JVM broker's, with the paths the container sees and listening on all its interfaces", () => {
    const port = DEFAULT_KAFKA_PORT;
    const docker = secureServerSettings(dockerSecureConfigInput(port));
    const jvm = secureServerSettings(
      secureConfigInput('/home/me/.sc-sim/kafka', { port, controllerPort: 9093 }, { host: '127.0.0.1' }),
    );
    const asContainer = (v: string) => v.replaceAll('/home/me/.sc-sim/kafka', CONTAINER_SECURE_HOME);
    const { listeners, ...rest } = docker;
    const { listeners: jvmListeners, ...jvmRest } = jvm;
    expect(rest).toEqual(Object.fromEntries(Object.entries(jvmRest).map(([k, v]) => [k, asContainer(v)])));
    expect(listeners).toBe(`SASL_SSL://:${port},CONTROLLER://127.0.0.1:9093`);
    expect(jvmListeners).toBe(`SASL_SSL://127.0.0.1:${port},CONTROLLER://127.0.0.1:9093`);
    expect(docker['advertised.listeners']).toBe(`SASL_SSL://127.0.0.1:${port}`);
    // No password in the file: each one is read from the credentials file by Kafka's FileConfigProvider.
    expect(docker['listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config']).toContain(
      `password="\${file:${CONTAINER_SECURE_HOME}/credentials.properties:admin.password}"`,
    );
  });
});

describe("docker-compose.yml's cluster profile", () => {
  // Merge keys (`<<: *cluster-env`) resolved, as compose resolves them.
  const full = parse(readFileSync(COMPOSE_FILE_PATH, 'utf8'), { merge: true }) as {
    services: Record<string, ComposeService & { profiles?: string[] }>;
  };
  const nodes = [1, 2, 3].map((n) => full.services[`kafka-${n}`]!);
  const propsOf = (s: ComposeService) =>
    Object.fromEntries(
      Object.entries(s.environment)
        .filter(([k]) => k.startsWith('KAFKA_') && !k.endsWith('_OPTS'))
        .map(([k, v]) => [k.slice('KAFKA_'.length).toLowerCase().replace(/_/g, '.'), String(v)]),
    );

  it('has three nodes only under the profile; the single node stays the default', () => {
    expect(nodes.every((s) => s.profiles?.includes('cluster'))).toBe(true);
    expect((full.services[COMPOSE_SERVICE] as { profiles?: string[] }).profiles).toBeUndefined();
    expect(nodes.map((s) => s.image)).toEqual(nodes.map(() => `apache/kafka:${KAFKA_VERSION}`));
  });

  it('carries the JVM cluster settings (replication, min ISR, failover) on every node', () => {
    const jvm = clusterSettings(3);
    // Listener names differ by nature (INTERNAL/EXTERNAL in the container network).
    const skip = new Set(['listener.security.protocol.map', 'inter.broker.listener.name']);
    for (const s of nodes) {
      const props = propsOf(s);
      for (const [k, v] of Object.entries(jvm)) if (!skip.has(k)) expect(props[k], k).toBe(v);
    }
    expect(nodes.map((s) => propsOf(s)['node.id'])).toEqual(['1', '2', '3']);
    expect(new Set(nodes.map((s) => propsOf(s)['controller.quorum.voters'])).size).toBe(1);
  });

  it('gives each node the JVM cluster heap and C1, and its own loopback port', () => {
    for (const s of nodes) {
      expect(s.environment['KAFKA_HEAP_OPTS']).toBe(`-Xmx${nodeMaxHeapMb('broker,controller')}m -Xms64m`);
      expect(s.environment['KAFKA_JVM_PERFORMANCE_OPTS']).toContain('-XX:TieredStopAtLevel=1');
    }
    expect(nodes.map((s) => s.ports[0])).toEqual(['127.0.0.1:9192:9192', '127.0.0.1:9193:9193', '127.0.0.1:9194:9194']);
  });
});
