// The pod's command line as the real CLI reads it: what `k8s render` gives each pod must be a valid
// `sc-sim run` for its shard (checked with --dry-run, in process).
import { describe, expect, it } from 'vitest';
import { k8sObjects } from '../../../src/app/k8s.js';
import { BUNDLED_SCENARIOS_PATH } from '../../../src/scenarios/loader.js';
import { runMain } from '../../support/in-process-cli.js';

describe('the rendered pod command line', () => {
  it('is a valid run of shard i of N', async () => {
    const objects = k8sObjects({
      scenario: 'seed-dev',
      shards: 3,
      image: 'sc-sim:test',
      file: BUNDLED_SCENARIOS_PATH,
      brokers: ['kafka:9092'],
      prefix: '',
      startAt: new Date(Date.now() + 60_000),
      cpu: '1',
      memory: '1Gi',
    });
    const job = objects.at(-1) as { spec: { template: { spec: { containers: { args: string[] }[] } } } };
    const args = [...job.spec.template.spec.containers[0]!.args];
    // In the pod the scenarios file is mounted from the ConfigMap; here it is the bundled one.
    args[args.indexOf('--file') + 1] = BUNDLED_SCENARIOS_PATH;
    const saved = { ...process.env };
    process.env['JOB_COMPLETION_INDEX'] = '2';
    process.env['SC_SIM_SHARDS'] = '3';
    try {
      const r = await runMain([...args, '--dry-run']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/# plan: .*; shard 2\/3/);
    } finally {
      process.env = saved;
    }
  });
});
