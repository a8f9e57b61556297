// The one place that constructs kafkajs clients: connection timeouts, bounded retries, TLS and SASL
// and log routing are decided here so every role (admin, producer sink, consumers, the local
// broker's probe) behaves alike; and the one place that turns a kafkajs failure into an error that
// says what went wrong: unreachable, wrong password, untrusted certificate, wrong protocol, an ACL.
import { Kafka, logLevel, type KafkaConfig, type LogEntry } from 'kafkajs';
import type { KafkaConnection } from '../config.js';
import { ScSimError } from '../errors.js';
import { probePlaintextKafka, probeSaslMechanisms, probeTls } from './probe.js';
import { describeSecretSource, hostPort, kafkaSecurityConfig } from './security.js';

export type { KafkaConnection };

export interface ClientOptions extends KafkaConnection {
  clientId?: string;
  /** Upper bound for establishing a TCP connection to one broker. */
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  /**
   * Retries for retriable errors; kept small so an unreachable broker fails within seconds. Never
   * fewer than it takes to try each bootstrap broker once (see seedRetries).
   */
  retries?: number;
}

/** kafkajs's levels by number (its logLevel is a plain object, without a reverse mapping). */
const LEVEL_NAMES = new Map(Object.entries(logLevel).map(([name, n]) => [n as number, name]));

// kafkajs logs connection errors at ERROR level while it retries; we surface failures ourselves
// as ScSimErrors, so its own log is only shown when asked for.
function logCreator() {
  const wanted = process.env['SC_SIM_KAFKA_LOG'];
  return ({ level, log }: LogEntry) => {
    if (!wanted) return;
    const { message, ...rest } = log;
    process.stderr.write(`[kafkajs ${LEVEL_NAMES.get(level) ?? level}] ${message} ${JSON.stringify(rest)}\n`);
  };
}

/**
 * kafkajs connects to the first bootstrap broker and moves on to the next only on a retry, so a
 * client with fewer retries than further bootstrap brokers never reaches some of them: with none, a
 * down first broker (killed mid-run, not back yet) fails the client although the others are up.
 */
export function seedRetries(retries: number, bootstrapBrokers: number): number {
  return Math.max(retries, bootstrapBrokers - 1);
}

/** Builds a client; TLS files and secrets are read and checked here, so bad ones fail before any connect. */
export function createKafka(opts: ClientOptions): Kafka {
  const config: KafkaConfig = {
    clientId: opts.clientId ?? 'sc-sim',
    brokers: opts.brokers,
    connectionTimeout: opts.connectionTimeoutMs ?? 3_000,
    requestTimeout: opts.requestTimeoutMs ?? 30_000,
    retry: { retries: seedRetries(opts.retries ?? 3, opts.brokers.length), initialRetryTime: 200, maxRetryTime: 2_000 },
    logLevel: process.env['SC_SIM_KAFKA_LOG'] ? logLevel.DEBUG : logLevel.ERROR,
    logCreator,
    ...kafkaSecurityConfig(opts),
  };
  return new Kafka(config);
}

/** What sc-sim was doing when Kafka said no: names the ACL operation an authorization failure lacks. */
export interface KafkaOperation {
  action:
    | 'connect'
    | 'describe'
    | 'produce'
    | 'consume'
    | 'create'
    | 'alter'
    | 'describe-configs'
    | 'alter-configs'
    | 'delete';
  topics?: readonly string[];
  groupId?: string;
}

const ACL_OPERATION: Record<KafkaOperation['action'], string> = {
  connect: 'DESCRIBE',
  describe: 'DESCRIBE',
  produce: 'WRITE',
  consume: 'READ',
  create: 'CREATE',
  alter: 'ALTER',
  'describe-configs': 'DESCRIBE_CONFIGS',
  'alter-configs': 'ALTER_CONFIGS',
  delete: 'DELETE',
};

/** How long the first connect (and first request) of a client may take before it is called failed. */
export const CONNECT_DEADLINE_MS = 8_000;

interface ErrorLike {
  name?: string;
  message?: string;
  type?: string;
  code?: unknown;
  topic?: string;
  broker?: string;
  cause?: unknown;
  originalError?: unknown;
  errors?: unknown;
  groups?: unknown;
}

