// Flag parsers shared by every command: each turns bad input into a usage error (exit 2) that
// names the flag and says what is expected.
import { InvalidArgumentError, Option, type Command } from 'commander';
import { resolveConnectionSettings, type ConnectionFlags } from '../app/connection.js';
import { getTopic, validatePrefix, DOMAIN_TOPICS } from '../catalog/topics.js';
import type { KafkaConnection } from '../config.js';
import { ScSimError } from '../errors.js';
import { formatDurationMs, parseDurationMs } from '../runner/duration.js';
import { MAX_GENERATOR_THREADS } from '../scenarios/index.js';
import { info } from './output.js';

export function parsePositiveInt(flag: string) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < 1) {
      throw new InvalidArgumentError(`${flag} expects a whole number >= 1, got "${raw}"`);
    }
    return n;
  };
}

export function parseNonNegative(flag: string) {
  return (raw: string): number => {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || n < 0)
      throw new InvalidArgumentError(`${flag} expects a number >= 0, got "${raw}"`);
    return n;
  };
}

/** A duration flag: 30s, 2m, 500ms, 1h or a plain number of ms; must be longer than 0. */
export function parseDurationFlag(flag: string, minMs = 0) {
  return (raw: string): number => {
    const ms = parseDurationMs(/^\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw);
    if (ms === undefined || ms <= 0)
      throw new InvalidArgumentError(`${flag} expects e.g. 30s, 2m or 500ms, got "${raw}"`);
    if (ms < minMs) throw new InvalidArgumentError(`${flag} must be at least ${formatDurationMs(minMs)}, got "${raw}"`);
    return ms;
  };
}

/** `--generator-threads`: 0 to MAX_GENERATOR_THREADS, or auto. */
export function parseGeneratorThreads(raw: string): number | 'auto' {
  if (raw.trim() === 'auto') return 'auto';
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n > MAX_GENERATOR_THREADS)
    throw new InvalidArgumentError(
      `--generator-threads expects a whole number from 0 to ${MAX_GENERATOR_THREADS}, or auto, got "${raw}"`,
    );
  return n;
}

export function parseSeed(raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n > 0xffffffff) {
    throw new InvalidArgumentError(`--seed expects a whole number from 0 to 4294967295, got "${raw}"`);
  }
  return n;
}

export function parseRate(raw: string): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError(`--rate expects events per second (> 0), got "${raw}"`);
  return n;
}

export function parsePort(flag: string) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < 1 || n > 65535)
      throw new InvalidArgumentError(`${flag} expects a TCP port from 1 to 65535, got "${raw}"`);
    return n;
  };
}

export function parsePrefix(raw: string): string {
  const problem = validatePrefix(raw);
  if (problem) throw new InvalidArgumentError(`--prefix "${raw}" ${problem}`);
  return raw;
}

/** A comma-separated list of catalog topic names (without the prefix); default every domain topic. */
export function parseTopicList(flag: string, raw: string | undefined): string[] {
  if (raw === undefined) return [...DOMAIN_TOPICS];
  const names = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => getTopic(n) === undefined);
  if (names.length === 0 || unknown.length > 0) {
    throw new ScSimError(
      'E_USAGE',
      `${flag}: ${unknown.length > 0 ? `not catalog topics: ${unknown.join(', ')}` : 'no topic given'}`,
      {
        hint: `name catalog topics without the prefix, e.g. ${flag} sc.domain.promotion,sc.domain.order (see \`sc-sim topics list\`)`,
      },
    );
  }
  return names;
}

export const brokersOption = () =>
  new Option(
    '-b, --brokers <list>',
    'Kafka bootstrap servers, host:port[,host:port] (env SC_SIM_BROKERS; default 127.0.0.1:9092)',
  );

export const prefixOption = () =>
  new Option('--prefix <prefix>', 'namespace every topic name with this prefix (e.g. "ci-42.")')
    .argParser(parsePrefix)
    .default('');

/**
 * The connection flags of every command that talks to Kafka: the brokers and the common security
 * settings. The rest (PKCS#12 keystores, key passwords) come from SC_SIM_* variables or the
 * --command-config file; precedence is flag > environment > file.
 */
