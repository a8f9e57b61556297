// Loopback port checks: a port is free when we can bind it, which is exactly what the broker will
// try next, so a conflict is reported by name before anything is started.
import { createServer } from 'node:net';

export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolvePromise(false));
    server.listen({ port, host, exclusive: true }, () => {
      server.close(() => resolvePromise(true));
    });
  });
}

export function validatePort(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= 65535;
}
