import { describe, expect, it } from 'vitest';
import {
  mergeSecurity,
  parseBrokerList,
  resolveBrokers,
  securityFromEnv,
  summarizeConnection,
  type NamedInput,
  type SecurityInput,
} from '../../src/config.js';
import { ExitCode, ScSimError } from '../../src/errors.js';

describe('broker resolution', () => {
  it('prefers the flag, then SC_SIM_BROKERS, then the default', () => {
    expect(resolveBrokers('a:1,b:2', { SC_SIM_BROKERS: 'c:3' })).toEqual(['a:1', 'b:2']);
    expect(resolveBrokers(undefined, { SC_SIM_BROKERS: 'c:3' })).toEqual(['c:3']);
    expect(resolveBrokers(undefined, {})).toEqual(['127.0.0.1:9092']);
    expect(resolveBrokers(undefined, { SC_SIM_BROKERS: '  ' })).toEqual(['127.0.0.1:9092']);
  });

  it('accepts IPv6 in brackets and trims spaces', () => {
    expect(parseBrokerList(' [::1]:9092 , localhost:19092', '--brokers')).toEqual(['[::1]:9092', 'localhost:19092']);
  });

  it('a bad flag value is a usage error that names the flag', () => {
    const err = (() => {
      try {
        parseBrokerList('localhost', '--brokers');
      } catch (e) {
        return e;
      }
    })() as ScSimError;
    expect(err).toBeInstanceOf(ScSimError);
    expect(err.code).toBe('E_USAGE');
    expect(err.exitCode).toBe(ExitCode.usage);
    expect(err.message).toMatch(/--brokers: "localhost" is not a host:port/);
  });

  it('a bad environment value is a configuration error that names the variable', () => {
    expect(() => resolveBrokers(undefined, { SC_SIM_BROKERS: 'h:99999' })).toThrow(/SC_SIM_BROKERS: "h:99999"/);
    expect(() => parseBrokerList(',', 'SC_SIM_BROKERS')).toThrow(/no broker address given/);
  });
});

