// Starting a Kafka JVM detached (its own session, output appended to its log) so it outlives the
// CLI that started it; shared by the single node and every node of a cluster.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { ScSimError } from '../../errors.js';

export interface SpawnedJvm {
  pid: number;
  /** Set once the JVM exited (it should not while we wait for it). */
  exited(): { code: number | null; signal: NodeJS.Signals | null } | undefined;
}

export async function spawnJava(args: string[], where: { cwd: string; logFile: string }): Promise<SpawnedJvm> {
  const logFd = openSync(where.logFile, 'a');
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let pid: number | undefined;
  try {
    const child = spawn('java', args, { cwd: where.cwd, detached: true, stdio: ['ignore', logFd, logFd] });
    child.on('exit', (code, signal) => (exited = { code, signal }));
    await new Promise<void>((resolveSpawn, rejectSpawn) => {
      child.once('spawn', resolveSpawn);
      child.once('error', rejectSpawn);
    });
    pid = child.pid;
    child.unref();
  } catch (err) {
    throw new ScSimError('E_BROKER_START_FAILED', `could not start java: ${(err as Error).message}`, { cause: err });
  } finally {
    closeSync(logFd);
  }
  if (pid === undefined) throw new ScSimError('E_BROKER_START_FAILED', 'java started without a pid');
  return { pid, exited: () => exited };
}
