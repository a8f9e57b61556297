// `sc-sim k8s render`: the Kubernetes objects for a run sharded over N pods (an Indexed Job).
import { writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { renderK8s } from '../app/k8s.js';
import { assertWritable } from '../app/report-files.js';
import { parseBrokerList } from '../config.js';
import { ScSimError } from '../errors.js';
import { VERSION } from '../version.js';
import {
  parseDurationFlag,
  parsePositiveInt,
  parseRate,
  parseRunId,
  parseSeed,
  parseStartAt,
  prefixOption,
} from './options.js';
import { info } from './output.js';

interface RenderFlags {
  shards: number;
  scenario: string;
  image: string;
  namespace?: string;
  brokers?: string;
  prefix: string;
  seed?: number;
  rate?: number;
  duration?: number;
  startIn: number;
  startAt?: Date;
  runId?: string;
  clientSecret?: string;
  commandConfig?: string;
  cpu: string;
  memory: string;
  file?: string;
  out?: string;
}

function renderAction(flags: RenderFlags): void {
  const rawBrokers = flags.brokers ?? process.env['SC_SIM_BROKERS'];
  if (!rawBrokers?.trim()) {
    throw new ScSimError('E_USAGE', 'the pods need the address of your Kafka cluster', {
      hint: 'give --brokers host:port[,host:port] (or SC_SIM_BROKERS) as the pods will reach it, e.g. kafka.kafka.svc:9092',
    });
  }
  if (flags.commandConfig && !flags.out) {
    throw new ScSimError(
      'E_USAGE',
      '--command-config puts the client config (and its secrets) into the objects: they are not printed',
      {
        hint: 'add --out sc-sim-run.yaml (written readable by you only), or mount an existing Secret with --client-secret',
      },
    );
  }
  if (flags.out) assertWritable(flags.out, 'Kubernetes objects');
  const startAt = flags.startAt ?? new Date(Date.now() + flags.startIn);
  const yaml = renderK8s({
    scenario: flags.scenario,
    shards: flags.shards,
    image: flags.image,
    file: flags.file,
    namespace: flags.namespace,
    brokers: parseBrokerList(rawBrokers, flags.brokers ? '--brokers' : 'SC_SIM_BROKERS'),
    prefix: flags.prefix,
    seed: flags.seed,
    ratePerSec: flags.rate,
    durationMs: flags.duration,
    startAt,
    runId: flags.runId,
    clientSecret: flags.clientSecret,
    commandConfigFile: flags.commandConfig,
    cpu: flags.cpu,
    memory: flags.memory,
  });
  if (flags.out) {
    writeFileSync(flags.out, yaml, { mode: 0o600 });
    info(
      `wrote ${flags.out}; apply it before ${startAt.toISOString()} (the start barrier): kubectl apply -f ${flags.out}`,
    );
  } else {
    process.stdout.write(yaml);
    info(`apply before ${startAt.toISOString()} (the start barrier): sc-sim k8s render … | kubectl apply -f -`);
  }
}

export function registerK8s(program: Command): void {
  const k8s = program.command('k8s').description('run bigger than one machine: Kubernetes objects for a sharded run');
  k8s
    .command('render')
    .description('print an Indexed Job (one pod per shard), a ConfigMap with scenarios.yaml and, if asked, a Secret')
    .addOption(
      new Option('--shards <n>', 'pods, each running one shard')
        .argParser(parsePositiveInt('--shards'))
        .makeOptionMandatory(),
    )
    .requiredOption('--scenario <name>', 'the scenario every shard runs')
    .option('--image <ref>', 'container image with sc-sim (build it from the Dockerfile)', `sc-sim:${VERSION}`)
    .option('--namespace <ns>', 'namespace of the objects (default: kubectl’s)')
    .option('-b, --brokers <list>', 'Kafka bootstrap servers as the pods reach them (env SC_SIM_BROKERS)')
    .addOption(prefixOption())
    .addOption(
      new Option('--seed <n>', 'world seed (default the scenario’s, else drawn now: shards share it)').argParser(
        parseSeed,
      ),
    )
    .addOption(new Option('--rate <ev/s>', 'total target rate of all shards together').argParser(parseRate))
    .addOption(new Option('--duration <d>', 'run length, e.g. 5m').argParser(parseDurationFlag('--duration')))
    .addOption(
      new Option('--start-in <d>', 'start barrier this far from now (time to schedule pods and pull the image)')
        .argParser(parseDurationFlag('--start-in'))
        .default(180_000, '3m'),
    )
    .addOption(
      new Option('--start-at <time>', 'start barrier as an ISO-8601 instant (instead of --start-in)').argParser(
        parseStartAt,
      ),
    )
    .addOption(
      new Option('--run-id <id>', 'the run id (default derived from scenario, seed, shards, start)').argParser(
        parseRunId,
      ),
    )
    .option('--client-secret <name>', 'an existing Secret with client.properties (the Kafka client config)')
    .option('--command-config <file>', 'a client config file to render into a new Secret (needs --out)')
    .option('--cpu <q>', 'CPU request per pod', '1')
    .option('--memory <q>', 'memory request and limit per pod', '1Gi')
    .option('-f, --file <path>', 'scenarios file to ship (default ./scenarios.yaml)')
    .option('-o, --out <file>', 'write the objects here (mode 0600) instead of stdout')
    .action(renderAction);
}
