// The admin session's own handling of kafkajs answers (the session itself is tested on a real broker).
import { describe, expect, it } from 'vitest';
import { emptyAnswerIsRetriable } from '../../../src/kafka/admin.js';

describe('emptyAnswerIsRetriable', () => {
  it("makes kafkajs's TypeError on an empty offsets answer retriable, and leaves other errors alone", () => {
    const empty = new TypeError("Cannot destructure property 'partitions' of 'low.pop(...)' as it is undefined.");
    expect(() => emptyAnswerIsRetriable(empty)).toThrow(expect.objectContaining({ retriable: true }));
    const other = new TypeError('something else');
    expect(() => emptyAnswerIsRetriable(other)).toThrow(other);
    const kafka = Object.assign(new Error('UNKNOWN_TOPIC_OR_PARTITION'), { retriable: true });
    expect(() => emptyAnswerIsRetriable(kafka)).toThrow(kafka);
  });
});