export function addConnectionOptions(command: Command): Command {
  return command
    .addOption(brokersOption())
    .addOption(
      new Option(
        '--command-config <file>',
        "Kafka client properties file, as Kafka's CLI tools take it: security.protocol, sasl.*, ssl.* (env SC_SIM_COMMAND_CONFIG)",
      ),
    )
    .addOption(
      new Option(
        '--security-protocol <p>',
        'PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL (env SC_SIM_SECURITY_PROTOCOL)',
      ),
    )
    .addOption(
      new Option(
        '--sasl-mechanism <m>',
        'PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER or AWS_MSK_IAM (env SC_SIM_SASL_MECHANISM)',
      ),
    )
    .addOption(new Option('--sasl-username <name>', 'SASL user (env SC_SIM_SASL_USERNAME)'))
    .addOption(
      new Option(
        '--sasl-password-file <file>',
        'file holding the SASL password (env SC_SIM_SASL_PASSWORD_FILE, or the value in SC_SIM_SASL_PASSWORD)',
      ),
    )
    .addOption(new Option('--sasl-password <pw>').hideHelp())
    .addOption(
      new Option('--sasl-token-file <file>', 'OAUTHBEARER: file holding the token (env SC_SIM_SASL_OAUTH_TOKEN_FILE)'),
    )
    .addOption(
      new Option(
        '--sasl-token-command <cmd>',
        'OAUTHBEARER: command printing a token, re-run before it expires (env SC_SIM_SASL_OAUTH_TOKEN_COMMAND)',
      ),
    )
    .addOption(
      new Option('--ssl-ca <file>', 'PEM file of the CA(s) to trust; default the system CAs (env SC_SIM_SSL_CA)'),
    )
    .addOption(new Option('--ssl-cert <file>', 'mTLS: client certificate, PEM (env SC_SIM_SSL_CERT)'))
    .addOption(new Option('--ssl-key <file>', 'mTLS: client private key, PEM (env SC_SIM_SSL_KEY)'))
    .addOption(
      new Option(
        '--ssl-server-name <name>',
        'TLS server name (SNI) the broker certificate is checked against (env SC_SIM_SSL_SERVER_NAME)',
      ),
    )
    .addOption(
      new Option(
        '--insecure-skip-tls-verify',
        "do not check the broker's certificate at all (insecure; prints a warning; env SC_SIM_INSECURE_SKIP_TLS_VERIFY=1)",
      ),
    );
}

/** The connection the flags, environment and --command-config file describe; warnings go to stderr. */
export function connectionFromFlags(flags: ConnectionFlags): KafkaConnection {
  const resolved = resolveConnectionSettings(flags);
  for (const w of resolved.warnings) info(w);
  return resolved.connection;
}

/** `--shard i/N`: shard i (0-based) of N; N from 1 to 65536. */
export function parseShard(raw: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(raw.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || count > 65_536 || index >= count) {
    throw new InvalidArgumentError(`--shard expects i/N with 0 <= i < N <= 65536 (e.g. 0/4), got "${raw}"`);
  }
  return { index, count };
}

/**
 * The shard from the environment, as a Kubernetes Indexed Job sets it: JOB_COMPLETION_INDEX (set by
 * Kubernetes) and SC_SIM_SHARDS (set in the Job's pod template). Undefined when neither is set.
 */
export function shardFromEnv(env: NodeJS.ProcessEnv = process.env): { index: number; count: number } | undefined {
  const index = env['JOB_COMPLETION_INDEX']?.trim();
  const count = env['SC_SIM_SHARDS']?.trim();
  if (!count) return undefined;
  if (!index) {
    throw new ScSimError('E_USAGE', 'SC_SIM_SHARDS is set but JOB_COMPLETION_INDEX is not: which shard is this?', {
      hint: 'run as a Kubernetes Indexed Job (it sets JOB_COMPLETION_INDEX), or give --shard i/N',
    });
  }
  try {
    return parseShard(`${index}/${count}`);
  } catch (err) {
    throw new ScSimError(
      'E_USAGE',
      `JOB_COMPLETION_INDEX=${index} and SC_SIM_SHARDS=${count} are not a shard: ${(err as Error).message}`,
      {
        hint: "SC_SIM_SHARDS must be the Job's completions count, and the index below it",
      },
    );
  }
}

/** `--start-at`: an ISO-8601 instant with its time zone (Z or ±hh:mm), so every shard reads it alike. */
export function parseStartAt(raw: string): Date {
  const ms = Date.parse(raw);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(raw.trim()) || Number.isNaN(ms)) {
    throw new InvalidArgumentError(
      `--start-at expects an ISO-8601 time with a zone, e.g. 2026-12-01T12:00:00Z, got "${raw}"`,
    );
  }
  return new Date(ms);
}

/** `--run-id`: letters, digits, '.', '_' and '-' (it travels in every record header). */
export function parseRunId(raw: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(raw)) {
    throw new InvalidArgumentError(
      `--run-id expects up to 128 letters, digits, '.', '_' or '-' (not starting with one of the last three), got "${raw}"`,
    );
  }
  return raw;
}
