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

/** What the produce path uses of kafkajs's Broker (src/broker/index.js). */
export interface Broker {
  nodeId: number;
  lookupRequest(apiKey: number, definitions: unknown): (o: Record<string, unknown>) => RequestDefinition;
  connectionPool: {
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

function privateMember<T>(kafka: Kafka, description: string): T {
  const symbol = Object.getOwnPropertySymbols(kafka).find((s) => s.description === description);
  if (!symbol) throw new Error(`kafkajs internals changed: the Kafka client has no ${description}`);
  return (kafka as unknown as Record<symbol, T>)[symbol]!;
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

/** The Produce versions whose request body record-batch.ts writes (v9+ are flexible versions). */
export const PRODUCE_VERSIONS = { min: 3, max: 8 } as const;

/**
 * Sends a pre-encoded Produce request body to a broker, as Broker#produce would: kafkajs negotiates
 * the version, adds the request header, authenticates the connection first if it must, correlates
 * the answer and decodes it. Resolves undefined with acks=0 (no response).
 */
export async function sendProduce(
  broker: Broker,
  body: Buffer,
  o: { acks: number; timeoutMs: number; requestTimeoutMs: number },
): Promise<ProduceResponse | undefined> {
  const { request, response } = broker.lookupRequest(
    apiKeys.Produce,
    requests.Produce,
  )({ acks: o.acks, timeout: o.timeoutMs, compression: 0, topicData: [] });
  if (request.apiVersion < PRODUCE_VERSIONS.min || request.apiVersion > PRODUCE_VERSIONS.max) {
    throw new Error(`the broker negotiated Produce v${request.apiVersion}; sc-sim writes v3 to v8`);
  }
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