describe('security settings: environment and merge', () => {
  it('reads the SC_SIM_* variables; a value variable beats the one naming a file', () => {
    const { input, origin } = securityFromEnv({
      SC_SIM_SECURITY_PROTOCOL: 'sasl_ssl',
      SC_SIM_SASL_MECHANISM: 'scram-sha-512',
      SC_SIM_SASL_USERNAME: 'app',
      SC_SIM_SASL_PASSWORD: 'pw',
      SC_SIM_SASL_PASSWORD_FILE: '/run/secrets/pw',
      SC_SIM_SSL_CA: '/ca.pem',
      SC_SIM_INSECURE_SKIP_TLS_VERIFY: 'false',
    });
    expect(input).toEqual({
      protocol: 'SASL_SSL',
      mechanism: 'SCRAM-SHA-512',
      username: 'app',
      password: { from: 'env', name: 'SC_SIM_SASL_PASSWORD' },
      caFile: '/ca.pem',
      insecureSkipVerify: false,
    });
    expect(origin.password).toBe('SC_SIM_SASL_PASSWORD');
    expect(securityFromEnv({ SC_SIM_SASL_PASSWORD_FILE: '/run/secrets/pw' }).input.password).toEqual({
      from: 'file',
      path: '/run/secrets/pw',
    });
    expect(securityFromEnv({ SC_SIM_SASL_OAUTH_TOKEN_COMMAND: 'get-token' }).input.token).toEqual({
      from: 'command',
      command: 'get-token',
    });
  });

  it('names the variable when its value is not a protocol or mechanism', () => {
    expect(() => securityFromEnv({ SC_SIM_SECURITY_PROTOCOL: 'TLS' })).toThrow(
      /SC_SIM_SECURITY_PROTOCOL: "TLS" is not a security protocol/,
    );
    expect(() => securityFromEnv({ SC_SIM_SASL_MECHANISM: 'GSSAPI' })).toThrow(/not a SASL mechanism sc-sim supports/);
  });

  const named = (input: SecurityInput, origin = 'source'): NamedInput => ({
    input,
    origin: Object.fromEntries(Object.keys(input).map((k) => [k, `${origin}:${k}`])),
  });

  it('takes each field from the first source that sets it (flag > env > file)', () => {
    const s = mergeSecurity([
      named({ username: 'from-flag' }, 'flag'),
      named({ username: 'from-env', password: { from: 'env', name: 'P' } }, 'env'),
      named({ protocol: 'SASL_SSL', mechanism: 'PLAIN', username: 'from-file', caFile: '/ca.pem' }, 'file'),
    ]);
    expect(s).toEqual({
      protocol: 'SASL_SSL',
      tls: { caFile: '/ca.pem', verifyHostname: true, insecureSkipVerify: false },
      sasl: { mechanism: 'PLAIN', username: 'from-flag', password: { from: 'env', name: 'P' } },
    });
  });

  it('infers the protocol from the settings given: SASL means SASL_SSL, TLS files alone mean SSL', () => {
    expect(mergeSecurity([])).toBeUndefined();
    expect(
      mergeSecurity([named({ mechanism: 'SCRAM-SHA-256', username: 'u', password: { from: 'file', path: 'p' } })])
        ?.protocol,
    ).toBe('SASL_SSL');
    expect(mergeSecurity([named({ caFile: '/ca.pem' })])?.protocol).toBe('SSL');
    expect(mergeSecurity([named({ token: { from: 'file', path: 't' } })])?.sasl?.mechanism).toBe('OAUTHBEARER');
  });

  it('refuses settings the protocol does not use, naming where they came from', () => {
    expect(() => mergeSecurity([named({ protocol: 'SSL', username: 'u' }, 'file')])).toThrow(
      /security protocol SSL \(file:protocol\) does not log in, but file:username is set/,
    );
    expect(() => mergeSecurity([named({ protocol: 'SASL_PLAINTEXT', mechanism: 'PLAIN', caFile: '/x' })])).toThrow(
      /does not use TLS, but source:caFile is set/,
    );
  });

  it('says what SASL lacks: mechanism, user, password (never asking for it on the command line), token', () => {
    expect(() => mergeSecurity([named({ protocol: 'SASL_SSL' })])).toThrow(/no mechanism is set/);
    expect(() => mergeSecurity([named({ mechanism: 'SCRAM-SHA-512' })])).toThrow(/needs a user name/);
    const noPassword = (() => {
      try {
        mergeSecurity([named({ mechanism: 'PLAIN', username: 'app' })]);
      } catch (e) {
        return e as ScSimError;
      }
    })()!;
    expect(noPassword.message).toMatch(/needs a password for user "app"/);
    expect(noPassword.hint).toMatch(/never on the command line/);
    expect(() => mergeSecurity([named({ mechanism: 'OAUTHBEARER' })])).toThrow(/needs a token/);
  });

  it('mTLS needs the certificate and the key, or a keystore, not both', () => {
    expect(() => mergeSecurity([named({ certFile: '/c.pem' })])).toThrow(/no client key/);
    expect(() => mergeSecurity([named({ certFile: '/c.pem', keyFile: '/k.pem', keystoreFile: '/ks.p12' })])).toThrow(
      /both a keystore .* and a client certificate/,
    );
  });

  it('summarizes a connection as protocol, mechanism and user only', () => {
    expect(summarizeConnection({ brokers: ['b:1'] })).toEqual({
      securityProtocol: 'PLAINTEXT',
      saslMechanism: null,
      user: null,
    });
    const summary = summarizeConnection({
      brokers: ['b:1'],
      security: {
        protocol: 'SASL_SSL',
        tls: { caFile: '/ca', verifyHostname: true, insecureSkipVerify: false },
        sasl: { mechanism: 'SCRAM-SHA-512', username: 'app', password: { from: 'env', name: 'P' } },
      },
    });
    expect(summary).toEqual({ securityProtocol: 'SASL_SSL', saslMechanism: 'SCRAM-SHA-512', user: 'app' });
  });
});
