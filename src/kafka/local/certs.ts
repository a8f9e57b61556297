// The secured local broker's TLS material: a local CA made on first start and kept in the home,
// and a broker certificate it signs, re-issued from the same CA before it expires (Kafka refuses to
// start with an expired one), so clients that trust ca.crt keep working. EC P-256 keys: ~0.1 s.
import { randomBytes, X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import selfsigned from 'selfsigned';
import { writePrivateFile } from './instance.js';

const DAY_MS = 86_400_000;
const CA_LIFETIME_DAYS = 3650;
/** Below the 825 days browsers and many TLS stacks accept for a leaf certificate. */
const LEAF_LIFETIME_DAYS = 825;
/** A certificate that expires sooner than this is re-issued at the next start. */
export const RENEW_BEFORE_DAYS = 30;

/** PEM blocks one per line: selfsigned's output has no final newline, and OpenSSL needs one between blocks. */
function pemJoin(...blocks: string[]): string {
  return blocks.map((b) => `${b.trimEnd()}\n`).join('');
}

export interface TlsPaths {
  dir: string;
  /** The CA certificate clients trust (public). */
  caCert: string;
  /** The CA's private key (0600): only used to sign the broker's and clients' certificates. */
  caKey: string;
  /** Private key + certificate + CA, what Kafka's ssl.keystore.type=PEM reads (0600). */
  brokerKeystore: string;
}

export function tlsPaths(dir: string): TlsPaths {
  return {
    dir,
    caCert: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    brokerKeystore: join(dir, 'broker-keystore.pem'),
  };
}

const ecOptions = (now: number, days: number) => ({
  keyType: 'ec' as const,
  algorithm: 'sha256',
  // A minute in the past: a client whose clock is slightly behind must not see "not yet valid".
  notBeforeDate: new Date(now - 60_000),
  notAfterDate: new Date(now + days * DAY_MS),
});

/** True when the PEM certificate expires within `days` (or cannot be read). */
export function expiresWithin(certPem: string, days: number, now: number): boolean {
  try {
    return Date.parse(new X509Certificate(certPem).validTo) - now < days * DAY_MS;
  } catch {
    return true;
  }
}

async function issueCa(paths: TlsPaths, now: number): Promise<{ key: string; cert: string }> {
  // A name of its own per home: a client trusting another home's CA then hears "not trusted", not
  // a signature mismatch between two CAs of the same name.
  const name = `sc-sim local CA ${randomBytes(4).toString('hex')}`;
  const ca = await selfsigned.generate([{ name: 'commonName', value: name }], {
    ...ecOptions(now, CA_LIFETIME_DAYS),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  await writePrivateFile(paths.caKey, pemJoin(ca.private));
  await writeFile(paths.caCert, pemJoin(ca.cert));
  return { key: ca.private, cert: ca.cert };
}

async function issueBrokerCertificate(paths: TlsPaths, ca: { key: string; cert: string }, now: number): Promise<void> {
  const broker = await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
    ...ecOptions(now, LEAF_LIFETIME_DAYS),
    ca,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      // clientAuth too: the broker's inter-broker client presents the same certificate.
      { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  await writePrivateFile(paths.brokerKeystore, pemJoin(broker.private, broker.cert, ca.cert));
}

export interface CertificateResult {
  paths: TlsPaths;
  /** What was made this time: nothing on an ordinary restart. */
  issued: ('ca' | 'broker')[];
}

/**
 * Makes the CA on first start, and the broker certificate when it is missing or expires within
 * RENEW_BEFORE_DAYS (a CA that itself expires that soon is replaced, and with it the broker's).
 */
export async function ensureCertificates(dir: string, now = Date.now()): Promise<CertificateResult> {
  const paths = tlsPaths(dir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const issued: CertificateResult['issued'] = [];
  let ca: { key: string; cert: string } | undefined;
  if (existsSync(paths.caCert) && existsSync(paths.caKey)) {
    const cert = await readFile(paths.caCert, 'utf8');
    if (!expiresWithin(cert, RENEW_BEFORE_DAYS, now)) ca = { key: await readFile(paths.caKey, 'utf8'), cert };
  }
  if (ca === undefined) {
    ca = await issueCa(paths, now);
    issued.push('ca');
  }
  const brokerPem = existsSync(paths.brokerKeystore) ? await readFile(paths.brokerKeystore, 'utf8') : '';
  const brokerCert = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(brokerPem)?.[0] ?? '';
  if (issued.includes('ca') || expiresWithin(brokerCert, RENEW_BEFORE_DAYS, now)) {
    await issueBrokerCertificate(paths, ca, now);
    issued.push('broker');
  }
  return { paths, issued };
}

/**
 * A client certificate signed by the local CA of `tlsDir` (for mTLS): its subject is CN=<name>,
 * which the broker maps to the principal User:<name>. Written as <outDir>/<name>.crt and .key (0600).
 */
export async function issueClientCertificate(
  tlsDir: string,
  name: string,
  outDir = tlsDir,
  now = Date.now(),
): Promise<{ certFile: string; keyFile: string }> {
  const paths = tlsPaths(tlsDir);
  const ca = { key: await readFile(paths.caKey, 'utf8'), cert: await readFile(paths.caCert, 'utf8') };
  const client = await selfsigned.generate([{ name: 'commonName', value: name }], {
    ...ecOptions(now, LEAF_LIFETIME_DAYS),
    ca,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', clientAuth: true },
    ],
  });
  const certFile = join(outDir, `${name}.crt`);
  const keyFile = join(outDir, `${name}.key`);
  await writeFile(certFile, pemJoin(client.cert));
  await writePrivateFile(keyFile, pemJoin(client.private));
  return { certFile, keyFile };
}
