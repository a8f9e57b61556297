// Where and how sc-sim connects: broker addresses and the security settings every Kafka client is
// built from. Scenario files never hold addresses (what vs where). Each setting comes from a flag,
// an SC_SIM_* environment variable or a Kafka client properties file (--command-config), in that
// order of precedence; this module holds the types, the environment reading and the merge.
import { ScSimError } from './errors.js';

export const SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
export type SecurityProtocol = (typeof SECURITY_PROTOCOLS)[number];

/** AWS_MSK_IAM is Amazon MSK's IAM login (an OAUTHBEARER token signed with AWS credentials). */
export const SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'OAUTHBEARER', 'AWS_MSK_IAM'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

/**
 * Where a secret is read when a client is built; never the secret itself. A connection can then be
 * printed, put in a report, passed to a worker thread or a child process without leaking anything.
 */
export type SecretSource =
  /** An environment variable holding the value. */
  | { from: 'env'; name: string }
  /** A file holding only the value (a trailing newline is dropped). */
  | { from: 'file'; path: string }
  /** A key of a client properties file; `jaasOption` reads that option of the key's JAAS line. */
  | { from: 'properties'; path: string; key: string; jaasOption?: string }
  /** OAUTHBEARER: a command that prints a token; re-run before the token expires. */
  | { from: 'command'; command: string }
  /** OAUTHBEARER: an unsecured token (alg "none") sc-sim makes itself, as Kafka's unsecured login module does. */
  | { from: 'unsecured-jwt'; subject: string };

export interface TlsSettings {
  /** PEM file of the CAs to trust; absent: the system's CAs. */
  caFile?: string;
  /** mTLS: client certificate (PEM) and its key (PEM), or a keystore holding both (PEM or PKCS#12). */
  certFile?: string;
  keyFile?: string;
  keyPassword?: SecretSource;
  keystoreFile?: string;
  keystorePassword?: SecretSource;
  /** SNI server name, and the name the broker certificate is checked against (default: the broker host). */
  serverName?: string;
  /** false: the certificate chain is checked but not the host name (ssl.endpoint.identification.algorithm=). */
  verifyHostname: boolean;
  /** Nothing about the broker certificate is checked: only with --insecure-skip-tls-verify. */
  insecureSkipVerify: boolean;
}

export interface SaslSettings {
  mechanism: SaslMechanism;
  /** PLAIN and SCRAM: the user; OAUTHBEARER: the principal, when known (for messages only). */
  username?: string;
  password?: SecretSource;
  /** OAUTHBEARER: where the token comes from. */
  token?: SecretSource;
  /** AWS_MSK_IAM: the AWS region (default AWS_REGION, else read from the broker host name). */
  awsRegion?: string;
}

export interface SecuritySettings {
  protocol: SecurityProtocol;
  /** Set for SSL and SASL_SSL. */
  tls?: TlsSettings;
  /** Set for SASL_PLAINTEXT and SASL_SSL. */
  sasl?: SaslSettings;
}

/**
 * Where and how to connect: the one value every Kafka role (admin, producer, consumers) is built
 * from, so they all reach the same cluster the same way. Plain data without secret values.
 */
export interface KafkaConnection {
  brokers: string[];
  /** Absent: PLAINTEXT. */
  security?: SecuritySettings;
}

/** What the report may say about a connection: never more than protocol, mechanism and user. */
export interface ConnectionSummary {
  securityProtocol: SecurityProtocol;
  saslMechanism: SaslMechanism | null;
  user: string | null;
}

export function summarizeConnection(connection: KafkaConnection): ConnectionSummary {
  const s = connection.security;
  return {
    securityProtocol: s?.protocol ?? 'PLAINTEXT',
    saslMechanism: s?.sasl?.mechanism ?? null,
    user: s?.sasl?.username ?? null,
  };
}

export const DEFAULT_BROKER_PORT = 9092;
export const DEFAULT_BROKERS = [`127.0.0.1:${DEFAULT_BROKER_PORT}`];

