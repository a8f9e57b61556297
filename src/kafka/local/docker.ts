// The Docker path: the same single-node broker from docker-compose.yml, for users who have a Docker
// engine. Only the engine's answer to `docker info` counts; a docker CLI alone is not enough.
import { ScSimError } from '../../errors.js';
import { exec, lastLines, type ExecResult } from './exec.js';
import { COMPOSE_FILE_PATH } from './paths.js';

/** The compose service name in docker-compose.yml. */
export const COMPOSE_SERVICE = 'kafka';
/** The secured broker's service (profile `secure`): `sc-sim kafka up --secure --docker`. */
export const COMPOSE_SECURE_SERVICE = 'kafka-secure';
export const COMPOSE_SECURE_PROFILE = 'secure';
/** Where the secured service sees its home (certificates, passwords, server.properties, data). */
export const CONTAINER_SECURE_HOME = '/sc-sim';

/** Which broker of the compose file: the plain one, or the secured one with its home on the host. */
export interface ComposeTarget {
  port: number;
  /** The secure home to mount (the secured service); absent: the plain service. */
  secureHome?: string;
}

const serviceOf = (t: ComposeTarget) => (t.secureHome === undefined ? COMPOSE_SERVICE : COMPOSE_SECURE_SERVICE);

/** True when `docker compose` (the v2 plugin) runs; a docker CLI can come without it. */
async function composeAvailable(): Promise<boolean> {
  const r = await exec('docker', ['compose', 'version'], { timeoutMs: 10_000 });
  return r.exitCode === 0;
}

/** What auto mode asks: an engine answers *and* compose can drive it. */
export async function dockerEngineAnswers(timeoutMs = 10_000): Promise<boolean> {
  const r = await exec('docker', ['info', '--format', '{{.ServerVersion}}'], { timeoutMs });
  return r.exitCode === 0 && r.stdout.trim() !== '' && (await composeAvailable());
}

export async function requireDocker(): Promise<void> {
  const r = await exec('docker', ['info', '--format', '{{.ServerVersion}}'], { timeoutMs: 10_000 });
  if (r.missing) {
    throw new ScSimError('E_DOCKER', '`docker` is not on PATH', {
      hint: 'install Docker, or run the broker on the JVM: `sc-sim kafka up --jvm`',
    });
  }
  if (r.exitCode !== 0 || r.stdout.trim() === '') {
    throw new ScSimError('E_DOCKER', 'no Docker engine answers (`docker info` failed)', {
      details: lastLines(r.stderr, 5),
      hint: 'start the Docker daemon (Docker Desktop, `systemctl start docker`), or run the broker on the JVM: `sc-sim kafka up --jvm`',
    });
  }
  if (!(await composeAvailable())) {
    throw new ScSimError('E_DOCKER', 'a Docker engine answers but `docker compose` is not installed', {
      hint: 'install the Docker Compose v2 plugin (docker-compose-plugin), or run the broker on the JVM: `sc-sim kafka up --jvm`',
    });
  }
}

function compose(args: string[], target: ComposeTarget, timeoutMs: number): Promise<ExecResult> {
  // The compose file reads the host port from SC_SIM_KAFKA_PORT (default 9092); the secured service
  // mounts its home and runs as the user who owns it (its files are private to that user).
  const env: NodeJS.ProcessEnv = { ...process.env, SC_SIM_KAFKA_PORT: String(target.port) };
  const profile: string[] = [];
  if (target.secureHome !== undefined) {
    env['SC_SIM_KAFKA_SECURE_HOME'] = target.secureHome;
    env['SC_SIM_KAFKA_UID'] = String(process.getuid?.() ?? 1000);
    env['SC_SIM_KAFKA_GID'] = String(process.getgid?.() ?? 1000);
    profile.push('--profile', COMPOSE_SECURE_PROFILE);
  }
  return exec('docker', ['compose', '-f', COMPOSE_FILE_PATH, ...profile, ...args], { env, timeoutMs });
}

function composeFailure(what: string, r: ExecResult, service = COMPOSE_SERVICE): ScSimError {
  return new ScSimError(
    'E_DOCKER',
    `docker compose ${what} ${r.timedOut ? 'timed out' : `failed (exit ${r.exitCode})`}`,
    {
      details: lastLines(r.stdout + '\n' + r.stderr, 20),
      hint: `see \`docker compose -f ${COMPOSE_FILE_PATH} logs ${service}\`, or run the broker on the JVM: \`sc-sim kafka up --jvm\``,
    },
  );
}

export async function composeUp(target: ComposeTarget, timeoutMs: number): Promise<void> {
  const waitSec = Math.max(1, Math.ceil(timeoutMs / 1000));
  const r = await compose(
    ['up', '-d', '--wait', '--wait-timeout', String(waitSec), serviceOf(target)],
    target,
    timeoutMs + 120_000,
  );
  if (r.exitCode !== 0) throw composeFailure('up', r, serviceOf(target));
}

export async function composeDown(target: ComposeTarget): Promise<void> {
  const r = await compose(['down'], target, 120_000);
  if (r.exitCode !== 0) throw composeFailure('down', r, serviceOf(target));
}

export async function composeRunning(target: ComposeTarget): Promise<boolean> {
  const r = await compose(['ps', '--status', 'running', '--quiet', serviceOf(target)], target, 30_000);
  return r.exitCode === 0 && r.stdout.trim() !== '';
}

export async function composeLogs(target: ComposeTarget, lines: number): Promise<string> {
  const r = await compose(
    ['logs', '--no-color', '--no-log-prefix', '--tail', String(lines), serviceOf(target)],
    target,
    60_000,
  );
  if (r.exitCode !== 0) throw composeFailure('logs', r, serviceOf(target));
  return r.stdout;
}

/** Bytes under the container's log dir, or 0 when it cannot be measured. */
export async function composeDataSizeBytes(target: ComposeTarget): Promise<number> {
  const dataDir = target.secureHome === undefined ? '/var/lib/kafka/data' : `${CONTAINER_SECURE_HOME}/data`;
  const r = await compose(['exec', '-T', serviceOf(target), 'du', '-sk', dataDir], target, 30_000);
  const kb = Number(r.stdout.trim().split(/\s+/)[0]);
  return r.exitCode === 0 && Number.isFinite(kb) ? kb * 1024 : 0;
}
