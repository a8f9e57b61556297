// The Docker path: the same single-node broker from docker-compose.yml, for users who have a Docker
// engine. Only the engine's answer to `docker info` counts; a docker CLI alone is not enough.
import { ScSimError } from '../../errors.js';
import { exec, lastLines, type ExecResult } from './exec.js';
import { COMPOSE_FILE_PATH } from './paths.js';

/** The compose service name in docker-compose.yml. */
export const COMPOSE_SERVICE = 'kafka';

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

function compose(args: string[], port: number, timeoutMs: number): Promise<ExecResult> {
  // The compose file reads the host port from SC_SIM_KAFKA_PORT (default 9092).
  const env = { ...process.env, SC_SIM_KAFKA_PORT: String(port) };
  return exec('docker', ['compose', '-f', COMPOSE_FILE_PATH, ...args], { env, timeoutMs });
}

function composeFailure(what: string, r: ExecResult): ScSimError {
  return new ScSimError(
    'E_DOCKER',
    `docker compose ${what} ${r.timedOut ? 'timed out' : `failed (exit ${r.exitCode})`}`,
    {
      details: lastLines(r.stdout + '\n' + r.stderr, 20),
      hint: `see \`docker compose -f ${COMPOSE_FILE_PATH} logs ${COMPOSE_SERVICE}\`, or run the broker on the JVM: \`sc-sim kafka up --jvm\``,
    },
  );
}

export async function composeUp(port: number, timeoutMs: number): Promise<void> {
  const waitSec = Math.max(1, Math.ceil(timeoutMs / 1000));
  const r = await compose(['up', '-d', '--wait', '--wait-timeout', String(waitSec)], port, timeoutMs + 120_000);
  if (r.exitCode !== 0) throw composeFailure('up', r);
}

export async function composeDown(port: number): Promise<void> {
  const r = await compose(['down'], port, 120_000);
  if (r.exitCode !== 0) throw composeFailure('down', r);
}

export async function composeRunning(port: number): Promise<boolean> {
  const r = await compose(['ps', '--status', 'running', '--quiet', COMPOSE_SERVICE], port, 30_000);
  return r.exitCode === 0 && r.stdout.trim() !== '';
}

export async function composeLogs(port: number, lines: number): Promise<string> {
  const r = await compose(
    ['logs', '--no-color', '--no-log-prefix', '--tail', String(lines), COMPOSE_SERVICE],
    port,
    60_000,
  );
  if (r.exitCode !== 0) throw composeFailure('logs', r);
  return r.stdout;
}

/** Bytes under the container's log dir, or 0 when it cannot be measured. */
export async function composeDataSizeBytes(port: number): Promise<number> {
  const r = await compose(['exec', '-T', COMPOSE_SERVICE, 'du', '-sk', '/var/lib/kafka/data'], port, 30_000);
  const kb = Number(r.stdout.trim().split(/\s+/)[0]);
  return r.exitCode === 0 && Number.isFinite(kb) ? kb * 1024 : 0;
}
