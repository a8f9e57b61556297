// One error type for everything sc-sim reports to a user: a closed code, a message that says
// what and where, a hint that says how to fix it, and the process exit code.

/** Exit codes are part of the CLI contract (documented in the README). */
export const ExitCode = {
  ok: 0,
  /** The tool could not do its job: bad input, unreachable broker, missing java… */
  toolError: 1,
  /** Wrong flags or arguments. */
  usage: 2,
  /** The run completed but one or more scenario thresholds failed. */
  thresholdFailed: 3,
  /** Verification found lost, duplicated or reordered events. */
  verificationFailed: 4,
  /** Stopped by SIGINT/SIGTERM after draining; the report was still written. */
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export const ErrorCodes = [
  'E_USAGE',
  'E_CONFIG',
  'E_SCENARIO_FILE',
  'E_SCENARIO_INVALID',
  'E_SCENARIO_UNKNOWN',
  'E_EVENT_TYPE_UNKNOWN',
  'E_BROKER_UNREACHABLE',
  'E_KAFKA',
  'E_AUTH',
  'E_TLS',
  'E_PROTOCOL_MISMATCH',
  'E_AUTHORIZATION',
  'E_TOPIC_MISSING',
  'E_JAVA_MISSING',
  'E_MAVEN_MISSING',
  'E_MAVEN_FAILED',
  'E_PORT_IN_USE',
  'E_BROKER_START_FAILED',
  'E_BROKER_NOT_OURS',
  'E_DOCKER',
  'E_REPORT_FILE',
  'E_IO',
  'E_VERIFY_TIMEOUT',
  'E_PRODUCER_CRASHED',
  'E_GENERATOR_CRASHED',
  'E_REPORT_MERGE',
  'E_GROUP_IDLE',
] as const;
export type ErrorCode = (typeof ErrorCodes)[number];

/** Errors about the command line itself (a flag, an argument naming a scenario or event type): exit 2. */
const USAGE_CODES: ReadonlySet<ErrorCode> = new Set(['E_USAGE', 'E_SCENARIO_UNKNOWN', 'E_EVENT_TYPE_UNKNOWN']);

export interface ScSimErrorOptions {
  hint?: string;
  exitCode?: ExitCode;
  /** Extra lines shown under the message (e.g. the last lines of a broker log, or every validation issue). */
  details?: string[];
  cause?: unknown;
}

export class ScSimError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly exitCode: ExitCode;
  readonly details: string[];

  constructor(code: ErrorCode, message: string, options: ScSimErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ScSimError';
    this.code = code;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? (USAGE_CODES.has(code) ? ExitCode.usage : ExitCode.toolError);
    this.details = options.details ?? [];
  }
}

export function isScSimError(err: unknown): err is ScSimError {
  return err instanceof ScSimError;
}

/** Renders an error for a human on stderr: never a stack trace for our own errors. */
export function formatError(err: unknown): string {
  if (isScSimError(err)) {
    const lines = [`error[${err.code}]: ${err.message}`];
    for (const d of err.details) lines.push(`  ${d}`);
    if (err.hint) lines.push(`hint: ${err.hint}`);
    return lines.join('\n');
  }
  // Unexpected errors are bugs: say so, keep the message, and point at --debug for the stack.
  const message = err instanceof Error ? err.message : String(err);
  return `error[E_INTERNAL]: ${message}\nhint: this is a bug in sc-sim; re-run with SC_SIM_DEBUG=1 for a stack trace and report it.`;
}
