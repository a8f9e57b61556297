// Runs a short-lived external tool (java, mvn, docker) and collects its output, with a bound on
// how long it may take; ENOENT is reported as "missing" so callers can name the tool to install.
import { spawn } from 'node:child_process';

export interface ExecResult {
  /** null when the executable was not found on PATH. */
  exitCode: number | null;
  missing: boolean;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

export function exec(command: string, args: string[], opts: ExecOptions = {}): Promise<ExecResult> {
  return new Promise((resolvePromise) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let settled = false;
    const finish = (r: ExecResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolvePromise(r);
    };
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 60_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (err: NodeJS.ErrnoException) => {
      finish({ exitCode: null, missing: err.code === 'ENOENT', timedOut, stdout, stderr: stderr + err.message });
    });
    child.on('close', (code) => finish({ exitCode: code, missing: false, timedOut, stdout, stderr }));
  });
}

/** Drops ANSI colour codes (Maven prints them even in batch mode) so error details read cleanly. */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching the ESC control character is the point
  return text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
}

export function lastLines(text: string, count: number): string[] {
  const lines = stripAnsi(text)
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  return lines.slice(-count);
}
