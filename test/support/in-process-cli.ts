// Runs the CLI's main() in this process, capturing what it prints: as faithful as a child process
// for everything but process start-up, and fast enough to run a thousand times.
import { vi } from 'vitest';
import { main } from '../../src/cli/program.js';

export interface InProcessResult {
  code: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export async function runMain(args: string[]): Promise<InProcessResult> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  process.exitCode = undefined;
  const started = performance.now();
  try {
    const code = await main(['node', 'sc-sim', ...args]);
    return { code, stdout, stderr, durationMs: performance.now() - started };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = undefined;
  }
}
