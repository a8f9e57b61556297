import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Mechanism } from 'kafkajs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ScSimError } from '../../../src/errors.js';
import { ensureCertificates, issueClientCertificate } from '../../../src/kafka/local/certs.js';
import {
  jwtExpiryMs,
  kafkaSecurityConfig,
  mskRegionOf,
  oauthBearerMechanism,
  parseJaas,
  parseProperties,
  parseTokenOutput,
  readClientConfigFile,
  readSecret,
  tlsOptions,
  tokenProvider,
  unsecuredJwt,
  type OAuthToken,
} from '../../../src/kafka/security.js';

const dir = mkdtempSync(join(tmpdir(), 'sc-sim-security-'));
const write = (name: string, text: string | Buffer) => {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
};
const errorOf = (fn: () => unknown): ScSimError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof ScSimError) return e;
    throw e;
  }
  throw new Error('expected an ScSimError');
};

describe('parseProperties', () => {
  it('reads java.util.Properties: separators, comments, continuations, escapes', () => {
    const p = parseProperties(
      [
        '# comment',
        '! also a comment',
        'a=1',
        'b : 2',
        'c 3',
        '  d=x\\',
        '    y',
        'e=tab\\there \\u0041',
        'f=C:\\\\dir\\\\file',
        'g=',
      ].join('\n'),
    );
    expect(Object.fromEntries(p)).toEqual({
      a: '1',
      b: '2',
      c: '3',
      d: 'xy',
      e: 'tab\there A',
      f: 'C:\\dir\\file',
      g: '',
    });
  });
});

describe('parseJaas', () => {
  it('reads the login module and its options, quoted or not', () => {
    const j = parseJaas(
      'org.apache.kafka.common.security.plain.PlainLoginModule required username="a b" password="p\\"w;x" debug=true;',
      'x',
    );
    expect(j.loginModule).toBe('org.apache.kafka.common.security.plain.PlainLoginModule');
    expect(Object.fromEntries(j.options)).toEqual({ username: 'a b', password: 'p"w;x', debug: 'true' });
  });

  it('a broken line is an error that does not quote it (it may hold a password)', () => {
    const e = errorOf(() => parseJaas('username="u" password="s3cret"', 'sasl.jaas.config in f'));
    expect(e.message).toBe('sasl.jaas.config in f: not a JAAS line');
    expect(`${e.message} ${e.hint}`).not.toContain('s3cret');
    expect(() => parseJaas('M required password="unterminated;', 'k')).toThrow(/cannot read the options/);
  });
});