/** Every error in a kafkajs error's chain: causes, wrapped errors, aggregates, per-group errors. */
function errorChain(err: unknown): ErrorLike[] {
  const out: ErrorLike[] = [];
  const seen = new Set<unknown>();
  const todo: unknown[] = [err];
  while (todo.length > 0) {
    const e = todo.shift();
    if (e === null || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    const x = e as ErrorLike;
    out.push(x);
    todo.push(x.cause, x.originalError);
    if (Array.isArray(x.errors)) todo.push(...(x.errors as unknown[]));
    if (Array.isArray(x.groups)) todo.push(...(x.groups as { error?: unknown }[]).map((g) => g?.error));
  }
  return out;
}

const TLS_VERIFY: Record<string, string> = {
  SELF_SIGNED_CERT_IN_CHAIN: 'the broker certificate is signed by a CA sc-sim does not trust',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the broker certificate is self-signed and not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the broker certificate is signed by a CA sc-sim does not trust',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the CA that signed the broker certificate is not trusted',
  UNABLE_TO_GET_ISSUER_CERT: 'the CA that signed the broker certificate is not trusted',
  CERT_HAS_EXPIRED: 'the broker certificate has expired',
  CERT_NOT_YET_VALID: 'the broker certificate is not valid yet (is the clock right?)',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the broker certificate does not name the host sc-sim connected to',
  // A trusted CA with the same name as the one that signed the certificate, but another key.
  CERT_SIGNATURE_FAILURE: 'the broker certificate was not signed by the trusted CA of that name',
  CERT_UNTRUSTED: 'the broker certificate is not trusted',
  CERT_REJECTED: 'the broker certificate is rejected',
  INVALID_CA: 'a CA in the broker certificate chain is not valid as a CA',
};

const AUTHORIZATION_TYPES = new Set([
  'TOPIC_AUTHORIZATION_FAILED',
  'GROUP_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
]);

/** "user "x" (SCRAM-SHA-512)", "the token's principal (OAUTHBEARER)", "an unauthenticated client". */
function who(connection: KafkaConnection): string {
  const sasl = connection.security?.sasl;
  if (sasl)
    return sasl.username !== undefined
      ? `user "${sasl.username}" (${sasl.mechanism})`
      : `the ${sasl.mechanism} principal`;
  if (connection.security?.tls?.certFile || connection.security?.tls?.keystoreFile) return 'the client certificate';
  return 'an unauthenticated client (User:ANONYMOUS)';
}

function principal(connection: KafkaConnection): string {
  const sasl = connection.security?.sasl;
  if (sasl?.username !== undefined) return `User:${sasl.username}`;
  if (sasl) return "the token's principal";
  if (connection.security?.tls?.certFile || connection.security?.tls?.keystoreFile)
    return "the certificate's principal (User:CN=…)";
  return 'User:ANONYMOUS';
}

function caDescription(connection: KafkaConnection): string {
  const ca = connection.security?.tls?.caFile;
  return ca === undefined ? "the system's CAs" : `the CA file ${ca}`;
}

function tlsError(code: string, broker: string, connection: KafkaConnection, detail: string): ScSimError {
  const tls = connection.security?.tls;
  const message = `TLS to ${broker} failed: ${TLS_VERIFY[code]} (${code}; sc-sim trusted ${caDescription(connection)})`;
  let hint: string;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    hint = `${detail.replace(/^.*?Hostname\/IP does not match certificate's altnames: /, '')}; connect with a name the certificate lists, or set the name it is checked against with --ssl-server-name${tls?.serverName ? ` (now ${tls.serverName})` : ''}`;
  } else if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    hint = 'renew the broker certificate (`sc-sim kafka up --secure` renews its own before it expires)';
  } else {
    hint =
      'pass the CA that signed the broker certificate with --ssl-ca <ca.pem> (SC_SIM_SSL_CA, or ssl.truststore.location / ssl.ca.location in --command-config); ' +
      'for `sc-sim kafka up --secure` it is <home>/tls/ca.crt';
  }
  return new ScSimError('E_TLS', message, { hint });
}

