#!/usr/bin/env node
// sc-sim's command-line entry point.
import { ExitCode } from './errors.js';
import { main } from './cli/program.js';

// Piping into `head` closes stdout early: that is not an error worth a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(ExitCode.ok);
});

process.exitCode = await main(process.argv);
