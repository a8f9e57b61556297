// Runs an sc-sim scenario in its own Node process (bench/scenario-child.ts), so each bench round
// starts cold (like ProducerPerformance's fresh JVM) and its memory is read from /proc apart from
// the bench's own.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT } from '../src/kafka/local/paths.js';
import { NODE_FLAGS } from '../src/version.js';
import type { ScenarioChildOptions } from './scenario-child.js';
import { parseProcStatus, type RssSample } from './stats.js';

export const SCENARIO_CHILD = join(REPO_ROOT, 'bench', 'scenario-child.ts');

export interface ChildRunOptions {
  /** What the child runs (see ScenarioChildOptions). */
  scenario: ScenarioChildOptions;
  /** Extra Node flags (e.g. --cpu-prof). */
  nodeArgs?: string[];
  /** Sample /proc/<pid>/status this often (Linux only); no sampling when absent. */
  rssSampleIntervalMs?: number;
  /** Kill the child after this long. */
  timeoutMs: number;
  /** Note when stderr first matches this (e.g. the line a run logs as it starts sending). */
  stderrMarker?: RegExp;
}

export interface ChildRunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  tookMs: number;
  /** RSS over time (empty without sampling). */
  rss: RssSample[];
  /** Peak RSS (VmHWM) at the last sample; undefined without sampling. */
  peakRssBytes: number | undefined;
  /** When stderr first matched `stderrMarker`, ms after the start; undefined if it never did. */
  markerAtMs: number | undefined;
}

export function runScenarioChild(o: ChildRunOptions): Promise<ChildRunResult> {
  // `node --import tsx` (not the tsx binary) so the pid is the process doing the work: the tsx
  // binary would put a wrapper process between us and it.
  const child = spawn(
    process.execPath,
    // With the flags every sc-sim process starts with: the bench measures what users run.
    [...NODE_FLAGS, ...(o.nodeArgs ?? []), '--import', 'tsx', SCENARIO_CHILD, JSON.stringify(o.scenario)],
    {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: '0' },
    },
  );
  const t0 = Date.now();
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  let markerAtMs: number | undefined;
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (markerAtMs === undefined && o.stderrMarker?.test(stderr)) markerAtMs = Date.now() - t0;
  });
  const rss: RssSample[] = [];
  let peakRssBytes: number | undefined;
  let sampler: NodeJS.Timeout | undefined;
  if (o.rssSampleIntervalMs !== undefined && child.pid !== undefined) {
    const statusFile = `/proc/${child.pid}/status`;
    const sample = () => {
      readFile(statusFile, 'utf8')
        .then((text) => {
          const s = parseProcStatus(text);
          if (!s) return;
          rss.push({ tMs: Date.now() - t0, rssBytes: s.rssBytes });
          peakRssBytes = Math.max(peakRssBytes ?? 0, s.hwmBytes);
        })
        // The process may be gone between two samples: the last sample stands.
        .catch(() => undefined);
    };
    sampler = setInterval(sample, o.rssSampleIntervalMs);
  }
  const killer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs);
  return new Promise((resolve, reject) => {
    child.on('error', (err) => {
      clearTimeout(killer);
      if (sampler) clearInterval(sampler);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      if (sampler) clearInterval(sampler);
      resolve({
        exitCode: code ?? (signal === 'SIGKILL' ? 137 : 1),
        stdout,
        stderr,
        tookMs: Date.now() - t0,
        rss,
        peakRssBytes,
        markerAtMs,
      });
    });
  });
}