function authorizationError(
  type: string,
  topicFromError: string | undefined,
  broker: string,
  connection: KafkaConnection,
  op: KafkaOperation,
  viaCoordinator: boolean,
): ScSimError {
  const operation = ACL_OPERATION[op.action];
  let resource: string;
  let alternative = '';
  let hint: string;
  if (type === 'GROUP_AUTHORIZATION_FAILED') {
    const group = op.groupId ?? '(the consumer group)';
    resource = `group ${group}`;
    const groupOperation = op.action === 'delete' ? 'DELETE' : 'READ';
    return new ScSimError(
      'E_AUTHORIZATION',
      `${who(connection)} needs ${groupOperation} on group ${group} at ${broker}${viaCoordinator ? ' (the broker found no coordinator for the group, which is how it answers a principal that may not use it)' : ''}`,
      {
        hint: `ask for the ACL: --allow-principal ${principal(connection)} --operation ${groupOperation} --group ${group} (or a prefix such as sc-sim-)`,
      },
    );
  }
  if (type === 'CLUSTER_AUTHORIZATION_FAILED') {
    if (op.action === 'produce' || op.action === 'connect') {
      return new ScSimError(
        'E_AUTHORIZATION',
        `${who(connection)} may not start an idempotent producer at ${broker} (CLUSTER_AUTHORIZATION_FAILED)`,
        {
          hint: `an idempotent producer needs WRITE on at least one topic (or IDEMPOTENT_WRITE on the cluster): ask for WRITE on the topics for ${principal(connection)}, or set producer.idempotent: false in the scenario`,
        },
      );
    }
    resource = 'the cluster';
    hint = `ask for the ACL: --allow-principal ${principal(connection)} --operation ${operation} --cluster`;
  } else if (type === 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED') {
    resource = 'the transactional id';
    hint = `ask for the ACL: --allow-principal ${principal(connection)} --operation WRITE --transactional-id <id>`;
  } else {
    const topics = topicFromError !== undefined ? [topicFromError] : [...(op.topics ?? [])];
    resource =
      topics.length === 1
        ? `topic ${topics[0]}`
        : topics.length === 0
          ? 'a topic (the broker did not say which)'
          : `one of the topics ${topics.join(', ')} (the broker did not say which)`;
    if (op.action === 'create') alternative = ' (or CREATE on the cluster)';
    hint =
      op.action === 'create' ||
      op.action === 'alter' ||
      op.action === 'alter-configs' ||
      op.action === 'describe-configs'
        ? `apply topics with an admin principal, or ask for the ACL: --allow-principal ${principal(connection)} --operation ${operation} --topic ${topics[0] ?? '<topic>'}`
        : `ask for the ACL: --allow-principal ${principal(connection)} --operation ${operation} --topic ${topics[0] ?? '<topic>'} (or a prefix such as sc.domain.)`;
  }
  return new ScSimError(
    'E_AUTHORIZATION',
    `${who(connection)} needs ${operation} on ${resource}${alternative} at ${broker}`,
    { hint },
  );
}

/**
 * Turns a kafkajs failure into an error that says what went wrong and how to fix it. Synchronous:
 * everything that needs no look at the port (see diagnoseKafkaError for protocol mismatches).
 */
