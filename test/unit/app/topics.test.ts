import { describe, expect, it } from 'vitest';
import { applyFailureError, type ApplyResult } from '../../../src/app/topics.js';
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
