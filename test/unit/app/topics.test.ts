import { describe, expect, it } from 'vitest';
import { applyFailureError, checkRunTopics, type ApplyResult } from '../../../src/app/topics.js';
import { physicalTopicName } from '../../../src/catalog/topics.js';
import { ScSimError } from '../../../src/errors.js';
import { planTopics } from '../../../src/topics/plan.js';

const refused = (topic: string, code: 'E_AUTHORIZATION' | 'E_KAFKA' = 'E_AUTHORIZATION') =>
  new ScSimError(code, `user "app" (SCRAM-SHA-512) needs CREATE on topic ${topic} (or CREATE on the cluster) at b:1`, {
    hint: 'per-topic hint',
  });

describe('applyFailureError', () => {
  const base: ApplyResult = { plan: planTopics([]), created: [], altered: [], failed: [] };

  it('nothing refused: no error', () => {
    expect(applyFailureError(base, ['b:1'])).toBeUndefined();
  });

  it('lists every refused topic with what was tried; says what was done before', () => {
    const err = applyFailureError(
      {
        ...base,
        created: ['sc.domain.user'],
        failed: [
          { topic: 'sc.domain.order', action: 'create', error: refused('sc.domain.order') },
          { topic: 'sc.domain.post', action: 'check', error: refused('sc.domain.post') },
        ],
      },
      ['b:1'],
    )!;
    expect(err.code).toBe('E_AUTHORIZATION');
    expect(err.exitCode).toBe(1);
    expect(err.message).toBe('topics apply was refused for 2 topic(s) on b:1 (1 created and 0 altered before that)');
    expect(err.details).toEqual([
      'cannot create sc.domain.order: user "app" (SCRAM-SHA-512) needs CREATE on topic sc.domain.order (or CREATE on the cluster) at b:1',
      'cannot check sc.domain.post: user "app" (SCRAM-SHA-512) needs CREATE on topic sc.domain.post (or CREATE on the cluster) at b:1',
    ]);
    expect(err.hint).toMatch(/^apply topics with an admin principal/);
  });

  it('refusals other than ACLs keep their own hint and code', () => {
    const err = applyFailureError(
      { ...base, failed: [{ topic: 't', action: 'alter', error: refused('t', 'E_KAFKA') }] },
      ['b:1'],
    )!;
    expect(err.code).toBe('E_KAFKA');
    expect(err.hint).toMatch(/^per-topic hint/);
  });
});

describe('checkRunTopics', () => {
  const logical = ['sc.domain.user', 'sc.domain.order'];
  const full = (prefix: string) => new Map(logical.map((t) => [physicalTopicName(t, prefix), 12]));
  /** An admin session whose metadata reads answer from `answers` in turn (the last one repeats). */
  const admin = (answers: Map<string, number>[]) => {
    let reads = 0;
    return {
      reads: () => reads,
      session: {
        connection: { brokers: ['b:1', 'b:2'] },
        partitionCounts: async () => answers[Math.min(reads++, answers.length - 1)]!,
        deniedTopics: async () => [],
      } as unknown as Parameters<typeof checkRunTopics>[0],
    };
  };

  it('a topic the answering broker has not seen yet is read again until it shows up', async () => {
    const a = admin([new Map(), new Map([[physicalTopicName('sc.domain.user', 'p.'), 12]]), full('p.')]);
    const counts = await checkRunTopics(a.session, logical, 'p.', 5_000);
    expect(a.reads()).toBe(3);
    expect([...counts.keys()]).toEqual(logical.map((t) => `p.${t}`));
  });

  it('a topic still missing after the settle time is E_TOPIC_MISSING, naming it and the command that makes it', async () => {
    const a = admin([new Map([[physicalTopicName('sc.domain.user', 'p.'), 12]])]);
    const started = Date.now();
    const err = await checkRunTopics(a.session, logical, 'p.', 400).catch((e: unknown) => e);
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect(a.reads()).toBeGreaterThan(1);
    expect(err).toBeInstanceOf(ScSimError);
    expect((err as ScSimError).code).toBe('E_TOPIC_MISSING');
    expect((err as ScSimError).details).toEqual(['missing: p.sc.domain.order']);
    expect((err as ScSimError).hint).toBe("create the catalog's topics first: sc-sim topics apply --prefix p.");
  });

  it('fewer partitions than the catalog is read again too, then refused with the repair command', async () => {
    const grown = full('');
    const small = new Map(grown);
    small.set('sc.domain.order', 3);
    const settles = admin([small, grown]);
    await expect(checkRunTopics(settles.session, logical, '', 5_000)).resolves.toEqual(grown);
    const stays = admin([small]);
    const err = (await checkRunTopics(stays.session, logical, '', 300).catch((e: unknown) => e)) as ScSimError;
    expect(err.code).toBe('E_TOPIC_MISSING');
    expect(err.message).toMatch(/^sc\.domain\.order has 3 partitions, the catalog says \d+$/);
  });
});
