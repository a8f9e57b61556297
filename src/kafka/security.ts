// Security settings -> kafkajs options: reads Kafka client properties files (--command-config),
// TLS files (PEM, PKCS#12; JKS gets a conversion hint) and secrets from their sources, and builds
// the SASL mechanisms, including an OAUTHBEARER login that notices a rejected token.
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext, type ConnectionOptions } from 'node:tls';
import kafkajs, { type AuthenticationProviderArgs, type KafkaConfig, type Mechanism, type SASLOptions } from 'kafkajs';
import {
  parseSaslMechanism,
  parseSecurityProtocol,
  type KafkaConnection,
  type NamedInput,
  type SaslSettings,
  type SecretSource,
  type SecurityInput,
  type TlsSettings,
} from '../config.js';
import { ScSimError } from '../errors.js';

// kafkajs is CommonJS and Node's ESM loader cannot see this export by name. Its typings declare
// the constructor without the message it takes.
const KafkaJSSASLAuthenticationError = kafkajs.KafkaJSSASLAuthenticationError as unknown as new (
  message: string,
) => Error;

// ---------------------------------------------------------------------------------------------
// Client properties files

/**
 * Parses java.util.Properties text: `key=value`, `key: value` or `key value`, `#`/`!` comments,
 * backslash line continuations and escapes.
 */
export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.replace(/^[ \t\f]+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    // An odd number of trailing backslashes continues the line on the next one.
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < lines.length) {
      line = line.slice(0, -1) + lines[++i]!.replace(/^[ \t\f]+/, '');
    }
    let k = 0;
    let key = '';
    while (k < line.length && !/[=: \t\f]/.test(line[k]!)) {
      if (line[k] === '\\' && k + 1 < line.length) k++;
      key += line[k];
      k++;
    }
    let rest = line.slice(k).replace(/^[ \t\f]*/, '');
    if (rest.startsWith('=') || rest.startsWith(':')) rest = rest.slice(1).replace(/^[ \t\f]*/, '');
    out.set(key, unescapeProperty(rest));
  }
  return out;
}

function unescapeProperty(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, c: string) => {
    if (c.length === 5) return String.fromCharCode(parseInt(c.slice(1), 16));
    return ({ t: '\t', n: '\n', r: '\r', f: '\f' } as Record<string, string>)[c] ?? c;
  });
}

export interface JaasConfig {
  loginModule: string;
  options: Map<string, string>;
}

