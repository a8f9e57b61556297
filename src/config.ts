// Where sc-sim connects: broker addresses and client identity. Scenario files never hold
// addresses (what vs where); precedence is flag > SC_SIM_BROKERS env > default.
import { ScSimError } from './errors.js';

/**
 * Where and how to connect: the one value every Kafka role (admin, producer, consumers) is built
 * from, so they all reach the same cluster the same way.
 */
export interface KafkaConnection {
  brokers: string[];
}

export const DEFAULT_BROKER_PORT = 9092;
export const DEFAULT_BROKERS = [`127.0.0.1:${DEFAULT_BROKER_PORT}`];

/** Parses "host:port,host:port" and checks each entry, so a typo fails before any connect attempt. */
export function parseBrokerList(raw: string, source: string): string[] {
  // A bad flag is a usage error (exit 2); a bad environment variable is a configuration error.
  const code = source.startsWith('--') ? 'E_USAGE' : 'E_CONFIG';
  const brokers = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (brokers.length === 0) {
    throw new ScSimError(code, `${source}: no broker address given`, {
      hint: 'give one or more host:port pairs, e.g. --brokers 127.0.0.1:9092',
    });
  }
  for (const b of brokers) {
    const m = /^(\[[0-9a-fA-F:]+\]|[^\s:[\]]+):(\d{1,5})$/.exec(b);
    const port = m ? Number(m[2]) : NaN;
    if (!m || port < 1 || port > 65535) {
      throw new ScSimError(code, `${source}: "${b}" is not a host:port broker address`, {
        hint: 'use host:port, e.g. 127.0.0.1:9092 (several separated by commas)',
      });
    }
  }
  return brokers;
}

export function resolveBrokers(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string[] {
  if (flag !== undefined) return parseBrokerList(flag, '--brokers');
  const fromEnv = env['SC_SIM_BROKERS'];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return parseBrokerList(fromEnv, 'SC_SIM_BROKERS');
  return [...DEFAULT_BROKERS];
}

/** The connection from flags and environment (flag > env > default). */
export function resolveConnection(flags: { brokers?: string }, env: NodeJS.ProcessEnv = process.env): KafkaConnection {
  return { brokers: resolveBrokers(flags.brokers, env) };
}
