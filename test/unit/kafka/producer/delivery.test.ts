import { describe, expect, it } from 'vitest';
import {
  CODE,
  backoffMs,
  describeError,
  verdictForCode,
  verdictForThrown,
} from '../../../../src/kafka/producer/delivery.js';

describe('verdictForCode: what a partition error in a Produce answer leads to', () => {
  it('leader moves and missing replicas are retried, leader moves after a metadata refresh', () => {
    expect(verdictForCode(CODE.NOT_LEADER_OR_FOLLOWER, true)).toEqual({
      kind: 'retry',
      refreshMetadata: true,
      unknownOutcome: false,
    });
    expect(verdictForCode(CODE.LEADER_NOT_AVAILABLE, true)).toMatchObject({ kind: 'retry', refreshMetadata: true });
    expect(verdictForCode(CODE.NOT_ENOUGH_REPLICAS, true)).toEqual({
      kind: 'retry',
      refreshMetadata: false,
      unknownOutcome: false,
    });
  });

  it('a broker-side timeout may have written the records: retried, outcome unknown', () => {
    expect(verdictForCode(CODE.REQUEST_TIMED_OUT, true)).toMatchObject({ kind: 'retry', unknownOutcome: true });
    expect(verdictForCode(CODE.NOT_ENOUGH_REPLICAS_AFTER_APPEND, true)).toMatchObject({ unknownOutcome: true });
  });

  it('sequence trouble takes a new producer id; an unknown topic is checked; refusals stop', () => {
    expect(verdictForCode(CODE.OUT_OF_ORDER_SEQUENCE_NUMBER, false).kind).toBe('new-producer-id');
    expect(verdictForCode(CODE.UNKNOWN_PRODUCER_ID, false).kind).toBe('new-producer-id');
    expect(verdictForCode(CODE.UNKNOWN_TOPIC_OR_PARTITION, true).kind).toBe('check-topic');
    expect(verdictForCode(CODE.TOPIC_AUTHORIZATION_FAILED, false).kind).toBe('unauthorized');
    expect(verdictForCode(CODE.CLUSTER_AUTHORIZATION_FAILED, false).kind).toBe('unauthorized');
  });

  it('OUT_OF_ORDER behind an unfinished earlier send is a plain retry without back-off; other sequence trouble is not', () => {
    expect(verdictForCode(CODE.OUT_OF_ORDER_SEQUENCE_NUMBER, false, true)).toEqual({
      kind: 'retry',
      refreshMetadata: false,
      unknownOutcome: false,
      behindEarlier: true,
    });
    expect(verdictForCode(CODE.UNKNOWN_PRODUCER_ID, false, true).kind).toBe('new-producer-id');
    expect(verdictForCode(CODE.NOT_LEADER_OR_FOLLOWER, true, true)).toEqual({
      kind: 'retry',
      refreshMetadata: true,
      unknownOutcome: false,
    });
  });

  it('anything else follows kafkajs’s retriable flag: a non-retriable error fails the batch only', () => {
    expect(verdictForCode(10 /* MESSAGE_TOO_LARGE */, false).kind).toBe('fail');
    expect(verdictForCode(2 /* CORRUPT_MESSAGE */, true).kind).toBe('retry');
  });
});

describe('verdictForThrown: errors on the way', () => {
  it('a refused connection never carried the request: retried, records not written', () => {
    const refused = Object.assign(new Error('Connection error: connect ECONNREFUSED 127.0.0.1:1'), {
      name: 'KafkaJSConnectionError',
      code: 'ECONNREFUSED',
    });
    expect(verdictForThrown(refused, true)).toEqual({ kind: 'retry', refreshMetadata: true, unknownOutcome: false });
  });

  it('a connection lost or a request timed out after the request left: retried, outcome unknown', () => {
    const reset = Object.assign(new Error('Connection error: read ECONNRESET'), {
      name: 'KafkaJSConnectionError',
      code: 'ECONNRESET',
    });
    expect(verdictForThrown(reset, true)).toMatchObject({ kind: 'retry', unknownOutcome: true });
    expect(verdictForThrown(reset, false)).toMatchObject({ kind: 'retry', unknownOutcome: false });
    const timeout = Object.assign(new Error('Request Produce(key: 0, version: 7) timed out'), {
      name: 'KafkaJSRequestTimeoutError',
    });
    expect(verdictForThrown(timeout, true)).toMatchObject({ kind: 'retry', unknownOutcome: true });
  });

  it('looks through kafkajs’s wrappers to the cause, and reads protocol errors from metadata', () => {
    const wrapped = Object.assign(new Error('retries exceeded'), {
      name: 'KafkaJSNumberOfRetriesExceeded',
      cause: Object.assign(new Error('This server does not host this topic-partition'), {
        name: 'KafkaJSProtocolError',
        type: 'UNKNOWN_TOPIC_OR_PARTITION',
        code: 3,
        retriable: true,
      }),
    });
    expect(verdictForThrown(wrapped, false).kind).toBe('check-topic');
    expect(describeError(wrapped)).toBe('KafkaJSProtocolError: UNKNOWN_TOPIC_OR_PARTITION');
  });

  it('a bug (TypeError) fails the batch instead of retrying for two minutes', () => {
    expect(verdictForThrown(new TypeError('x is undefined'), false).kind).toBe('fail');
  });
});

describe('backoffMs', () => {
  it('starts at 100 ms, doubles, stops at 1 s, within ±20 %', () => {
    expect([1, 2, 3, 4, 5, 9].map((a) => backoffMs(a, () => 0.5))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(backoffMs(1, () => 0)).toBe(80);
    expect(backoffMs(9, () => 1)).toBe(1200);
  });
});
