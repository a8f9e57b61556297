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

export interface SecureConfigInput extends ServerConfigInput {
  /** Interface the client listeners bind ('' = all, inside a container); default `host`. */
  bindHost?: string;
  /** PEM keystore (key + certificate + CA) and the CA certificate. */
  keystoreFile: string;
  caFile: string;
  /** Properties file holding the passwords, read by Kafka's FileConfigProvider at start. */
  credentialsFile: string;
  /** Key of each password in the credentials file. */
  passwordKeys: { admin: string; app: string; controller: string };
  users: { admin: string; app: string; controller: string };
  /** Also an mTLS listener (SSL, client certificate required) on this port. */
  mtlsPort?: number;
  /** Also accept OAUTHBEARER with Kafka's unsecured (unsigned-token) validator: for tests only. */
  unsecuredOAuth?: boolean;
}

const SCRAM_MODULE = 'org.apache.kafka.common.security.scram.ScramLoginModule';
const PLAIN_MODULE = 'org.apache.kafka.common.security.plain.PlainLoginModule';

/**
 * The secured broker: one SASL_SSL listener for clients and the broker itself (SCRAM-SHA-512 as the
 * admin), a SASL_PLAINTEXT controller listener on loopback with a static PLAIN super user (SCRAM
 * credentials live in the metadata the controller serves, and an unauthenticated controller link
 * would be ANONYMOUS, which the authorizer denies), the StandardAuthorizer denying by default.
 * server.properties holds no password: each `${file:...}` is read from the credentials file.
 */
export function secureServerSettings(input: SecureConfigInput): Record<string, string> {
  const host = input.host ?? '127.0.0.1';
  const bind = input.bindHost ?? host;
  const secret = (key: string) => `\${file:${input.credentialsFile}:${key}}`;
  const { users, passwordKeys: k } = input;
  const mechanisms = ['SCRAM-SHA-512', 'SCRAM-SHA-256', 'PLAIN', ...(input.unsecuredOAuth ? ['OAUTHBEARER'] : [])];
  const mtls = input.mtlsPort !== undefined;
  const settings: Record<string, string> = {
    ...SINGLE_NODE_SETTINGS,
    'config.providers': 'file',
    'config.providers.file.class': 'org.apache.kafka.common.config.provider.FileConfigProvider',
    'controller.quorum.voters': `1@${host}:${input.controllerPort}`,
    listeners:
      `SASL_SSL://${bind}:${input.port},CONTROLLER://${host}:${input.controllerPort}` +
      (mtls ? `,MTLS://${bind}:${input.mtlsPort}` : ''),
    'advertised.listeners': `SASL_SSL://${host}:${input.port}` + (mtls ? `,MTLS://${host}:${input.mtlsPort}` : ''),
    'listener.security.protocol.map': `CONTROLLER:SASL_PLAINTEXT,SASL_SSL:SASL_SSL${mtls ? ',MTLS:SSL' : ''}`,
    'inter.broker.listener.name': 'SASL_SSL',
    'sasl.mechanism.inter.broker.protocol': 'SCRAM-SHA-512',
    'sasl.mechanism.controller.protocol': 'PLAIN',
    'listener.name.sasl_ssl.sasl.enabled.mechanisms': mechanisms.join(','),
    // Every enabled mechanism needs a JAAS entry; SHA-512's also logs the broker in as the admin.
    'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config': `${SCRAM_MODULE} required username="${users.admin}" password="${secret(k.admin)}";`,
    'listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config': `${SCRAM_MODULE} required;`,
    // PLAIN cannot use the SCRAM credentials: its users are listed here (passwords from the file).
    'listener.name.sasl_ssl.plain.sasl.jaas.config': `${PLAIN_MODULE} required user_${users.admin}="${secret(k.admin)}" user_${users.app}="${secret(k.app)}";`,
    'listener.name.controller.sasl.enabled.mechanisms': 'PLAIN',
    'listener.name.controller.plain.sasl.jaas.config': `${PLAIN_MODULE} required username="${users.controller}" password="${secret(k.controller)}" user_${users.controller}="${secret(k.controller)}";`,
    'ssl.keystore.type': 'PEM',
    'ssl.keystore.location': input.keystoreFile,
    'ssl.truststore.type': 'PEM',
    'ssl.truststore.location': input.caFile,
    // A client certificate's subject CN=<name> is the principal User:<name>, as a SASL user would be.
    'ssl.principal.mapping.rules': 'RULE:^CN=([^,]+)$/$1/,DEFAULT',
    'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    'allow.everyone.if.no.acl.found': 'false',
    'super.users': `User:${users.admin};User:${users.controller}`,
    'log.dirs': input.dataDir,
  };
  if (mtls) settings['listener.name.mtls.ssl.client.auth'] = 'required';
  if (input.unsecuredOAuth) {
    settings['listener.name.sasl_ssl.oauthbearer.sasl.jaas.config'] =
      'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;';
    settings['listener.name.sasl_ssl.oauthbearer.sasl.server.callback.handler.class'] =
      'org.apache.kafka.common.security.oauthbearer.internals.unsecured.OAuthBearerUnsecuredValidatorCallbackHandler';
  }
  return settings;
}

