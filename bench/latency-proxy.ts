// A TCP proxy that holds every chunk for a fixed delay in each direction, keeping order: a network
// round trip on loopback, to measure what requests in flight are worth (README "The produce path").
// The broker must advertise the proxy's port (advertised.listeners), or clients bypass it.
// CLI: npx tsx bench/latency-proxy.ts <listen port> <broker port> <delay ms each way>
import net from 'node:net';
import { fileURLToPath } from 'node:url';

/** Forwards `listenPort` to `targetPort` on 127.0.0.1, each chunk `delayMs` late, both ways. */
export function startLatencyProxy(listenPort: number, targetPort: number, delayMs: number): Promise<net.Server> {
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    const relay = (from: net.Socket, to: net.Socket) => {
      // Timers of equal delay fire in the order they were set: the byte stream keeps its order.
      from.on('data', (chunk) => setTimeout(() => to.write(chunk), delayMs));
      from.on('end', () => setTimeout(() => to.end(), delayMs));
      from.on('error', () => to.destroy());
    };
    relay(client, upstream);
    relay(upstream, client);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(listenPort, '127.0.0.1', () => resolve(server));
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [listenPort, targetPort, delayMs] = process.argv.slice(2).map(Number);
  if (![listenPort, targetPort, delayMs].every((n) => Number.isInteger(n) && n! >= 0)) {
    process.stderr.write('usage: npx tsx bench/latency-proxy.ts <listen port> <broker port> <delay ms each way>\n');
    process.exit(2);
  }
  startLatencyProxy(listenPort!, targetPort!, delayMs!).then(
    () => process.stdout.write(`proxy 127.0.0.1:${listenPort} -> ${targetPort}, ${delayMs} ms each way\n`),
    (err: unknown) => {
      process.stderr.write(`latency proxy: cannot listen on ${listenPort}: ${(err as Error).message}\n`);
      process.exit(1);
    },
  );
}
