// The one place that reaches into kafkajs 2.2.4's internals (package.json pins that exact version):
// the Cluster a kafkajs producer would build (connections, SASL/TLS, metadata, version
// negotiation, reconnects), its eosManager (producer id, epoch and sequence numbers) and its
// wire (framing, correlation, request timeouts), typed down to what the produce path uses.
// test/unit/kafka/producer/kafkajs-internals.test.ts fails loudly if an upgrade moves any of it.
import { createRequire } from 'node:module';
import type { Kafka } from 'kafkajs';

const require = createRequire(import.meta.url);

/** A partition as kafkajs's metadata cache has it. */
export interface PartitionMetadata {
  partitionId: number;
  leader: number;
}

/** What the produce path uses of kafkajs's Cluster (src/cluster/index.js). */
export interface Cluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  isConnected(): boolean;
  refreshMetadata(): Promise<void>;
  refreshMetadataIfNecessary(): Promise<void>;
  addMultipleTargetTopics(topics: string[]): Promise<void>;
  findTopicPartitionMetadata(topic: string): PartitionMetadata[];
  findBroker(o: { nodeId: number }): Promise<Broker>;
  /** Node ids of the brokers in the metadata cache (as strings). */
  getNodeIds(): string[];
}

/** One decoded partition answer of a Produce response (v3 to v8). */
export interface ProducePartitionResponse {
  partition: number;
  errorCode: number;
  /** int64 as a decimal string. */
  baseOffset: string;
}

export interface ProduceResponse {
  topics: { topicName: string; partitions: ProducePartitionResponse[] }[];
}

interface RequestDefinition {
  request: { apiKey: number; apiVersion: number; apiName: string; expectResponse?: () => boolean };
  response: { decode: (raw: Buffer) => Promise<unknown> };
}

/** What a framed send uses of kafkajs's Connection (src/network/connection.js). */
interface Connection {
  readonly clientId: string;
  isAuthenticated(): boolean;
  failIfNotConnected(): void;
  nextCorrelationId(): number;
  readonly socket: { write(data: Buffer, encoding: 'binary'): boolean };
  readonly requestQueue: {
    push(o: {
      entry: {
        apiKey: number;
        apiName: string;
        apiVersion: number;
        correlationId: number;
        resolve(answer: { payload: Buffer }): void;
        reject(err: unknown): void;
      };
      expectResponse: boolean;
      requestTimeout: number;
      sendRequest(): void;
    }): void;
    maybeThrottle(clientSideThrottleTime: number | undefined): void;
  };
}

/** What the produce path uses of kafkajs's Broker (src/broker/index.js). */
export interface Broker {
  nodeId: number;
  lookupRequest(apiKey: number, definitions: unknown): (o: Record<string, unknown>) => RequestDefinition;
  connectionPool: {
    getConnectionByRequest(o: { request: { apiKey: number } }): Promise<Connection>;
    send(o: {
      request: unknown;
      response: { decode: (raw: Buffer) => Promise<unknown>; parse: (d: unknown) => Promise<unknown> };
      requestTimeout?: number;
    }): Promise<unknown>;
  };
  /** Metadata of these topics; throws kafkajs's error for a topic's or partition's error code. */
  metadata(topics: string[]): Promise<unknown>;
}

/** kafkajs's eosManager (src/producer/eosManager), non-transactional. */
export interface EosManager {
  initProducerId(): Promise<void>;
  isInitialized(): boolean;
  getProducerId(): number;
  getProducerEpoch(): number;
  getSequence(topic: string, partition: number): number;
  updateSequence(topic: string, partition: number, increment: number): void;
}

/** kafkajs's error for a broker error code, with its `type` (e.g. NOT_LEADER_OR_FOLLOWER) and `retriable`. */
export type ProtocolError = Error & { type: string; code: number; retriable: boolean };

