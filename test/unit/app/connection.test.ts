import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConnectionSettings } from '../../../src/app/connection.js';
import { ExitCode, ScSimError } from '../../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'sc-sim-connection-'));
const file = join(dir, 'client.properties');
writeFileSync(
  file,
  [
    'bootstrap.servers=file-host:9093',
    'security.protocol=SASL_SSL',
    'sasl.mechanism=SCRAM-SHA-512',
    'sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="file-user" password="file-secret";',
    'ssl.truststore.type=PEM',
    `ssl.truststore.location=${dir}/ca.pem`,
  ].join('\n'),
);

describe('resolveConnectionSettings', () => {
  it('reads brokers and security from --command-config; secrets stay sources, never values', () => {
    const r = resolveConnectionSettings({ commandConfig: file }, {});
    expect(r.explicitBrokers).toBe(true);
    expect(r.connection).toEqual({
      brokers: ['file-host:9093'],
      security: {
        protocol: 'SASL_SSL',
        tls: { caFile: `${dir}/ca.pem`, verifyHostname: true, insecureSkipVerify: false },
        sasl: {
          mechanism: 'SCRAM-SHA-512',
          username: 'file-user',
          password: { from: 'properties', path: file, key: 'sasl.jaas.config', jaasOption: 'password' },
        },
      },
    });
    expect(JSON.stringify(r)).not.toContain('file-secret');
    expect(r.warnings).toEqual([]);
  });

  it('precedence per setting: flag > SC_SIM_* > file (SC_SIM_COMMAND_CONFIG names the file)', () => {
    const env = {
      SC_SIM_COMMAND_CONFIG: file,
      SC_SIM_BROKERS: 'env-host:9093',
      SC_SIM_SASL_USERNAME: 'env-user',
      SC_SIM_SASL_PASSWORD: 'env-secret',
    };
    const fromEnv = resolveConnectionSettings({}, env).connection;
    expect(fromEnv.brokers).toEqual(['env-host:9093']);
    expect(fromEnv.security?.sasl).toEqual({
      mechanism: 'SCRAM-SHA-512',
      username: 'env-user',
      password: { from: 'env', name: 'SC_SIM_SASL_PASSWORD' },
    });
    const fromFlags = resolveConnectionSettings(
      { brokers: 'flag-host:9093', saslUsername: 'flag-user', saslPasswordFile: '/pw', saslMechanism: 'plain' },
      env,
    ).connection;
    expect(fromFlags.brokers).toEqual(['flag-host:9093']);
    expect(fromFlags.security?.sasl).toEqual({
      mechanism: 'PLAIN',
      username: 'flag-user',
      password: { from: 'file', path: '/pw' },
    });
  });

  it('without brokers anywhere: the local default, not explicit', () => {
    const r = resolveConnectionSettings({}, {});
    expect(r).toEqual({ connection: { brokers: ['127.0.0.1:9092'] }, explicitBrokers: false, warnings: [] });
  });

  it('refuses a password on the command line without repeating it', () => {
    let err: ScSimError | undefined;
    try {
      resolveConnectionSettings({ saslPassword: 'hunter2' }, {});
    } catch (e) {
      err = e as ScSimError;
    }
    expect(err?.code).toBe('E_USAGE');
    expect(err?.exitCode).toBe(ExitCode.usage);
    expect(`${err?.message} ${err?.hint}`).not.toContain('hunter2');
    expect(err?.hint).toMatch(/--sasl-password-file/);
  });

  it('warns when verification is off, and how much of it', () => {
    const insecure = resolveConnectionSettings({ brokers: 'h:1', insecureSkipTlsVerify: true }, {});
    expect(insecure.connection.security?.tls?.insecureSkipVerify).toBe(true);
    expect(insecure.warnings[0]).toMatch(/^warning: TLS verification is OFF/);
    const noHost = join(dir, 'nohost.properties');
    writeFileSync(noHost, 'security.protocol=SSL\nssl.endpoint.identification.algorithm=\n');
    expect(resolveConnectionSettings({ commandConfig: noHost }, {}).warnings[0]).toMatch(/host name is not checked/);
  });

  it('a missing --command-config file is a configuration error naming it', () => {
    expect(() => resolveConnectionSettings({ commandConfig: join(dir, 'nope.properties') }, {})).toThrow(
      /cannot read the client config file .*nope\.properties: ENOENT/,
    );
  });
});
