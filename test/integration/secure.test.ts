// Against a secured local broker (`kafka up --secure`, started once for this file): SASL_SSL with
// SCRAM-SHA-512/256 and PLAIN, mTLS, OAUTHBEARER (static token and token command), ACLs for the
// restricted user, the error cases with their codes and times, and no secret in anything printed.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseProperties, unsecuredJwt } from '../../src/kafka/security.js';
import { ensureCertificates, issueClientCertificate } from '../../src/kafka/local/certs.js';
import { kafkaDown, kafkaUp, type KafkaUpResult } from '../../src/kafka/local/index.js';
import { REPO_ROOT } from '../../src/kafka/local/paths.js';
import type { RunReport } from '../../src/report.js';
import { DOMAIN_TOPICS, getTopic, TOPICS } from '../../src/catalog/topics.js';
import { resolveConnectionSettings } from '../../src/app/connection.js';
import { describeLogDirs, type BrokerLogDirs } from '../../src/kafka/log-dirs.js';
import { kafkaToolLogDirs } from '../support/cluster.js';
import { withAdmin } from '../../src/kafka/admin.js';
import { hasStackTrace, runCli, spawnTsx, type CliResult } from '../support/cli.js';

// Ports of this file's own broker (the suite's plaintext test broker is another one).
const SECURE_PORT = Number(process.env['SC_SIM_TEST_SECURE_KAFKA_PORT'] ?? 19405);
const CONTROLLER_PORT = SECURE_PORT + 1;
const MTLS_PORT = SECURE_PORT + 2;
const HOME = join(REPO_ROOT, '.sc-sim', 'kafka-secure-test');
const BROKER = `127.0.0.1:${SECURE_PORT}`;
/** The issue's bound for each error case, the CLI's start (~1-6 s on a busy machine) included. */
const ERROR_BOUND_MS = 15_000;

let up: KafkaUpResult;
let passwords: { admin: string; app: string; controller: string };
let tmp: string;
/** Every password or token the tests used: none may appear in anything sc-sim printed or wrote. */
const secrets = new Set<string>();
/** Everything sc-sim printed or wrote in this file, checked for the secrets at the end. */
const outputs: { what: string; text: string }[] = [];

async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const r = await runCli(args, { env: { SC_SIM_KAFKA_HOME: '', ...env }, timeoutMs: 180_000 });
  outputs.push(
    { what: `sc-sim ${args.join(' ')} (stdout)`, text: r.stdout },
    { what: `sc-sim ${args.join(' ')} (stderr)`, text: r.stderr },
  );
  return r;
}

function keep(what: string, file: string): string {
  const text = readFileSync(file, 'utf8');
  outputs.push({ what, text });
  return text;
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'sc-sim-secure-'));
  const opts = { home: HOME, port: SECURE_PORT, controllerPort: CONTROLLER_PORT, mode: 'jvm' as const };
  await kafkaDown(opts);
  const started = Date.now();
  up = await kafkaUp({
    ...opts,
    secure: true,
    mtlsPort: MTLS_PORT,
    unsecuredOAuth: true,
    freshData: true,
    onProgress: (m) => process.stderr.write(`[secure broker] ${m}\n`),
  });
  process.stderr.write(`[secure broker] up in ${Date.now() - started} ms\n`);
  const creds = parseProperties(readFileSync(up.secure!.credentialsFile, 'utf8'));
  passwords = {
    admin: creds.get('admin.password')!,
    app: creds.get('app.password')!,
    controller: creds.get('controller.password')!,
  };
  for (const p of Object.values(passwords)) secrets.add(p);
  // The admin creates the catalog's topics once; the restricted user only uses them.
  const apply = await cli(['topics', 'apply', '--command-config', up.secure!.adminConfig]);
  expect(apply.stderr).toBe('');
  expect(apply.code).toBe(0);
}, 240_000);

afterAll(async () => {
  await kafkaDown({ home: HOME, mode: 'jvm' });
});

