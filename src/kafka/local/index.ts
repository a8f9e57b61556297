// The local Kafka broker sc-sim runs for development and tests: a single-node KRaft broker on the
// JVM (jars from Maven Central, no Docker needed) or, when a Docker engine answers, the same broker
// from docker-compose.yml. up/down/status/logs are idempotent and find a running instance by its home.
import { existsSync } from 'node:fs';
import { appendFile, mkdir, open, rm, stat, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { KafkaConnection } from '../../config.js';
import { ScSimError } from '../../errors.js';
import { ensureCertificates } from './certs.js';
import {
  CONTAINER_SECURE_HOME,
  composeDataSizeBytes,
  composeDown,
  composeLogs,
  composeRunning,
  composeUp,
  dockerEngineAnswers,
  requireDocker,
  type ComposeTarget,
} from './docker.js';
import { exec, lastLines } from './exec.js';
import {
  dirUsage,
  lastStartLines,
  readInstance,
  rotateLogIfLarge,
  START_MARKER,
  tailLines,
  writeInstance,
  writePrivateFile,
  type InstanceRecord,
} from './instance.js';
import { ensureJars } from './jars.js';
import { ensureJava } from './java.js';
import { isPortFree, validatePort } from './ports.js';
import {
  KAFKA_VERSION,
  LOG4J_CONFIG_PATH,
  instancePaths,
  resolveCacheRoot,
  resolveHome,
  type InstancePaths,
} from './paths.js';
import { isBrokerAnswering } from './probe.js';
import { isOurBroker, readPidFile, removePidFile, stopProcess, writePidFile } from './process.js';
import { clusterDown, clusterLogFiles, clusterLogs, clusterStatus, clusterUp, type NodeStatus } from './cluster.js';
import { spawnJava, type SpawnedJvm } from './spawn.js';
import {
  brokerJavaArgs,
  formatJavaArgs,
  generateClusterId,
  renderServerProperties,
  type ClusterLayout,
  type SecureConfigInput,
} from './server-config.js';
import {
  ADMIN_USER,
  APP_GROUP_PREFIX,
  APP_TOPIC_PREFIX,
  APP_USER,
  CONTROLLER_USER,
  CREDENTIAL_KEYS,
  applyAppUserAcls,
  ensureCredentials,
  scramUserArgs,
  writeClientConfig,
  type Credentials,
} from './users.js';

export { KAFKA_VERSION };
export { isBrokerAnswering };

export const DEFAULT_KAFKA_PORT = 9092;
export const DEFAULT_UP_TIMEOUT_MS = 90_000;
/** How long Kafka gets to shut down cleanly after SIGTERM before it is killed. */
export const STOP_GRACE_MS = 30_000;
const HOST = '127.0.0.1';
/** The secured container's controller port: inside the container only. */
const DOCKER_CONTROLLER_PORT = 9093;
/** In a secure Docker home: the salted SCRAM users for the container's first format. */
export const DOCKER_SCRAM_ARGS_FILE = 'scram-format-args';

export interface LocalKafkaOptions {
  /** Instance dir, default '<repo>/.sc-sim/kafka' or SC_SIM_KAFKA_HOME (data, logs, pid, config). */
  home?: string;
  /** Default: the port remembered in the home, else 9092. */
  port?: number;
  /** Default: port + 1. */
  controllerPort?: number;
  /** auto: docker compose if a Docker engine answers, else jvm. */
  mode?: 'auto' | 'jvm' | 'docker';
  /** Bound for `up` waiting for metadata (default 90_000). */
  timeoutMs?: number;
  /** Progress lines (the CLI writes them to stderr). */
  onProgress?: (msg: string) => void;
  /** Jar cache root, default SC_SIM_KAFKA_CACHE or '<repo>/.sc-sim/cache' (holds kafka-<version>/libs). */
  cacheDir?: string;
  /** `up` only: wipe the data dir before starting when the instance is not running (tests start empty). */
  freshData?: boolean;
  /**
   * `up` only: SASL_SSL with SCRAM users, a local CA and ACLs (remembered: a secure home stays
   * secure). A home formatted without it cannot be turned secure.
   */
  secure?: boolean;
  /** Secure mode, for tests: also an mTLS listener on this port. */
  mtlsPort?: number;
  /** Secure mode, for tests only: also accept unsigned OAUTHBEARER tokens (anyone could be anyone). */
  unsecuredOAuth?: boolean;
  /** `up` only: brokers in a local cluster (default: the remembered count, else 1 — the single node). */
  nodes?: number;
  /** `up` only, with nodes > 1: controller-only JVMs beside the brokers (default), or combined nodes. */
  layout?: ClusterLayout;
}

/** Where a secure broker's clients find what they need; passwords stay in the files. */
export interface SecureBrokerInfo {
  caFile: string;
  /** Client properties files (--command-config) for the admin and the restricted user. */
  adminConfig: string;
  appConfig: string;
  /** The passwords (0600). */
  credentialsFile: string;
  users: { admin: string; app: string };
}

export interface KafkaUpResult {
  status: 'started' | 'already-running';
  brokers: string[];
  version: string;
  mode: 'jvm' | 'docker';
  tookMs: number;
  downloaded: boolean;
  /** Set for a secure broker. */
  secure?: SecureBrokerInfo;
  /** A cluster (`--nodes N`, N > 1): every node, and its layout. */
  nodes?: NodeStatus[];
  layout?: ClusterLayout;
}

export interface KafkaStatus {
  running: boolean;
  mode: 'jvm' | 'docker';
  version: string;
  brokers: string[];
  pid?: number;
  /** Bytes the data takes on disk (allocated, as `du` counts). */
  dataSizeBytes: number;
  /** The files' apparent size (Kafka's sparse, preallocated index files make it much larger). */
  dataApparentBytes?: number;
  home: string;
  /** SASL_SSL with SCRAM users and ACLs (`up --secure`). */
  secure: boolean;
  /** A cluster: every node (id, role, port, pid, up). */
  nodes?: NodeStatus[];
  layout?: ClusterLayout;
}

const brokersFor = (port: number): string[] => [`${HOST}:${port}`];

function checkPorts(port: number, controllerPort: number): void {
  for (const [name, value] of [
    ['--port', port],
    ['--controller-port', controllerPort],
  ] as const) {
    if (!validatePort(value)) {
      throw new ScSimError('E_USAGE', `${name} ${value} is not a TCP port`, { hint: 'use a number from 1 to 65535' });
    }
  }
  if (port === controllerPort) {
    throw new ScSimError('E_USAGE', `the broker and controller ports are both ${port}`, {
      hint: 'give the controller its own port with --controller-port (default: --port + 1)',
    });
  }
}

interface Resolved {
  paths: InstancePaths;
  inst: InstanceRecord | undefined;
  port: number;
  controllerPort: number;
  /** Asked for, or remembered by the home. */
  secure: boolean;
}

async function resolveInstance(o: LocalKafkaOptions): Promise<Resolved> {
  const paths = instancePaths(resolveHome(o.home));
  const inst = await readInstance(paths.instanceFile);
  const port = o.port ?? inst?.port ?? DEFAULT_KAFKA_PORT;
  // A new --port moves the controller along with it unless one is given explicitly.
  const controllerPort = o.controllerPort ?? (o.port !== undefined ? o.port + 1 : (inst?.controllerPort ?? port + 1));
  const secure = o.secure === true || inst?.secure === true || existsSync(paths.credentialsFile);
  return { paths, inst, port, controllerPort, secure };
}

/** The secure broker's files and users, as `up` reports them. */
function secureInfo(paths: InstancePaths): SecureBrokerInfo {
  return {
    caFile: join(paths.tlsDir, 'ca.crt'),
    adminConfig: paths.adminClientConfig,
    appConfig: paths.appClientConfig,
    credentialsFile: paths.credentialsFile,
    users: { admin: ADMIN_USER, app: APP_USER },
  };
}

/** How sc-sim reaches this home's broker: plaintext, or as the admin over SASL_SSL. */
export function adminConnection(paths: InstancePaths, brokers: string[], secure: boolean): KafkaConnection {
  if (!secure) return { brokers };
  return {
    brokers,
    security: {
      protocol: 'SASL_SSL',
      tls: { caFile: join(paths.tlsDir, 'ca.crt'), verifyHostname: true, insecureSkipVerify: false },
      sasl: {
        mechanism: 'SCRAM-SHA-512',
        username: ADMIN_USER,
        password: { from: 'properties', path: paths.credentialsFile, key: CREDENTIAL_KEYS.admin },
      },
    },
  };
}

/** The pid of this home's broker if it is alive and still ours; a stale pid file is removed. */
async function runningPid(paths: InstancePaths): Promise<number | undefined> {
  const pid = await readPidFile(paths.pidFile);
  if (pid === undefined) return undefined;
  if (isOurBroker(pid, paths.serverProperties)) return pid;
  await removePidFile(paths.pidFile);
  return undefined;
}

async function waitAnswering(connection: KafkaConnection, deadline: number): Promise<boolean> {
  while (Date.now() < deadline) {
    if (await isBrokerAnswering(connection, Math.min(3_000, Math.max(100, deadline - Date.now())))) return true;
    await sleep(250);
  }
  return false;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function kafkaUp(o: LocalKafkaOptions = {}): Promise<KafkaUpResult> {
  const t0 = Date.now();
  const r = await resolveInstance(o);
  const progress = o.onProgress ?? (() => undefined);
  const timeoutMs = o.timeoutMs ?? DEFAULT_UP_TIMEOUT_MS;
  const nodes = o.nodes ?? r.inst?.cluster?.nodes ?? 1;
  if (nodes > 1 || r.inst?.cluster) return upCluster(o, r, nodes, t0, timeoutMs);

  // An instance that is already up keeps its own mode and port, whatever was asked this time.
  const alreadyRunning = (inst: InstanceRecord): KafkaUpResult => ({
    status: 'already-running',
    brokers: brokersFor(inst.port),
    version: inst.version || KAFKA_VERSION,
    mode: inst.mode,
    tookMs: Date.now() - t0,
    downloaded: false,
    ...(inst.secure ? { secure: secureInfo(r.paths) } : {}),
  });
  if (r.inst?.mode === 'jvm' && (await runningPid(r.paths)) !== undefined) {
    if (o.secure && !r.inst.secure) throw notSecurable(r.paths, 'is running without --secure');
    const connection = adminConnection(r.paths, brokersFor(r.inst.port), r.inst.secure === true);
    if (!(await waitAnswering(connection, Date.now() + timeoutMs))) {
      throw await startFailed(r.paths, 'is running but does not answer');
    }
    return alreadyRunning(r.inst);
  }
  if (
    r.inst?.mode === 'docker' &&
    o.mode !== 'jvm' &&
    (await dockerEngineAnswers()) &&
    (await composeRunning(composeTarget(r.paths, r.inst.port, r.inst.secure === true)))
  ) {
    return alreadyRunning(r.inst);
  }

  checkPorts(r.port, r.controllerPort);
  if (r.secure && o.mode === 'docker') {
    throw new ScSimError('E_USAGE', '`kafka up --secure` runs the broker on the JVM', {
      hint: 'drop --docker; with Docker, use the compose profile: docker compose --profile secure up -d (see README)',
    });
  }
  let mode: 'jvm' | 'docker';
  if (o.mode === 'docker') {
    await requireDocker();
    mode = 'docker';
  } else if (o.mode === 'jvm') {
    mode = 'jvm';
  } else {
    mode = (await dockerEngineAnswers()) ? 'docker' : 'jvm';
    progress(
      mode === 'docker'
        ? 'a Docker engine answers: using docker compose'
        : 'no Docker engine answers: running Kafka on the JVM',
    );
  }
  return mode === 'docker' ? upDocker(o, r, t0, timeoutMs) : upJvm(o, r, t0, timeoutMs);
}

/** A cluster home: the per-node loop in cluster.ts, on the JVM only. */
async function upCluster(
  o: LocalKafkaOptions,
  r: Resolved,
  nodes: number,
  t0: number,
  timeoutMs: number,
): Promise<KafkaUpResult> {
  if (o.mode === 'docker') {
    throw new ScSimError('E_USAGE', '`kafka up --nodes N` runs the cluster on the JVM', {
      hint: 'drop --docker; with Docker, use the compose profile: docker compose --profile cluster up -d (see README)',
    });
  }
  if (nodes < 2) {
    throw new ScSimError(
      'E_USAGE',
      `${r.paths.home} holds a ${r.inst?.cluster?.nodes}-node cluster, not a single node`,
      {
        hint: 'start the single node in its own home (--home DIR), or stop the cluster and remove its home',
      },
    );
  }
  const c = await clusterUp({
    home: r.paths.home,
    port: o.port ?? r.inst?.port ?? DEFAULT_KAFKA_PORT,
    nodes,
    layout: o.layout ?? r.inst?.cluster?.layout ?? 'split',
    timeoutMs,
    onProgress: o.onProgress ?? (() => undefined),
    cacheDir: o.cacheDir,
    freshData: o.freshData,
    stopGraceMs: STOP_GRACE_MS,
  });
  return {
    status: c.status,
    brokers: c.brokers,
    version: KAFKA_VERSION,
    mode: 'jvm',
    tookMs: Date.now() - t0,
    downloaded: false,
    nodes: c.nodes,
    layout: c.layout,
  };
}

async function ensurePortsFree(port: number, controllerPort: number, withController: boolean): Promise<void> {
  const checks: [number, string][] = [[port, 'broker port (--port)']];
  if (withController) checks.push([controllerPort, 'controller port (--controller-port, default --port + 1)']);
  for (const [p, what] of checks) {
    if (!(await isPortFree(p, HOST))) {
      throw new ScSimError(
        'E_PORT_IN_USE',
        `port ${p} on ${HOST} is already in use by another process; it is the ${what}`,
        {
          hint:
            `find it with \`ss -ltnp 'sport = :${p}'\` (or \`lsof -i :${p}\`) and stop it, or start on another port: ` +
            `\`sc-sim kafka up --port N\`. If it is a Kafka broker you want to use, skip \`kafka up\` and pass --brokers ${HOST}:${p}`,
        },
      );
    }
  }
}

async function upJvm(o: LocalKafkaOptions, r: Resolved, t0: number, timeoutMs: number): Promise<KafkaUpResult> {
  const { paths, port, controllerPort } = r;
  const progress = o.onProgress ?? (() => undefined);
  await ensureJava();
  await ensurePortsFree(port, controllerPort, true);
  if (o.mtlsPort !== undefined && !(await isPortFree(o.mtlsPort, HOST))) {
    throw new ScSimError('E_PORT_IN_USE', `port ${o.mtlsPort} on ${HOST} (the mTLS listener) is already in use`);
  }
  const jars = await ensureJars({
    cacheRoot: resolveCacheRoot(o.cacheDir),
    version: KAFKA_VERSION,
    onProgress: progress,
  });

  await mkdir(paths.home, { recursive: true });
  if (o.freshData) await rm(paths.dataDir, { recursive: true, force: true });
  const formatted = existsSync(join(paths.dataDir, 'meta.properties'));
  // SCRAM users can only be created when the data dir is formatted: an existing plaintext home
  // would start "secure" without any user able to log in.
  if (r.secure && formatted && !existsSync(paths.credentialsFile)) {
    throw notSecurable(paths, 'was formatted without --secure');
  }
  const brokers = brokersFor(port);
  const credentials = r.secure ? await prepareSecureHome(paths, brokers, progress) : undefined;
  const secure = credentials && {
    credentials,
    config: secureConfigInput(
      paths.home,
      { port, controllerPort, mtlsPort: o.mtlsPort, unsecuredOAuth: o.unsecuredOAuth },
      { host: HOST },
    ),
  };
  await writeFile(
    paths.serverProperties,
    renderServerProperties(secure?.config ?? { port, controllerPort, dataDir: paths.dataDir, host: HOST }),
  );
  await rotateLogIfLarge(paths.logFile);
  await appendFile(
    paths.logFile,
    `${START_MARKER} ${new Date().toISOString()} Kafka ${KAFKA_VERSION} on ${HOST}:${port}${secure ? ' (secure)' : ''} -----\n`,
  );
  await formatIfNew(paths, jars.libsDir, progress, secure ? scramUserArgs(secure.credentials) : []);

  progress(`starting Kafka ${KAFKA_VERSION} on ${HOST}:${port}${secure ? ' (SASL_SSL)' : ''} (log: ${paths.logFile})…`);
  const broker = await spawnBroker(paths, jars.libsDir);
  await writePidFile(paths.pidFile, broker.pid);
  await writeInstance(
    paths.instanceFile,
    {
      mode: 'jvm',
      port,
      controllerPort,
      version: KAFKA_VERSION,
      startedAt: new Date().toISOString(),
      ...(secure ? { secure: true } : {}),
    },
    paths.home,
  );

  const connection = adminConnection(paths, brokers, secure !== undefined);
  progress(
    `waiting for the broker to answer metadata requests on ${brokers.join(',')} (up to ${Math.round(timeoutMs / 1000)} s)…`,
  );
  await waitUntilAnswering(paths, broker, connection, t0 + timeoutMs, progress);
  if (secure) await finishSecureHome(connection, progress);
  return {
    status: 'started',
    brokers,
    version: KAFKA_VERSION,
    mode: 'jvm',
    tookMs: Date.now() - t0,
    downloaded: jars.downloaded,
    ...(secure ? { secure: secureInfo(paths) } : {}),
  };
}

function notSecurable(paths: InstancePaths, why: string): ScSimError {
  return new ScSimError(
    'E_CONFIG',
    `the Kafka home ${paths.home} ${why}: it has no SCRAM users and cannot be turned secure`,
    {
      hint: 'start the secure broker in its own home (--home DIR), or stop this one and remove its data dir to start over',
    },
  );
}

export interface SecurePorts {
  port: number;
  controllerPort: number;
  mtlsPort?: number | undefined;
  unsecuredOAuth?: boolean | undefined;
}

/**
 * The secured broker's configuration for a home seen at `home` (the host path for the JVM broker,
 * the mount point in the container for Docker): the one place its files and users are named.
 */
export function secureConfigInput(
  home: string,
  ports: SecurePorts,
  where: { host: string; bindHost?: string; pathJoin?: (...parts: string[]) => string },
): SecureConfigInput {
  const at = where.pathJoin ?? join;
  return {
    port: ports.port,
    controllerPort: ports.controllerPort,
    dataDir: at(home, 'data'),
    host: where.host,
    ...(where.bindHost !== undefined ? { bindHost: where.bindHost } : {}),
    keystoreFile: at(home, 'tls', 'broker-keystore.pem'),
    caFile: at(home, 'tls', 'ca.crt'),
    credentialsFile: at(home, 'credentials.properties'),
    passwordKeys: CREDENTIAL_KEYS,
    users: { admin: ADMIN_USER, app: APP_USER, controller: CONTROLLER_USER },
    ...(ports.mtlsPort !== undefined ? { mtlsPort: ports.mtlsPort } : {}),
    ...(ports.unsecuredOAuth ? { unsecuredOAuth: true } : {}),
  };
}

/**
 * Before a secure start: the CA and broker certificate (made once, renewed before expiry), the
 * passwords (made once) and the client config files.
 */
async function prepareSecureHome(
  paths: InstancePaths,
  brokers: string[],
  progress: (msg: string) => void,
): Promise<Credentials> {
  const certs = await ensureCertificates(paths.tlsDir);
  if (certs.issued.includes('ca')) progress(`made a local CA: ${certs.paths.caCert}`);
  else if (certs.issued.includes('broker')) progress('renewed the broker certificate (it was about to expire)');
  const { credentials, created } = await ensureCredentials(paths.credentialsFile);
  if (created) progress(`generated passwords for ${ADMIN_USER} and ${APP_USER}: ${paths.credentialsFile} (mode 0600)`);
  const caFile = certs.paths.caCert;
  await writeClientConfig(paths.adminClientConfig, { brokers, caFile, user: ADMIN_USER, password: credentials.admin });
  await writeClientConfig(paths.appClientConfig, { brokers, caFile, user: APP_USER, password: credentials.app });
  return credentials;
}

/** After a secure start: the restricted user's ACLs (as the admin). */
async function finishSecureHome(admin: KafkaConnection, progress: (msg: string) => void): Promise<void> {
  progress(`granting ${APP_USER} WRITE/READ on ${APP_TOPIC_PREFIX}* and its consumer groups ${APP_GROUP_PREFIX}*…`);
  await applyAppUserAcls(admin);
}

/** Formats the KRaft data dir once (a new home, or one whose data was removed). */
async function formatIfNew(
  paths: InstancePaths,
  libsDir: string,
  progress: (msg: string) => void,
  extraArgs: string[],
): Promise<void> {
  if (existsSync(join(paths.dataDir, 'meta.properties'))) return;
  progress(`formatting a new single-node KRaft cluster in ${paths.dataDir}…`);
  await rm(paths.dataDir, { recursive: true, force: true });
  const args = [
    ...formatJavaArgs({
      libsDir,
      log4jConfigPath: LOG4J_CONFIG_PATH,
      serverPropertiesPath: paths.serverProperties,
      clusterId: generateClusterId(),
    }),
    ...extraArgs,
  ];
  const f = await exec('java', args, { cwd: paths.home, timeoutMs: 120_000 });
  // With --add-scram, format prints the bootstrap metadata, salted SCRAM keys included: it stays
  // out of the log.
  const output = withoutScramRecords(f.stdout + f.stderr);
  await appendFile(paths.logFile, output);
  if (f.exitCode !== 0) {
    throw new ScSimError(
      'E_BROKER_START_FAILED',
      `formatting the Kafka data dir ${paths.dataDir} failed (exit ${f.exitCode})`,
      {
        details: lastLines(output, 20),
        hint: `remove ${paths.dataDir} and retry; the full output is in ${paths.logFile}`,
      },
    );
  }
}

/** Drops the lines of format's output that carry SCRAM credential records. */
export function withoutScramRecords(output: string): string {
  return output
    .split('\n')
    .filter((line) => !/ScramCredential|saltedpassword|storedKey|serverKey/i.test(line))
    .join('\n');
}

type SpawnedBroker = SpawnedJvm;

/** Starts kafka.Kafka detached, its own session, output to the log: it outlives the CLI. */
function spawnBroker(paths: InstancePaths, libsDir: string): Promise<SpawnedBroker> {
  return spawnJava(
    brokerJavaArgs({ libsDir, log4jConfigPath: LOG4J_CONFIG_PATH, serverPropertiesPath: paths.serverProperties }),
    { cwd: paths.home, logFile: paths.logFile },
  );
}

/** Polls until the broker answers metadata requests; a broker that exits or stays silent fails the start. */
async function waitUntilAnswering(
  paths: InstancePaths,
  broker: SpawnedBroker,
  connection: KafkaConnection,
  deadline: number,
  progress: (msg: string) => void,
): Promise<void> {
  const t0 = Date.now();
  let nextNoteAt = t0 + 15_000;
  while (Date.now() < deadline) {
    const exited = broker.exited();
    if (exited) {
      await removePidFile(paths.pidFile);
      const how = exited.signal ? `was killed by ${exited.signal}` : `exited with code ${exited.code}`;
      throw await startFailed(paths, how);
    }
    if (await isBrokerAnswering(connection, Math.min(2_000, Math.max(100, deadline - Date.now())))) return;
    if (Date.now() >= nextNoteAt) {
      progress(`still waiting (${Math.round((Date.now() - t0) / 1000)} s)…`);
      nextNoteAt += 15_000;
    }
    await sleep(250);
  }
  // A broker that did not come up in time is stopped, so the next `up` starts clean.
  await stopProcess(broker.pid, paths.serverProperties, 5_000);
  await removePidFile(paths.pidFile);
  throw await startFailed(paths, 'did not answer in time', 'raise --timeout-ms on a slow machine');
}

async function startFailed(paths: InstancePaths, how: string, extraHint?: string): Promise<ScSimError> {
  return new ScSimError('E_BROKER_START_FAILED', `the Kafka broker ${how}`, {
    details: ['last lines of ' + paths.logFile + ':', ...(await lastStartLines(paths.logFile, 20))],
    hint: [extraHint, `see the whole log with \`sc-sim kafka logs --home ${paths.home}\``].filter(Boolean).join('; '),
  });
}

async function upDocker(o: LocalKafkaOptions, r: Resolved, t0: number, timeoutMs: number): Promise<KafkaUpResult> {
  const progress = o.onProgress ?? (() => undefined);
  await ensurePortsFree(r.port, r.controllerPort, false);
  const brokers = brokersFor(r.port);
  if (r.secure) await prepareDockerSecureHome(o, r, brokers, progress);
  const target = composeTarget(r.paths, r.port, r.secure);
  const image = `apache/kafka:${KAFKA_VERSION}`;
  const present = await exec('docker', ['image', 'inspect', image], { timeoutMs: 30_000 });
  if (present.exitCode !== 0) progress(`pulling ${image} (first run only)…`);
  progress(`starting ${image} with docker compose on ${HOST}:${r.port}, waiting for its healthcheck…`);
  await composeUp(target, timeoutMs);
  await writeInstance(
    r.paths.instanceFile,
    {
      mode: 'docker',
      port: r.port,
      controllerPort: r.controllerPort,
      version: KAFKA_VERSION,
      startedAt: new Date().toISOString(),
      ...(r.secure ? { secure: true } : {}),
    },
    r.paths.home,
  );
  const connection = adminConnection(r.paths, brokers, r.secure);
  if (!(await waitAnswering(connection, t0 + timeoutMs))) {
    throw new ScSimError(
      'E_BROKER_START_FAILED',
      `the Kafka container is up but ${brokers.join(',')} does not answer`,
      {
        details: lastLines(await composeLogs(target, 20).catch(() => ''), 20),
        hint: 'see `sc-sim kafka logs`',
      },
    );
  }
  if (r.secure) await finishSecureHome(connection, progress);
  return {
    status: 'started',
    brokers,
    version: KAFKA_VERSION,
    mode: 'docker',
    tookMs: Date.now() - t0,
    downloaded: present.exitCode !== 0,
    ...(r.secure ? { secure: secureInfo(r.paths) } : {}),
  };
}

function composeTarget(paths: InstancePaths, port: number, secure: boolean): ComposeTarget {
  return secure ? { port, secureHome: paths.home } : { port };
}

/** The secured container's server.properties: the JVM broker's settings, with the paths the container sees. */
export function dockerSecureConfigInput(port: number): SecureConfigInput {
  return secureConfigInput(
    CONTAINER_SECURE_HOME,
    { port, controllerPort: DOCKER_CONTROLLER_PORT },
    { host: HOST, bindHost: '', pathJoin: posix.join },
  );
}

/**
 * The secured container's home: what the JVM broker's has, its server.properties with the paths
 * the container sees, and the salted SCRAM users its start script formats the data dir with (one
 * argument a line, 0600).
 */
async function prepareDockerSecureHome(
  o: LocalKafkaOptions,
  r: Resolved,
  brokers: string[],
  progress: (msg: string) => void,
): Promise<void> {
  await mkdir(r.paths.home, { recursive: true });
  if (o.freshData) await rm(r.paths.dataDir, { recursive: true, force: true });
  if (existsSync(join(r.paths.dataDir, 'meta.properties')) && !existsSync(r.paths.credentialsFile)) {
    throw notSecurable(r.paths, 'was formatted without --secure');
  }
  const credentials = await prepareSecureHome(r.paths, brokers, progress);
  await writeFile(r.paths.serverProperties, renderServerProperties(dockerSecureConfigInput(r.port)));
  const scram = scramUserArgs(credentials).filter((a) => a !== '--add-scram');
  await writePrivateFile(join(r.paths.home, DOCKER_SCRAM_ARGS_FILE), `${scram.join('\n')}\n`);
}

function modeOf(o: LocalKafkaOptions, inst: InstanceRecord | undefined): 'jvm' | 'docker' {
  if (o.mode === 'jvm' || o.mode === 'docker') return o.mode;
  return inst?.mode ?? 'jvm';
}

export async function kafkaDown(
  o: LocalKafkaOptions = {},
): Promise<{ status: 'stopped' | 'not-running'; mode: 'jvm' | 'docker' }> {
  const r = await resolveInstance(o);
  const mode = modeOf(o, r.inst);
  const progress = o.onProgress ?? (() => undefined);
  if (r.inst?.cluster) return { ...(await clusterDown(r.paths.home, r.inst, STOP_GRACE_MS, progress)), mode: 'jvm' };
  if (mode === 'docker') {
    await requireDocker();
    const target = composeTarget(r.paths, r.port, r.secure);
    if (!(await composeRunning(target))) return { status: 'not-running', mode };
    progress('stopping the Kafka container (docker compose down)…');
    await composeDown(target);
    return { status: 'stopped', mode };
  }
  const pid = await runningPid(r.paths);
  if (pid === undefined) return { status: 'not-running', mode };
  progress(`stopping Kafka (pid ${pid})…`);
  const how = await stopProcess(pid, r.paths.serverProperties, STOP_GRACE_MS);
  if (how === 'killed') progress(`Kafka did not stop within ${STOP_GRACE_MS / 1000} s of SIGTERM and was killed`);
  await removePidFile(r.paths.pidFile);
  return { status: how === 'gone' ? 'not-running' : 'stopped', mode };
}

export async function kafkaStatus(o: LocalKafkaOptions = {}): Promise<KafkaStatus> {
  const r = await resolveInstance(o);
  const mode = modeOf(o, r.inst);
  const version = r.inst?.version || KAFKA_VERSION;
  const brokers = brokersFor(r.port);
  if (r.inst?.cluster) {
    const c = await clusterStatus(r.paths.home, r.inst);
    return {
      running: c.nodes.every((n) => n.up),
      mode: 'jvm',
      version,
      brokers: c.brokers,
      dataSizeBytes: c.dataSizeBytes,
      dataApparentBytes: c.dataApparentBytes,
      home: r.paths.home,
      // The local cluster has no secured mode (up --secure is refused with --nodes).
      secure: false,
      nodes: c.nodes,
      layout: c.layout,
    };
  }
  if (mode === 'docker') {
    const target = composeTarget(r.paths, r.port, r.secure);
    const running = (await dockerEngineAnswers()) && (await composeRunning(target));
    return {
      running,
      mode,
      version,
      brokers,
      dataSizeBytes: running ? await composeDataSizeBytes(target) : 0,
      home: r.paths.home,
      secure: r.secure,
    };
  }
  const pid = await runningPid(r.paths);
  const usage = await dirUsage(r.paths.dataDir);
  const status: KafkaStatus = {
    running: pid !== undefined,
    mode,
    version,
    brokers,
    dataSizeBytes: usage.allocatedBytes,
    dataApparentBytes: usage.apparentBytes,
    home: r.paths.home,
    secure: r.secure,
  };
  if (pid !== undefined) status.pid = pid;
  return status;
}

export async function kafkaLogs(o: LocalKafkaOptions & { lines?: number } = {}): Promise<string> {
  const r = await resolveInstance(o);
  const lines = o.lines ?? 100;
  if (r.inst?.cluster) return clusterLogs(r.paths.home, r.inst, lines);
  if (modeOf(o, r.inst) === 'docker') {
    await requireDocker();
    return composeLogs(composeTarget(r.paths, r.port, r.secure), lines);
  }
  const tail = await tailLines(r.paths.logFile, lines);
  return tail.length === 0 ? '' : tail.join('\n') + '\n';
}

/**
 * Writes what the broker log gains from now on until `signal` aborts (JVM mode; `logs --follow`);
 * for a cluster, every node's log, each line prefixed with its node.
 * Polls the size: the log is appended by another process, and a shrink means it was rotated.
 */
export async function followKafkaLog(
  o: LocalKafkaOptions,
  write: (chunk: string) => void,
  signal: AbortSignal,
): Promise<void> {
  const r = await resolveInstance(o);
  const logs = r.inst?.cluster ? clusterLogFiles(r.paths.home, r.inst) : [{ file: r.paths.logFile, prefix: '' }];
  const followed = await Promise.all(
    logs.map(async (l) => ({ ...l, pos: existsSync(l.file) ? (await stat(l.file)).size : 0, atLineStart: true })),
  );
  while (!signal.aborted) {
    await sleep(300);
    for (const f of followed) {
      let size: number;
      try {
        size = (await stat(f.file)).size;
      } catch {
        continue;
      }
      if (size < f.pos) f.pos = 0;
      if (size === f.pos) continue;
      const fh = await open(f.file, 'r');
      try {
        const buf = Buffer.alloc(size - f.pos);
        await fh.read(buf, 0, buf.length, f.pos);
        f.pos = size;
        const text = buf.toString('utf8');
        if (f.prefix === '') {
          write(text);
          continue;
        }
        // A chunk can end mid-line: the prefix goes before each line's first character only.
        const body = text.replace(/\n(?=.)/gs, `\n${f.prefix}`);
        write((f.atLineStart ? f.prefix : '') + body);
        f.atLineStart = text.endsWith('\n');
      } finally {
        await fh.close();
      }
    }
  }
}