/** Parses "host:port,host:port" and checks each entry, so a typo fails before any connect attempt. */
export function parseBrokerList(raw: string, source: string): string[] {
  // A bad flag is a usage error (exit 2); a bad environment variable is a configuration error.
  const code = source.startsWith('--') ? 'E_USAGE' : 'E_CONFIG';
  const brokers = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (brokers.length === 0) {
    throw new ScSimError(code, `${source}: no broker address given`, {
      hint: 'give one or more host:port pairs, e.g. --brokers 127.0.0.1:9092',
    });
  }
  for (const b of brokers) {
    const m = /^(\[[0-9a-fA-F:]+\]|[^\s:[\]]+):(\d{1,5})$/.exec(b);
    const port = m ? Number(m[2]) : NaN;
    if (!m || port < 1 || port > 65535) {
      throw new ScSimError(code, `${source}: "${b}" is not a host:port broker address`, {
        hint: 'use host:port, e.g. 127.0.0.1:9092 (several separated by commas)',
      });
    }
  }
  return brokers;
}

/** Brokers: flag > SC_SIM_BROKERS > `bootstrap.servers` of the client properties file > 127.0.0.1:9092. */
export function resolveBrokers(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  fromFile?: { value: string; source: string },
): string[] {
  if (flag !== undefined) return parseBrokerList(flag, '--brokers');
  const fromEnv = env['SC_SIM_BROKERS'];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return parseBrokerList(fromEnv, 'SC_SIM_BROKERS');
  if (fromFile !== undefined) return parseBrokerList(fromFile.value, fromFile.source);
  return [...DEFAULT_BROKERS];
}

/**
 * The security settings one source (flags, environment or a file) gives: the resolved settings'
 * fields, each optional (merged field by field, flag > env > file, into SecuritySettings).
 */
export interface SecurityInput extends Partial<SaslSettings>, Partial<TlsSettings> {
  protocol?: SecurityProtocol;
}

/** One source of settings and how to name it in messages ("--sasl-username", "SC_SIM_SASL_USERNAME", a file). */
export interface NamedInput {
  input: SecurityInput;
  /** Where a field came from, for error messages: field name -> flag, variable or file:key. */
  origin: Partial<Record<keyof SecurityInput, string>>;
}

export function parseSecurityProtocol(raw: string, source: string): SecurityProtocol {
  const v = raw.trim().toUpperCase();
  if ((SECURITY_PROTOCOLS as readonly string[]).includes(v)) return v as SecurityProtocol;
  throw new ScSimError(
    source.startsWith('--') ? 'E_USAGE' : 'E_CONFIG',
    `${source}: "${raw}" is not a security protocol`,
    {
      hint: `use one of ${SECURITY_PROTOCOLS.join(', ')}`,
    },
  );
}

export function parseSaslMechanism(raw: string, source: string): SaslMechanism {
  const v = raw.trim().toUpperCase();
  if ((SASL_MECHANISMS as readonly string[]).includes(v)) return v as SaslMechanism;
  throw new ScSimError(
    source.startsWith('--') ? 'E_USAGE' : 'E_CONFIG',
    `${source}: "${raw}" is not a SASL mechanism sc-sim supports`,
    {
      hint: `use one of ${SASL_MECHANISMS.join(', ')} (GSSAPI/Kerberos is not supported)`,
    },
  );
}

const TRUE_VALUES = new Set(['1', 'true', 'yes', 'on']);

