// Loopback ports for tests that start (or make `kafka up` check) listeners of their own.
//
// Not the port 0 trick: the kernel hands out ports for listeners and for outgoing connections from
// one ephemeral range, so a port it called free a moment ago can be the local end of another test's
// Kafka connection by the time the broker (or `kafka up`'s own check) binds it. That happened in CI:
// `kafka up` refused a controller port (--port + 1) that was never checked. Ports below the ephemeral
// range are never given to outgoing connections, so once we see a run of them free, only a listener
// started on purpose can take them.
import { readFileSync } from 'node:fs';
import { isPortFree } from '../../src/kafka/local/ports.js';

/** The kernel's ephemeral port range, or Linux's default where /proc does not say. */
export function ephemeralPortRange(): [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (Number.isInteger(low) && Number.isInteger(high)) return [low!, high!];
  } catch {
    // Not Linux: fall through to the default.
  }
  return [32_768, 60_999];
}

/**
 * The first `count` consecutive loopback ports, scanning up from `from`, that are all free now and all
 * below the ephemeral range. Each test file scans from a base of its own, so files running side by side
 * do not race for the same run.
 */
export async function freePortRun(count: number, from: number): Promise<number> {
  const [ephemeralLow] = ephemeralPortRange();
  for (let port = from; port + count - 1 < ephemeralLow; port++) {
    let free = true;
    for (let i = 0; i < count && free; i++) free = await isPortFree(port + i);
    if (free) return port;
  }
  throw new Error(`no ${count} consecutive free loopback ports between ${from} and ${ephemeralLow - 1}`);
}