describe('readClientConfigFile', () => {
  it('reads Java names: SCRAM in JAAS, a PEM truststore, host name check off', () => {
    const f = write(
      'java.properties',
      [
        'bootstrap.servers=b-1:9096,b-2:9096',
        'security.protocol=SASL_SSL',
        'sasl.mechanism=SCRAM-SHA-512',
        'sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required \\',
        '    username="alice" password="pw";',
        'ssl.truststore.type=PEM',
        'ssl.truststore.location=/etc/ca.pem',
        'ssl.endpoint.identification.algorithm=',
        'acks=all',
      ].join('\n'),
    );
    const { named, bootstrapServers } = readClientConfigFile(f);
    expect(bootstrapServers).toBe('b-1:9096,b-2:9096');
    expect(named.input).toEqual({
      protocol: 'SASL_SSL',
      mechanism: 'SCRAM-SHA-512',
      username: 'alice',
      password: { from: 'properties', path: f, key: 'sasl.jaas.config', jaasOption: 'password' },
      caFile: '/etc/ca.pem',
      verifyHostname: false,
    });
    expect(named.origin.username).toBe(`sasl.jaas.config in ${f}`);
  });

  it('reads librdkafka names and a PKCS#12 keystore', () => {
    const f = write(
      'rdkafka.properties',
      [
        'security.protocol=SSL',
        'ssl.ca.location=/ca.pem',
        'ssl.certificate.location=/c.pem',
        'ssl.key.location=/k.pem',
        'ssl.key.password=kp',
        'sasl.mechanisms=PLAIN',
      ].join('\n'),
    );
    const { input } = readClientConfigFile(f).named;
    expect(input.caFile).toBe('/ca.pem');
    expect(input.certFile).toBe('/c.pem');
    expect(input.keyFile).toBe('/k.pem');
    expect(input.keyPassword).toEqual({ from: 'properties', path: f, key: 'ssl.key.password' });
    expect(input.mechanism).toBe('PLAIN');
    const p12 = write(
      'p12.properties',
      'ssl.keystore.location=/ks.p12\nssl.keystore.type=PKCS12\nssl.keystore.password=x\n',
    );
    expect(readClientConfigFile(p12).named.input).toMatchObject({
      keystoreFile: '/ks.p12',
      keystorePassword: { from: 'properties', path: p12, key: 'ssl.keystore.password' },
    });
  });

  it("recognises MSK IAM (both of Amazon's forms) and Kafka's unsecured OAUTHBEARER login", () => {
    const iam = write(
      'iam.properties',
      'sasl.mechanism=AWS_MSK_IAM\nsasl.jaas.config=software.amazon.msk.auth.iam.IAMLoginModule required;\n',
    );
    expect(readClientConfigFile(iam).named.input.mechanism).toBe('AWS_MSK_IAM');
    const iamOauth = write(
      'iam2.properties',
      'sasl.mechanism=OAUTHBEARER\nsasl.login.callback.handler.class=software.amazon.msk.auth.iam.IAMOAuthBearerLoginCallbackHandler\n',
    );
    expect(readClientConfigFile(iamOauth).named.input.mechanism).toBe('AWS_MSK_IAM');
    const unsecured = write(
      'oauth.properties',
      'sasl.mechanism=OAUTHBEARER\nsasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="svc";\n',
    );
    expect(readClientConfigFile(unsecured).named.input).toMatchObject({
      token: { from: 'unsecured-jwt', subject: 'svc' },
      username: 'svc',
    });
  });

  it('a JKS store gets the command that converts it; unsupported settings say what to do instead', () => {
    const jks = errorOf(() =>
      readClientConfigFile(write('jks.properties', 'ssl.truststore.location=/t.jks\nssl.truststore.type=JKS\n')),
    );
    expect(jks.code).toBe('E_TLS');
    expect(jks.hint).toMatch(/keytool -exportcert -rfc -keystore \/t\.jks/);
    const ks = errorOf(() =>
      readClientConfigFile(write('jks2.properties', 'ssl.keystore.location=/k.jks\nssl.keystore.type=JKS\n')),
    );
    expect(ks.hint).toMatch(/keytool -importkeystore -srckeystore \/k\.jks .* -deststoretype PKCS12/);
    expect(() => readClientConfigFile(write('gss.properties', 'sasl.mechanism=GSSAPI\n'))).toThrow(
      /GSSAPI \(Kerberos\) is not supported/,
    );
    expect(() =>
      readClientConfigFile(write('endpoint.properties', 'sasl.oauthbearer.token.endpoint.url=https://idp/token\n')),
    ).toThrow(/does not fetch OAuth tokens itself/);
    expect(() =>
      readClientConfigFile(write('noverify.properties', 'enable.ssl.certificate.verification=false\n')),
    ).toThrow(/does not skip TLS verification from a file/);
  });
});

describe('readSecret', () => {
  it('reads env, file (without its final newline) and a JAAS option of a properties file', () => {
    process.env['SC_SIM_TEST_SECRET'] = 'from-env';
    expect(readSecret({ from: 'env', name: 'SC_SIM_TEST_SECRET' }, 'password')).toBe('from-env');
    delete process.env['SC_SIM_TEST_SECRET'];
    expect(readSecret({ from: 'file', path: write('pw', 'from-file\n') }, 'password')).toBe('from-file');
    const props = write(
      'jaas.properties',
      'sasl.jaas.config=x.PlainLoginModule required username="u" password="from-jaas";\n',
    );
    expect(readSecret({ from: 'properties', path: props, key: 'sasl.jaas.config', jaasOption: 'password' }, 'pw')).toBe(
      'from-jaas',
    );
  });

  it('names the source when it is missing or empty, never a value', () => {
    expect(() => readSecret({ from: 'env', name: 'SC_SIM_TEST_UNSET' }, 'SASL password')).toThrow(
      /the SASL password should come from SC_SIM_TEST_UNSET, which is not set/,
    );
    expect(() => readSecret({ from: 'file', path: join(dir, 'none') }, 'password')).toThrow(
      /cannot read .*none, the file with the password: ENOENT/,
    );
    expect(() => readSecret({ from: 'file', path: write('empty', '\n') }, 'password')).toThrow(/is empty/);
  });
});

