import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ephemeralPortRange, freePortRun } from '../../support/ports.js';

const servers: Server[] = [];
async function hold(port: number): Promise<void> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  servers.push(server);
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

describe('freePortRun', () => {
  it('skips a run whose second port is taken: the controller port is checked, not only --port', async () => {
    // Four free: first + 1 is then held, and the next free pair is first + 2 and first + 3.
    const first = await freePortRun(4, 23_100);
    await hold(first + 1);
    const run = await freePortRun(2, first);
    expect(run).toBe(first + 2);
  });

  it('stays below the ephemeral range, where outgoing connections take their ports', async () => {
    const [low] = ephemeralPortRange();
    const last = await freePortRun(2, low - 2);
    expect(last).toBe(low - 2);
    await hold(low - 1);
    await expect(freePortRun(2, low - 2)).rejects.toThrow(`no 2 consecutive free loopback ports between ${low - 2}`);
  });

  it('reads a range with a low end below its high end', () => {
    const [low, high] = ephemeralPortRange();
    expect(low).toBeGreaterThan(1024);
    expect(high).toBeGreaterThan(low);
  });
});
