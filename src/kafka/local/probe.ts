// The local broker's liveness probe: one bounded metadata request (admin describeCluster) that
// never throws and never outlives its bound — for `up`'s wait, `start`, and the cluster's restarts.
import { createKafka, type KafkaConnection } from '../client.js';

/** How many brokers the cluster lists (fenced brokers drop out); 0 when none answers within the bound. */
export async function brokersListed(connection: KafkaConnection, timeoutMs: number): Promise<number> {
  const kafka = createKafka({
    ...connection,
    clientId: 'sc-sim-kafka-probe',
    connectionTimeoutMs: Math.max(100, Math.min(timeoutMs, 3_000)),
    requestTimeoutMs: Math.max(100, timeoutMs),
    retries: 0,
  });
  const admin = kafka.admin({ retry: { retries: 0 } });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<number>((r) => {
    timer = setTimeout(() => r(0), timeoutMs);
  });
  const probe = (async () => {
    await admin.connect();
    return (await admin.describeCluster()).brokers.length;
  })().catch(() => 0);
  try {
    return await Promise.race([probe, timedOut]);
  } finally {
    clearTimeout(timer);
    await admin.disconnect().catch(() => undefined);
  }
}

/** True when a metadata request succeeds within the bound. */
export async function isBrokerAnswering(connection: KafkaConnection, timeoutMs: number): Promise<boolean> {
  return (await brokersListed(connection, timeoutMs)) > 0;
}
