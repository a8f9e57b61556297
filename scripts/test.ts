// `npm test`: the whole suite in two lanes at once. The files that start brokers of their own (the
// own-brokers project: a 3-node cluster, a broker to kill, a secured broker) spend most of their time
// waiting on JVMs and fixed-length runs, so they run beside the rest (unit, and the files on the
// shared test broker) instead of after it; the CLI files follow them in their lane. No two
// broker-heavy files and no two files on the shared broker ever overlap.
//
// Any argument (`npm test -- -t name`, a file, `--project unit`) runs one plain `vitest run` with it.
// The last line is the sum of both lanes, "tests: N passed, N failed, N skipped", for CI systems that
// read a run's last line.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ScSimError } from '../src/errors.js';
import { ensureJars } from '../src/kafka/local/jars.js';
import { KAFKA_VERSION, resolveCacheRoot } from '../src/kafka/local/paths.js';

const VITEST = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));
const SUMMARY = /^tests: (\d+) passed, (\d+) failed, (\d+) skipped$/;
/** After a signal, how long the lanes get to stop their brokers before they are killed. */
const STOP_GRACE_MS = 60_000;

interface Lane {
  name: string;
  projects: string[];
  /** Put before each line of this lane's output ('' for the lane whose output reads as usual). */
  prefix: string;
}

// Balanced on this 2-core machine (the CLI fuzzers are in the cli project for that): ~11-12 min each
// (unit ~4 min and the shared-broker files ~8; the own-broker files ~9 and the CLI files ~2, all
// slower for sharing the cores).
const LANES: Lane[] = [
  { name: 'main', projects: ['unit', 'integration'], prefix: '' },
  { name: 'own brokers', projects: ['own-brokers', 'cli'], prefix: '[own brokers + cli] ' },
];

interface LaneResult {
  lane: Lane;
  exitCode: number;
  counts: [number, number, number] | null;
}

function runVitest(
  args: string[],
  onLine?: (line: string, stream: NodeJS.WriteStream) => void,
): { child: ChildProcess; exit: Promise<number> } {
  const child = spawn(process.execPath, [VITEST, 'run', ...args], {
    stdio: ['ignore', onLine ? 'pipe' : 'inherit', onLine ? 'pipe' : 'inherit'],
    env: process.env,
  });
  const read: Promise<void>[] = [];
  if (onLine) {
    for (const [input, stream] of [
      [child.stdout!, process.stdout],
      [child.stderr!, process.stderr],
    ] as const) {
      const lines = createInterface({ input, crlfDelay: Infinity });
      lines.on('line', (l) => onLine(l, stream));
      read.push(new Promise((resolve) => lines.once('close', resolve)));
    }
  }
  // Every line is read (the lane's summary among them) before its exit is reported.
  const exit = Promise.all([exitOf(child), ...read]).then(([code]) => code);
  return { child, exit };
}

function exitOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once('error', (err) => {
      process.stderr.write(`test: could not start vitest: ${err.message}\n`);
      resolve(1);
    });
    // A lane killed by a signal failed: 128 + the signal's number, as a shell reports it.
    child.once('close', (code, signal) => resolve(code ?? (signal ? 128 + (signalNumber(signal) ?? 15) : 1)));
  });
}

function signalNumber(signal: NodeJS.Signals): number | undefined {
  return ({ SIGINT: 2, SIGKILL: 9, SIGTERM: 15 } as Partial<Record<NodeJS.Signals, number>>)[signal];
}

/** Forwards SIGINT/SIGTERM to the children, so their teardown stops the brokers; kills them if they hang. */
function forwardSignals(children: ChildProcess[]): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    for (const c of children) if (c.exitCode === null) c.kill(signal);
    setTimeout(() => {
      for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    }, STOP_GRACE_MS).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}

/**
 * Fetches the broker's jars once, before the lanes start: on a fresh machine both lanes would
 * otherwise run Maven at the same time, into one ~/.m2 and one jar cache.
 */
async function fetchBrokerOnce(): Promise<void> {
  try {
    await ensureJars({
      cacheRoot: resolveCacheRoot(undefined),
      version: KAFKA_VERSION,
      onProgress: (m) => process.stderr.write(`[test] ${m}\n`),
    });
  } catch (err) {
    // The lanes' own broker start says the same, with its hint, where it matters.
    const message = err instanceof ScSimError ? `${err.code}: ${err.message}` : String(err);
    process.stderr.write(`[test] could not fetch Kafka ${KAFKA_VERSION}: ${message}\n`);
  }
}

async function runLanes(): Promise<number> {
  const started = Date.now();
  await fetchBrokerOnce();
  const results: Promise<LaneResult>[] = [];
  const children: ChildProcess[] = [];
  for (const lane of LANES) {
    let counts: LaneResult['counts'] = null;
    const { child, exit } = runVitest(
      lane.projects.flatMap((p) => ['--project', p]),
      (line, stream) => {
        const m = SUMMARY.exec(line);
        // The lanes' own summary lines are folded into the one printed last.
        if (m) {
          counts = [Number(m[1]), Number(m[2]), Number(m[3])];
          stream.write(`${lane.prefix}${lane.name} lane: ${line}\n`);
          return;
        }
        stream.write(`${lane.prefix}${line}\n`);
      },
    );
    children.push(child);
    results.push(exit.then((exitCode) => ({ lane, exitCode, counts })));
  }
  const stopForwarding = forwardSignals(children);
  const done = await Promise.all(results);
  stopForwarding();

  const total = [0, 0, 0];
  for (const r of done) {
    if (r.counts) r.counts.forEach((n, i) => (total[i]! += n));
    // A lane that printed no summary never got to run its tests (a crash, a config error).
    else total[1]! += 1;
    if (r.exitCode !== 0)
      process.stderr.write(`test: the ${r.lane.name} lane (${r.lane.projects.join(', ')}) exited ${r.exitCode}\n`);
  }
  process.stdout.write(
    `\nlanes: ${done.map((r) => `${r.lane.name} exit ${r.exitCode}`).join(', ')}; ${Math.round((Date.now() - started) / 1000)} s in all\n`,
  );
  process.stdout.write(`tests: ${total[0]} passed, ${total[1]} failed, ${total[2]} skipped\n`);
  return done.find((r) => r.exitCode !== 0)?.exitCode ?? 0;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.length > 0) {
    const { child, exit } = runVitest(args);
    const stop = forwardSignals([child]);
    const code = await exit;
    stop();
    return code;
  }
  return runLanes();
}

process.exitCode = await main();