const app = () => ['--command-config', up.secure!.appConfig];

/**
 * `topics list --json` as the restricted user sees it: the 32 catalog topics, whose configs it may
 * not read (no DESCRIBE_CONFIGS); the rest of the cluster (the `other.` topics) stays hidden.
 */
function expectCatalogTopicsWithoutConfigs(stdout: string): void {
  const plan = JSON.parse(stdout) as {
    counts: Record<string, number>;
    topics: { topic: string; cluster: { configsDenied?: boolean } | null }[];
  };
  expect(plan.counts).toEqual({ create: 0, alter: 0, ok: 0, drift: TOPICS.length });
  const seen = plan.topics.filter((t) => t.cluster !== null);
  expect(seen.map((t) => t.topic).sort()).toEqual(TOPICS.map((t) => t.name).sort());
  expect(seen.every((t) => t.cluster!.configsDenied === true)).toBe(true);
}

describe('kafka up --secure', () => {
  it('keeps every password out of server.properties, instance.json and the broker log, and its private files 0600', () => {
    for (const f of ['server.properties', 'instance.json', 'broker.log']) keep(`broker home ${f}`, join(HOME, f));
    for (const f of [
      up.secure!.credentialsFile,
      up.secure!.adminConfig,
      up.secure!.appConfig,
      join(HOME, 'tls', 'ca.key'),
    ]) {
      expect((statSync(f).mode & 0o777).toString(8), f).toBe('600');
    }
    // The format output (salted SCRAM keys) stays out of the log.
    expect(readFileSync(join(HOME, 'broker.log'), 'utf8')).not.toMatch(/storedKey|serverKey|saltedpassword/i);
  });

  it('is reported as running and secure; a second `up` says so without starting anything', async () => {
    const [again, status] = await Promise.all([
      cli(['kafka', 'up', '--home', HOME, '--timeout-ms', '60000']),
      cli(['kafka', 'status', '--home', HOME]),
    ]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/already running at 127\.0\.0\.1:\d+ \(jvm, SASL_SSL\)/);
    expect(again.stdout).toContain(up.secure!.appConfig);
    expect(status.stdout).toMatch(/^secured: SASL_SSL/m);
  });
});

