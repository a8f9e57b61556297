// Builds the commander program from one module per command group; `main` is the only place that
// prints errors and chooses the exit code.
import { Command, CommanderError } from 'commander';
import { ExitCode, formatError, isScSimError } from '../errors.js';
import { VERSION } from '../version.js';
import { registerKafka } from './kafka.js';
import { registerTopics } from './topics.js';
import { registerStart } from './start.js';
import { registerCatalog } from './catalog.js';
import { registerConsume } from './consume.js';
import { registerK8s } from './k8s.js';
import { registerReport } from './report.js';
import { registerRun } from './run.js';
import { registerVerify } from './verify.js';
import { registerWatch } from './watch.js';

export function buildProgram(): Command {
  const program = new Command('sc-sim')
    .description('Simulator and load generator for the social-commerce Kafka platform')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ outputError: (str, write) => write(str) })
    .exitOverride();
  registerKafka(program);
  registerTopics(program);
  registerStart(program);
  registerCatalog(program);
  registerRun(program);
  registerReport(program);
  registerVerify(program);
  registerConsume(program);
  registerK8s(program);
  registerWatch(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit through here with code 0; usage errors were already printed.
      return err.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    process.stderr.write(formatError(err) + '\n');
    if (process.env['SC_SIM_DEBUG'] && err instanceof Error) process.stderr.write(`${err.stack ?? ''}\n`);
    return isScSimError(err) ? err.exitCode : ExitCode.toolError;
  }
}
