import { describe, expect, it } from 'vitest';
import { kafkaRequest, parseSaslHandshakeResponse } from '../../../src/kafka/probe.js';

describe('probe frames', () => {
  it('a request is size, api key, version, correlation id, client id, body', () => {
    const r = kafkaRequest(18, 0);
    expect(r.readInt32BE(0)).toBe(r.length - 4);
    expect(r.readInt16BE(4)).toBe(18);
    expect(r.readInt16BE(6)).toBe(0);
    expect(r.readInt16BE(12)).toBe('sc-sim-probe'.length);
    expect(r.subarray(14).toString()).toBe('sc-sim-probe');
  });

  it('reads the mechanisms of a SaslHandshake response, and waits for a whole one', () => {
    const mechs = ['SCRAM-SHA-512', 'PLAIN'];
    const body = Buffer.concat([
      Buffer.from([0, 0, 0, 1, 0, 33]), // correlation id, error UNSUPPORTED_SASL_MECHANISM
      Buffer.from([0, 0, 0, 2]),
      ...mechs.map((m) => Buffer.concat([Buffer.from([0, m.length]), Buffer.from(m)])),
    ]);
    const size = Buffer.alloc(4);
    size.writeInt32BE(body.length);
    const whole = Buffer.concat([size, body]);
    expect(parseSaslHandshakeResponse(whole)).toEqual(mechs);
    expect(parseSaslHandshakeResponse(whole.subarray(0, whole.length - 1))).toBeUndefined();
  });
});
