// The broker process an instance started: its pid file, whether a pid is still *our* broker (pids
// are reused), and stopping it with SIGTERM then SIGKILL.
import { readFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';

export async function readPidFile(pidFile: string): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(pidFile, 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export async function writePidFile(pidFile: string, pid: number): Promise<void> {
  await writeFile(pidFile, `${pid}\n`);
}

export async function removePidFile(pidFile: string): Promise<void> {
  await rm(pidFile, { force: true });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user, so it cannot be a broker we started.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The command line of a process as its arguments, or undefined if it is gone. */
export function readCommandLine(pid: number): string[] | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`);
    // A zombie (exited, not yet reaped) has an empty cmdline: treat it as gone.
    if (raw.length === 0) return undefined;
    return raw
      .toString('utf8')
      .split('\0')
      .filter((a) => a !== '');
  } catch {
    // No /proc (macOS): ask ps. Arguments are joined by spaces there, which is enough for the check.
    try {
      const out = execFileSync('ps', ['-o', 'command=', '-p', String(pid)], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      const line = out.trim();
      return line === '' ? undefined : [line];
    } catch {
      return undefined;
    }
  }
}

/**
 * True when the argument list is a Kafka broker started for this home: the main class is kafka.Kafka
 * and its server.properties is the one in the home. Guards against signalling a reused pid.
 */
export function isOurBrokerCommandLine(args: readonly string[], serverPropertiesPath: string): boolean {
  // Compared as one line because `ps` (the macOS fallback) cannot say where arguments split.
  const line = args.join(' ');
  return /(^|[\\/])java(\.exe)? /.test(line) && line.includes(` kafka.Kafka ${serverPropertiesPath}`);
}

export function isOurBroker(pid: number, serverPropertiesPath: string): boolean {
  if (!isAlive(pid)) return false;
  const args = readCommandLine(pid);
  return args !== undefined && isOurBrokerCommandLine(args, serverPropertiesPath);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function waitGone(pid: number, serverPropertiesPath: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isOurBroker(pid, serverPropertiesPath)) return true;
    await sleep(100);
  }
  return !isOurBroker(pid, serverPropertiesPath);
}

/**
 * SIGTERM (Kafka shuts down cleanly, flushing its logs), then SIGKILL if it is still there after
 * `graceMs`. Returns how it ended.
 */
export async function stopProcess(
  pid: number,
  serverPropertiesPath: string,
  graceMs: number,
): Promise<'terminated' | 'killed' | 'gone'> {
  if (!isOurBroker(pid, serverPropertiesPath)) return 'gone';
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return 'gone';
  }
  if (await waitGone(pid, serverPropertiesPath, graceMs)) return 'terminated';
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return 'gone';
  }
  await waitGone(pid, serverPropertiesPath, 10_000);
  return 'killed';
}
