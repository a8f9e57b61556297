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
  return rows.map(([k, v]) => `${(k + ':').padEnd(9)}${v}`).join('\n') + '\n';
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
    .description('run a local single-node Kafka broker (JVM from Maven Central, or Docker when an engine answers)');

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
    .action(async (flags: CommonFlags & { controllerPort?: number; timeoutMs: number; secure?: boolean }) => {
      const o = toOptions(flags);
      if (flags.controllerPort !== undefined) o.controllerPort = flags.controllerPort;
      if (flags.secure) o.secure = true;
      o.timeoutMs = flags.timeoutMs;
      const r = await kafkaUp(o);
      if (flags.json) {
        process.stdout.write(JSON.stringify(r) + '\n');
        return;
      }
      const how = `${r.mode}${r.secure ? ', SASL_SSL' : ''}`;
      if (r.status === 'already-running') {
        process.stdout.write(`Kafka ${r.version} is already running at ${r.brokers.join(',')} (${how})\n`);
      } else {
        const took = `${(r.tookMs / 1000).toFixed(1)} s${r.downloaded ? ', including the download' : ''}`;
        process.stdout.write(`Kafka ${r.version} started at ${r.brokers.join(',')} (${how}, ${took})\n`);
      }
      if (r.secure) process.stdout.write(formatSecureInfo(r.secure));
    });

  kafka
    .command('down')
    .description('stop the broker this home started (SIGTERM, then SIGKILL after 30 s)')
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
    .description("print the end of the broker's log")
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
