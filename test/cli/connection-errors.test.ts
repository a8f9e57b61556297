// Connection settings through the real CLI, before or without a real broker: bad settings are
// coded errors at once, secrets are never echoed, and a port that never answers cannot hang it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasStackTrace, runCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'sc-sim-conn-cli-'));

async function expectError(args: string[], code: string, exit: number, mention: string | RegExp, env = {}) {
  const r = await runCli(args, { timeoutMs: 60_000, env });
  expect(r.stderr, r.stderr).toContain(`error[${code}]`);
  expect(r.stderr).toMatch(mention);
  expect(r.code).toBe(exit);
  expect(hasStackTrace(r.stderr)).toBe(false);
  return r;
}

describe('connection settings', () => {
  it('a password on the command line is refused (exit 2) and not repeated', async () => {
    const r = await expectError(
      ['topics', 'list', '--sasl-password', 'hunter2-on-argv'],
      'E_USAGE',
      2,
      /--sasl-password is not accepted/,
    );
    expect(r.stderr).not.toContain('hunter2-on-argv');
  });

  it('a JKS truststore is E_TLS with the conversion command, before any connection', async () => {
    const jks = join(dir, 'truststore.jks');
    writeFileSync(jks, Buffer.from([0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2]));
    const props = join(dir, 'jks.properties');
    writeFileSync(props, `bootstrap.servers=127.0.0.1:1\nsecurity.protocol=SSL\nssl.truststore.location=${jks}\n`);
    await expectError(['topics', 'list', '--command-config', props], 'E_TLS', 1, /keytool -exportcert -rfc/);
  });

  it('a password variable that is not set: E_CONFIG naming the variable', async () => {
    await expectError(
      ['topics', 'list', '--brokers', '127.0.0.1:1', '--sasl-mechanism', 'PLAIN', '--sasl-username', 'u'],
      'E_CONFIG',
      1,
      /needs a password for user "u"/,
    );
    await expectError(
      ['topics', 'list', '--brokers', '127.0.0.1:1', '--sasl-mechanism', 'PLAIN', '--sasl-username', 'u'],
      'E_CONFIG',
      1,
      /cannot read .*missing-pw, the file with the SASL password of user "u": ENOENT/,
      { SC_SIM_SASL_PASSWORD_FILE: join(dir, 'missing-pw') },
    );
  });

  it('--insecure-skip-tls-verify prints its warning', async () => {
    const r = await runCli(['topics', 'list', '--brokers', '127.0.0.1:1', '--insecure-skip-tls-verify'], {
      timeoutMs: 60_000,
    });
    expect(r.stderr).toMatch(/warning: TLS verification is OFF/);
    expect(r.code).toBe(1);
  });
});

describe('a port that accepts connections and never answers', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer(() => undefined);
    port = await new Promise<number>((r) =>
      server.listen(0, '127.0.0.1', () => r((server.address() as AddressInfo).port)),
    );
  });
  afterAll(() => server.close());

  it('is E_BROKER_UNREACHABLE at the connect deadline, and the process exits (no lingering client)', async () => {
    for (const protocol of ['PLAINTEXT', 'SSL']) {
      const r = await expectError(
        ['topics', 'list', '--brokers', `127.0.0.1:${port}`, '--security-protocol', protocol],
        'E_BROKER_UNREACHABLE',
        1,
        `Kafka at 127.0.0.1:${port} did not answer within 8 s`,
      );
      // A hang guard, not a timing target: without the deadline and the exit this took minutes.
      expect(r.durationMs).toBeLessThan(40_000);
    }
  });
});
