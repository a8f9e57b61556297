// Fails loudly when a kafkajs upgrade moves what the produce path reaches into (the version is
// pinned in package.json for this reason; see README "Performance").
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createKafka } from '../../../../src/kafka/client.js';
import {
  frameHeaderSize,
  producerParts,
  protocolError,
  writeFrameHeader,
} from '../../../../src/kafka/producer/kafkajs-internals.js';

const require = createRequire(import.meta.url);

describe('the kafkajs internals the produce path uses', () => {
  it('are the pinned kafkajs version', () => {
    const pkg = JSON.parse(readFileSync(require.resolve('kafkajs/package.json'), 'utf8')) as { version: string };
    const ours = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(ours.dependencies['kafkajs']).toBe(pkg.version);
  });

  it('builds a Cluster and an eosManager from a client, without connecting', () => {
    const { cluster, eos, logger } = producerParts(createKafka({ brokers: ['127.0.0.1:1'] }));
    for (const m of [
      'connect',
      'disconnect',
      'isConnected',
      'refreshMetadata',
      'refreshMetadataIfNecessary',
      'addMultipleTargetTopics',
      'findTopicPartitionMetadata',
      'findBroker',
      'getNodeIds',
    ] as const) {
      expect(typeof cluster[m], `Cluster#${m}`).toBe('function');
    }
    for (const m of [
      'initProducerId',
      'isInitialized',
      'getProducerId',
      'getProducerEpoch',
      'getSequence',
      'updateSequence',
    ] as const) {
      expect(typeof eos[m], `eosManager#${m}`).toBe('function');
    }
    expect(eos.isInitialized()).toBe(false);
    expect(typeof logger.warn).toBe('function');
  });

  it('has the Produce request versions 3 to 7 and their decoders, and the broker methods used', () => {
    const produce = require('kafkajs/src/protocol/requests/produce') as { versions: Record<string, unknown> };
    expect(Object.keys(produce.versions)).toEqual(expect.arrayContaining(['3', '4', '5', '6', '7']));
    const Broker = require('kafkajs/src/broker') as { prototype: Record<string, unknown> };
    for (const m of ['metadata', 'disconnect']) expect(typeof Broker.prototype[m], m).toBe('function');
    // lookupRequest is set per instance once the API versions are known.
    const brokerSource = readFileSync(require.resolve('kafkajs/src/broker'), 'utf8');
    expect(brokerSource).toContain('this.lookupRequest = lookup(this.versions)');
    expect(brokerSource).toContain('this.connectionPool = connectionPool');
    const ConnectionPool = require('kafkajs/src/network/connectionPool') as { prototype: Record<string, unknown> };
    expect(typeof ConnectionPool.prototype['send']).toBe('function');
  });

  it('frames a request in place exactly as kafkajs frames it (size, header, body)', async () => {
    const createRequest = require('kafkajs/src/protocol/request') as (o: {
      correlationId: number;
      clientId: string;
      request: { apiKey: number; apiVersion: number; encode: () => Promise<{ buf: Buffer; buffer: Buffer }> };
    }) => Promise<{ buffer: Buffer }>;
    const body = Buffer.from(Array.from({ length: 3_000 }, (_, i) => (i * 7) % 256));
    // Client ids at the edges: empty, multi-byte UTF-8, one starting with '-'.
    for (const clientId of ['sc-sim', '', 'sc-sim-ü-✓', '-dash']) {
      const theirs = await createRequest({
        correlationId: 0x7fff_fff0,
        clientId,
        request: { apiKey: 0, apiVersion: 7, encode: async () => ({ buf: body, buffer: body }) },
      });
      const room = frameHeaderSize(clientId);
      const ours = Buffer.alloc(room + body.length);
      body.copy(ours, room);
      writeFrameHeader(ours, { apiKey: 0, apiVersion: 7, correlationId: 0x7fff_fff0, clientId });
      expect(ours.equals(theirs.buffer), clientId).toBe(true);
    }
  });

  it('has the Connection members a framed send uses', () => {
    const Connection = require('kafkajs/src/network/connection') as new (o: Record<string, unknown>) => object;
    const c = new Connection({
      host: '127.0.0.1',
      port: 1,
      clientId: 'x',
      logger: { namespace: () => ({ debug() {}, info() {}, warn() {}, error() {} }) },
      socketFactory: () => ({}),
      requestTimeout: 1_000,
      connectionTimeout: 1_000,
    }) as Record<string | symbol, unknown>;
    expect(c['clientId']).toBe('x');
    for (const m of ['isAuthenticated', 'failIfNotConnected', 'nextCorrelationId'])
      expect(typeof c[m], `Connection#${m}`).toBe('function');
    const queue = c['requestQueue'] as Record<string, unknown>;
    for (const m of ['push', 'maybeThrottle']) expect(typeof queue[m], `RequestQueue#${m}`).toBe('function');
    const auth = Object.getOwnPropertySymbols(c).find((x) => x.description === 'private:Connection:authenticate');
    expect(typeof c[auth!]).toBe('function');
    const pool = require('kafkajs/src/network/connectionPool') as { prototype: Record<string, unknown> };
    expect(typeof pool.prototype['getConnectionByRequest']).toBe('function');
    // The socket is written as Connection#send writes it, with the request's whole buffer.
    const source = readFileSync(require.resolve('kafkajs/src/network/connection'), 'utf8');
    expect(source).toContain("this.socket.write(requestPayload.buffer, 'binary')");
    expect(source).toContain('this.requestQueue.maybeThrottle(payloadDecoded.clientSideThrottleTime)');
  });

  it('maps broker error codes to kafkajs’s errors', () => {
    expect(protocolError(6)).toMatchObject({ code: 6, type: 'NOT_LEADER_FOR_PARTITION', retriable: true });
    expect(protocolError(29)).toMatchObject({ type: 'TOPIC_AUTHORIZATION_FAILED', retriable: false });
  });
});