/** The SC_SIM_* variables: for CI, where secrets arrive as environment variables or mounted files. */
export function securityFromEnv(env: NodeJS.ProcessEnv = process.env): NamedInput {
  const input: SecurityInput = {};
  const origin: NamedInput['origin'] = {};
  const get = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const set = <K extends keyof SecurityInput>(key: K, name: string, value: SecurityInput[K] | undefined) => {
    if (value === undefined) return;
    input[key] = value;
    origin[key] = name;
  };
  const secret = (valueVar: string, fileVar: string): [SecretSource, string] | undefined => {
    // The variable holding the value wins over the one naming a file: it is the more specific.
    if (env[valueVar] !== undefined && env[valueVar] !== '') return [{ from: 'env', name: valueVar }, valueVar];
    const file = get(fileVar);
    return file === undefined ? undefined : [{ from: 'file', path: file }, fileVar];
  };
  const setSecret = (
    key: 'password' | 'token' | 'keyPassword' | 'keystorePassword',
    valueVar: string,
    fileVar: string,
  ) => {
    const s = secret(valueVar, fileVar);
    if (s) set(key, s[1], s[0]);
  };

  const protocol = get('SC_SIM_SECURITY_PROTOCOL');
  if (protocol !== undefined)
    set('protocol', 'SC_SIM_SECURITY_PROTOCOL', parseSecurityProtocol(protocol, 'SC_SIM_SECURITY_PROTOCOL'));
  const mechanism = get('SC_SIM_SASL_MECHANISM');
  if (mechanism !== undefined)
    set('mechanism', 'SC_SIM_SASL_MECHANISM', parseSaslMechanism(mechanism, 'SC_SIM_SASL_MECHANISM'));
  set('username', 'SC_SIM_SASL_USERNAME', get('SC_SIM_SASL_USERNAME'));
  setSecret('password', 'SC_SIM_SASL_PASSWORD', 'SC_SIM_SASL_PASSWORD_FILE');
  setSecret('token', 'SC_SIM_SASL_OAUTH_TOKEN', 'SC_SIM_SASL_OAUTH_TOKEN_FILE');
  const tokenCommand = get('SC_SIM_SASL_OAUTH_TOKEN_COMMAND');
  if (input.token === undefined && tokenCommand !== undefined)
    set('token', 'SC_SIM_SASL_OAUTH_TOKEN_COMMAND', { from: 'command', command: tokenCommand });
  set('awsRegion', 'SC_SIM_AWS_REGION', get('SC_SIM_AWS_REGION'));
  set('caFile', 'SC_SIM_SSL_CA', get('SC_SIM_SSL_CA'));
  set('certFile', 'SC_SIM_SSL_CERT', get('SC_SIM_SSL_CERT'));
  set('keyFile', 'SC_SIM_SSL_KEY', get('SC_SIM_SSL_KEY'));
  setSecret('keyPassword', 'SC_SIM_SSL_KEY_PASSWORD', 'SC_SIM_SSL_KEY_PASSWORD_FILE');
  set('keystoreFile', 'SC_SIM_SSL_KEYSTORE', get('SC_SIM_SSL_KEYSTORE'));
  setSecret('keystorePassword', 'SC_SIM_SSL_KEYSTORE_PASSWORD', 'SC_SIM_SSL_KEYSTORE_PASSWORD_FILE');
  set('serverName', 'SC_SIM_SSL_SERVER_NAME', get('SC_SIM_SSL_SERVER_NAME'));
  const insecure = get('SC_SIM_INSECURE_SKIP_TLS_VERIFY');
  if (insecure !== undefined)
    set('insecureSkipVerify', 'SC_SIM_INSECURE_SKIP_TLS_VERIFY', TRUE_VALUES.has(insecure.toLowerCase()));
  return { input, origin };
}

/**
 * Merges the sources field by field (the first that sets a field wins: flags, then environment, then
 * the file) and checks that the result makes sense, e.g. SCRAM has a user and a password.
 */
export function mergeSecurity(sources: readonly NamedInput[]): SecuritySettings | undefined {
  const merged: SecurityInput = {};
  const origin: NamedInput['origin'] = {};
  for (const s of sources) {
    for (const key of Object.keys(s.input) as (keyof SecurityInput)[]) {
      if (merged[key] !== undefined || s.input[key] === undefined) continue;
      (merged as Record<string, unknown>)[key] = s.input[key];
      origin[key] = s.origin[key] ?? key;
    }
  }
  const tlsFields = ['caFile', 'certFile', 'keyFile', 'keystoreFile', 'serverName'] as const;
  const saslFields = ['mechanism', 'username', 'password', 'token'] as const;
  const hasTls = tlsFields.some((f) => merged[f] !== undefined) || merged.insecureSkipVerify === true;
  const hasSasl = saslFields.some((f) => merged[f] !== undefined);
  // Without a protocol the settings given imply one: SASL settings mean SASL_SSL (every managed
  // cloud), TLS files alone mean SSL.
  const protocol: SecurityProtocol = merged.protocol ?? (hasSasl ? 'SASL_SSL' : hasTls ? 'SSL' : 'PLAINTEXT');
  const withTls = protocol === 'SSL' || protocol === 'SASL_SSL';
  const withSasl = protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL';
  const named = (f: keyof SecurityInput) => origin[f] ?? f;

  if (!withSasl && hasSasl) {
    const f = saslFields.find((x) => merged[x] !== undefined)!;
    throw new ScSimError(
      'E_CONFIG',
      `security protocol ${protocol} (${named('protocol')}) does not log in, but ${named(f)} is set`,
      {
        hint: `use SASL_SSL (or SASL_PLAINTEXT) to log in, or drop the SASL settings`,
      },
    );
  }
  if (!withTls && hasTls) {
    const f = tlsFields.find((x) => merged[x] !== undefined) ?? 'insecureSkipVerify';
    throw new ScSimError(
      'E_CONFIG',
      `security protocol ${protocol} (${named('protocol')}) does not use TLS, but ${named(f)} is set`,
      {
        hint: 'use SSL or SASL_SSL for a TLS listener, or drop the TLS settings',
      },
    );
  }
  if (protocol === 'PLAINTEXT') return undefined;
  const settings: SecuritySettings = { protocol };
  if (withTls) settings.tls = tlsSettings(merged, named);
  if (withSasl) settings.sasl = saslSettings(merged);
  return settings;
}

