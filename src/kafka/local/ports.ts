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

/** A port the OS considers free right now (tests use it to run side by side). */
export function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host }, () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      server.close(() => resolvePromise(port));
    });
  });
}

export function validatePort(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= 65535;
}
