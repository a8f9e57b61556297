// `--metrics host:port`: live metrics during a run, in the OpenMetrics text format (prom-client),
// so a team can watch a soak in Grafana while it runs. Counters are fed by the run's acks; gauges
// are read at each scrape from whoever registered a source (the run's progress, group watchers).
import { createServer, type Server } from 'node:http';
import { Counter, Gauge, Registry, openMetricsContentType, type OpenMetricsContentType } from 'prom-client';
import { ScSimError } from '../errors.js';

/** A group's lag as a scrape should show it: one entry per partition. */
export interface GroupLagPoint {
  group: string;
  topic: string;
  partition: number;
  lag: number;
  timeLagMs: number | null;
}

export interface MetricsExporter {
  /** host:port actually listening (the port is known when 0 was asked). */
  readonly address: string;
  /** Records sent, acked and failed on one partition (called per batch and partition). */
  countRecords(topic: string, partition: number, acked: number, failed: number): void;
  /** The acked rate now (events/s), from the run's progress. */
  setRate(ratePerSec: number): void;
  /** Where scrapes read the watched groups' lag from. */
  watchGroups(source: () => readonly GroupLagPoint[]): void;
  close(): Promise<void>;
}

/** `host:port` (host may be empty for every interface); port 0 picks a free one. */
export function parseListenAddress(raw: string): { host: string; port: number } {
  const m = /^(\[[0-9a-fA-F:]+\]|[^\s:[\]]*):(\d{1,5})$/.exec(raw.trim());
  const port = Number(m?.[2]);
  if (!m || port > 65535) {
    throw new ScSimError('E_USAGE', `--metrics "${raw}" is not host:port`, {
      hint: 'e.g. --metrics 127.0.0.1:9464, or :9464 for every interface',
    });
  }
  return { host: m[1]!.replace(/^\[|\]$/g, '') || '0.0.0.0', port };
}

export async function startMetricsExporter(listen: string): Promise<MetricsExporter> {
  const { host, port } = parseListenAddress(listen);
  const registry = new Registry<OpenMetricsContentType>();
  registry.setContentType(openMetricsContentType);
  const records = new Counter({
    name: 'scsim_records',
    help: 'records sc-sim produced, by outcome (acked, failed)',
    labelNames: ['topic', 'partition', 'outcome'],
    registers: [registry],
  });
  let rate = 0;
  new Gauge({
    name: 'scsim_produce_rate',
    help: 'acked records per second over the last progress interval',
    registers: [registry],
    collect() {
      this.set(rate);
    },
  });
  let groups: () => readonly GroupLagPoint[] = () => [];
  new Gauge({
    name: 'scsim_group_lag',
    help: 'records a watched consumer group has not committed yet, per partition',
    labelNames: ['group', 'topic', 'partition'],
    registers: [registry],
    collect() {
      this.reset();
      for (const p of groups()) this.set({ group: p.group, topic: p.topic, partition: String(p.partition) }, p.lag);
    },
  });
  new Gauge({
    name: 'scsim_group_time_lag_seconds',
    help: 'age of the oldest record a watched consumer group has not committed, per partition',
    labelNames: ['group', 'topic', 'partition'],
    registers: [registry],
    collect() {
      this.reset();
      for (const p of groups())
        if (p.timeLagMs !== null)
          this.set({ group: p.group, topic: p.topic, partition: String(p.partition) }, p.timeLagMs / 1_000);
    },
  });

  const server: Server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end('metrics are at /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(text),
      (err: unknown) => res.writeHead(500).end(String(err)),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new ScSimError('E_PORT_IN_USE', `cannot serve metrics on ${listen}: ${err.code ?? err.message}`, {
          hint: 'pick another --metrics port, or stop what holds this one',
        }),
      ),
    );
    server.listen(port, host, () => resolve());
  });
  const bound = server.address();
  const address = typeof bound === 'object' && bound ? `${bound.address}:${bound.port}` : listen;
  return {
    address,
    countRecords(topic, partition, acked, failed) {
      if (acked > 0) records.inc({ topic, partition: String(partition), outcome: 'acked' }, acked);
      if (failed > 0) records.inc({ topic, partition: String(partition), outcome: 'failed' }, failed);
    },
    setRate(ratePerSec) {
      rate = ratePerSec;
    },
    watchGroups(source) {
      groups = source;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
