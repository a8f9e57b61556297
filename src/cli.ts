#!/usr/bin/env node
// sc-sim's command-line entry point.
import { ExitCode } from './errors.js';
import { main } from './cli/program.js';

// Piping into `head` closes stdout early: that is not an error worth a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(ExitCode.ok);
});

process.exitCode = await main(process.argv);
// The command is done. A Kafka client still connecting to a port that accepts connections and never
// answers would keep the process alive for its own timeouts (minutes): give the output a moment to
// flush, then exit. Unreferenced, so a process with nothing left to do exits at once as before.
setTimeout(() => process.exit(), 500).unref();
