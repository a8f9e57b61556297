import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { isPortFree, validatePort } from '../../../../src/kafka/local/ports.js';
import { freePortRun } from '../../../support/ports.js';

describe('ports', () => {
  it('sees a port as taken while something listens on it, and free afterwards', async () => {
    const port = await freePortRun(1, 23_000);
    expect(await isPortFree(port)).toBe(true);
    const server = createServer();
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    try {
      expect(await isPortFree(port)).toBe(false);
    } finally {
      await new Promise((r) => server.close(r));
    }
    expect(await isPortFree(port)).toBe(true);
  });

  it('also sees a port taken on all interfaces as taken on loopback', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '0.0.0.0', r));
    const addr = server.address();
    try {
      expect(await isPortFree(typeof addr === 'object' && addr ? addr.port : 0)).toBe(false);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('accepts 1..65535 only', () => {
    expect(validatePort(1)).toBe(true);
    expect(validatePort(65535)).toBe(true);
    expect(validatePort(0)).toBe(false);
    expect(validatePort(65536)).toBe(false);
    expect(validatePort(9092.5)).toBe(false);
  });
});