/** Escapes a value for java.util.Properties (backslashes would otherwise vanish from Windows paths). */
function escapePropertyValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

export function renderServerProperties(input: ServerConfigInput | SecureConfigInput): string {
  const lines = [
    '# Written by `sc-sim kafka up`; rewritten on every start, edit src/kafka/local/server-config.ts instead.',
  ];
  const settings = 'credentialsFile' in input ? secureServerSettings(input) : serverSettings(input);
  for (const [key, value] of Object.entries(settings)) lines.push(`${key}=${escapePropertyValue(value)}`);
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

/** G1 with short pauses, as Kafka's own start script sets it. */
const G1_FLAGS = [
  '-XX:+UseG1GC',
  '-XX:MaxGCPauseMillis=20',
  '-XX:InitiatingHeapOccupancyPercent=35',
  '-XX:+ExplicitGCInvokesConcurrent',
];

/** The end of every broker or controller command line: logging, the jars, the class, its properties. */
function kafkaMain(input: JavaCommandInput): string[] {
  return [
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${input.log4jConfigPath}`,
    '-cp',
    classpath(input.libsDir),
    'kafka.Kafka',
    input.serverPropertiesPath,
  ];
}

/** JVM flags: a bounded heap and G1 with short pauses (Kafka's own defaults, minus the 1 GB -Xms). */
export function brokerJavaArgs(input: JavaCommandInput): string[] {
  return [`-Xmx${input.maxHeapMb ?? 1024}m`, '-Xms256m', ...G1_FLAGS, ...kafkaMain(input)];
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

// ---- A multi-node cluster (`kafka up --nodes 3`) ----------------------------------------------

/** `split`: controller-only JVMs beside broker-only JVMs; `combined`: every node is both. */
export type ClusterLayout = 'split' | 'combined';
export type NodeRole = 'broker' | 'controller' | 'broker,controller';

export interface ClusterNode {
  /** KRaft node id: brokers (or combined nodes) 1..N, split controllers N+1..2N. */
  id: number;
  role: NodeRole;
  /** The client listener (brokers and combined nodes). */
  clientPort?: number;
  /** The controller listener (controllers and combined nodes). */
  controllerPort?: number;
}

/**
 * The nodes of an N-node cluster on consecutive ports: brokers on port..port+N-1, controllers on
 * port+N..port+2N-1, whatever the layout, so `--port P --nodes 3` always takes P..P+5.
 */
export function clusterNodes(nodes: number, port: number, layout: ClusterLayout): ClusterNode[] {
  const out: ClusterNode[] = [];
  for (let i = 0; i < nodes; i++) {
    if (layout === 'combined') {
      out.push({ id: i + 1, role: 'broker,controller', clientPort: port + i, controllerPort: port + nodes + i });
    } else {
      out.push({ id: i + 1, role: 'broker', clientPort: port + i });
    }
  }
  if (layout === 'split') {
    for (let i = 0; i < nodes; i++)
      out.push({ id: nodes + i + 1, role: 'controller', controllerPort: port + nodes + i });
  }
  return out;
}

/** Every port a cluster takes (its size and first port). */
export const clusterPortCount = (nodes: number): number => 2 * nodes;

/**
 * Replication, durability and failover settings of a cluster of `brokers` brokers: what production
 * has (3 replicas, min.insync.replicas=2), plus quick failure detection so a test sees a leader move
 * in ~3 s instead of ~9 s, and leadership returning to a restarted node in seconds, not 5 minutes.
 * docker-compose.yml's cluster profile must carry the same (a unit test compares them).
 */
export function clusterSettings(brokers: number): Record<string, string> {
  const rf = String(Math.min(3, brokers));
  const minIsr = String(brokers >= 3 ? 2 : 1);
  return {
    'controller.listener.names': 'CONTROLLER',
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    'inter.broker.listener.name': 'PLAINTEXT',
    'auto.create.topics.enable': 'false',
    'num.partitions': '1',
    'default.replication.factor': rf,
    'min.insync.replicas': minIsr,
    'offsets.topic.replication.factor': rf,
    // 50 and 50 by default: a test cluster needs few, and each one is a log on every broker.
    'offsets.topic.num.partitions': '6',
    'transaction.state.log.replication.factor': rf,
    'transaction.state.log.min.isr': minIsr,
    'transaction.state.log.num.partitions': '6',
    'share.coordinator.state.topic.replication.factor': rf,
    'share.coordinator.state.topic.min.isr': minIsr,
    'group.initial.rebalance.delay.ms': '0',
    'broker.heartbeat.interval.ms': '500',
    'broker.session.timeout.ms': '3000',
    'leader.imbalance.check.interval.seconds': '10',
  };
}

/** Settings only the controller role reads (topic defaults are applied by the controller in KRaft). */
const CONTROLLER_ONLY_KEYS = ['num.partitions', 'default.replication.factor'];

/** One node's server.properties settings: the cluster's, its role, id, listeners and data dir. */
export function clusterNodeSettings(
  node: ClusterNode,
  all: readonly ClusterNode[],
  dataDir: string,
  host = '127.0.0.1',
): Record<string, string> {
  const brokers = all.filter((n) => n.role !== 'controller').length;
  const settings = clusterSettings(brokers);
  // Kafka 4.4 warns that a broker-only node ignores these (and will reject them in 5.0).
  if (node.role === 'broker') for (const k of CONTROLLER_ONLY_KEYS) delete settings[k];
  const voters = all
    .filter((n) => n.role !== 'broker')
    .map((n) => `${n.id}@${host}:${n.controllerPort}`)
    .join(',');
  const listeners: string[] = [];
  if (node.clientPort !== undefined) listeners.push(`PLAINTEXT://${host}:${node.clientPort}`);
  if (node.role !== 'broker' && node.controllerPort !== undefined)
    listeners.push(`CONTROLLER://${host}:${node.controllerPort}`);
  const out: Record<string, string> = {
    'process.roles': node.role,
    'node.id': String(node.id),
    'controller.quorum.voters': voters,
    listeners: listeners.join(','),
    ...settings,
    'log.dirs': dataDir,
  };
  if (node.clientPort !== undefined) out['advertised.listeners'] = `PLAINTEXT://${host}:${node.clientPort}`;
  if (node.role === 'controller') delete out['inter.broker.listener.name'];
  return out;
}

export function renderNodeProperties(settings: Readonly<Record<string, string>>): string {
  const lines = [
    '# Written by `sc-sim kafka up --nodes N`; rewritten on every start, edit src/kafka/local/server-config.ts instead.',
  ];
  for (const [key, value] of Object.entries(settings)) lines.push(`${key}=${escapePropertyValue(value)}`);
  return lines.join('\n') + '\n';
}

/** Heap per role: three brokers and three controllers fit a 2-core laptop next to the load generator. */
export function nodeMaxHeapMb(role: NodeRole): number {
  return role === 'controller' ? 128 : 384;
}

/**
 * JVM flags of a cluster node. C1 only (-XX:TieredStopAtLevel=1) and, when present, a class-data
 * archive cut a start from ~10 to ~2-4 CPU-seconds per JVM: six JVMs start on two cores in ~10 s.
 * A missing or mismatched archive only makes the JVM print a warning and go on.
 */
export function nodeJavaArgs(
  input: JavaCommandInput & { role: NodeRole; cdsArchive?: { path: string; create: boolean } },
): string[] {
  const heapMb = input.maxHeapMb ?? nodeMaxHeapMb(input.role);
  const cds = input.cdsArchive;
  return [
    `-Xmx${heapMb}m`,
    '-Xms64m',
    ...G1_FLAGS,
    '-XX:TieredStopAtLevel=1',
    ...(cds ? [cds.create ? `-XX:ArchiveClassesAtExit=${cds.path}` : `-XX:SharedArchiveFile=${cds.path}`] : []),
    ...kafkaMain(input),
  ];
}
