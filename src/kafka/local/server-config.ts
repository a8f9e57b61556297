// The single-node KRaft broker's configuration: server.properties, the cluster id and the JVM
// command line. docker-compose.yml carries the same settings (a unit test compares them).
import { randomBytes } from 'node:crypto';

export interface ServerConfigInput {
  port: number;
  controllerPort: number;
  dataDir: string;
  /** Interface to bind and advertise; loopback so a laptop broker is never reachable from the network. */
  host?: string;
}

/**
 * Settings that do not depend on ports or paths. Everything a single node needs (replication
 * factors of 1) plus what makes it quick on a laptop; docker-compose.yml must carry the same.
 */
export const SINGLE_NODE_SETTINGS: Readonly<Record<string, string>> = {
  'process.roles': 'broker,controller',
  'node.id': '1',
  'controller.listener.names': 'CONTROLLER',
  'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
  'inter.broker.listener.name': 'PLAINTEXT',
  // sc-sim creates topics from the catalog; a typo in a topic name must fail, not create a topic.
  'auto.create.topics.enable': 'false',
  'num.partitions': '1',
  'offsets.topic.replication.factor': '1',
  'transaction.state.log.replication.factor': '1',
  'transaction.state.log.min.isr': '1',
  'share.coordinator.state.topic.replication.factor': '1',
  'share.coordinator.state.topic.min.isr': '1',
  // Consumers in tests and scenarios join at once; the default 3 s delay only slows every run.
  'group.initial.rebalance.delay.ms': '0',
};

export function serverSettings(input: ServerConfigInput): Record<string, string> {
  const host = input.host ?? '127.0.0.1';
  return {
    ...SINGLE_NODE_SETTINGS,
    'controller.quorum.voters': `1@${host}:${input.controllerPort}`,
    listeners: `PLAINTEXT://${host}:${input.port},CONTROLLER://${host}:${input.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://${host}:${input.port}`,
    'log.dirs': input.dataDir,
  };
}

/** Escapes a value for java.util.Properties (backslashes would otherwise vanish from Windows paths). */
function escapePropertyValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

export function renderServerProperties(input: ServerConfigInput): string {
  const lines = [
    '# Written by `sc-sim kafka up`; rewritten on every start, edit src/kafka/local/server-config.ts instead.',
  ];
  for (const [key, value] of Object.entries(serverSettings(input))) lines.push(`${key}=${escapePropertyValue(value)}`);
  return lines.join('\n') + '\n';
}

/**
 * A KRaft cluster id as Kafka's own `Uuid.randomUuid` makes one: a version-4 UUID as unpadded
 * base64url (22 chars), drawn again when it would start with '-' (a command line would read it as
 * an option) or be one of Kafka's reserved ids (all zeros, or the metadata topic's 0…01).
 */
export function generateClusterId(random: (size: number) => Buffer = randomBytes): string {
  for (;;) {
    const bytes = Buffer.from(random(16));
    bytes[6] = (bytes[6]! & 0x0f) | 0x40; // version 4
    bytes[8] = (bytes[8]! & 0x3f) | 0x80; // IETF variant
    const id = bytes.toString('base64url');
    if (isValidClusterId(id)) return id;
  }
}

/** 22 base64url characters, not starting with '-'. (A v4 UUID is never one of Kafka's reserved ids.) */
export function isValidClusterId(id: string): boolean {
  return /^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/.test(id);
}

export interface JavaCommandInput {
  libsDir: string;
  log4jConfigPath: string;
  serverPropertiesPath: string;
  /** Upper bound for the heap; a laptop broker for simulations needs far less than a production one. */
  maxHeapMb?: number;
}

/** JVM flags: a bounded heap and G1 with short pauses (Kafka's own defaults, minus the 1 GB -Xms). */
export function brokerJavaArgs(input: JavaCommandInput): string[] {
  return [
    `-Xmx${input.maxHeapMb ?? 1024}m`,
    '-Xms256m',
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-XX:InitiatingHeapOccupancyPercent=35',
    '-XX:+ExplicitGCInvokesConcurrent',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${input.log4jConfigPath}`,
    '-cp',
    classpath(input.libsDir),
    'kafka.Kafka',
    input.serverPropertiesPath,
  ];
}

export function formatJavaArgs(input: {
  libsDir: string;
  log4jConfigPath: string;
  serverPropertiesPath: string;
  clusterId: string;
}): string[] {
  // A one-shot tool: the C1 compiler and serial GC start it about a second sooner than the defaults.
  return [
    '-Xmx256m',
    '-XX:TieredStopAtLevel=1',
    '-XX:+UseSerialGC',
    // Its INFO output is a dump of every broker config; the one line that matters goes to stdout anyway.
    '-Dsc-sim.log.level=WARN',
    `-Dlog4j2.configurationFile=${input.log4jConfigPath}`,
    '-cp',
    classpath(input.libsDir),
    'kafka.tools.StorageTool',
    'format',
    '--ignore-formatted',
    // One argument, so an id can never be taken for an option whatever its first character.
    `--cluster-id=${input.clusterId}`,
    '-c',
    input.serverPropertiesPath,
  ];
}

/** A JVM classpath wildcard: every jar in the directory (the JVM expands `dir/*` itself). */
function classpath(libsDir: string): string {
  return `${libsDir}/*`;
}
