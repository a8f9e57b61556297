// The connection every Kafka command uses, resolved once from its three sources: flags, then
// SC_SIM_* environment variables, then a Kafka client properties file (--command-config or
// SC_SIM_COMMAND_CONFIG). Each setting is taken from the first source that has it.
import {
  mergeSecurity,
  parseSaslMechanism,
  parseSecurityProtocol,
  resolveBrokers,
  securityFromEnv,
  type KafkaConnection,
  type NamedInput,
  type SecurityInput,
} from '../config.js';
import { ScSimError } from '../errors.js';
import { readClientConfigFile } from '../kafka/security.js';

/** The connection flags every Kafka command takes (src/cli/options.ts defines them). */
export interface ConnectionFlags {
  brokers?: string;
  commandConfig?: string;
  securityProtocol?: string;
  saslMechanism?: string;
  saslUsername?: string;
  saslPasswordFile?: string;
  /** Only there to refuse it with a hint: a password on the command line is visible to `ps`. */
  saslPassword?: string;
  saslTokenFile?: string;
  saslTokenCommand?: string;
  sslCa?: string;
  sslCert?: string;
  sslKey?: string;
  sslServerName?: string;
  insecureSkipTlsVerify?: boolean;
}

export interface ResolvedConnection {
  connection: KafkaConnection;
  /** The brokers were named (flag, environment or file), rather than the local default. */
  explicitBrokers: boolean;
  /** Things the user must see (verification turned off): the CLI prints them. */
  warnings: string[];
}

function securityFromFlags(flags: ConnectionFlags): NamedInput {
  if (flags.saslPassword !== undefined) {
    // The value is never repeated: it is already in this process's command line.
    throw new ScSimError(
      'E_USAGE',
      '--sasl-password is not accepted: a password on the command line is visible to every user of this machine',
      {
        hint: 'put it in a file (--sasl-password-file), in SC_SIM_SASL_PASSWORD, or in the --command-config file',
      },
    );
  }
  const input: SecurityInput = {};
  const origin: NamedInput['origin'] = {};
  const set = <K extends keyof SecurityInput>(key: K, flag: string, value: SecurityInput[K] | undefined) => {
    if (value === undefined) return;
    input[key] = value;
    origin[key] = flag;
  };
  if (flags.securityProtocol !== undefined)
    set('protocol', '--security-protocol', parseSecurityProtocol(flags.securityProtocol, '--security-protocol'));
  if (flags.saslMechanism !== undefined)
    set('mechanism', '--sasl-mechanism', parseSaslMechanism(flags.saslMechanism, '--sasl-mechanism'));
  set('username', '--sasl-username', flags.saslUsername);
  if (flags.saslPasswordFile !== undefined)
    set('password', '--sasl-password-file', { from: 'file', path: flags.saslPasswordFile });
  if (flags.saslTokenFile !== undefined && flags.saslTokenCommand !== undefined) {
    throw new ScSimError('E_USAGE', '--sasl-token-file and --sasl-token-command both give the token', {
      hint: 'use one of them',
    });
  }
  if (flags.saslTokenFile !== undefined) set('token', '--sasl-token-file', { from: 'file', path: flags.saslTokenFile });
  if (flags.saslTokenCommand !== undefined)
    set('token', '--sasl-token-command', { from: 'command', command: flags.saslTokenCommand });
  set('caFile', '--ssl-ca', flags.sslCa);
  set('certFile', '--ssl-cert', flags.sslCert);
  set('keyFile', '--ssl-key', flags.sslKey);
  set('serverName', '--ssl-server-name', flags.sslServerName);
  if (flags.insecureSkipTlsVerify) set('insecureSkipVerify', '--insecure-skip-tls-verify', true);
  return { input, origin };
}

/** Resolves brokers and security settings (flag > environment > file) and says what to warn about. */
export function resolveConnectionSettings(
  flags: ConnectionFlags,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedConnection {
  const fromFlags = securityFromFlags(flags);
  const fromEnv = securityFromEnv(env);
  const filePath = flags.commandConfig ?? (env['SC_SIM_COMMAND_CONFIG']?.trim() || undefined);
  const file = filePath === undefined ? undefined : readClientConfigFile(filePath);
  const brokers = resolveBrokers(
    flags.brokers,
    env,
    file?.bootstrapServers === undefined
      ? undefined
      : { value: file.bootstrapServers, source: `bootstrap.servers in ${filePath}` },
  );
  const explicitBrokers =
    flags.brokers !== undefined || (env['SC_SIM_BROKERS'] ?? '').trim() !== '' || file?.bootstrapServers !== undefined;
  const security = mergeSecurity([fromFlags, fromEnv, ...(file ? [file.named] : [])]);
  const connection: KafkaConnection = security === undefined ? { brokers } : { brokers, security };
  const warnings: string[] = [];
  if (security?.tls?.insecureSkipVerify) {
    warnings.push(
      "warning: TLS verification is OFF (--insecure-skip-tls-verify): the broker's certificate is not checked, so anyone on the network path could pose as the cluster and read what sc-sim sends, passwords included",
    );
  } else if (security?.tls && !security.tls.verifyHostname) {
    warnings.push(
      "warning: the broker's host name is not checked against its certificate (ssl.endpoint.identification.algorithm is empty); the certificate chain still is",
    );
  }
  return { connection, explicitBrokers, warnings };
}

export function resolveConnection(flags: ConnectionFlags, env: NodeJS.ProcessEnv = process.env): KafkaConnection {
  return resolveConnectionSettings(flags, env).connection;
}