export function toKafkaError(
  err: unknown,
  connection: KafkaConnection,
  op: KafkaOperation = { action: 'connect' },
): ScSimError {
  if (err instanceof ScSimError) return err;
  const chain = errorChain(err);
  const names = new Set(chain.map((e) => e.name));
  const types = new Set(chain.map((e) => e.type).filter((t): t is string => typeof t === 'string'));
  const codes = new Set(chain.map((e) => e.code).filter((c): c is string => typeof c === 'string'));
  const messages = chain.map((e) => e.message).filter((m): m is string => typeof m === 'string' && m !== '');
  const broker = chain.find((e) => typeof e.broker === 'string')?.broker ?? connection.brokers.join(',');
  const sasl = connection.security?.sasl;
  const wrapped = chain.find((e) => e instanceof ScSimError);
  // A token command that failed inside the SASL exchange: our own error, unwrapped.
  if (wrapped instanceof ScSimError) return wrapped;

  // The listener does not offer the mechanism (kafkajs checks the handshake itself, or the broker says so).
  if (
    types.has('UNSUPPORTED_SASL_MECHANISM') ||
    (names.has('KafkaJSSASLAuthenticationError') && messages.some((m) => /mechanism is not supported/.test(m)))
  ) {
    return new ScSimError('E_AUTH', `${broker} does not accept SASL mechanism ${sasl?.mechanism ?? '(none)'}`, {
      hint: 'set --sasl-mechanism to one the listener accepts (ask the cluster owner which)',
    });
  }
  if (names.has('KafkaJSSASLAuthenticationError') && sasl) {
    const passwordFrom = sasl.password ? `; the password came from ${describeSecretSource(sasl.password)}` : '';
    const tokenFrom = sasl.token ? `; the token came from ${describeSecretSource(sasl.token)}` : '';
    return new ScSimError(
      'E_AUTH',
      `${broker} rejected the ${sasl.mechanism} login of ${sasl.username !== undefined ? `user "${sasl.username}"` : 'this client'}`,
      {
        details: messages.slice(0, 1),
        hint:
          sasl.mechanism === 'AWS_MSK_IAM'
            ? 'check the AWS credentials (profile, keys or role) and that their IAM policy allows kafka-cluster:Connect on this cluster'
            : sasl.mechanism === 'OAUTHBEARER'
              ? `check the token (expiry, issuer, audience)${tokenFrom}`
              : `check the user name and password${passwordFrom}; SCRAM-SHA-256 and SCRAM-SHA-512 credentials are separate: the user needs one for the mechanism used`,
      },
    );
  }
  if (types.has('ILLEGAL_SASL_STATE') && sasl) {
    return new ScSimError(
      'E_PROTOCOL_MISMATCH',
      `${broker} does not use SASL on this port, but sc-sim was told to log in with ${sasl.mechanism}`,
      {
        hint: 'drop the SASL settings for this listener (--security-protocol PLAINTEXT or SSL), or use the port of the SASL listener',
      },
    );
  }
  const authz = chain.find((e) => e.type !== undefined && AUTHORIZATION_TYPES.has(e.type));
  if (authz) {
    const topic = chain.find((e) => typeof e.topic === 'string')?.topic;
    return authorizationError(authz.type!, topic, broker, connection, op, false);
  }
  // kafkajs swallows GROUP_AUTHORIZATION_FAILED while it looks for the coordinator.
  if (names.has('KafkaJSGroupCoordinatorNotFound') && op.groupId !== undefined && connection.security !== undefined) {
    return authorizationError('GROUP_AUTHORIZATION_FAILED', undefined, broker, connection, op, true);
  }
  for (const code of codes) {
    if (TLS_VERIFY[code] !== undefined)
      return tlsError(code, broker, connection, messages.find((m) => m.includes('altnames')) ?? '');
  }
  if (codes.has('ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE') || codes.has('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED')) {
    const tls = connection.security?.tls;
    return new ScSimError(
      'E_TLS',
      `${broker} requires a client certificate (mTLS) and rejected ${tls?.certFile || tls?.keystoreFile ? 'the one sc-sim sent' : 'the connection without one'}`,
      {
        hint: 'pass a client certificate signed by a CA the broker trusts: --ssl-cert <cert.pem> --ssl-key <key.pem> (or ssl.keystore.location in --command-config)',
      },
    );
  }
  const failedToConnect = messages.find((m) => m.startsWith('Failed to connect: '));
  if (failedToConnect) {
    return new ScSimError(
      'E_TLS',
      `the client TLS settings cannot be used: ${failedToConnect.slice('Failed to connect: '.length)}`,
      {
        hint: 'check the client certificate, key and password (PEM or PKCS#12; JKS must be converted)',
      },
    );
  }
  if (
    [
      'KafkaJSConnectionError',
      'KafkaJSNumberOfRetriesExceeded',
      'KafkaJSNonRetriableError',
      'KafkaJSBrokerNotFound',
      'KafkaJSRequestTimeoutError',
      'KafkaJSConnectionClosedError',
    ].some((n) => names.has(n))
  ) {
    const why = messages.find((m) => m.startsWith('Connection error: ')) ?? messages.at(-1) ?? String(err);
    return new ScSimError('E_BROKER_UNREACHABLE', `cannot reach Kafka at ${connection.brokers.join(',')}: ${why}`, {
      hint: 'start the local broker with `sc-sim kafka up`, or point at yours with --brokers host:port / SC_SIM_BROKERS',
      cause: err,
    });
  }
  return new ScSimError('E_KAFKA', `Kafka request failed: ${messages[0] ?? String(err)}`, { cause: err });
}

/**
 * toKafkaError, plus a look at the port when the connection was closed or reset: a TLS client on a
 * plaintext port (or the reverse) or a missing SASL login look alike to kafkajs. Runs the probes
 * (at most ~2 s each) only on that failure.
 */
