import { createServer as createNetServer, type AddressInfo, type Server } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { KafkaConnection } from '../../../src/config.js';
import { ScSimError } from '../../../src/errors.js';
import { connectWithin, diagnoseKafkaError, seedRetries, toKafkaError } from '../../../src/kafka/client.js';
import { ensureCertificates } from '../../../src/kafka/local/certs.js';

/** An error shaped like kafkajs's (name, message, type, cause…), without kafkajs. */
function kafkaError(name: string, fields: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(String(fields['message'] ?? name)), { name, ...fields });
}

const scram: KafkaConnection = {
  brokers: ['k1:9096'],
  security: {
    protocol: 'SASL_SSL',
    tls: { caFile: '/etc/ca.pem', verifyHostname: true, insecureSkipVerify: false },
    sasl: { mechanism: 'SCRAM-SHA-512', username: 'app', password: { from: 'env', name: 'SC_SIM_SASL_PASSWORD' } },
  },
};

describe('seedRetries', () => {
  it('is never fewer than it takes to try each bootstrap broker once', () => {
    expect(seedRetries(0, 1)).toBe(0);
    expect(seedRetries(0, 3)).toBe(2);
    expect(seedRetries(3, 3)).toBe(3);
    expect(seedRetries(1, 6)).toBe(5);
  });
});

