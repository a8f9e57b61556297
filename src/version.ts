// The tool's version, read once from package.json so the envelope's `producer` stays in step.
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
export const VERSION: string = pkg.version;
export const PRODUCER = `sc-sim/${VERSION}`;

/**
 * Node flags every sc-sim process starts with (package.json's `start` and `sc-sim` scripts, the
 * `sc-sim` bin's shebang, the container's entrypoint, the bench process (its generator phases run
 * in it) and its sc-sim rounds; tests keep them equal). A 32 MiB semi-space (Node 20's default is
 * 16) halves the young-generation collections of the produce path, whose batches in flight
 * survive a scavenge or two: measured +14-16 % records per second and -10 % CPU over 10 alternating
 * rounds (README "Performance"); the generator, which allocates per event, gains too. V8 reads it
 * when the heap is set up, so it cannot be set from inside the process.
 */
export const NODE_FLAGS: readonly string[] = ['--max-semi-space-size=32'];
