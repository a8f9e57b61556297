// Small raw probes of a broker port, run only after a connection failed, to tell the user what the
// port speaks: TLS or not, a plaintext Kafka listener or not, and which SASL mechanisms it accepts.
// kafkajs reports all of these as "Closed connection" or a socket reset.
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

const PROBE_CLIENT_ID = Buffer.from('sc-sim-probe');
const API_VERSIONS = 18;
const SASL_HANDSHAKE = 17;
const CORRELATION_ID = 0x5c5c1;

/** A Kafka request frame (v1 header: api key, version, correlation id, client id) with a body. */
export function kafkaRequest(apiKey: number, apiVersion: number, body: Buffer = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(10);
  header.writeInt16BE(apiKey, 0);
  header.writeInt16BE(apiVersion, 2);
  header.writeInt32BE(CORRELATION_ID, 4);
  header.writeInt16BE(PROBE_CLIENT_ID.length, 8);
  const size = Buffer.alloc(4);
  const payload = Buffer.concat([header, PROBE_CLIENT_ID, body]);
  size.writeInt32BE(payload.length);
  return Buffer.concat([size, payload]);
}

/** The SASL mechanisms listed in a SaslHandshake response (size, correlation id, error, [mechanisms]). */
export function parseSaslHandshakeResponse(buf: Buffer): string[] | undefined {
  if (buf.length < 4 || buf.length < 4 + buf.readInt32BE(0)) return undefined;
  let p = 10;
  const n = buf.readInt32BE(p);
  p += 4;
  const mechanisms: string[] = [];
  for (let i = 0; i < n && p + 2 <= buf.length; i++) {
    const len = buf.readInt16BE(p);
    p += 2;
    mechanisms.push(buf.subarray(p, p + len).toString('utf8'));
    p += len;
  }
  return mechanisms;
}

function withTimeout<T>(timeoutMs: number, onTimeout: T, run: (done: (r: T) => void) => Socket): Promise<T> {
  return new Promise((resolve) => {
    let socket: Socket | undefined = undefined;
    let finished = false;
    const done = (r: T) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      socket?.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => done(onTimeout), timeoutMs);
    socket = run(done);
  });
}

/** True when the port completes a TLS handshake (certificate not checked), false when it does not. */
export function probeTls(host: string, port: number, timeoutMs = 2_000): Promise<boolean | undefined> {
  return withTimeout<boolean | undefined>(timeoutMs, undefined, (done) => {
    const s = tlsConnect({
      host,
      port,
      rejectUnauthorized: false,
      ...(isIP(host) ? {} : { servername: host }),
    });
    s.once('secureConnect', () => done(true));
    s.once('error', () => done(false));
    s.once('close', () => done(false));
    return s;
  });
}

/** True when a plaintext ApiVersions request gets a Kafka answer, false when it gets something else. */
export function probePlaintextKafka(host: string, port: number, timeoutMs = 2_000): Promise<boolean | undefined> {
  return withTimeout<boolean | undefined>(timeoutMs, undefined, (done) => {
    const s = netConnect({ host, port });
    let buf = Buffer.alloc(0);
    s.once('connect', () => s.write(kafkaRequest(API_VERSIONS, 0)));
    s.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      // A TLS listener answers with an alert record (0x15 0x03 ...).
      if (buf[0] === 0x15 && buf[1] === 0x03) return done(false);
      if (buf.length >= 8) done(buf.readInt32BE(4) === CORRELATION_ID);
    });
    s.once('error', () => done(false));
    s.once('close', () => done(false));
    return s;
  });
}

/** The SASL mechanisms a listener accepts (from a SaslHandshake with a made-up mechanism), if it uses SASL. */
export function probeSaslMechanisms(
  host: string,
  port: number,
  useTls: boolean,
  timeoutMs = 2_000,
): Promise<string[] | undefined> {
  return withTimeout<string[] | undefined>(timeoutMs, undefined, (done) => {
    const mechanism = Buffer.from('SC-SIM-PROBE');
    const body = Buffer.alloc(2 + mechanism.length);
    body.writeInt16BE(mechanism.length, 0);
    mechanism.copy(body, 2);
    const request = kafkaRequest(SASL_HANDSHAKE, 1, body);
    const s = useTls
      ? tlsConnect({ host, port, rejectUnauthorized: false, ...(isIP(host) ? {} : { servername: host }) })
      : netConnect({ host, port });
    let buf = Buffer.alloc(0);
    s.once(useTls ? 'secureConnect' : 'connect', () => s.write(request));
    s.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const mechanisms = parseSaslHandshakeResponse(buf);
      if (mechanisms !== undefined) done(mechanisms);
    });
    s.once('error', () => done(undefined));
    s.once('close', () => done(undefined));
    return s;
  });
}
