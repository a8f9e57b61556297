// `sc-sim kafka up|down|status|logs`: the local broker's commands. Results go to stdout (one line,
// or JSON with --json), progress to stderr; errors are thrown as ScSimErrors for main() to print.
import { Option, type Command } from 'commander';
import {
  followKafkaLog,
  kafkaDown,
  kafkaLogs,
  kafkaStatus,
  kafkaUp,
  type KafkaStatus,
  type LocalKafkaOptions,
  type SecureBrokerInfo,
} from '../kafka/local/index.js';
import type { NodeStatus } from '../kafka/local/cluster.js';
import { ScSimError } from '../errors.js';
import { formatBytes } from '../render/format.js';
import { parsePort, parsePositiveInt } from './options.js';

interface CommonFlags {
  home?: string;
  port?: number;
  jvm?: boolean;
  docker?: boolean;
  json?: boolean;
}

function toOptions(flags: CommonFlags): LocalKafkaOptions {
  const o: LocalKafkaOptions = { onProgress: (msg) => process.stderr.write(`${msg}\n`) };
  if (flags.home !== undefined) o.home = flags.home;
  if (flags.port !== undefined) o.port = flags.port;
  if (flags.jvm) o.mode = 'jvm';
  if (flags.docker) o.mode = 'docker';
  return o;
}

export function formatStatus(s: KafkaStatus): string {
  const rows: [string, string][] = [
    ['status', s.running ? `running${s.pid !== undefined ? ` (pid ${s.pid})` : ''}` : 'stopped'],
    ['version', `Kafka ${s.version}`],
    ['address', s.brokers.join(',')],
    ['mode', s.mode],
    [
      'data',
      `${formatBytes(s.dataSizeBytes)} on disk (${s.dataSizeBytes} bytes)${s.dataApparentBytes !== undefined ? `; ${formatBytes(s.dataApparentBytes)} apparent (sparse index files)` : ''}`,
    ],
    ['secured', s.secure ? 'SASL_SSL (SCRAM-SHA-512, ACLs; client configs in the home)' : 'no (PLAINTEXT)'],
    ['home', s.home],
  ];
  if (s.layout !== undefined) rows.splice(3, 0, ['layout', `${s.layout} (${describeLayout(s.layout)})`]);
  const head = rows.map(([k, v]) => `${(k + ':').padEnd(9)}${v}`).join('\n') + '\n';
  return s.nodes ? head + formatNodes(s.nodes) : head;
}

const describeLayout = (layout: 'split' | 'combined'): string =>
  layout === 'split' ? 'controller-only JVMs beside the brokers' : 'every node a broker and a controller';