export async function diagnoseKafkaError(
  err: unknown,
  connection: KafkaConnection,
  op: KafkaOperation = { action: 'connect' },
): Promise<ScSimError> {
  const first = toKafkaError(err, connection, op);
  if (first.code === 'E_AUTH' && first.message.includes('does not accept SASL mechanism')) {
    // kafkajs drops the list of mechanisms the broker sent back: ask for it again.
    const { host, port } = hostPort(connection.brokers[0]!);
    const mechanisms = await probeSaslMechanisms(host, port, connection.security?.tls !== undefined);
    if (mechanisms !== undefined && mechanisms.length > 0) {
      return new ScSimError('E_AUTH', `${first.message} (it accepts ${mechanisms.join(', ')})`, {
        hint: `set --sasl-mechanism to one of ${mechanisms.join(', ')}`,
      });
    }
    return first;
  }
  if (first.code !== 'E_BROKER_UNREACHABLE') return first;
  const chain = errorChain(err);
  const closed = chain.some(
    (e) => e.name === 'KafkaJSConnectionClosedError' || /Closed connection/.test(e.message ?? ''),
  );
  const reset = chain.some(
    (e) => e.code === 'ECONNRESET' || /socket disconnected before secure TLS/.test(e.message ?? ''),
  );
  if (!closed && !reset) return first;
  const broker = chain.find((e) => typeof e.broker === 'string')?.broker ?? connection.brokers[0]!;
  const { host, port } = hostPort(broker);
  const usesTls = connection.security?.tls !== undefined;
  const protocol = connection.security?.protocol ?? 'PLAINTEXT';
  if (!usesTls) {
    if ((await probeTls(host, port)) === true) {
      return new ScSimError(
        'E_PROTOCOL_MISMATCH',
        `${broker} speaks TLS, but sc-sim connected without TLS (security protocol ${protocol})`,
        {
          hint: `use --security-protocol ${connection.security?.sasl ? 'SASL_SSL' : 'SSL (or SASL_SSL)'} (SC_SIM_SECURITY_PROTOCOL, or security.protocol in --command-config)`,
        },
      );
    }
  } else if ((await probePlaintextKafka(host, port)) === true) {
    return new ScSimError(
      'E_PROTOCOL_MISMATCH',
      `${broker} is a plaintext Kafka listener, but sc-sim connected with TLS (security protocol ${protocol})`,
      {
        hint: `use --security-protocol ${connection.security?.sasl ? 'SASL_PLAINTEXT' : 'PLAINTEXT'}, or the port of the TLS listener`,
      },
    );
  }
  if (!connection.security?.sasl) {
    const mechanisms = await probeSaslMechanisms(host, port, usesTls);
    if (mechanisms !== undefined && mechanisms.length > 0) {
      return new ScSimError(
        'E_AUTH',
        `${broker} requires a SASL login (it accepts ${mechanisms.join(', ')}), but no SASL settings are given`,
        {
          hint: 'set --sasl-mechanism and --sasl-username with a password from --sasl-password-file or SC_SIM_SASL_PASSWORD (or use --command-config)',
        },
      );
    }
  }
  return first;
}

/**
 * Runs a client's first connect (and first request) within CONNECT_DEADLINE_MS: kafkajs waits up to
 * its request timeout on a port that accepts connections and never answers, and its retries stack.
 * A failure is diagnosed (see diagnoseKafkaError); the client is disconnected.
 */
export async function connectWithin<T>(
  connection: KafkaConnection,
  op: KafkaOperation,
  client: { disconnect(): Promise<void> },
  connect: () => Promise<T>,
  deadlineMs = CONNECT_DEADLINE_MS,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new ScSimError(
            'E_BROKER_UNREACHABLE',
            `Kafka at ${connection.brokers.join(',')} did not answer within ${deadlineMs / 1000} s`,
            {
              hint: 'check that the address is a Kafka listener reachable from here (a firewall can swallow packets), and the security protocol it expects',
            },
          ),
        ),
      deadlineMs,
    );
  });
  try {
    return await Promise.race([connect(), deadline]);
  } catch (err) {
    // Not awaited: a client stuck connecting to a silent port does not finish disconnecting either.
    void client.disconnect().catch(() => undefined);
    throw await diagnoseKafkaError(err, connection, op);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Retries kafkajs errors it marks retriable (NOT_LEADER_OR_FOLLOWER, UNKNOWN_TOPIC_OR_PARTITION…),
 * which a broker answers for a moment after topics are created or grown, for a bounded time.
 */
export async function retryRetriable<T>(fn: () => Promise<T>, timeoutMs = 30_000, delayMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      const retriable = (err as { retriable?: boolean }).retriable === true;
      if (!retriable || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, delayMs));
    }
  }
}