export interface Logger {
  error(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  debug(message: string, extra?: Record<string, unknown>): void;
}

// Deep requires: kafkajs has no `exports` map, so its src/ files are reachable (and pinned).
// The module shapes are kafkajs's own; `unknown` would only move the casts elsewhere.
const createEosManager = require('kafkajs/src/producer/eosManager') as (o: {
  logger: Logger;
  cluster: Cluster;
  transactional: boolean;
}) => EosManager;
const apiKeys = require('kafkajs/src/protocol/requests/apiKeys') as { Produce: number };
const { requests } = require('kafkajs/src/protocol/requests') as { requests: { Produce: unknown } };
const protocolErrors = require('kafkajs/src/protocol/error') as { createErrorFromCode(code: number): ProtocolError };
const InstrumentationEventEmitter = require('kafkajs/src/instrumentation/emitter') as new () => unknown;

/** kafkajs's error for a broker error code (the same names and retriable flags kafkajs reports). */
export function protocolError(code: number): ProtocolError {
  return protocolErrors.createErrorFromCode(code);
}

function privateMember<T>(owner: Kafka | Connection, description: string): T {
  const symbol = Object.getOwnPropertySymbols(owner).find((s) => s.description === description);
  if (!symbol) throw new Error(`kafkajs internals changed: no ${description}`);
  return (owner as unknown as Record<symbol, T>)[symbol]!;
}

export interface ProducerParts {
  cluster: Cluster;
  eos: EosManager;
  logger: Logger;
}

/**
 * The pieces `kafka.producer()` would build, from the same client config (brokers, SASL, TLS,
 * timeouts, retry): a Cluster of its own and an eosManager on it.
 */
export function producerParts(kafka: Kafka): ProducerParts {
  const rootLogger = privateMember<{ namespace(name: string): Logger }>(kafka, 'private:Kafka:logger');
  const logger = rootLogger.namespace('BatchProducer');
  const cluster = clusterOf(kafka);
  const eos = createEosManager({ logger, cluster, transactional: false });
  return { cluster, eos, logger };
}

/**
 * A Cluster of its own, from the client's config (brokers, SASL, TLS, timeouts, retry): the
 * connections a kafkajs producer or admin would open, for requests kafkajs has no call for.
 */
export function clusterOf(kafka: Kafka): Cluster {
  const createCluster = privateMember<(o: Record<string, unknown>) => Cluster>(kafka, 'private:Kafka:createCluster');
  return createCluster({
    metadataMaxAge: 300_000,
    allowAutoTopicCreation: false,
    // Our own turn-taking orders requests; kafkajs must not hold any back.
    maxInFlightRequests: null,
    instrumentationEmitter: new InstrumentationEventEmitter(),
  });
}

/**
 * Sends a request kafkajs has no call for, at a version whose header has no tagged fields (v1
 * request header, v0 response header), on the broker's own connection (authenticated first if it
 * must be); resolves the answer's body, after the correlation id.
 */
export async function sendRawRequest(
  broker: Broker,
  o: { apiKey: number; apiVersion: number; apiName: string; body: Buffer; requestTimeoutMs: number },
): Promise<Buffer> {
  const request = {
    apiKey: o.apiKey,
    apiVersion: o.apiVersion,
    apiName: o.apiName,
    encode: async () => ({ buf: o.body, buffer: o.body }),
  };
  const answer = await broker.connectionPool.send({
    request,
    response: { decode: async (raw: Buffer) => raw, parse: async (d: unknown) => d },
    requestTimeout: o.requestTimeoutMs,
  });
  return answer as Buffer;
}

/**
 * Bytes of a request's frame before its body: size (int32), then the v1 request header — api key
 * (int16), api version (int16), correlation id (int32), client id (int16 length + UTF-8).
 */
export function frameHeaderSize(clientId: string): number {
  return 4 + 2 + 2 + 4 + 2 + Buffer.byteLength(clientId);
}

/** Writes the frame (size and header) into the room before the body: what kafkajs's request.js writes. */
export function writeFrameHeader(
  buffer: Buffer,
  o: { apiKey: number; apiVersion: number; correlationId: number; clientId: string },
): void {
  let p = buffer.writeInt32BE(buffer.length - 4, 0);
  p = buffer.writeInt16BE(o.apiKey, p);
  p = buffer.writeInt16BE(o.apiVersion, p);
  p = buffer.writeInt32BE(o.correlationId, p);
  p = buffer.writeInt16BE(Buffer.byteLength(o.clientId), p);
  buffer.write(o.clientId, p, 'utf8');
}

/** The room a request to this broker needs before its body for sendProduce to frame it in place. */
export async function frameRoomOf(broker: Broker): Promise<number> {
  const connection = await broker.connectionPool.getConnectionByRequest({ request: { apiKey: apiKeys.Produce } });
  return frameHeaderSize(connection.clientId);
}

/** The connection's authenticate-once promise (a private member kafkajs keys with a Symbol). */
function authenticate(connection: Connection): Promise<void> {
  return privateMember<() => Promise<void>>(connection, 'private:Connection:authenticate')();
}

/**
 * Sends a request already framed in `buffer` (room for the header left before the body) on
 * kafkajs's connection, as Connection#send does — authenticate first if needed, a correlation id,
 * the connection's request queue (in-flight limit, request timeout, throttling), the answer's
 * payload decoded — without Connection#send's two copies of the whole request into fresh,
 * zero-filled buffers (a Produce request is ~1 MB: those copies were ~6 % of the producer's CPU).
 */
async function sendFramed(
  connection: Connection,
  buffer: Buffer,
  o: {
    apiKey: number;
    apiVersion: number;
    apiName: string;
    expectResponse: boolean;
    requestTimeoutMs: number;
    decode: (raw: Buffer) => Promise<unknown>;
  },
): Promise<unknown> {
  if (!connection.isAuthenticated()) await authenticate(connection);
  connection.failIfNotConnected();
  const correlationId = connection.nextCorrelationId();
  writeFrameHeader(buffer, { ...o, correlationId, clientId: connection.clientId });
  const { payload } = await new Promise<{ payload: Buffer }>((resolve, reject) => {
    try {
      connection.failIfNotConnected();
      connection.requestQueue.push({
        entry: { apiKey: o.apiKey, apiName: o.apiName, apiVersion: o.apiVersion, correlationId, resolve, reject },
        expectResponse: o.expectResponse,
        requestTimeout: o.requestTimeoutMs,
        sendRequest: () => {
          connection.socket.write(buffer, 'binary');
        },
      });
    } catch (e) {
      reject(e);
    }
  });
  if (!o.expectResponse) return undefined;
  const decoded = (await o.decode(payload)) as { clientSideThrottleTime?: number };
  connection.requestQueue.maybeThrottle(decoded.clientSideThrottleTime);
  return decoded;
}

/** The Produce versions whose request body record-batch.ts writes (v9+ are flexible versions). */
export const PRODUCE_VERSIONS = { min: 3, max: 8 } as const;

/**
 * Sends a pre-encoded Produce request body to a broker, as Broker#produce would: kafkajs negotiates
 * the version, adds the request header, authenticates the connection first if it must, correlates
 * the answer and decodes it. Resolves undefined with acks=0 (no response).
 */
export async function sendProduce(
  broker: Broker,
  encoded: { readonly buffer: Buffer; readonly headerRoom: number },
  o: { acks: number; timeoutMs: number; requestTimeoutMs: number },
): Promise<ProduceResponse | undefined> {
  const { request, response } = broker.lookupRequest(
    apiKeys.Produce,
    requests.Produce,
  )({ acks: o.acks, timeout: o.timeoutMs, compression: 0, topicData: [] });
  if (request.apiVersion < PRODUCE_VERSIONS.min || request.apiVersion > PRODUCE_VERSIONS.max) {
    throw new Error(`the broker negotiated Produce v${request.apiVersion}; sc-sim writes v3 to v8`);
  }
  const connection = await broker.connectionPool.getConnectionByRequest({ request: { apiKey: request.apiKey } });
  // Framed in place when the encoder left exactly the room this connection's header needs.
  if (encoded.headerRoom > 0 && encoded.headerRoom === frameHeaderSize(connection.clientId)) {
    const answer = await sendFramed(connection, encoded.buffer, {
      apiKey: request.apiKey,
      apiVersion: request.apiVersion,
      apiName: request.apiName,
      expectResponse: request.expectResponse ? request.expectResponse() : true,
      requestTimeoutMs: o.requestTimeoutMs,
      decode: response.decode,
    });
    return answer as ProduceResponse | undefined;
  }
  const body = encoded.buffer.subarray(encoded.headerRoom);
  const ours = {
    apiKey: request.apiKey,
    apiVersion: request.apiVersion,
    apiName: request.apiName,
    expectResponse: request.expectResponse,
    // Encoder-shaped (Encoder#writeEncoder reads .buf and .buffer): kafkajs prepends the header.
    encode: async () => ({ buf: body, buffer: body }),
  };
  // Our own parse: kafkajs's throws on the first partition error and loses the other partitions'
  // offsets; errors are read per partition by the caller.
  const answer = await broker.connectionPool.send({
    request: ours,
    response: { decode: response.decode, parse: async (d: unknown) => d },
    requestTimeout: o.requestTimeoutMs,
  });
  return answer as ProduceResponse | undefined;
}