function tlsSettings(m: SecurityInput, named: (f: keyof SecurityInput) => string): TlsSettings {
  if ((m.certFile === undefined) !== (m.keyFile === undefined)) {
    const [has, lacks] = m.certFile !== undefined ? ['certFile', 'key'] : ['keyFile', 'certificate'];
    throw new ScSimError(
      'E_CONFIG',
      `a client ${lacks === 'key' ? 'certificate' : 'key'} is set (${named(has as keyof SecurityInput)}) but no client ${lacks}`,
      {
        hint: 'mTLS needs both: --ssl-cert <cert.pem> and --ssl-key <key.pem> (or a PKCS#12 keystore)',
      },
    );
  }
  if (m.keystoreFile !== undefined && m.certFile !== undefined) {
    throw new ScSimError(
      'E_CONFIG',
      `both a keystore (${named('keystoreFile')}) and a client certificate (${named('certFile')}) are set`,
      {
        hint: 'give the client certificate one way: a keystore, or a certificate and key',
      },
    );
  }
  const tls: TlsSettings = {
    verifyHostname: m.verifyHostname ?? true,
    insecureSkipVerify: m.insecureSkipVerify ?? false,
  };
  for (const key of [
    'caFile',
    'certFile',
    'keyFile',
    'keyPassword',
    'keystoreFile',
    'keystorePassword',
    'serverName',
  ] as const) {
    if (m[key] !== undefined) (tls as unknown as Record<string, unknown>)[key] = m[key];
  }
  return tls;
}

function saslSettings(m: SecurityInput): SaslSettings {
  const mechanism = m.mechanism ?? (m.token !== undefined ? 'OAUTHBEARER' : undefined);
  if (mechanism === undefined) {
    throw new ScSimError('E_CONFIG', 'SASL is on but no mechanism is set', {
      hint: 'set --sasl-mechanism (SC_SIM_SASL_MECHANISM, or sasl.mechanism in the --command-config file): PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER or AWS_MSK_IAM',
    });
  }
  const sasl: SaslSettings = { mechanism };
  if (m.username !== undefined) sasl.username = m.username;
  if (mechanism === 'PLAIN' || mechanism === 'SCRAM-SHA-256' || mechanism === 'SCRAM-SHA-512') {
    if (m.username === undefined) {
      throw new ScSimError('E_CONFIG', `SASL ${mechanism} needs a user name, and none is set`, {
        hint: 'set --sasl-username (SC_SIM_SASL_USERNAME, or username in sasl.jaas.config)',
      });
    }
    if (m.password === undefined) {
      throw new ScSimError('E_CONFIG', `SASL ${mechanism} needs a password for user "${m.username}", and none is set`, {
        hint: 'give it in a file (--sasl-password-file, SC_SIM_SASL_PASSWORD_FILE), in SC_SIM_SASL_PASSWORD, or as password in sasl.jaas.config; never on the command line',
      });
    }
    sasl.password = m.password;
  } else if (mechanism === 'OAUTHBEARER') {
    if (m.token === undefined) {
      throw new ScSimError('E_CONFIG', 'SASL OAUTHBEARER needs a token, and none is set', {
        hint: 'give a command that prints one (--sasl-token-command, SC_SIM_SASL_OAUTH_TOKEN_COMMAND), a file (--sasl-token-file, SC_SIM_SASL_OAUTH_TOKEN_FILE) or SC_SIM_SASL_OAUTH_TOKEN',
      });
    }
    sasl.token = m.token;
  } else if (m.awsRegion !== undefined) {
    sasl.awsRegion = m.awsRegion;
  }
  return sasl;
}
