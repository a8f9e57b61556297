// scripts/k8s-collect-reports.sh against a stand-in kubectl (this machine has no cluster): it
// takes each pod's report out of its log, names it by the pod's completion index, and merges them.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/report.js';
import { REPO_ROOT } from '../support/cli.js';
import { fixtureRun } from '../support/run-fixture.js';

describe('k8s-collect-reports.sh', () => {
  it('collects one report per shard from the pod logs and merges them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sc-sim-collect-'));
    for (const index of [0, 1]) {
      const { report } = await fixtureRun('seed-dev', {
        ratePerSec: 1_000,
        durationMs: 1_000,
        shard: { index, count: 2 },
        runId: 'run-collect',
      });
      report.run.shard = { index, count: 2 };
      report.run.startedAt = '2026-12-01T12:00:00.000Z';
      // What the pod's log holds: sc-sim's seed line on stderr, then the JSON report on stdout.
      writeFileSync(
        join(dir, `pod-${index}.log`),
        `sc-sim: seed 42, run id run-collect\n${JSON.stringify(report, null, 2)}\n`,
      );
    }
    const kubectl = join(dir, 'kubectl');
    writeFileSync(
      kubectl,
      [
        '#!/usr/bin/env bash',
        'case "$*" in',
        '  *"get job"*) echo "" ;;',
        `  *"get pods"*) printf 'job-x-0-abcde\\njob-x-1-fghij\\n' ;;`,
        '  *"get pod job-x-0"*) echo 0 ;;',
        '  *"get pod job-x-1"*) echo 1 ;;',
        `  *"logs job-x-0"*) cat ${join(dir, 'pod-0.log')} ;;`,
        `  *"logs job-x-1"*) cat ${join(dir, 'pod-1.log')} ;;`,
        '  *) echo "unexpected: $*" >&2; exit 9 ;;',
        'esac',
      ].join('\n'),
    );
    chmodSync(kubectl, 0o755);
    const out = join(dir, 'out');
    const r = spawnSync('bash', [join(REPO_ROOT, 'scripts/k8s-collect-reports.sh'), 'job-x', 'load', out], {
      env: {
        ...process.env,
        PATH: `${dir}:${process.env['PATH']}`,
        SC_SIM: `${process.execPath} ${join(REPO_ROOT, 'bin/sc-sim.js')}`,
      },
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    const merged = JSON.parse(readFileSync(join(out, 'merged.json'), 'utf8')) as RunReport;
    expect(merged.run.shards?.map((s) => s.index)).toEqual([0, 1]);
    expect(merged.summary.totals.acked).toBe(1_000);
  }, 60_000);
});
