import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { startLatencyProxy } from '../../../bench/latency-proxy.js';

/** An echo server on an ephemeral port. */
function echoServer(): Promise<net.Server> {
  const server = net.createServer((s) => s.pipe(s));
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const portOf = (s: net.Server) => (s.address() as net.AddressInfo).port;

describe('latency proxy (bench/latency-proxy.ts)', () => {
  it('relays both ways in order, each way at least the delay late', async () => {
    const echo = await echoServer();
    const proxy = await startLatencyProxy(0, portOf(echo), 30);
    try {
      const client = net.connect(portOf(proxy), '127.0.0.1');
      await new Promise<void>((resolve) => client.once('connect', () => resolve()));
      const chunks = Array.from({ length: 50 }, (_, i) => `chunk-${i};`);
      const expected = chunks.join('');
      const started = Date.now();
      let got = '';
      const done = new Promise<number>((resolve) =>
        client.on('data', (d) => {
          got += d.toString();
          if (got.length >= expected.length) resolve(Date.now() - started);
        }),
      );
      for (const c of chunks) client.write(c);
      const roundTripMs = await done;
      expect(got).toBe(expected);
      // There and back: two delays at least (timers never fire early by more than a millisecond).
      expect(roundTripMs).toBeGreaterThanOrEqual(59);
      client.destroy();
    } finally {
      proxy.close();
      echo.close();
    }
  });

  it('a port already taken is refused, not ignored', async () => {
    const echo = await echoServer();
    try {
      await expect(startLatencyProxy(portOf(echo), 1, 5)).rejects.toThrow(/EADDRINUSE/);
    } finally {
      echo.close();
    }
  });
});