describe('tlsOptions', () => {
  let ca: string;
  let client: { certFile: string; keyFile: string };
  beforeAll(async () => {
    const certs = await ensureCertificates(join(dir, 'tls'));
    ca = certs.paths.caCert;
    client = await issueClientCertificate(join(dir, 'tls'), 'tester');
  });

  it('reads the CA as PEM certificates and the client certificate and key; the context builds', () => {
    const o = tlsOptions({
      caFile: ca,
      ...client,
      verifyHostname: true,
      insecureSkipVerify: false,
      serverName: 'kafka.local',
    });
    expect(Array.isArray(o.ca) && o.ca.length).toBe(1);
    expect(String(o.cert)).toMatch(/BEGIN CERTIFICATE/);
    expect(String(o.key)).toMatch(/PRIVATE KEY/);
    expect(o.servername).toBe('kafka.local');
    expect(o.rejectUnauthorized).toBeUndefined();
    expect(o.checkServerIdentity).toBeUndefined();
  });

  it('turns verification off only as asked', () => {
    expect(tlsOptions({ verifyHostname: true, insecureSkipVerify: true }).rejectUnauthorized).toBe(false);
    const noHost = tlsOptions({ verifyHostname: false, insecureSkipVerify: false });
    expect(noHost.rejectUnauthorized).toBeUndefined();
    expect(noHost.checkServerIdentity?.('x', {} as never)).toBeUndefined();
  });

  it('bad files fail before connecting, with E_TLS: JKS, PKCS#12 as CA, no certificate, key mismatch', () => {
    const jks = errorOf(() =>
      tlsOptions({
        caFile: write('t.jks', Buffer.from([0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2])),
        verifyHostname: true,
        insecureSkipVerify: false,
      }),
    );
    expect(jks.code).toBe('E_TLS');
    expect(jks.hint).toMatch(/keytool -exportcert/);
    const der = errorOf(() =>
      tlsOptions({
        caFile: write('t.p12', Buffer.from([0x30, 0x82, 0x01, 0x00])),
        verifyHostname: true,
        insecureSkipVerify: false,
      }),
    );
    expect(der.hint).toMatch(/openssl pkcs12 -in .* -nokeys -out ca\.pem/);
    expect(() =>
      tlsOptions({ caFile: write('garbage.pem', 'not a cert'), verifyHostname: true, insecureSkipVerify: false }),
    ).toThrow(/holds no PEM certificate/);
    const mismatch = errorOf(() =>
      tlsOptions({ certFile: ca, keyFile: client.keyFile, verifyHostname: true, insecureSkipVerify: false }),
    );
    expect(mismatch.message).toMatch(/the key does not belong to the certificate/);
    expect(() =>
      tlsOptions({
        keystoreFile: write('bad.p12', Buffer.from([0x30, 0x03, 0x02, 0x01, 0x03])),
        verifyHostname: true,
        insecureSkipVerify: false,
      }),
    ).toThrow(/client TLS files cannot be used/);
  });
});

describe('kafkaSecurityConfig', () => {
  it('is empty for PLAINTEXT and reads the password for SCRAM', () => {
    expect(kafkaSecurityConfig({ brokers: ['b:1'] })).toEqual({});
    const cfg = kafkaSecurityConfig({
      brokers: ['b:1'],
      security: {
        protocol: 'SASL_PLAINTEXT',
        sasl: { mechanism: 'SCRAM-SHA-256', username: 'u', password: { from: 'file', path: write('p2', 'pw2') } },
      },
    });
    expect(cfg).toEqual({ sasl: { mechanism: 'scram-sha-256', username: 'u', password: 'pw2' } });
  });
});