/** Parses a `sasl.jaas.config` value: `<LoginModule> required key="value" key2=value2;`. */
export function parseJaas(value: string, where: string): JaasConfig {
  const m = /^\s*([\w.$]+)\s+(required|requisite|sufficient|optional)\b([\s\S]*)$/.exec(value);
  if (!m) {
    // The line may hold a password: say where it is, never what it says.
    throw new ScSimError('E_CONFIG', `${where}: not a JAAS line`, {
      hint: 'expected e.g. org.apache.kafka.common.security.scram.ScramLoginModule required username="u" password="p";',
    });
  }
  const options = new Map<string, string>();
  let rest = m[3]!.trim();
  while (rest !== '' && rest !== ';') {
    const opt = /^([\w.-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s;"]+))\s*/.exec(rest);
    if (!opt) {
      throw new ScSimError('E_CONFIG', `${where}: cannot read the options of the ${m[1]} line`, {
        hint: 'options are key="value" pairs separated by spaces, ending with ;',
      });
    }
    options.set(opt[1]!, opt[2] !== undefined ? opt[2].replace(/\\(.)/g, '$1') : opt[3]!);
    rest = rest.slice(opt[0].length);
  }
  return { loginModule: m[1]!, options };
}

const SCRAM_MODULE = /ScramLoginModule$/;
const PLAIN_MODULE = /PlainLoginModule$/;
const OAUTH_MODULE = /OAuthBearerLoginModule$/;
const MSK_IAM_MODULE = /IAMLoginModule$/;

/** What --command-config contributes: the security settings and, if set, bootstrap.servers. */
export interface ClientConfigFile {
  named: NamedInput;
  bootstrapServers?: string;
}

/**
 * Reads a Kafka client properties file as Kafka's own CLI tools take it (Java names), or as
 * librdkafka clients write it (ssl.ca.location, sasl.username...). Secrets stay in the file: the
 * settings only point at them.
 */
export function readClientConfigFile(path: string): ClientConfigFile {
  const props = readPropertiesFile(path);
  const input: SecurityInput = {};
  const origin: NamedInput['origin'] = {};
  const at = (key: string) => `${key} in ${path}`;
  const set = <K extends keyof SecurityInput>(field: K, key: string, value: SecurityInput[K]) => {
    input[field] = value;
    origin[field] = at(key);
  };
  const get = (key: string): string | undefined => props.get(key)?.trim();
  const secretAt = (key: string): SecretSource => ({ from: 'properties', path, key });

  const protocol = get('security.protocol');
  if (protocol) set('protocol', 'security.protocol', parseSecurityProtocol(protocol, at('security.protocol')));
  const mechanismKey = props.has('sasl.mechanism') ? 'sasl.mechanism' : 'sasl.mechanisms';
  const mechanism = get(mechanismKey);
  if (mechanism) {
    if (mechanism.toUpperCase() === 'GSSAPI') {
      throw new ScSimError('E_CONFIG', `${at(mechanismKey)}: GSSAPI (Kerberos) is not supported`, {
        hint: 'use PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER or AWS_MSK_IAM',
      });
    }
    set('mechanism', mechanismKey, parseSaslMechanism(mechanism, at(mechanismKey)));
  }

  // Amazon's Java library logs in to MSK with OAUTHBEARER and its own callback handler.
  if (/IAMOAuthBearerLoginCallbackHandler$/.test(get('sasl.login.callback.handler.class') ?? '')) {
    set('mechanism', 'sasl.login.callback.handler.class', 'AWS_MSK_IAM');
  }
  if (get('sasl.oauthbearer.token.endpoint.url')) {
    throw new ScSimError(
      'E_CONFIG',
      `${at('sasl.oauthbearer.token.endpoint.url')}: sc-sim does not fetch OAuth tokens itself`,
      {
        hint: 'give a command that prints a token instead: --sasl-token-command "<cmd>" (or SC_SIM_SASL_OAUTH_TOKEN_COMMAND)',
      },
    );
  }

  const jaasValue = props.get('sasl.jaas.config');
  if (jaasValue !== undefined && jaasValue.trim() !== '') {
    const jaas = parseJaas(jaasValue, at('sasl.jaas.config'));
    if (SCRAM_MODULE.test(jaas.loginModule) || PLAIN_MODULE.test(jaas.loginModule)) {
      const username = jaas.options.get('username');
      if (username !== undefined) set('username', 'sasl.jaas.config', username);
      if (jaas.options.has('password'))
        set('password', 'sasl.jaas.config', {
          from: 'properties',
          path,
          key: 'sasl.jaas.config',
          jaasOption: 'password',
        });
      if (input.mechanism === undefined)
        set('mechanism', 'sasl.jaas.config', PLAIN_MODULE.test(jaas.loginModule) ? 'PLAIN' : 'SCRAM-SHA-512');
    } else if (OAUTH_MODULE.test(jaas.loginModule)) {
      // Kafka's unsecured login (tests, local brokers): the client makes an unsigned token itself.
      const subject = jaas.options.get('unsecuredLoginStringClaim_sub');
      if (subject !== undefined) {
        set('token', 'sasl.jaas.config', { from: 'unsecured-jwt', subject });
        set('username', 'sasl.jaas.config', subject);
      }
    } else if (MSK_IAM_MODULE.test(jaas.loginModule)) {
      set('mechanism', 'sasl.jaas.config', 'AWS_MSK_IAM');
    } else {
      throw new ScSimError('E_CONFIG', `${at('sasl.jaas.config')}: login module ${jaas.loginModule} is not supported`, {
        hint: 'sc-sim reads PlainLoginModule, ScramLoginModule, OAuthBearerLoginModule (unsecured) and IAMLoginModule',
      });
    }
  }
  // librdkafka's names.
  const rdUser = get('sasl.username');
  if (rdUser !== undefined && input.username === undefined) set('username', 'sasl.username', rdUser);
  if (props.has('sasl.password') && input.password === undefined)
    set('password', 'sasl.password', secretAt('sasl.password'));

  // Trust store: Java's ssl.truststore.* or librdkafka's ssl.ca.location.
  const truststore = get('ssl.truststore.location') ?? get('ssl.ca.location');
  if (truststore) {
    const type = (get('ssl.truststore.type') ?? 'PEM').toUpperCase();
    if (type === 'JKS' || type === 'PKCS12')
      throw storeConversionError(truststore, type, 'truststore', at('ssl.truststore.type'));
    set('caFile', props.has('ssl.truststore.location') ? 'ssl.truststore.location' : 'ssl.ca.location', truststore);
  }
  if (get('ssl.truststore.certificates') || get('ssl.keystore.key') || get('ssl.keystore.certificate.chain')) {
    throw new ScSimError(
      'E_CONFIG',
      `${path}: PEM certificates or keys written into the properties are not supported`,
      {
        hint: 'put them in files and point at them with ssl.truststore.location / ssl.keystore.location (type PEM)',
      },
    );
  }
  // Client certificate: a keystore (Java: PEM or PKCS12; librdkafka: PKCS12), or librdkafka's PEM pair.
  const keystore = get('ssl.keystore.location');
  if (keystore) {
    const type = (get('ssl.keystore.type') ?? 'PKCS12').toUpperCase();
    if (type === 'JKS') throw storeConversionError(keystore, type, 'keystore', at('ssl.keystore.type'));
    set('keystoreFile', 'ssl.keystore.location', keystore);
    if (props.has('ssl.keystore.password'))
      set('keystorePassword', 'ssl.keystore.password', secretAt('ssl.keystore.password'));
  }
  const cert = get('ssl.certificate.location');
  if (cert) set('certFile', 'ssl.certificate.location', cert);
  const key = get('ssl.key.location');
  if (key) set('keyFile', 'ssl.key.location', key);
  if (props.has('ssl.key.password')) set('keyPassword', 'ssl.key.password', secretAt('ssl.key.password'));

  const identification = props.get('ssl.endpoint.identification.algorithm');
  if (identification !== undefined) {
    const v = identification.trim().toLowerCase();
    set('verifyHostname', 'ssl.endpoint.identification.algorithm', !(v === '' || v === 'none'));
  }
  if (get('enable.ssl.certificate.verification')?.toLowerCase() === 'false') {
    throw new ScSimError(
      'E_CONFIG',
      `${at('enable.ssl.certificate.verification')}=false: sc-sim does not skip TLS verification from a file`,
      {
        hint: 'pass the CA that signed the broker certificate (ssl.ca.location), or, knowingly, --insecure-skip-tls-verify',
      },
    );
  }
  const out: ClientConfigFile = { named: { input, origin } };
  const bootstrap = get('bootstrap.servers');
  if (bootstrap) out.bootstrapServers = bootstrap;
  return out;
}

function storeConversionError(file: string, type: string, kind: 'truststore' | 'keystore', where: string): ScSimError {
  const hint =
    kind === 'truststore'
      ? `convert it to PEM once: keytool -exportcert -rfc -keystore ${file} -storetype ${type} -alias <ca-alias> -file ca.pem ` +
        `(or: openssl pkcs12 -in ${file} -nokeys -out ca.pem), then use ssl.truststore.location=ca.pem with ssl.truststore.type=PEM`
      : `convert it to PKCS#12 once: keytool -importkeystore -srckeystore ${file} -srcstoretype JKS -destkeystore client.p12 -deststoretype PKCS12, ` +
        'then use ssl.keystore.location=client.p12 with ssl.keystore.type=PKCS12';
  return new ScSimError('E_TLS', `${where}: a ${type} ${kind} cannot be read by Node.js (${file})`, { hint });
}

// ---------------------------------------------------------------------------------------------
// Secrets

/** Reads a secret from its source when a client is built. Messages name the source, never the value. */
export function readSecret(source: SecretSource, what: string): string {
  switch (source.from) {
    case 'env': {
      const v = process.env[source.name];
      if (v === undefined || v === '') {
        throw new ScSimError('E_CONFIG', `the ${what} should come from ${source.name}, which is not set`, {
          hint: `export ${source.name}, or give the ${what} another way`,
        });
      }
      return v;
    }
    case 'file': {
      let v: string;
      try {
        v = readFileSync(source.path, 'utf8');
      } catch (err) {
        throw new ScSimError(
          'E_CONFIG',
          `cannot read ${source.path}, the file with the ${what}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
          {
            hint: `the file should hold only the ${what}`,
          },
        );
      }
      // An editor's or `echo`'s final newline is not part of the secret.
      v = v.replace(/\r?\n$/, '');
      if (v === '') throw new ScSimError('E_CONFIG', `${source.path}, the file with the ${what}, is empty`);
      return v;
    }
    case 'properties': {
      const value = readClientConfigValue(source.path, source.key);
      if (source.jaasOption === undefined) return value;
      const option = parseJaas(value, `${source.key} in ${source.path}`).options.get(source.jaasOption);
      if (option === undefined)
        throw new ScSimError('E_CONFIG', `${source.key} in ${source.path} has no ${source.jaasOption}`);
      return option;
    }
    case 'command':
    case 'unsecured-jwt':
      throw new ScSimError(
        'E_CONFIG',
        `the ${what} cannot come from a ${source.from === 'command' ? 'command' : 'JAAS login'}`,
      );
  }
}

/** A client properties file's settings; a file that cannot be read is E_CONFIG naming it and why. */
function readPropertiesFile(path: string): Map<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ScSimError(
      'E_CONFIG',
      `cannot read the client config file ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      { hint: 'pass a Kafka client properties file with --command-config (or SC_SIM_COMMAND_CONFIG)' },
    );
  }
  return parseProperties(text);
}

/** A secret's value, read from its file again when it is needed (the file may have changed since). */
function readClientConfigValue(path: string, key: string): string {
  const value = readPropertiesFile(path).get(key);
  if (value === undefined) throw new ScSimError('E_CONFIG', `${path} no longer sets ${key}`);
  return value;
}

/** Where a secret comes from, for messages ("SC_SIM_SASL_PASSWORD", "file /run/secrets/pw"). */
export function describeSecretSource(source: SecretSource): string {
  switch (source.from) {
    case 'env':
      return source.name;
    case 'file':
      return `file ${source.path}`;
    case 'properties':
      return `${source.key} in ${source.path}`;
    case 'command':
      return `the token command`;
    case 'unsecured-jwt':
      return `an unsecured token for ${source.subject}`;
  }
}

// ---------------------------------------------------------------------------------------------
// TLS

const JKS_MAGIC = 0xfeedfeed;
const JCEKS_MAGIC = 0xcececece;

function readTlsFile(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new ScSimError(
      'E_TLS',
      `cannot read the ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
      {
        hint: `check the path given for the ${what}`,
      },
    );
  }
}

type FileKind = 'pem' | 'jks' | 'der' | 'unknown';

function kindOf(data: Buffer): FileKind {
  if (data.length >= 4 && (data.readUInt32BE(0) === JKS_MAGIC || data.readUInt32BE(0) === JCEKS_MAGIC)) return 'jks';
  if (data.includes('-----BEGIN ')) return 'pem';
  // ASN.1 SEQUENCE: DER, in practice a PKCS#12 store.
  if (data[0] === 0x30) return 'der';
  return 'unknown';
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]+?-----END \1-----/g;

function pemBlocks(text: string): { label: string; pem: string }[] {
  return [...text.matchAll(PEM_BLOCK)].map((m) => ({ label: m[1]!, pem: `${m[0]}\n` }));
}

/** The CA file as a list of PEM certificates; anything else is an E_TLS that says how to convert it. */
function readCaFile(path: string): string[] {
  const data = readTlsFile(path, 'CA file');
  const kind = kindOf(data);
  if (kind === 'jks') throw storeConversionError(path, 'JKS', 'truststore', 'the CA file');
  if (kind === 'der') throw storeConversionError(path, 'PKCS12', 'truststore', 'the CA file');
  const certs = pemBlocks(data.toString('utf8')).filter((b) => b.label === 'CERTIFICATE');
  if (certs.length === 0) {
    // Node ignores a CA it cannot parse and then reports an untrusted certificate: say it here.
    throw new ScSimError('E_TLS', `the CA file ${path} holds no PEM certificate`, {
      hint: 'give a PEM file with one or more -----BEGIN CERTIFICATE----- blocks',
    });
  }
  for (const [i, c] of certs.entries()) {
    try {
      new X509Certificate(c.pem);
    } catch (err) {
      throw new ScSimError(
        'E_TLS',
        `certificate ${i + 1} of the CA file ${path} cannot be parsed: ${(err as Error).message}`,
      );
    }
  }
  return certs.map((c) => c.pem);
}

function readPemParts(path: string, what: string): { certs: string[]; keys: string[] } {
  const data = readTlsFile(path, what);
  if (kindOf(data) === 'jks') throw storeConversionError(path, 'JKS', 'keystore', `the ${what}`);
  const blocks = pemBlocks(data.toString('utf8'));
  return {
    certs: blocks.filter((b) => b.label === 'CERTIFICATE').map((b) => b.pem),
    keys: blocks.filter((b) => b.label.endsWith('PRIVATE KEY')).map((b) => b.pem),
  };
}

/** Node's TLS options for these settings; files are read and checked now, so bad ones fail before connecting. */
export function tlsOptions(tls: TlsSettings): ConnectionOptions {
  const opts: ConnectionOptions = {};
  if (tls.caFile !== undefined) opts.ca = readCaFile(tls.caFile);
  if (tls.certFile !== undefined && tls.keyFile !== undefined) {
    const cert = readPemParts(tls.certFile, 'client certificate');
    const key = readPemParts(tls.keyFile, 'client key');
    if (cert.certs.length === 0)
      throw new ScSimError('E_TLS', `the client certificate ${tls.certFile} holds no PEM certificate`);
    if (key.keys.length === 0) throw new ScSimError('E_TLS', `the client key ${tls.keyFile} holds no PEM private key`);
    opts.cert = cert.certs.join('');
    opts.key = key.keys[0]!;
    if (tls.keyPassword) opts.passphrase = readSecret(tls.keyPassword, 'client key password');
  }
  if (tls.keystoreFile !== undefined) {
    const data = readTlsFile(tls.keystoreFile, 'keystore');
    const kind = kindOf(data);
    const password = tls.keystorePassword ?? tls.keyPassword;
    if (kind === 'jks') throw storeConversionError(tls.keystoreFile, 'JKS', 'keystore', 'the keystore');
    if (kind === 'pem') {
      const parts = readPemParts(tls.keystoreFile, 'keystore');
      if (parts.certs.length === 0 || parts.keys.length === 0) {
        throw new ScSimError('E_TLS', `the PEM keystore ${tls.keystoreFile} needs a private key and a certificate`);
      }
      opts.cert = parts.certs.join('');
      opts.key = parts.keys[0]!;
      const keyPassword = tls.keyPassword ?? tls.keystorePassword;
      if (keyPassword) opts.passphrase = readSecret(keyPassword, 'client key password');
    } else {
      opts.pfx = data;
      if (password) opts.passphrase = readSecret(password, 'keystore password');
    }
  }
  if (tls.serverName !== undefined) opts.servername = tls.serverName;
  if (tls.insecureSkipVerify) opts.rejectUnauthorized = false;
  else if (!tls.verifyHostname) opts.checkServerIdentity = () => undefined;
  // Node reports a bad key, a wrong passphrase or an unreadable PKCS#12 only when it connects, and
  // kafkajs retries that as a network error: build the context once now to fail at once instead.
  try {
    createSecureContext(opts);
  } catch (err) {
    throw new ScSimError('E_TLS', `the client TLS files cannot be used: ${tlsFileProblem(err)}`, {
      hint: 'check the client certificate, key and password (PEM or PKCS#12; a JKS store must be converted; a legacy RC2 PKCS#12 must be re-exported with openssl pkcs12 -export)',
    });
  }
  return opts;
}

function tlsFileProblem(err: unknown): string {
  const e = err as { code?: string; message?: string };
  const message = e.message ?? String(err);
  if (/mac verify failure/i.test(message)) return 'wrong keystore password (mac verify failure)';
  if (/bad decrypt|bad password/i.test(message)) return 'wrong key password';
  if (e.code === 'ERR_OSSL_X509_KEY_VALUES_MISMATCH' || /key values mismatch/i.test(message))
    return 'the key does not belong to the certificate';
  return message;
}

// ---------------------------------------------------------------------------------------------
// OAUTHBEARER

export interface OAuthToken {
  value: string;
  /** ms since the epoch; undefined when the token says nothing about it. */
  expiresAtMs?: number;
}

/** The token's `exp` claim when it is a JWT (ms since the epoch). */
export function jwtExpiryMs(token: string): number | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** An unsigned token (alg "none"), as Kafka's unsecured OAUTHBEARER login makes one. */
export function unsecuredJwt(subject: string, nowMs: number, lifetimeMs = 3_600_000): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const iat = Math.floor(nowMs / 1000);
  return `${b64({ alg: 'none' })}.${b64({ sub: subject, iat, exp: iat + Math.floor(lifetimeMs / 1000) })}.`;
}

/** Output of a token command: the token alone, or JSON with access_token (and expires_in, seconds). */
export function parseTokenOutput(stdout: string, nowMs: number): OAuthToken {
  const text = stdout.trim();
  if (text.startsWith('{')) {
    let parsed: { access_token?: unknown; token?: unknown; expires_in?: unknown };
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      throw new ScSimError('E_AUTH', 'the token command printed JSON that cannot be parsed', {
        hint: 'print the token alone, or JSON like {"access_token": "...", "expires_in": 3600}',
      });
    }
    const value = typeof parsed.access_token === 'string' ? parsed.access_token : parsed.token;
    if (typeof value !== 'string' || value === '') {
      throw new ScSimError('E_AUTH', 'the token command printed JSON without access_token', {
        hint: 'print the token alone, or JSON like {"access_token": "...", "expires_in": 3600}',
      });
    }
    const expiresAtMs = typeof parsed.expires_in === 'number' ? nowMs + parsed.expires_in * 1000 : jwtExpiryMs(value);
    return expiresAtMs === undefined ? { value } : { value, expiresAtMs };
  }
  if (text === '' || /\s/.test(text)) {
    throw new ScSimError(
      'E_AUTH',
      text === '' ? 'the token command printed nothing' : 'the token command printed more than one word',
      {
        hint: 'the command must print the token alone on stdout (or JSON with access_token)',
      },
    );
  }
  const expiresAtMs = jwtExpiryMs(text);
  return expiresAtMs === undefined ? { value: text } : { value: text, expiresAtMs };
}

const TOKEN_COMMAND_TIMEOUT_MS = 30_000;

function runTokenCommand(command: string, nowMs: () => number): Promise<OAuthToken> {
  return new Promise((resolve, reject) => {
    execFile(
      '/bin/sh',
      ['-c', command],
      { timeout: TOKEN_COMMAND_TIMEOUT_MS, maxBuffer: 1024 * 1024, windowsHide: true },
      (err, stdout, stderr) => {
        if (err) {
          const e = err as NodeJS.ErrnoException & { killed?: boolean; code?: number | string };
          const why = e.killed
            ? `did not finish within ${TOKEN_COMMAND_TIMEOUT_MS / 1000} s`
            : `failed (exit ${String(e.code)})`;
          const lastLine = stderr.trim().split('\n').at(-1)?.slice(0, 200);
          reject(
            new ScSimError('E_AUTH', `the OAUTHBEARER token command ${why}${lastLine ? `: ${lastLine}` : ''}`, {
              hint: 'run the command (--sasl-token-command / SC_SIM_SASL_OAUTH_TOKEN_COMMAND) by hand; it must print a token on stdout',
            }),
          );
          return;
        }
        try {
          resolve(parseTokenOutput(stdout, nowMs()));
        } catch (parseErr) {
          reject(parseErr);
        }
      },
    );
  });
}

/** kafkajs re-authenticates this long before a session ends (its reauthenticationThreshold default). */
const REAUTH_THRESHOLD_MS = 10_000;

/**
 * A token source with a cache: a token is reused until less than max(30 s, 10 % of its life)
 * remains, then fetched again (a command is re-run), so re-authentication gets a fresh one.
 */
export function tokenProvider(
  fetch: () => Promise<OAuthToken>,
  describe: string,
  nowMs: () => number = Date.now,
): () => Promise<OAuthToken> {
  let cached: { token: OAuthToken; fetchedAtMs: number } | undefined;
  return async () => {
    const now = nowMs();
    if (cached?.token.expiresAtMs !== undefined) {
      const lifeMs = cached.token.expiresAtMs - cached.fetchedAtMs;
      if (cached.token.expiresAtMs - now > Math.max(30_000, lifeMs / 10)) return cached.token;
    }
    const token = await fetch();
    if (token.expiresAtMs !== undefined && token.expiresAtMs - nowMs() <= REAUTH_THRESHOLD_MS) {
      const leftS = Math.round((token.expiresAtMs - nowMs()) / 1000);
      throw new ScSimError(
        'E_AUTH',
        `the OAUTHBEARER token from ${describe} ${leftS <= 0 ? 'has expired' : `expires in ${leftS} s`}`,
        {
          hint: 'sc-sim needs a token that lives longer than 10 s (the Kafka client re-authenticates 10 s before expiry)',
        },
      );
    }
    cached = { token, fetchedAtMs: nowMs() };
    return token;
  };
}

const SOH = '\u0001';

/**
 * An OAUTHBEARER login for kafkajs that notices a rejected token: the broker answers a bad token
 * with an error challenge ({"status":"invalid_token"}) and no error code, which kafkajs's built-in
 * login takes for success; the connection is then closed and the user sees "No brokers in the
 * broker pool" seconds later instead of the real reason.
 */
export function oauthBearerMechanism(getToken: () => Promise<OAuthToken>): Mechanism {
  return {
    mechanism: 'oauthbearer',
    authenticationProvider: ({ host, port, logger, saslAuthenticate }: AuthenticationProviderArgs) => ({
      authenticate: async () => {
        const token = await getToken();
        const message = Buffer.from(`n,,${SOH}auth=Bearer ${token.value}${SOH}${SOH}`);
        const request = {
          encode: () => {
            const b = Buffer.alloc(4 + message.length);
            b.writeInt32BE(message.length);
            message.copy(b, 4);
            return b;
          },
        };
        const response = {
          // kafkajs hands over authBytes as int32 length + payload.
          decode: (raw: Buffer) => (raw.length > 4 ? raw.subarray(4, 4 + raw.readInt32BE(0)) : Buffer.alloc(0)),
          parse: (payload: Buffer) => {
            if (payload.length === 0) return true;
            let detail = payload.toString('utf8');
            try {
              const j = JSON.parse(detail) as { status?: string; scope?: string };
              detail = [j.status, j.scope && `scope ${j.scope}`].filter(Boolean).join(', ');
            } catch {
              // Not JSON: show it as the broker sent it (an error challenge carries no token).
            }
            throw new KafkaJSSASLAuthenticationError(
              `SASL OAUTHBEARER authentication failed: the broker rejected the token (${detail})`,
            );
          },
        };
        logger.debug('Authenticate with SASL OAUTHBEARER', { broker: `${host}:${port}` });
        await saslAuthenticate({ request, response });
      },
    }),
  };
}

// ---------------------------------------------------------------------------------------------
// AWS MSK IAM

/** Amazon's token signer, imported only when asked for: it brings the AWS SDK (~20 MB). */
const MSK_SIGNER_PACKAGE = 'aws-msk-iam-sasl-signer-js';

interface MskSigner {
  generateAuthToken(o: { region: string }): Promise<{ token: string; expiryTime: number }>;
}

/** The region of an MSK broker host name (b-1.x.y.kafka.eu-west-1.amazonaws.com). */
export function mskRegionOf(brokers: readonly string[]): string | undefined {
  for (const b of brokers) {
    const m = /\.kafka(?:-serverless)?\.([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com(?:\.cn)?:\d+$/.exec(b);
    if (m) return m[1];
  }
  return undefined;
}

function mskTokenFetcher(sasl: SaslSettings, brokers: readonly string[]): () => Promise<OAuthToken> {
  const region = sasl.awsRegion ?? process.env['AWS_REGION'] ?? mskRegionOf(brokers);
  return async () => {
    if (region === undefined) {
      throw new ScSimError('E_CONFIG', 'AWS_MSK_IAM needs the AWS region, and none is set', {
        hint: 'set AWS_REGION (or SC_SIM_AWS_REGION), or use the MSK broker host names, which name it',
      });
    }
    let signer: MskSigner;
    try {
      signer = (await import(MSK_SIGNER_PACKAGE)) as MskSigner;
    } catch {
      throw new ScSimError('E_CONFIG', `AWS_MSK_IAM needs the package ${MSK_SIGNER_PACKAGE}, which is not installed`, {
        hint: `install it next to sc-sim: npm install ${MSK_SIGNER_PACKAGE}`,
      });
    }
    try {
      const t = await signer.generateAuthToken({ region });
      return { value: t.token, expiresAtMs: t.expiryTime };
    } catch (err) {
      throw new ScSimError('E_AUTH', `cannot sign an MSK IAM token for ${region}: ${(err as Error).message}`, {
        hint: 'check the AWS credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID… or the instance role)',
      });
    }
  };
}

// ---------------------------------------------------------------------------------------------
// Everything together

function saslOptions(sasl: SaslSettings, brokers: readonly string[]): SASLOptions | Mechanism {
  switch (sasl.mechanism) {
    case 'PLAIN':
    case 'SCRAM-SHA-256':
    case 'SCRAM-SHA-512': {
      const username = sasl.username ?? '';
      const password = readSecret(sasl.password!, `SASL password of user "${username}"`);
      if (sasl.mechanism === 'PLAIN') return { mechanism: 'plain', username, password };
      if (sasl.mechanism === 'SCRAM-SHA-256') return { mechanism: 'scram-sha-256', username, password };
      return { mechanism: 'scram-sha-512', username, password };
    }
    case 'OAUTHBEARER': {
      const source = sasl.token!;
      const fetch: () => Promise<OAuthToken> =
        source.from === 'command'
          ? () => runTokenCommand(source.command, Date.now)
          : source.from === 'unsecured-jwt'
            ? () => Promise.resolve(tokenFromText(unsecuredJwt(source.subject, Date.now())))
            : () => Promise.resolve(tokenFromText(readSecret(source, 'OAUTHBEARER token')));
      return oauthBearerMechanism(tokenProvider(fetch, describeSecretSource(source)));
    }
    case 'AWS_MSK_IAM':
      return oauthBearerMechanism(tokenProvider(mskTokenFetcher(sasl, brokers), 'the MSK IAM signer'));
  }
}

function tokenFromText(value: string): OAuthToken {
  const v = value.trim();
  const expiresAtMs = jwtExpiryMs(v);
  return expiresAtMs === undefined ? { value: v } : { value: v, expiresAtMs };
}

/** The ssl and sasl parts of a kafkajs config; TLS files and secrets are read (and checked) now. */
export function kafkaSecurityConfig(connection: KafkaConnection): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const s = connection.security;
  if (s === undefined || s.protocol === 'PLAINTEXT') return {};
  const out: Pick<KafkaConfig, 'ssl' | 'sasl'> = {};
  if (s.tls) out.ssl = tlsOptions(s.tls);
  if (s.sasl) out.sasl = saslOptions(s.sasl, connection.brokers);
  return out;
}

/** The host and port of a broker address ("[::1]:9092" included). */
export function hostPort(broker: string): { host: string; port: number } {
  const i = broker.lastIndexOf(':');
  const host = broker.slice(0, i).replace(/^\[(.*)\]$/, '$1');
  return { host, port: Number(broker.slice(i + 1)) };
}
