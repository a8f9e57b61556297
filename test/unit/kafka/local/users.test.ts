import { pbkdf2Sync } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { resolveConnectionSettings } from '../../../../src/app/connection.js';
import { TOPICS } from '../../../../src/catalog/topics.js';
import { withoutScramRecords } from '../../../../src/kafka/local/index.js';
import {
  APP_TOPIC_PREFIX,
  appUserAcls,
  ensureCredentials,
  generatePassword,
  renderClientConfig,
  scramFormatArg,
  scramUserArgs,
  writeClientConfig,
} from '../../../../src/kafka/local/users.js';

const { AclOperationTypes, AclResourceTypes, ResourcePatternTypes } = kafkajs;

describe('SCRAM users at format time', () => {
  it('the salted form is RFC 5802 Hi(password, salt, i) and holds no password', () => {
    const salt = Buffer.alloc(24, 7);
    const arg = scramFormatArg('SCRAM-SHA-512', 'alice', 'pa55word', 4096, salt);
    const expected = pbkdf2Sync('pa55word', salt, 4096, 64, 'sha512').toString('base64');
    expect(arg).toBe(
      `SCRAM-SHA-512=[name=alice,iterations=4096,salt="${salt.toString('base64')}",saltedpassword="${expected}"]`,
    );
    expect(scramFormatArg('SCRAM-SHA-256', 'a', 'p', 4096, salt)).toContain(
      pbkdf2Sync('p', salt, 4096, 32, 'sha256').toString('base64'),
    );
    const args = scramUserArgs({ admin: 'admin-pw', app: 'app-pw', controller: 'c-pw' });
    expect(args.filter((a) => a === '--add-scram')).toHaveLength(3);
    expect(args.join(' ')).not.toMatch(/admin-pw|app-pw|c-pw/);
  });

  it('format output keeps its ordinary lines and loses the credential records', () => {
    const out = withoutScramRecords(
      'Formatting metadata directory /d with metadata.version 4.4.\nBootstrap metadata: ... UserScramCredentialRecord(name=app, salt=xx, storedKey=yy, serverKey=zz)\n',
    );
    expect(out).toBe('Formatting metadata directory /d with metadata.version 4.4.\n');
  });
});

describe('credentials and client configs', () => {
  it('generates passwords once (0600) and reads them back on the next start', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sc-sim-users-')), 'credentials.properties');
    const first = await ensureCredentials(file);
    expect(first.created).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = await ensureCredentials(file);
    expect(again).toEqual({ credentials: first.credentials, created: false });
    expect(new Set(Object.values(first.credentials)).size).toBe(3);
  });

  it('passwords never hold a character that would break a JAAS line', () => {
    const bytes = Buffer.from(Array.from({ length: 18 }, (_, i) => (i * 37 + 251) % 256));
    expect(generatePassword(() => bytes)).toMatch(/^[A-Za-z0-9_-]{24}$/);
  });

  it('a client config file is what --command-config reads back: same brokers, user and password source', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sc-sim-users-'));
    const file = join(dir, 'client-app.properties');
    await writeClientConfig(file, {
      brokers: ['127.0.0.1:9092'],
      caFile: '/home/tls/ca.crt',
      user: 'sc-sim-app',
      password: 'pw',
    });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toBe(
      renderClientConfig({
        brokers: ['127.0.0.1:9092'],
        caFile: '/home/tls/ca.crt',
        user: 'sc-sim-app',
        password: 'pw',
      }),
    );
    const { connection } = resolveConnectionSettings({ commandConfig: file }, {});
    expect(connection).toEqual({
      brokers: ['127.0.0.1:9092'],
      security: {
        protocol: 'SASL_SSL',
        tls: { caFile: '/home/tls/ca.crt', verifyHostname: true, insecureSkipVerify: false },
        sasl: {
          mechanism: 'SCRAM-SHA-512',
          username: 'sc-sim-app',
          password: { from: 'properties', path: file, key: 'sasl.jaas.config', jaasOption: 'password' },
        },
      },
    });
  });
});

describe('the restricted user', () => {
  it("may write and read the catalog's topics (all 32 share the prefix sc.) and use sc-sim's groups, nothing on the cluster", () => {
    const acls = appUserAcls();
    const grants = acls.map((a) => `${a.resourceType}:${a.resourceName}:${a.operation}`);
    expect(grants).toEqual([
      `${AclResourceTypes.TOPIC}:sc.:${AclOperationTypes.WRITE}`,
      `${AclResourceTypes.TOPIC}:sc.:${AclOperationTypes.READ}`,
      `${AclResourceTypes.TOPIC}:sc.:${AclOperationTypes.DESCRIBE}`,
      `${AclResourceTypes.GROUP}:sc-sim-:${AclOperationTypes.READ}`,
      `${AclResourceTypes.GROUP}:sc-sim-:${AclOperationTypes.DELETE}`,
    ]);
    expect(
      acls.every((a) => a.principal === 'User:sc-sim-app' && a.resourcePatternType === ResourcePatternTypes.PREFIXED),
    ).toBe(true);
    expect(acls.some((a) => a.resourceType === AclResourceTypes.CLUSTER)).toBe(false);
  });

  it('covers every catalog topic (seed-dev writes them all)', () => {
    expect(TOPICS.filter((t) => !t.name.startsWith(APP_TOPIC_PREFIX)).map((t) => t.name)).toEqual([]);
  });
});