describe('toKafkaError', () => {
  it('a refused login is E_AUTH naming mechanism, user and where the password came from', () => {
    const e = toKafkaError(
      kafkaError('KafkaJSSASLAuthenticationError', { message: 'SASL SCRAM SHA512 authentication failed' }),
      scram,
    );
    expect(e.code).toBe('E_AUTH');
    expect(e.message).toBe('k1:9096 rejected the SCRAM-SHA-512 login of user "app"');
    expect(e.hint).toMatch(
      /the password came from SC_SIM_SASL_PASSWORD; SCRAM-SHA-256 and SCRAM-SHA-512 credentials are separate/,
    );
  });

  it('a mechanism the listener does not offer is not a wrong password', () => {
    const e = toKafkaError(
      kafkaError('KafkaJSSASLAuthenticationError', {
        message: 'SASL SCRAM-SHA-512 mechanism is not supported by the server',
      }),
      scram,
    );
    expect(e.code).toBe('E_AUTH');
    expect(e.message).toBe('k1:9096 does not accept SASL mechanism SCRAM-SHA-512');
  });

  it('a topic ACL denial names the topic from the error, or the ones being used, and the operation', () => {
    const create = toKafkaError(
      kafkaError('KafkaJSAggregateError', {
        errors: [
          kafkaError('KafkaJSCreateTopicError', { type: 'TOPIC_AUTHORIZATION_FAILED', topic: 'sc.domain.user' }),
        ],
      }),
      scram,
      { action: 'create', topics: ['sc.domain.user'] },
    );
    expect(create.code).toBe('E_AUTHORIZATION');
    expect(create.message).toBe(
      'user "app" (SCRAM-SHA-512) needs CREATE on topic sc.domain.user (or CREATE on the cluster) at k1:9096',
    );
    expect(create.hint).toMatch(
      /^apply topics with an admin principal, or ask for the ACL: --allow-principal User:app --operation CREATE/,
    );
    const write = toKafkaError(
      kafkaError('KafkaJSNonRetriableError', {
        cause: kafkaError('KafkaJSProtocolError', { type: 'TOPIC_AUTHORIZATION_FAILED' }),
      }),
      scram,
      { action: 'produce', topics: ['a', 'b'] },
    );
    expect(write.message).toMatch(/needs WRITE on one of the topics a, b \(the broker did not say which\)/);
  });

  it('an idempotent producer without WRITE anywhere, a group without READ (as kafkajs hides it)', () => {
    const producer = toKafkaError(kafkaError('KafkaJSProtocolError', { type: 'CLUSTER_AUTHORIZATION_FAILED' }), scram, {
      action: 'produce',
    });
    expect(producer.message).toMatch(/may not start an idempotent producer/);
    expect(producer.hint).toMatch(/WRITE on at least one topic .* or set producer\.idempotent: false/);
    const group = toKafkaError(kafkaError('KafkaJSGroupCoordinatorNotFound'), scram, {
      action: 'consume',
      groupId: 'sc-sim-verify-1',
    });
    expect(group.code).toBe('E_AUTHORIZATION');
    expect(group.message).toMatch(/needs READ on group sc-sim-verify-1 .*no coordinator/);
    // Without security settings there are no ACLs to blame.
    expect(
      toKafkaError(
        kafkaError('KafkaJSGroupCoordinatorNotFound'),
        { brokers: ['k:1'] },
        { action: 'consume', groupId: 'g' },
      ).code,
    ).toBe('E_KAFKA');
  });

  it('certificate problems are E_TLS naming the CA that was trusted', () => {
    const untrusted = toKafkaError(
      kafkaError('KafkaJSNumberOfRetriesExceeded', {
        cause: kafkaError('KafkaJSConnectionError', { code: 'SELF_SIGNED_CERT_IN_CHAIN', broker: 'k1:9096' }),
      }),
      scram,
    );
    expect(untrusted.code).toBe('E_TLS');
    expect(untrusted.message).toBe(
      'TLS to k1:9096 failed: the broker certificate is signed by a CA sc-sim does not trust (SELF_SIGNED_CERT_IN_CHAIN; sc-sim trusted the CA file /etc/ca.pem)',
    );
    expect(untrusted.hint).toMatch(/--ssl-ca <ca\.pem>/);
    const system = toKafkaError(kafkaError('KafkaJSConnectionError', { code: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' }), {
      brokers: ['k:1'],
      security: { protocol: 'SSL', tls: { verifyHostname: true, insecureSkipVerify: false } },
    });
    expect(system.message).toMatch(/sc-sim trusted the system's CAs/);
    const mtls = toKafkaError(
      kafkaError('KafkaJSConnectionError', { code: 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE' }),
      scram,
    );
    expect(mtls.message).toMatch(/requires a client certificate \(mTLS\) and rejected the connection without one/);
  });

  it('SASL against a listener without SASL is a protocol mismatch; the rest stays unreachable or E_KAFKA', () => {
    expect(toKafkaError(kafkaError('KafkaJSProtocolError', { type: 'ILLEGAL_SASL_STATE' }), scram).code).toBe(
      'E_PROTOCOL_MISMATCH',
    );
    expect(
      toKafkaError(kafkaError('KafkaJSConnectionError', { message: 'Connection error: connect ECONNREFUSED' }), scram)
        .code,
    ).toBe('E_BROKER_UNREACHABLE');
    expect(toKafkaError(kafkaError('KafkaJSProtocolError', { type: 'INVALID_PARTITIONS' }), scram).code).toBe(
      'E_KAFKA',
    );
    const own = new ScSimError('E_AUTH', 'the token command failed');
    expect(toKafkaError(own, scram)).toBe(own);
  });
});

describe('diagnoseKafkaError: a look at the port when the connection was closed', () => {
  let tlsServer: Server;
  let kafkaServer: Server;
  let tlsPort: number;
  let kafkaPort: number;
  beforeAll(async () => {
    const certs = await ensureCertificates(mkdtempSync(join(tmpdir(), 'sc-sim-probe-')));
    const pem = readFileSync(certs.paths.brokerKeystore, 'utf8');
    tlsServer = createTlsServer({ key: pem, cert: pem }, (s) => s.destroy());
    // Answers any request the way a Kafka broker frames responses: size, then the correlation id.
    kafkaServer = createNetServer((s) =>
      s.on('data', (d: Buffer) => {
        const r = Buffer.alloc(8);
        r.writeInt32BE(4, 0);
        r.writeInt32BE(d.readInt32BE(8), 4);
        s.end(r);
      }),
    );
    const listen = (srv: Server) =>
      new Promise<number>((r) => srv.listen(0, '127.0.0.1', () => r((srv.address() as AddressInfo).port)));
    tlsPort = await listen(tlsServer);
    kafkaPort = await listen(kafkaServer);
  });
  afterAll(() => {
    tlsServer.close();
    kafkaServer.close();
  });

  const closed = (port: number) =>
    kafkaError('KafkaJSNumberOfRetriesExceeded', {
      cause: kafkaError('KafkaJSConnectionClosedError', { message: 'Closed connection', broker: `127.0.0.1:${port}` }),
    });

  it('plaintext client, TLS port: says the port speaks TLS', async () => {
    const e = await diagnoseKafkaError(closed(tlsPort), { brokers: [`127.0.0.1:${tlsPort}`] });
    expect(e.code).toBe('E_PROTOCOL_MISMATCH');
    expect(e.message).toMatch(/speaks TLS, but sc-sim connected without TLS \(security protocol PLAINTEXT\)/);
  });

  it('TLS client, plaintext Kafka port: says the port is plaintext', async () => {
    const conn: KafkaConnection = {
      brokers: [`127.0.0.1:${kafkaPort}`],
      security: { protocol: 'SSL', tls: { verifyHostname: true, insecureSkipVerify: false } },
    };
    const reset = kafkaError('KafkaJSConnectionError', {
      code: 'ECONNRESET',
      message: 'Connection error: Client network socket disconnected before secure TLS connection was established',
      broker: `127.0.0.1:${kafkaPort}`,
    });
    const e = await diagnoseKafkaError(reset, conn);
    expect(e.code).toBe('E_PROTOCOL_MISMATCH');
    expect(e.message).toMatch(/is a plaintext Kafka listener, but sc-sim connected with TLS \(security protocol SSL\)/);
    expect(e.hint).toMatch(/--security-protocol PLAINTEXT/);
  });
});

describe('connectWithin', () => {
  it('gives up at the deadline with E_BROKER_UNREACHABLE and disconnects the client', async () => {
    vi.useFakeTimers();
    try {
      const disconnect = vi.fn(async () => undefined);
      const pending = connectWithin(
        { brokers: ['silent:9092'] },
        { action: 'connect' },
        { disconnect },
        () => new Promise(() => undefined),
        8_000,
      );
      const outcome = pending.catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(8_000);
      const err = (await outcome) as ScSimError;
      expect(err.code).toBe('E_BROKER_UNREACHABLE');
      expect(err.message).toBe('Kafka at silent:9092 did not answer within 8 s');
      expect(disconnect).toHaveBeenCalledOnce();
    } finally {
      vi.useRealTimers();
    }
  });
});
