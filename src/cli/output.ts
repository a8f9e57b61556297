// What the CLI prints besides data: informational lines and progress on stderr (stdout stays
// clean for tables and --json), and Ctrl-C handling shared by the long-running commands.
import { ExitCode } from '../errors.js';

export const info = (line: string): void => {
  process.stderr.write(`sc-sim: ${line}\n`);
};

/** A logger for app code: essential lines (the seed) even with --quiet, the rest only without. */
export const runLog =
  (quiet: boolean | undefined) =>
  (line: string, essential: boolean): void => {
    if (essential || !quiet) info(line);
  };

/** A progress line rewritten in place; only on a terminal and without --quiet. */
export function progressLine(quiet: boolean | undefined): { write?: (line: string) => void; clear: () => void } {
  if (process.stderr.isTTY !== true || quiet) return { clear: () => undefined };
  return {
    write: (line) => process.stderr.write(`\r\x1b[K${line}`),
    clear: () => process.stderr.write('\r\x1b[K'),
  };
}

/**
 * Runs `fn` with SIGINT/SIGTERM turned into an abort signal: the first one asks the work to stop
 * and finish properly (`message` says what happens now), a second one quits at once (exit 130).
 */
export async function withInterrupt<T>(message: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    signals++;
    if (signals > 1) process.exit(ExitCode.interrupted);
    info(`${sig}: ${message} (again to quit now)`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await fn(controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
