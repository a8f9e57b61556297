// The Kubernetes objects of a sharded run: valid objects (checked offline against the Kubernetes
// OpenAPI schemas shipped in kubernetes-models), the invariants a sharded run needs, and pod
// arguments that the real CLI accepts.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigMap, Secret } from 'kubernetes-models/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { k8sObjects, renderK8s, type K8sRunRequest } from '../../../src/app/k8s.js';
import { BUNDLED_SCENARIOS_PATH } from '../../../src/scenarios/loader.js';

const base: K8sRunRequest = {
  scenario: 'steady',
  shards: 4,
  image: 'registry.example/sc-sim:0.1.0',
  file: BUNDLED_SCENARIOS_PATH,
  brokers: ['kafka-0.kafka:9092', 'kafka-1.kafka:9092'],
  prefix: 'load-1.',
  ratePerSec: 200_000,
  durationMs: 300_000,
  startAt: new Date('2026-12-01T12:00:00.000Z'),
  cpu: '1',
  memory: '1Gi',
};

const MODELS = { 'v1/ConfigMap': ConfigMap, 'v1/Secret': Secret, 'batch/v1/Job': Job } as const;

/** Validates each rendered document with its Kubernetes model; returns the plain objects. */
function validated(yamlText: string): Record<string, unknown>[] {
  return parseAllDocuments(yamlText).map((doc) => {
    const obj = doc.toJS() as { apiVersion: string; kind: string };
    const Model = MODELS[`${obj.apiVersion}/${obj.kind}` as keyof typeof MODELS];
    expect(Model, `${obj.apiVersion}/${obj.kind}`).toBeDefined();
    new Model(obj as never).validate();
    return obj as unknown as Record<string, unknown>;
  });
}

interface JobShape {
  spec: {
    completionMode: string;
    completions: number;
    parallelism: number;
    backoffLimit: number;
    template: {
      spec: { containers: { args: string[]; env: { name: string; value: string }[] }[]; volumes: unknown[] };
    };
  };
}

describe('k8s render', () => {
  it('is an Indexed Job of N pods with the scenarios in a ConfigMap, valid Kubernetes objects', () => {
    const objects = validated(renderK8s(base));
    expect(objects.map((o) => o['kind'])).toEqual(['ConfigMap', 'Job']);
    const job = objects[1] as unknown as JobShape;
    expect(job.spec).toMatchObject({ completionMode: 'Indexed', completions: 4, parallelism: 4, backoffLimit: 0 });
    const container = job.spec.template.spec.containers[0]!;
    expect(container.env).toEqual([{ name: 'SC_SIM_SHARDS', value: '4' }]);
    const arg = (flag: string) => container.args[container.args.indexOf(flag) + 1];
    expect(arg('--start-at')).toBe('2026-12-01T12:00:00.000Z');
    expect(arg('--brokers')).toBe('kafka-0.kafka:9092,kafka-1.kafka:9092');
    expect(arg('--rate')).toBe('200000');
    expect(arg('--run-id')).toMatch(/^run-20261201T120000-[0-9a-f]{6}$/);
    // The seed is fixed at render time: every shard must build its part of the same world.
    expect(arg('--seed')).toMatch(/^\d+$/);
    expect((objects[0] as { data: Record<string, string> }).data['scenarios.yaml']).toContain('steady:');
    // The validator does bite: a Job that is not Indexed is refused.
    const wrong = { ...job, spec: { ...job.spec, completionMode: 'Sharded' } };
    expect(() => new Job(wrong as never).validate()).toThrow();
  });

  it('puts the client config in a Secret only when asked, and mounts an existing one by name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sc-sim-k8s-'));
    const props = join(dir, 'client.properties');
    writeFileSync(props, 'security.protocol=SASL_SSL\n');
    const withFile = validated(renderK8s({ ...base, commandConfigFile: props }));
    expect(withFile.map((o) => o['kind'])).toEqual(['ConfigMap', 'Secret', 'Job']);
    const existing = k8sObjects({ ...base, clientSecret: 'team-kafka-client' });
    const job = existing.at(-1) as unknown as JobShape;
    expect(JSON.stringify(job.spec.template.spec.volumes)).toContain('"secretName":"team-kafka-client"');
    expect(job.spec.template.spec.containers[0]!.args).toContain('--command-config');
    expect(() => k8sObjects({ ...base, clientSecret: 'x', commandConfigFile: props })).toThrow(
      /both give the client config/,
    );
  });

  it('names objects within Kubernetes limits whatever the run id looks like', () => {
    const objects = k8sObjects({
      ...base,
      scenario: 'viral-promotion-bucketed',
      runId: 'RUN_With.Odd-Chars.' + 'x'.repeat(100),
    });
    for (const o of objects) {
      const name = (o['metadata'] as { name: string }).name;
      expect(name).toMatch(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/);
      expect(name.length).toBeLessThanOrEqual(63);
    }
    validated(renderK8s({ ...base, runId: '-leading-dash' }));
  });

  it('refuses an unknown scenario before rendering anything', () => {
    expect(() => k8sObjects({ ...base, scenario: 'nope' })).toThrow(
      expect.objectContaining({ code: 'E_SCENARIO_UNKNOWN' }),
    );
  });
});
