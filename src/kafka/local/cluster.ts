// A local multi-node KRaft cluster (`kafka up --nodes 3`): one home per node under the cluster's
// home (<home>/node<id>/), each started, stopped and checked like the single node, in a loop.
import { brokersListed } from './probe.js';
import { existsSync } from 'node:fs';
import { appendFile, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ScSimError } from '../../errors.js';
import { exec, lastLines } from './exec.js';
import {
  dirUsage,
  lastStartLines,
  readInstance,
  rotateLogIfLarge,
  START_MARKER,
  tailLines,
  writeInstance,
  type InstanceRecord,
} from './instance.js';
import { ensureJars } from './jars.js';
import { ensureJava } from './java.js';
import {
  KAFKA_VERSION,
  LOG4J_CONFIG_PATH,
  instancePaths,
  jarCachePaths,
  resolveCacheRoot,
  type InstancePaths,
} from './paths.js';
import { isPortFree, validatePort } from './ports.js';
import { isOurBroker, readPidFile, removePidFile, stopProcess, writePidFile } from './process.js';
import {
  clusterNodeSettings,
  clusterNodes,
  clusterPortCount,
  formatJavaArgs,
  generateClusterId,
  nodeJavaArgs,
  renderNodeProperties,
  type ClusterLayout,
  type ClusterNode,
  type NodeRole,
} from './server-config.js';
import { spawnJava, type SpawnedJvm } from './spawn.js';

const HOST = '127.0.0.1';
export const MAX_NODES = 9;

export interface ClusterOptions {
  home: string;
  port: number;
  nodes: number;
  layout: ClusterLayout;
  timeoutMs: number;
  onProgress: (msg: string) => void;
  cacheDir?: string | undefined;
  freshData?: boolean | undefined;
  /** Grace between SIGTERM and SIGKILL per node. */
  stopGraceMs: number;
}

export interface NodeStatus {
  id: number;
  role: NodeRole;
  /** The client port for a broker, the controller port for a controller. */
  port: number;
  controllerPort?: number;
  pid?: number;
  up: boolean;
  logFile: string;
}

export interface ClusterUpResult {
  status: 'started' | 'already-running';
  brokers: string[];
  nodes: NodeStatus[];
  layout: ClusterLayout;
  startedNodes: number[];
}

export const nodePaths = (home: string, id: number): InstancePaths => instancePaths(join(home, `node${id}`));

const brokerCount = (nodes: readonly ClusterNode[]): number => nodes.filter((n) => n.role !== 'controller').length;

/** The bootstrap list of a cluster's brokers. */
export function clusterBrokers(nodes: readonly ClusterNode[]): string[] {
  return nodes.flatMap((n) => (n.clientPort !== undefined ? [`${HOST}:${n.clientPort}`] : []));
}

export function checkClusterSize(nodes: number, port: number): void {
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > MAX_NODES) {
    throw new ScSimError('E_USAGE', `--nodes ${nodes}: a local cluster has 1 to ${MAX_NODES} nodes`, {
      hint: 'use --nodes 3 for a production-shaped cluster',
    });
  }
  const last = port + clusterPortCount(nodes) - 1;
  if (!validatePort(port) || !validatePort(last)) {
    throw new ScSimError('E_USAGE', `--port ${port} with --nodes ${nodes} needs ports ${port}-${last}`, {
      hint: `a cluster of N nodes takes 2N consecutive ports from --port (brokers first, then controllers)`,
    });
  }
}