/** One row per node: id, role, port, pid, up. */
export function formatNodes(nodes: readonly NodeStatus[]): string {
  const rows = [
    ['node', 'role', 'port', 'pid', 'up'],
    ...nodes.map((n) => [
      String(n.id),
      n.role,
      n.controllerPort !== undefined ? `${n.port} (controller ${n.controllerPort})` : String(n.port),
      n.pid !== undefined ? String(n.pid) : '-',
      n.up ? 'up' : 'DOWN',
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return (
    rows
      .map(
        (r) =>
          '  ' +
          r
            .map((c, i) => c.padEnd(widths[i]!))
            .join('  ')
            .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

/** Where a secure broker's client configs are; the passwords are only named by their file. */
export function formatSecureInfo(s: SecureBrokerInfo): string {
  return [
    `client config, user ${s.users.app} (writes and reads the catalog's topics sc.*): ${s.appConfig}`,
    `client config, user ${s.users.admin} (super user: topics, ACLs):    ${s.adminConfig}`,
    `CA certificate: ${s.caFile}`,
    `passwords (mode 0600): ${s.credentialsFile}`,
    `e.g. sc-sim topics apply --command-config ${s.adminConfig}`,
    `     sc-sim run seed-dev --verify --command-config ${s.appConfig}`,
    '',
  ].join('\n');
}

const homeOption = () =>
  new Option('--home <dir>', 'instance directory (data, log, pid, config); default .sc-sim/kafka').env(
    'SC_SIM_KAFKA_HOME',
  );
const portOption = (what: string) => new Option('--port <n>', what).argParser(parsePort('--port'));
const jvmOption = () => new Option('--jvm', 'force the JVM broker (jars from Maven Central)').conflicts('docker');
const dockerOption = () => new Option('--docker', 'force docker compose (docker-compose.yml)').conflicts('jvm');

export function registerKafka(program: Command): void {
  const kafka = program
    .command('kafka')
    .description(
      'run a local Kafka broker or cluster (JVM from Maven Central, or Docker when an engine answers for a single node)',
    );

  kafka
    .command('up')
    .description('start the local broker and wait until it answers (does nothing if it is already running)')
    .addOption(portOption('broker port on 127.0.0.1 (default: the remembered one, else 9092)'))
    .addOption(
      new Option('--controller-port <n>', 'KRaft controller port (default: --port + 1)').argParser(
        parsePort('--controller-port'),
      ),
    )
    .addOption(homeOption())
    .addOption(
      new Option(
        '--nodes <n>',
        'brokers: 3 starts a production-shaped cluster on --port..--port+5 (default: 1)',
      ).argParser(parsePositiveInt('--nodes')),
    )
    .option('--combined', 'with --nodes: every node is broker and controller (3 JVMs instead of 6)')
    .addOption(jvmOption())
    .addOption(dockerOption())
    .option(
      '--secure',
      'SASL_SSL with SCRAM users (admin, sc-sim-app), a local CA and ACLs; prints the client config files to use (a new home only)',
    )
    .addOption(
      new Option('--timeout-ms <n>', 'how long to wait for the broker to answer')
        .argParser(parsePositiveInt('--timeout-ms'))
        .default(90_000),
    )
    .option('--json', 'print the result as JSON')
    .action(
      async (
        flags: CommonFlags & {
          controllerPort?: number;
          timeoutMs: number;
          secure?: boolean;
          nodes?: number;
          combined?: boolean;
        },
      ) => {
        const o = toOptions(flags);
        if (flags.controllerPort !== undefined) {
          if (flags.nodes !== undefined && flags.nodes > 1) {
            throw new ScSimError('E_USAGE', '--controller-port is for the single node', {
              hint: 'a cluster takes 2N consecutive ports from --port: brokers first, then controllers',
            });
          }
          o.controllerPort = flags.controllerPort;
        }
        if (flags.nodes !== undefined) o.nodes = flags.nodes;
        if (flags.combined) {
          if (flags.nodes === undefined || flags.nodes < 2) {
            throw new ScSimError('E_USAGE', '--combined needs --nodes 2 or more', {
              hint: 'e.g. --nodes 3 --combined',
            });
          }
          o.layout = 'combined';
        }
        if (flags.secure) {
          if (flags.nodes !== undefined && flags.nodes > 1) {
            throw new ScSimError(
              'E_USAGE',
              '--secure is for the single node: the local cluster has no secured mode yet',
              {
                hint: 'drop --nodes for a secured broker, or --secure for the cluster',
              },
            );
          }
          o.secure = true;
        }
        o.timeoutMs = flags.timeoutMs;
        const r = await kafkaUp(o);
        const what = r.nodes ? `a ${r.brokers.length}-broker cluster (${r.layout})` : `Kafka ${r.version}`;
        const how = `${r.mode}${r.secure ? ', SASL_SSL' : ''}`;
        if (flags.json) {
          process.stdout.write(JSON.stringify({ ...r, bootstrap: r.brokers.join(',') }) + '\n');
          return;
        }
        if (r.status === 'already-running') {
          process.stdout.write(`${what} is already running at ${r.brokers.join(',')} (${how})\n`);
        } else {
          const took = `${(r.tookMs / 1000).toFixed(1)} s${r.downloaded ? ', including the download' : ''}`;
          process.stdout.write(`${what} started at ${r.brokers.join(',')} (${how}, ${took})\n`);
        }
        if (r.nodes) {
          process.stdout.write(formatNodes(r.nodes));
          process.stdout.write(`bootstrap: --brokers ${r.brokers.join(',')}\n`);
        }
        if (r.secure) process.stdout.write(formatSecureInfo(r.secure));
      },
    );

  kafka
    .command('down')
    .description('stop the broker or every node this home started (SIGTERM, then SIGKILL after 30 s)')
    .addOption(homeOption())
    .addOption(portOption('broker port (docker mode; default: the remembered one)'))
    .addOption(jvmOption())
    .addOption(dockerOption())
    .option('--json', 'print the result as JSON')
    .action(async (flags: CommonFlags) => {
      const r = await kafkaDown(toOptions(flags));
      if (flags.json) process.stdout.write(JSON.stringify(r) + '\n');
      else process.stdout.write(r.status === 'stopped' ? `Kafka stopped (${r.mode})\n` : 'Kafka is not running\n');
    });

  kafka
    .command('status')
    .description('running or stopped, version, address, data size')
    .addOption(homeOption())
    .addOption(portOption('broker port (default: the remembered one, else 9092)'))
    .option('--json', 'print the status as JSON')
    .action(async (flags: CommonFlags) => {
      const s = await kafkaStatus(toOptions(flags));
      process.stdout.write(flags.json ? JSON.stringify(s) + '\n' : formatStatus(s));
    });

  kafka
    .command('logs')
    .description("print the end of the broker's log (every node's for a cluster)")
    .addOption(homeOption())
    .addOption(portOption('broker port (docker mode; default: the remembered one)'))
    .addOption(new Option('-n, --lines <n>', 'how many lines').argParser(parsePositiveInt('--lines')).default(100))
    .option('-f, --follow', 'keep printing new lines until interrupted (JVM mode)')
    .action(async (flags: CommonFlags & { lines: number; follow?: boolean }) => {
      const o = toOptions(flags);
      const text = await kafkaLogs({ ...o, lines: flags.lines });
      if (text === '' && !flags.follow)
        process.stderr.write('the broker log is empty (has `sc-sim kafka up` run for this home?)\n');
      process.stdout.write(text);
      if (!flags.follow) return;
      const ac = new AbortController();
      const stop = () => ac.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        await followKafkaLog(o, (chunk) => process.stdout.write(chunk), ac.signal);
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
}
