import { describe, expect, it } from 'vitest';
import type { ProduceResult } from '../../../src/kafka/producer/producer.js';
import { toSendResult } from '../../../src/sinks/kafka.js';
import { recordOffset, recordOutcome } from '../../../src/sinks/types.js';

const base = { retries: 0, retryErrors: {} };

describe('toSendResult: the runner’s view of a produce result', () => {
  it('all acked: ok with every offset (none with acks=0)', () => {
    const r: ProduceResult = { ...base, outcomes: ['acked', 'acked'], offsets: [10, 11] };
    expect(toSendResult(r, false)).toEqual({ ok: true, offsets: [10, 11] });
    expect(toSendResult(r, true)).toEqual({ ok: true, offsets: undefined });
  });

  it('says what the retries met when there were any', () => {
    const r: ProduceResult = {
      outcomes: ['acked'],
      offsets: [3],
      retries: 2,
      retryErrors: { 'KafkaJSConnectionError: connect ECONNREFUSED': 2 },
    };
    expect(toSendResult(r, false)).toEqual({
      ok: true,
      offsets: [3],
      retried: { retries: 2, errors: { 'KafkaJSConnectionError: connect ECONNREFUSED': 2 } },
    });
  });

  it('all alike and not acked: one outcome for the batch', () => {
    const failed = toSendResult(
      { ...base, outcomes: ['failed', 'failed'], offsets: [undefined, undefined], error: 'x' },
      false,
    );
    expect(failed).toEqual({ ok: false, error: 'x', indeterminate: false });
    const unknown = toSendResult({ ...base, outcomes: ['indeterminate'], offsets: [undefined], error: 'y' }, false);
    expect(unknown).toMatchObject({ ok: false, indeterminate: true });
    const unsent = toSendResult(
      {
        ...base,
        outcomes: ['unsent'],
        offsets: [undefined],
        error: 'z',
        fatal: { code: 'E_TOPIC_MISSING', message: 'z', hint: 'h' },
      },
      false,
    );
    expect(unsent).toMatchObject({ ok: false, unsent: true, fatal: { code: 'E_TOPIC_MISSING' } });
    expect(recordOutcome(unsent, 0)).toBe('unsent');
  });

  it('mixed: each record keeps its own outcome and the acked ones their offsets', () => {
    const r: ProduceResult = {
      ...base,
      outcomes: ['acked', 'failed', 'indeterminate'],
      offsets: [7, undefined, undefined],
      error: 'delivery timeout',
    };
    const result = toSendResult(r, false);
    expect(result.ok).toBe(false);
    expect([0, 1, 2].map((i) => recordOutcome(result, i))).toEqual(['acked', 'failed', 'indeterminate']);
    expect([0, 1, 2].map((i) => recordOffset(result, i))).toEqual([7, undefined, undefined]);
  });
});