describe('the restricted user (SCRAM-SHA-512 over SASL_SSL)', () => {
  let reportFile: string;

  it('runs seed-dev with --verify: 0 anomalies; the report names protocol, mechanism and user only', async () => {
    reportFile = join(tmp, 'seed.json');
    const html = join(tmp, 'seed.html');
    const r = await cli(['run', 'seed-dev', '--verify', ...app(), '--out', reportFile, '--html', html]);
    expect(r.stderr).not.toMatch(/error\[/);
    expect(r.code).toBe(0);
    const report = JSON.parse(keep('run report', reportFile)) as RunReport;
    keep('run HTML', html);
    expect(report.connection).toEqual({
      securityProtocol: 'SASL_SSL',
      saslMechanism: 'SCRAM-SHA-512',
      user: 'sc-sim-app',
    });
    const v = report.verification!;
    expect(v.passed).toBe(true);
    expect(v.result.totals.lost + v.result.totals.duplicate + v.result.totals.reordered).toBe(0);
    expect(r.stdout).toContain('connection: SASL_SSL, SCRAM-SHA-512, user sc-sim-app');
  });

  it('verifies the saved report again (`verify --report`)', async () => {
    const out = join(tmp, 'verified.json');
    const html = join(tmp, 'verified.html');
    const r = await cli(['verify', '--report', reportFile, ...app(), '--out', out, '--html', html]);
    expect(r.code).toBe(0);
    keep('verify report', out);
    keep('verify HTML', html);
  });

  it('consumes the domain topics in a group of its own', async () => {
    const out = join(tmp, 'consume.json');
    const html = join(tmp, 'consume.html');
    const r = await cli([
      'consume',
      ...app(),
      '--from-beginning',
      '--until-drained',
      '--duration',
      '20s',
      '--per-event-ms',
      '0',
      '--out',
      out,
      '--html',
      html,
    ]);
    expect(r.stderr).not.toMatch(/error\[/);
    expect(r.code).toBe(0);
    const report = JSON.parse(keep('consumer report', out)) as { processed: number; connection: unknown };
    keep('consumer HTML', html);
    // Everything seed-dev wrote to the domain topics (the ones `consume` reads by default), at least.
    const seed = JSON.parse(readFileSync(reportFile, 'utf8')) as RunReport;
    const domainAcked = seed.summary.topics
      .filter((t) => (DOMAIN_TOPICS as readonly string[]).includes(t.topic))
      .reduce((n, t) => n + t.acked, 0);
    expect(domainAcked).toBeGreaterThan(10_000);
    expect(report.processed).toBeGreaterThanOrEqual(domainAcked);
    expect(report.connection).toEqual({
      securityProtocol: 'SASL_SSL',
      saslMechanism: 'SCRAM-SHA-512',
      user: 'sc-sim-app',
    });
  });

  it('gets E_AUTHORIZATION from `topics apply`, per topic, naming the topic and the operation', async () => {
    const r = await cli(['topics', 'apply', ...app(), '--prefix', 'acl-test.']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error\[E_AUTHORIZATION\]: topics apply was refused for 32 topic\(s\)/m);
    expect(r.stderr).toContain(
      'cannot create acl-test.sc.domain.user: user "sc-sim-app" (SCRAM-SHA-512) needs CREATE on topic acl-test.sc.domain.user (or CREATE on the cluster)',
    );
    expect(r.stdout).not.toMatch(/^applied:/m);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it('is told it may not see topics that exist, not that they are missing', async () => {
    // Topics outside its ACLs: the broker leaves them out of its topic list.
    const admin = await cli(['topics', 'apply', '--command-config', up.secure!.adminConfig, '--prefix', 'other.']);
    expect(admin.code).toBe(0);
    const r = await cli(['run', 'seed-dev', ...app(), '--prefix', 'other.']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error\[E_AUTHORIZATION\]: user "sc-sim-app" may not see 32 topic\(s\)/m);
    expect(r.stderr).toContain('denied: other.sc.domain.order');
    expect(r.stderr).not.toMatch(/sc-sim topics apply/);
  });
});

describe("the brokers' own log-dir sizes over SASL_SSL", () => {
  const connectionOf = (file: string) => resolveConnectionSettings({ commandConfig: file }, {}).connection;
  /** The broker as the cluster lists it (its node id from metadata, not assumed). */
  const theBroker = () => withAdmin(connectionOf(up.secure!.adminConfig), (admin) => admin.brokers());

  it('the admin (SCRAM-SHA-512) reads them, the same bytes as kafka-log-dirs with the same client file', async () => {
    const topics = DOMAIN_TOPICS.map((t) => getTopic(t)!);
    const partitions = new Map(topics.map((t) => [t.name, t.partitions]));
    const [answer] = await describeLogDirs(connectionOf(up.secure!.adminConfig), await theBroker(), partitions);
    expect(answer!.status, JSON.stringify(answer)).toBe('fulfilled');
    const ours = new Map(
      (answer as PromiseFulfilledResult<BrokerLogDirs>).value.replicas.map((r) => [
        `${r.topic}[${r.partition}]`,
        r.bytes,
      ]),
    );
    // seed-dev ran as the restricted user above: the domain topics hold its records.
    expect([...ours.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    const node = (await theBroker())[0]!;
    const theirs = kafkaToolLogDirs([BROKER], [...partitions.keys()], up.secure!.adminConfig);
    expect(ours).toEqual(theirs.get(node.nodeId));
  });

  it('the restricted user may not (no DESCRIBE on the cluster): an error that names the ACL, not 0 bytes', async () => {
    const [answer] = await describeLogDirs(
      connectionOf(up.secure!.appConfig),
      await theBroker(),
      new Map([['sc.domain.user', 1]]),
    );
    expect(answer!.status).toBe('rejected');
    expect(String((answer as PromiseRejectedResult).reason)).toMatch(
      /^Error: broker \d+ \(127\.0\.0\.1:\d+\): .*DESCRIBE on the CLUSTER resource/,
    );
  });
});

// Concurrent: these share the broker and wait mostly on it (the token test sleeps through a token's
// life, the bench on its JVM peer), so together they take about as long as the longest of them.
describe.concurrent('other mechanisms and TLS modes, the bench, a token refresh', () => {
  it('PLAIN and SCRAM-SHA-256, with the password from SC_SIM_SASL_PASSWORD_FILE and the CA from SC_SIM_SSL_CA', async () => {
    const pwFile = join(tmp, 'app.pw');
    writeFileSync(pwFile, `${passwords.app}\n`, { mode: 0o600 });
    for (const mechanism of ['PLAIN', 'SCRAM-SHA-256']) {
      const r = await cli(['topics', 'list', '--brokers', BROKER, '--json'], {
        SC_SIM_SASL_MECHANISM: mechanism,
        SC_SIM_SASL_USERNAME: 'sc-sim-app',
        SC_SIM_SASL_PASSWORD_FILE: pwFile,
        SC_SIM_SSL_CA: up.secure!.caFile,
      });
      expect(r.stderr, mechanism).toBe('');
      expect(r.code, mechanism).toBe(0);
      expectCatalogTopicsWithoutConfigs(r.stdout);
    }
  });

  it('mTLS with a PEM certificate and key, and with a PKCS#12 keystore', async () => {
    // Signed by the broker's own CA; its subject CN=sc-sim-app maps to the principal User:sc-sim-app.
    const { certFile, keyFile } = await issueClientCertificate(join(HOME, 'tls'), 'sc-sim-app', tmp);
    const mtls = ['--brokers', `127.0.0.1:${MTLS_PORT}`, '--ssl-ca', up.secure!.caFile];
    const pem = await cli(['topics', 'list', ...mtls, '--ssl-cert', certFile, '--ssl-key', keyFile, '--json']);
    expect(pem.stderr).toBe('');
    expect(pem.code).toBe(0);
    expectCatalogTopicsWithoutConfigs(pem.stdout);

    const p12 = join(tmp, 'client.p12');
    execFileSync('openssl', [
      'pkcs12',
      '-export',
      '-in',
      certFile,
      '-inkey',
      keyFile,
      '-out',
      p12,
      '-passout',
      'pass:p12-secret',
    ]);
    secrets.add('p12-secret');
    const props = join(tmp, 'mtls.properties');
    writeFileSync(
      props,
      [
        `bootstrap.servers=127.0.0.1:${MTLS_PORT}`,
        'security.protocol=SSL',
        `ssl.truststore.location=${up.secure!.caFile}`,
        'ssl.truststore.type=PEM',
        `ssl.keystore.location=${p12}`,
        'ssl.keystore.type=PKCS12',
        'ssl.keystore.password=p12-secret',
      ].join('\n'),
    );
    const pkcs = await cli(['topics', 'list', '--command-config', props, '--json']);
    expect(pkcs.stderr).toBe('');
    expect(pkcs.code).toBe(0);

    const none = await cli(['topics', 'list', ...mtls]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/^error\[E_TLS\]: .* requires a client certificate \(mTLS\)/m);
  });

  it('OAUTHBEARER with a static token (file) and with a token command; a rejected token is E_AUTH', async () => {
    const token = unsecuredJwt('sc-sim-app', Date.now());
    secrets.add(token);
    const tokenFile = join(tmp, 'token');
    writeFileSync(tokenFile, token, { mode: 0o600 });
    const oauth = ['--brokers', BROKER, '--ssl-ca', up.secure!.caFile, '--sasl-mechanism', 'OAUTHBEARER'];
    const fromFile = await cli(['topics', 'list', ...oauth, '--sasl-token-file', tokenFile, '--json']);
    expect(fromFile.stderr).toBe('');
    expect(fromFile.code).toBe(0);
    expectCatalogTopicsWithoutConfigs(fromFile.stdout);

    const command = `node -e "process.stdout.write(require('fs').readFileSync('${tokenFile}','utf8'))"`;
    const fromCommand = await cli(['topics', 'list', ...oauth, '--sasl-token-command', command, '--json']);
    expect(fromCommand.stderr).toBe('');
    expect(fromCommand.code).toBe(0);

    const bad = join(tmp, 'bad-token');
    writeFileSync(bad, 'not-a-token');
    const rejected = await cli(['topics', 'list', ...oauth, '--sasl-token-file', bad]);
    expect(rejected.code).toBe(1);
    expect(rejected.stderr).toMatch(/^error\[E_AUTH\]: .* rejected the OAUTHBEARER login/m);
    expect(rejected.durationMs).toBeLessThan(ERROR_BOUND_MS);
  });

  it('OAUTHBEARER: the token command is run again before its token expires, while the client keeps working', async () => {
    // Each run logs its time and prints a token living 20 s: the client re-authenticates 10 s before
    // a session ends (~10 s in), and sc-sim fetches a new token then (less than 30 s of it is left).
    const log = join(tmp, 'token-runs.log');
    const script = join(tmp, 'token-command.mjs');
    writeFileSync(
      script,
      [
        "import { appendFileSync } from 'node:fs';",
        `appendFileSync(${JSON.stringify(log)}, Date.now() + '\\n');`,
        'const b64 = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");',
        'const now = Math.floor(Date.now() / 1000);',
        'process.stdout.write(`${b64({ alg: "none" })}.${b64({ sub: "sc-sim-app", iat: now, exp: now + 20 })}.`);',
      ].join('\n'),
    );
    const r = await cli([
      'consume',
      '--brokers',
      BROKER,
      '--ssl-ca',
      up.secure!.caFile,
      '--sasl-mechanism',
      'OAUTHBEARER',
      '--sasl-token-command',
      `node ${script}`,
      '--duration',
      '15s',
      '--per-event-ms',
      '0',
      '--json',
    ]);
    expect(r.stderr).not.toMatch(/error\[/);
    expect(r.code).toBe(0);
    const runs = readFileSync(log, 'utf8').trim().split('\n').map(Number);
    process.stderr.write(`[secure oauth] token command runs at +${runs.map((t) => t - runs[0]!).join(', +')} ms\n`);
    // Runs for the clients at the start (admin, consumer), and a later one for a fresh token.
    expect(
      runs.some((t) => t - runs[0]! > 8_000),
      runs.map((t) => t - runs[0]!).join(','),
    ).toBe(true);
  }, 120_000);

  it('the bench reaches the secured cluster too (--command-config; ProducerPerformance reads the same file)', async () => {
    const out = join(tmp, 'bench.json');
    const args = ['--smoke', '--only', 'produce,verify', '--command-config', up.secure!.adminConfig, '--out', out];
    const child = spawnTsx('bench/run.ts', args);
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    outputs.push({ what: 'bench output', text: output });
    expect(code, output.slice(-3000)).toBe(0);
    const results = JSON.parse(keep('bench results', out)) as { failures: unknown[]; broker: { brokers: string[] } };
    expect(results.failures).toEqual([]);
    expect(results.broker.brokers).toEqual([BROKER]);
  }, 240_000);
});

describe('errors: a code, exit 1, within 15 s, no stack trace', () => {
  const timings: string[] = [];
  afterAll(() => process.stderr.write(`[secure errors] ${timings.join('; ')}\n`));

  async function failing(label: string, args: string[], env: NodeJS.ProcessEnv, code: string, message: RegExp) {
    const r = await cli(args, env);
    timings.push(`${label} ${code} ${Math.round(r.durationMs)} ms`);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^error\\[${code}\\]: `, 'm'));
    expect(r.stderr).toMatch(message);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(r.durationMs).toBeLessThan(ERROR_BOUND_MS);
    return r;
  }

  it('wrong password: E_AUTH naming the mechanism and user (the env variable beats the file)', async () => {
    secrets.add('wrong-password-123');
    const r = await failing(
      'wrong password',
      ['topics', 'list', ...app()],
      { SC_SIM_SASL_PASSWORD: 'wrong-password-123' },
      'E_AUTH',
      /rejected the SCRAM-SHA-512 login of user "sc-sim-app"/,
    );
    expect(r.stderr).toContain('the password came from SC_SIM_SASL_PASSWORD');
  });

  it('wrong CA: E_TLS saying which CA was used and how to pass another', async () => {
    const other = await ensureCertificates(join(tmp, 'other-ca'));
    const r = await failing(
      'wrong CA',
      ['topics', 'list', ...app(), '--ssl-ca', other.paths.caCert],
      {},
      'E_TLS',
      /signed by a CA sc-sim does not trust/,
    );
    expect(r.stderr).toContain(`sc-sim trusted the CA file ${other.paths.caCert}`);
    expect(r.stderr).toMatch(/hint: pass the CA .* --ssl-ca/);
  });

  it('wrong host name: E_TLS naming the names the certificate has', async () => {
    await failing(
      'host name mismatch',
      ['topics', 'list', ...app(), '--ssl-server-name', 'kafka.example.com'],
      {},
      'E_TLS',
      /does not name the host/,
    );
  });

  it('plaintext client on the TLS port: E_PROTOCOL_MISMATCH, not a timeout', async () => {
    await failing(
      'plaintext->TLS',
      ['topics', 'list', '--brokers', BROKER],
      {},
      'E_PROTOCOL_MISMATCH',
      /speaks TLS, but sc-sim connected without TLS/,
    );
  });

  it('TLS without a login on the SASL_SSL port: E_AUTH listing the mechanisms it accepts', async () => {
    await failing(
      'no SASL',
      ['topics', 'list', '--brokers', BROKER, '--ssl-ca', up.secure!.caFile],
      {},
      'E_AUTH',
      /requires a SASL login \(it accepts .*SCRAM-SHA-512/,
    );
  });

  it('a JKS truststore: E_TLS with the conversion command', async () => {
    const jks = join(tmp, 'truststore.jks');
    writeFileSync(jks, Buffer.from([0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2]));
    await failing('JKS', ['topics', 'list', ...app(), '--ssl-ca', jks], {}, 'E_TLS', /keytool -exportcert -rfc/);
  });
});

describe('secrets', () => {
  it('dry runs need no broker and print nothing secret', async () => {
    const [dry, plan] = await Promise.all([
      cli(['run', 'seed-dev', '--dry-run', ...app()]),
      cli(['topics', 'apply', '--dry-run', '--command-config', up.secure!.adminConfig]),
    ]);
    expect(dry.code).toBe(0);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(/dry run: nothing changed/);
  });

  it('runs with debug logs on and then finds no password or token in anything printed or written', async () => {
    const [debug, start] = await Promise.all([
      cli(['topics', 'list', ...app()], { SC_SIM_KAFKA_LOG: '1', SC_SIM_DEBUG: '1' }),
      cli(['start', '--no-run', '--command-config', up.secure!.adminConfig]),
    ]);
    expect(debug.code).toBe(0);
    expect(debug.stderr).toMatch(/\[kafkajs DEBUG\]/);
    expect(start.code).toBe(0);
    for (const f of ['server.properties', 'instance.json', 'broker.log']) keep(`broker home ${f} (end)`, join(HOME, f));

    const found = outputs.flatMap((o) => [...secrets].filter((s) => o.text.includes(s)).map(() => o.what));
    process.stderr.write(
      `[secrets] grepped ${outputs.length} outputs (${outputs.reduce((n, o) => n + o.text.length, 0)} chars) for ${secrets.size} secrets: ${found.length} hits\n`,
    );
    expect(found).toEqual([]);
  });
});
