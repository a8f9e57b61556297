import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ensureCertificates,
  expiresWithin,
  issueClientCertificate,
  RENEW_BEFORE_DAYS,
} from '../../../../src/kafka/local/certs.js';

const DAY_MS = 86_400_000;
const certsOf = (pem: string) =>
  [...pem.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)].map(
    (m) => new X509Certificate(m[0]),
  );

describe('ensureCertificates', () => {
  it('makes a CA and a broker certificate it signed for localhost and 127.0.0.1; keys are 0600', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'sc-sim-certs-')), 'tls');
    const r = await ensureCertificates(dir);
    expect(r.issued).toEqual(['ca', 'broker']);
    const ca = new X509Certificate(readFileSync(r.paths.caCert));
    expect(ca.ca).toBe(true);
    expect(ca.subject).toMatch(/CN=sc-sim local CA [0-9a-f]{8}/);
    const keystore = readFileSync(r.paths.brokerKeystore, 'utf8');
    expect(keystore).toMatch(
      /^-----BEGIN PRIVATE KEY-----\n[\s\S]+-----END PRIVATE KEY-----\n-----BEGIN CERTIFICATE-----/,
    );
    const [leaf, chained] = certsOf(keystore);
    expect(leaf!.verify(ca.publicKey)).toBe(true);
    expect(leaf!.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1');
    expect(leaf!.checkHost('localhost')).toBe('localhost');
    expect(chained!.fingerprint256).toBe(ca.fingerprint256);
    for (const f of [r.paths.caKey, r.paths.brokerKeystore]) expect(statSync(f).mode & 0o777).toBe(0o600);
  });

  it('keeps them on a restart, and renews the broker certificate from the same CA before it expires', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sc-sim-certs-'));
    const now = Date.now();
    const first = await ensureCertificates(dir, now);
    const caBefore = readFileSync(first.paths.caCert, 'utf8');
    expect((await ensureCertificates(dir, now + 100 * DAY_MS)).issued).toEqual([]);
    // 825-day leaf: within RENEW_BEFORE_DAYS of its end it is issued again; the CA (10 years) stays.
    const late = now + (825 - RENEW_BEFORE_DAYS + 1) * DAY_MS;
    expect((await ensureCertificates(dir, late)).issued).toEqual(['broker']);
    expect(readFileSync(first.paths.caCert, 'utf8')).toBe(caBefore);
    const [leaf] = certsOf(readFileSync(first.paths.brokerKeystore, 'utf8'));
    expect(leaf!.verify(new X509Certificate(caBefore).publicKey)).toBe(true);
  });

  it('issues a client certificate whose subject is the principal name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sc-sim-certs-'));
    const r = await ensureCertificates(dir);
    const out = mkdtempSync(join(tmpdir(), 'sc-sim-client-'));
    const client = await issueClientCertificate(dir, 'sc-sim-app', out);
    const cert = new X509Certificate(readFileSync(client.certFile));
    expect(cert.subject).toBe('CN=sc-sim-app');
    expect(cert.verify(new X509Certificate(readFileSync(r.paths.caCert)).publicKey)).toBe(true);
    expect(statSync(client.keyFile).mode & 0o777).toBe(0o600);
  });

  it('expiresWithin: an unreadable certificate counts as expiring', () => {
    expect(expiresWithin('not a certificate', 30, Date.now())).toBe(true);
  });
});