describe('OAUTHBEARER', () => {
  it("reads a token command's output: the token alone, or JSON with expires_in; JWT expiry from exp", () => {
    const jwt = unsecuredJwt('svc', 1_000_000, 60_000);
    expect(jwtExpiryMs(jwt)).toBe(1_060_000);
    expect(parseTokenOutput(`${jwt}\n`, 0)).toEqual({ value: jwt, expiresAtMs: 1_060_000 });
    expect(parseTokenOutput('{"access_token":"opaque","expires_in":300}', 5_000)).toEqual({
      value: 'opaque',
      expiresAtMs: 305_000,
    });
    expect(parseTokenOutput('opaque', 0)).toEqual({ value: 'opaque' });
    expect(() => parseTokenOutput('', 0)).toThrow(/printed nothing/);
    expect(() => parseTokenOutput('{"error":"x"}', 0)).toThrow(/without access_token/);
  });

  it('reuses a token until less than max(30 s, 10 % of its life) is left, then fetches again', async () => {
    let now = 0;
    let fetched = 0;
    const fetch = async (): Promise<OAuthToken> => ({ value: `t${++fetched}`, expiresAtMs: now + 600_000 });
    const get = tokenProvider(fetch, 'test', () => now);
    expect((await get()).value).toBe('t1');
    now = 500_000; // 100 s left of 600: more than 60 s
    expect((await get()).value).toBe('t1');
    now = 545_000; // 55 s left: less than 10 % of its life
    expect((await get()).value).toBe('t2');
  });

  it('a token without expiry is fetched for every login; one that lives 10 s or less is refused', async () => {
    let fetched = 0;
    const opaque = tokenProvider(
      async () => ({ value: `o${++fetched}` }),
      'test',
      () => 0,
    );
    await opaque();
    await opaque();
    expect(fetched).toBe(2);
    const short = tokenProvider(
      async () => ({ value: 'x', expiresAtMs: 5_000 }),
      'the token command',
      () => 0,
    );
    await expect(short()).rejects.toThrow(/the OAUTHBEARER token from the token command expires in 5 s/);
  });

  it("the login sends the GS2 message with the token and fails on the broker's error challenge", async () => {
    const mech = oauthBearerMechanism(async () => ({ value: 'tok' }));
    expect(mech.mechanism).toBe('oauthbearer');
    let sent = '';
    const login = (challenge: Buffer) =>
      mech
        .authenticationProvider({
          host: 'h',
          port: 1,
          logger: { debug: () => undefined } as never,
          saslAuthenticate: async ({ request, response }) => {
            sent = (await request.encode()).subarray(4).toString();
            const framed = Buffer.alloc(4 + challenge.length);
            framed.writeInt32BE(challenge.length);
            challenge.copy(framed, 4);
            return response!.parse(await response!.decode(framed));
          },
        })
        .authenticate();
    await login(Buffer.alloc(0));
    expect(sent).toBe('n,,\u0001auth=Bearer tok\u0001\u0001');
    await expect(login(Buffer.from('{"status":"invalid_token"}'))).rejects.toThrow(
      /the broker rejected the token \(invalid_token\)/,
    );
  });
});

describe('AWS MSK IAM', () => {
  /** Runs the login of a mechanism against a broker that accepts anything. */
  const login = (conn: Parameters<typeof kafkaSecurityConfig>[0]) => {
    const sasl = kafkaSecurityConfig(conn).sasl as Mechanism;
    return sasl
      .authenticationProvider({
        host: 'h',
        port: 1,
        logger: { debug: () => undefined } as never,
        saslAuthenticate: async () => undefined,
      })
      .authenticate();
  };
  const msk = (brokers: string[], awsRegion?: string) => ({
    brokers,
    security: {
      protocol: 'SASL_SSL' as const,
      tls: { verifyHostname: true, insecureSkipVerify: false },
      sasl: { mechanism: 'AWS_MSK_IAM' as const, ...(awsRegion ? { awsRegion } : {}) },
    },
  });

  it("says which package to install when Amazon's signer is not there (it is not a dependency)", async () => {
    await expect(login(msk(['b-1.x.y.c2.kafka.eu-west-1.amazonaws.com:9098']))).rejects.toThrow(
      /AWS_MSK_IAM needs the package aws-msk-iam-sasl-signer-js, which is not installed/,
    );
  });

  it('needs a region: from the settings, AWS_REGION or the broker names', async () => {
    const saved = process.env['AWS_REGION'];
    delete process.env['AWS_REGION'];
    try {
      await expect(login(msk(['localhost:9098']))).rejects.toThrow(/AWS_MSK_IAM needs the AWS region/);
    } finally {
      if (saved !== undefined) process.env['AWS_REGION'] = saved;
    }
  });
});

describe('mskRegionOf', () => {
  it('reads the region from MSK broker names', () => {
    expect(mskRegionOf(['b-1.demo.abc123.c2.kafka.eu-west-1.amazonaws.com:9098'])).toBe('eu-west-1');
    expect(mskRegionOf(['boot-xyz.c1.kafka-serverless.us-east-2.amazonaws.com:9098'])).toBe('us-east-2');
    expect(mskRegionOf(['localhost:9092'])).toBeUndefined();
  });
});
