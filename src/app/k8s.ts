// `sc-sim k8s render`: the Kubernetes objects of a sharded run — an Indexed Job with one pod per
// shard (completions = parallelism = N), a ConfigMap holding scenarios.yaml and, when asked, the
// Kafka client config as a Secret. Kubernetes runs it; sc-sim only describes it (no cluster
// protocol of its own): every pod gets the same arguments, and its shard from JOB_COMPLETION_INDEX.
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { ScSimError } from '../errors.js';
import { loadScenarios, resolveScenariosPath, getScenario } from '../scenarios/index.js';
import { sharedRunId } from './prepare.js';

export interface K8sRunRequest {
  scenario: string;
  shards: number;
  /** Container image with sc-sim (see the Dockerfile). */
  image: string;
  /** Scenarios file to ship in the ConfigMap (default ./scenarios.yaml, else the bundled one). */
  file?: string;
  namespace?: string;
  brokers: string[];
  prefix: string;
  /** The run's seed; drawn now when neither this nor the scenario has one, so every shard shares it. */
  seed?: number;
  ratePerSec?: number;
  durationMs?: number;
  /** The start barrier every shard waits for. */
  startAt: Date;
  runId?: string;
  /** An existing Secret holding `client.properties` (the Kafka client config), mounted for every pod. */
  clientSecret?: string;
  /** A client config file to put into a new Secret (its content ends up in the rendered objects). */
  commandConfigFile?: string;
  cpu: string;
  memory: string;
}

/** A DNS-1123 name part: lower-case letters, digits and '-', at most `max` characters. */
function dnsName(raw: string, max: number): string {
  return raw
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/, '');
}

const SCENARIOS_DIR = '/etc/sc-sim/scenarios';
const CLIENT_DIR = '/etc/sc-sim/client';

/** What every pod runs: the same arguments for all shards (their shard comes from the Job's index). */
function podArgs(req: K8sRunRequest, seed: number, runId: string, withClientConfig: boolean): string[] {
  return [
    'run',
    req.scenario,
    '--file',
    `${SCENARIOS_DIR}/scenarios.yaml`,
    '--brokers',
    req.brokers.join(','),
    '--seed',
    String(seed),
    '--start-at',
    req.startAt.toISOString(),
    '--run-id',
    runId,
    // The report goes to the pod's log (stdout); progress lines are off.
    '--json',
    '--quiet',
    ...(req.prefix ? ['--prefix', req.prefix] : []),
    ...(req.ratePerSec !== undefined ? ['--rate', String(req.ratePerSec)] : []),
    ...(req.durationMs !== undefined ? ['--duration', `${req.durationMs}ms`] : []),
    ...(withClientConfig ? ['--command-config', `${CLIENT_DIR}/client.properties`] : []),
  ];
}

/** The Indexed Job: one pod per shard, the scenarios and (if any) the client config mounted. */
function jobObject(
  req: K8sRunRequest,
  metadata: Record<string, unknown>,
  labels: Record<string, string>,
  job: string,
  args: string[],
  secretName: string | undefined,
): Record<string, unknown> {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata,
    spec: {
      completionMode: 'Indexed',
      completions: req.shards,
      parallelism: req.shards,
      // A shard that failed must not run again: it would send its events a second time.
      backoffLimit: 0,
      ttlSecondsAfterFinished: 86_400,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'sc-sim',
              image: req.image,
              args,
              // JOB_COMPLETION_INDEX (set by Kubernetes) is the shard; this is how many there are.
              env: [{ name: 'SC_SIM_SHARDS', value: String(req.shards) }],
              resources: {
                requests: { cpu: req.cpu, memory: req.memory },
                limits: { memory: req.memory },
              },
              volumeMounts: [
                { name: 'scenarios', mountPath: SCENARIOS_DIR, readOnly: true },
                ...(secretName ? [{ name: 'client', mountPath: CLIENT_DIR, readOnly: true }] : []),
              ],
            },
          ],
          volumes: [
            { name: 'scenarios', configMap: { name: `${job}-scenarios` } },
            ...(secretName ? [{ name: 'client', secret: { secretName } }] : []),
          ],
        },
      },
    },
  };
}

/** The objects, in the order `kubectl apply -f` should create them. */
export function k8sObjects(req: K8sRunRequest): Record<string, unknown>[] {
  if (req.clientSecret && req.commandConfigFile) {
    throw new ScSimError('E_USAGE', '--client-secret and --command-config both give the client config', {
      hint: 'mount an existing Secret with --client-secret, or render a new one from a file with --command-config',
    });
  }
  const path = resolveScenariosPath(req.file);
  const scenario = getScenario(loadScenarios(path), req.scenario);
  const scenariosText = readFileSync(path, 'utf8');
  const seed = req.seed ?? scenario.world.seed ?? randomInt(0, 0xffffffff);
  const runId = req.runId ?? sharedRunId(req.scenario, seed, req.shards, req.startAt);
  const job = dnsName(`sc-sim-${req.scenario}-${runId.slice(-6)}`, 52);
  const labels = {
    'app.kubernetes.io/name': 'sc-sim',
    'app.kubernetes.io/instance': job,
    'sc-sim/run-id': dnsName(runId, 63),
  };
  const meta = (name: string) => ({ name, labels, ...(req.namespace ? { namespace: req.namespace } : {}) });
  const secretName = req.clientSecret ?? (req.commandConfigFile ? `${job}-client` : undefined);

  const args = podArgs(req, seed, runId, secretName !== undefined);

  const objects: Record<string, unknown>[] = [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta(`${job}-scenarios`),
      data: { 'scenarios.yaml': scenariosText },
    },
  ];
  if (req.commandConfigFile) {
    let text: string;
    try {
      text = readFileSync(req.commandConfigFile, 'utf8');
    } catch (err) {
      throw new ScSimError(
        'E_CONFIG',
        `cannot read the client config ${req.commandConfigFile}: ${(err as Error).message}`,
        {
          hint: 'give the path of a Kafka client properties file',
        },
      );
    }
    objects.push({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: meta(secretName!),
      type: 'Opaque',
      data: { 'client.properties': Buffer.from(text).toString('base64') },
    });
  }
  objects.push(jobObject(req, meta(job), labels, job, args, secretName));
  return objects;
}

/** The objects as one multi-document YAML file. */
export function renderK8s(req: K8sRunRequest): string {
  return k8sObjects(req)
    .map((o) => stringify(o, { lineWidth: 0 }))
    .join('---\n');
}