/** The pid of a node if it is alive and still that node's JVM; a stale pid file is removed. */
export async function nodePid(home: string, id: number): Promise<number | undefined> {
  const paths = nodePaths(home, id);
  const pid = await readPidFile(paths.pidFile);
  if (pid === undefined) return undefined;
  if (isOurBroker(pid, paths.serverProperties)) return pid;
  await removePidFile(paths.pidFile);
  return undefined;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The class-data archive the cluster's JVMs share (per Kafka and JDK version, in the jar cache). */
function cdsArchivePath(cacheRoot: string, javaMajor: number): string {
  return join(jarCachePaths(cacheRoot, KAFKA_VERSION).dir, `kafka-node-jdk${javaMajor}.jsa`);
}
/** Node 1 dumps its loaded classes here at exit when there is no archive yet; `down` moves it in place. */
const cdsDumpPath = (home: string) => join(nodePaths(home, 1).home, 'classes.jsa.tmp');

async function ensureClusterPortsFree(nodes: readonly ClusterNode[], skip: ReadonlySet<number>): Promise<void> {
  for (const n of nodes) {
    if (skip.has(n.id)) continue;
    for (const p of [n.clientPort, n.role !== 'broker' ? n.controllerPort : undefined]) {
      if (p === undefined || (await isPortFree(p, HOST))) continue;
      throw new ScSimError('E_PORT_IN_USE', `port ${p} on ${HOST} (node ${n.id}, ${n.role}) is already in use`, {
        hint: `find it with \`ss -ltnp 'sport = :${p}'\` and stop it, or start the cluster on other ports: --port N (takes N..N+${clusterPortCount(brokerCount(nodes)) - 1})`,
      });
    }
  }
}

/**
 * Starts every node of the cluster that is not running (all of them on a fresh home; one after a
 * node was killed), formats new data dirs with the cluster's id, and waits until every broker is
 * listed by the cluster. A running cluster is left alone.
 */
export async function clusterUp(o: ClusterOptions): Promise<ClusterUpResult> {
  checkClusterSize(o.nodes, o.port);
  const progress = o.onProgress;
  const instanceFile = instancePaths(o.home).instanceFile;
  const inst = await readInstance(instanceFile);
  const nodes = clusterNodes(o.nodes, o.port, o.layout);
  const brokers = clusterBrokers(nodes);
  const running = new Map<number, number>();
  for (const n of nodes) {
    const pid = await nodePid(o.home, n.id);
    if (pid !== undefined) running.set(n.id, pid);
  }
  if (
    running.size > 0 &&
    inst?.cluster &&
    (inst.cluster.nodes !== o.nodes || inst.port !== o.port || inst.cluster.layout !== o.layout)
  ) {
    throw new ScSimError(
      'E_USAGE',
      `the cluster in ${o.home} is running with ${inst.cluster.nodes} ${inst.cluster.layout} nodes from port ${inst.port}`,
      { hint: 'stop it first (`sc-sim kafka down`), or start another one with --home DIR' },
    );
  }
  // Another shape on formatted data would start nodes whose metadata names other voters.
  const reshaped = inst?.cluster && (inst.cluster.nodes !== o.nodes || inst.cluster.layout !== o.layout);
  const hasData =
    inst && rememberedNodes(inst).some((n) => existsSync(join(nodePaths(o.home, n.id).dataDir, 'meta.properties')));
  if (reshaped && hasData && !o.freshData) {
    throw new ScSimError(
      'E_USAGE',
      `the cluster in ${o.home} was made with ${inst.cluster!.nodes} ${inst.cluster!.layout} nodes; its data cannot start as ${o.nodes} ${o.layout} nodes`,
      { hint: `start the new shape in another home (--home DIR), or remove ${o.home} to start over` },
    );
  }
  if (running.size === nodes.length) {
    if ((await waitBrokers(brokers, nodes, Date.now() + o.timeoutMs)) < brokers.length) {
      throw await clusterStartFailed(o.home, nodes, 'is running but not every broker is listed');
    }
    return {
      status: 'already-running',
      brokers,
      nodes: await nodeStatuses(o.home, nodes),
      layout: o.layout,
      startedNodes: [],
    };
  }

  const javaMajor = await ensureJava();
  await ensureClusterPortsFree(nodes, new Set(running.keys()));
  const cacheRoot = resolveCacheRoot(o.cacheDir);
  const jars = await ensureJars({ cacheRoot, version: KAFKA_VERSION, onProgress: progress });

  const toStart = nodes.filter((n) => !running.has(n.id));
  await mkdir(o.home, { recursive: true });
  let clusterId = inst?.cluster?.clusterId;
  const formatted = (n: ClusterNode) => existsSync(join(nodePaths(o.home, n.id).dataDir, 'meta.properties'));
  if (o.freshData && running.size === 0) {
    for (const n of nodes) await rm(nodePaths(o.home, n.id).dataDir, { recursive: true, force: true });
  }
  // A new cluster (no node formatted) gets a new id; a node whose data is gone rejoins with the old one.
  if (clusterId === undefined || !nodes.some(formatted)) clusterId = generateClusterId();
  for (const n of nodes) {
    const paths = nodePaths(o.home, n.id);
    await mkdir(paths.home, { recursive: true });
    await writeFile(paths.serverProperties, renderNodeProperties(clusterNodeSettings(n, nodes, paths.dataDir, HOST)));
  }
  await writeInstance(
    instanceFile,
    {
      mode: 'jvm',
      port: o.port,
      controllerPort: o.port + o.nodes,
      version: KAFKA_VERSION,
      startedAt: new Date().toISOString(),
      cluster: { nodes: o.nodes, layout: o.layout, clusterId },
    },
    o.home,
  );
  const unformatted = toStart.filter((n) => !formatted(n));
  if (unformatted.length > 0) {
    progress(`formatting ${unformatted.length} KRaft data dir(s) of cluster ${clusterId}…`);
    await Promise.all(unformatted.map((n) => formatNode(o.home, n, jars.libsDir, clusterId)));
  }

  const archive = cdsArchivePath(cacheRoot, javaMajor);
  const haveArchive = existsSync(archive);
  const spawned = new Map<number, SpawnedJvm>();
  progress(
    `starting ${toStart.length} node(s) of a ${o.nodes}-broker ${o.layout} cluster: ${toStart.map((n) => `${n.id} (${n.role})`).join(', ')}…`,
  );
  for (const n of toStart) {
    const paths = nodePaths(o.home, n.id);
    await rotateLogIfLarge(paths.logFile);
    await appendFile(
      paths.logFile,
      `${START_MARKER} ${new Date().toISOString()} Kafka ${KAFKA_VERSION} node ${n.id} (${n.role}) -----\n`,
    );
    const cds = haveArchive
      ? { path: archive, create: false }
      : n.id === 1
        ? { path: cdsDumpPath(o.home), create: true }
        : undefined;
    const args = nodeJavaArgs({
      libsDir: jars.libsDir,
      log4jConfigPath: LOG4J_CONFIG_PATH,
      serverPropertiesPath: paths.serverProperties,
      role: n.role,
      ...(cds ? { cdsArchive: cds } : {}),
    });
    const jvm = await spawnJava(args, { cwd: paths.home, logFile: paths.logFile });
    await writePidFile(paths.pidFile, jvm.pid);
    spawned.set(n.id, jvm);
  }

  progress(
    `waiting until the cluster lists all ${brokers.length} brokers of ${brokers.join(',')} (up to ${Math.round(o.timeoutMs / 1000)} s)…`,
  );
  const deadline = Date.now() + o.timeoutMs;
  let nextNoteAt = Date.now() + 15_000;
  for (;;) {
    for (const [id, jvm] of spawned) {
      const exited = jvm.exited();
      if (exited) {
        await clusterStop(o.home, nodes, 5_000, () => undefined);
        const how = exited.signal ? `was killed by ${exited.signal}` : `exited with code ${exited.code}`;
        throw await clusterStartFailed(o.home, nodes, `node ${id} ${how}`, id);
      }
    }
    // Each started broker must answer on its own port: right after a SIGKILL the cluster still
    // lists the dead broker until its session times out, so the count alone could be stale.
    const bound = Math.min(2_000, Math.max(100, deadline - Date.now()));
    if (
      (await brokersListed({ brokers }, bound)) >= brokers.length &&
      (await allAnswer(clusterBrokers(toStart), bound))
    )
      break;
    if (Date.now() >= deadline) {
      // A cluster that did not come up in time is stopped, so the next `up` starts clean.
      await clusterStop(o.home, nodes, 5_000, () => undefined);
      throw await clusterStartFailed(
        o.home,
        nodes,
        'did not list every broker in time',
        undefined,
        'raise --timeout-ms on a slow machine',
      );
    }
    if (Date.now() >= nextNoteAt) {
      progress('still waiting…');
      nextNoteAt += 15_000;
    }
    await sleep(250);
  }
  return {
    status: 'started',
    brokers,
    nodes: await nodeStatuses(o.home, nodes),
    layout: o.layout,
    startedNodes: toStart.map((n) => n.id),
  };
}

async function allAnswer(own: string[], timeoutMs: number): Promise<boolean> {
  for (const b of own) if ((await brokersListed({ brokers: [b] }, timeoutMs)) === 0) return false;
  return true;
}

async function waitBrokers(brokers: string[], nodes: readonly ClusterNode[], deadline: number): Promise<number> {
  let listed = 0;
  while (Date.now() < deadline) {
    listed = await brokersListed({ brokers }, Math.min(3_000, Math.max(100, deadline - Date.now())));
    if (listed >= brokers.length || nodes.length === 0) return listed;
    await sleep(250);
  }
  return listed;
}

async function formatNode(home: string, n: ClusterNode, libsDir: string, clusterId: string): Promise<void> {
  const paths = nodePaths(home, n.id);
  await rm(paths.dataDir, { recursive: true, force: true });
  const args = formatJavaArgs({
    libsDir,
    log4jConfigPath: LOG4J_CONFIG_PATH,
    serverPropertiesPath: paths.serverProperties,
    clusterId,
  });
  const f = await exec('java', args, { cwd: paths.home, timeoutMs: 120_000 });
  await appendFile(paths.logFile, f.stdout + f.stderr);
  if (f.exitCode !== 0) {
    throw new ScSimError(
      'E_BROKER_START_FAILED',
      `formatting node ${n.id}'s data dir ${paths.dataDir} failed (exit ${f.exitCode})`,
      {
        details: lastLines(f.stdout + '\n' + f.stderr, 20),
        hint: `remove ${paths.dataDir} and retry; the full output is in ${paths.logFile}`,
      },
    );
  }
}

async function clusterStartFailed(
  home: string,
  nodes: readonly ClusterNode[],
  how: string,
  culprit?: number,
  extraHint?: string,
): Promise<ScSimError> {
  const shown = culprit !== undefined ? nodes.filter((n) => n.id === culprit) : nodes.slice(0, 1);
  const details: string[] = [];
  for (const n of shown) {
    const log = nodePaths(home, n.id).logFile;
    details.push(`last lines of ${log}:`, ...(await lastStartLines(log, 15)));
  }
  return new ScSimError('E_BROKER_START_FAILED', `the local Kafka cluster ${how}`, {
    details,
    hint: [extraHint, `see every node's log with \`sc-sim kafka logs --home ${home}\``].filter(Boolean).join('; '),
  });
}

/**
 * Stops every node: brokers first (a controlled shutdown hands their leaders over, which needs the
 * controllers), then the controllers. Nodes of a role stop in parallel.
 */
async function clusterStop(
  home: string,
  nodes: readonly ClusterNode[],
  graceMs: number,
  progress: (msg: string) => void,
): Promise<{ stopped: number; killed: number[] }> {
  let stopped = 0;
  const killed: number[] = [];
  const waves = [nodes.filter((n) => n.role === 'broker'), nodes.filter((n) => n.role !== 'broker')];
  for (const wave of waves) {
    await Promise.all(
      wave.map(async (n) => {
        const pid = await nodePid(home, n.id);
        if (pid === undefined) return;
        progress(`stopping node ${n.id} (${n.role}, pid ${pid})…`);
        const how = await stopProcess(pid, nodePaths(home, n.id).serverProperties, graceMs);
        await removePidFile(nodePaths(home, n.id).pidFile);
        if (how !== 'gone') stopped++;
        if (how === 'killed') killed.push(n.id);
      }),
    );
  }
  return { stopped, killed };
}

/** The cluster's nodes as its home remembers them. */
export function rememberedNodes(inst: InstanceRecord): ClusterNode[] {
  const c = inst.cluster;
  return c ? clusterNodes(c.nodes, inst.port, c.layout) : [];
}

export async function clusterDown(
  home: string,
  inst: InstanceRecord,
  graceMs: number,
  progress: (msg: string) => void,
): Promise<{ status: 'stopped' | 'not-running' }> {
  const r = await clusterStop(home, rememberedNodes(inst), graceMs, progress);
  for (const id of r.killed) progress(`node ${id} did not stop within ${graceMs / 1000} s of SIGTERM and was killed`);
  await keepClassArchive(home, inst);
  return { status: r.stopped > 0 ? 'stopped' : 'not-running' };
}

/** Moves the classes node 1 dumped at exit into the cache, where every later start uses them. */
async function keepClassArchive(home: string, _inst: InstanceRecord): Promise<void> {
  const dump = cdsDumpPath(home);
  if (!existsSync(dump)) return;
  try {
    const javaMajor = await ensureJava();
    const target = cdsArchivePath(resolveCacheRoot(undefined), javaMajor);
    if (existsSync(target)) await rm(dump, { force: true });
    else await rename(dump, target);
  } catch {
    // An archive only speeds up starts; without it the JVMs start as usual.
    await rm(dump, { force: true }).catch(() => undefined);
  }
}

async function nodeStatuses(home: string, nodes: readonly ClusterNode[]): Promise<NodeStatus[]> {
  const out: NodeStatus[] = [];
  for (const n of nodes) {
    const pid = await nodePid(home, n.id);
    const s: NodeStatus = {
      id: n.id,
      role: n.role,
      port: (n.clientPort ?? n.controllerPort)!,
      up: pid !== undefined,
      logFile: nodePaths(home, n.id).logFile,
    };
    if (n.role === 'broker,controller' && n.controllerPort !== undefined) s.controllerPort = n.controllerPort;
    if (pid !== undefined) s.pid = pid;
    out.push(s);
  }
  return out;
}

export interface ClusterStatus {
  nodes: NodeStatus[];
  layout: ClusterLayout;
  brokers: string[];
  /** Every node's data: allocated and apparent bytes, summed. */
  dataSizeBytes: number;
  dataApparentBytes: number;
}

export async function clusterStatus(home: string, inst: InstanceRecord): Promise<ClusterStatus> {
  const nodes = rememberedNodes(inst);
  let allocated = 0;
  let apparent = 0;
  for (const n of nodes) {
    const u = await dirUsage(nodePaths(home, n.id).dataDir);
    allocated += u.allocatedBytes;
    apparent += u.apparentBytes;
  }
  return {
    nodes: await nodeStatuses(home, nodes),
    layout: inst.cluster?.layout ?? 'split',
    brokers: clusterBrokers(nodes),
    dataSizeBytes: allocated,
    dataApparentBytes: apparent,
  };
}

/** The end of every node's log, each under a header naming the node. */
export async function clusterLogs(home: string, inst: InstanceRecord, lines: number): Promise<string> {
  const parts: string[] = [];
  for (const n of rememberedNodes(inst)) {
    const log = nodePaths(home, n.id).logFile;
    const tail = await tailLines(log, lines);
    if (tail.length === 0) continue;
    parts.push(`==> node ${n.id} (${n.role}) ${log} <==`, ...tail, '');
  }
  return parts.length === 0 ? '' : parts.join('\n');
}

/** Each node's log file with the prefix `logs --follow` puts before its new lines. */
export function clusterLogFiles(home: string, inst: InstanceRecord): { file: string; prefix: string }[] {
  return rememberedNodes(inst).map((n) => ({ file: nodePaths(home, n.id).logFile, prefix: `[node ${n.id}] ` }));
}

/** Stops one node (tests and rolling restarts): SIGTERM, or SIGKILL at once with `kill`. */
export async function stopNode(home: string, id: number, how: 'term' | 'kill', graceMs: number): Promise<boolean> {
  const pid = await nodePid(home, id);
  if (pid === undefined) return false;
  const paths = nodePaths(home, id);
  if (how === 'kill') {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      return false;
    }
    const deadline = Date.now() + 10_000;
    while (isOurBroker(pid, paths.serverProperties) && Date.now() < deadline) await sleep(50);
  } else {
    await stopProcess(pid, paths.serverProperties, graceMs);
  }
  await removePidFile(paths.pidFile);
  return true;
}
