// Starts a worker thread that runs a TypeScript module, as the main thread does: tsx is registered
// in it first (workers do not inherit the loader hooks of the thread that starts them).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ThreadClock } from './types.js';

const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
import(workerData.tsxApi).then((tsx) => { tsx.register(); return import(workerData.entry); });
`;

/** file: URL of tsx's ESM API (what bin/sc-sim.js imports), found through its package.json. */
function tsxApiUrl(): string {
  const pkgPath = createRequire(import.meta.url).resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  return pathToFileURL(join(dirname(pkgPath), pkg.exports['./esm/api']!.import.default)).href;
}

/** A worker running `entry` (a .ts module); `data` reaches it as workerData (tsxApi and entry added). */
export function startTsWorker(entry: URL, data: object): Worker {
  return new Worker(BOOTSTRAP, { eval: true, workerData: { ...data, tsxApi: tsxApiUrl(), entry: entry.href } });
}

/** Cumulative active and idle ms of a worker's event loop (its busy share in the report's `threads`). */
export function workerClock(worker: Worker): ThreadClock {
  const { active, idle } = worker.performance.eventLoopUtilization();
  return { activeMs: active, idleMs: idle };
}
