// One real record per derived topic, from a seeded seed-dev world: the samples of the README's
// derived-topic tables (`npm run docs`) and of `sc-sim catalog derived`. Deterministic.
import { DERIVED_CATALOG, DLQ_CATALOG, type DlqFailure } from '../catalog/derived.js';
import { TOPICS } from '../catalog/topics.js';
import { createEncoder } from '../records/encode.js';
import { createWorld } from '../generators/index.js';
import { PRODUCER } from '../version.js';
import { dlqPicks } from './dlq.js';
import { DerivedEncoder } from './encode.js';
import { Projector } from './projector.js';

export interface DerivedSample {
  topic: string;
  key: string | null;
  /** Headers as text (binary ones decoded, e.g. an offset as its number). */
  headers: Record<string, string>;
  /** The value as JSON, or as text when it is not JSON (a truncated dead letter). */
  value: unknown;
}

const SAMPLE_RUN = 'sample';
const SEED = 42;
const POPULATION = { users: 200, suppliers: 20, communities: 15, products: 100, promotions: 10, posts: 50 };
/** Skip the first records of a topic: the world's bootstrap makes them all look alike. */
const SKIP = 3;

function textHeaders(headers: Record<string, string | Buffer>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    out[k] = typeof v === 'string' ? v : v.length === 4 ? String(v.readInt32BE(0)) : String(v.readBigInt64BE(0));
  }
  return out;
}

/** A sample record per derived, DLQ and heartbeat topic, in catalog order. */
export function derivedSamples(): DerivedSample[] {
  const world = createWorld({ seed: SEED, population: POPULATION }, { runId: SAMPLE_RUN });
  const projector = new Projector({ runId: SAMPLE_RUN, producer: PRODUCER });
  const partitions = new Map(TOPICS.map((t) => [t.name, t.partitions]));
  const encode = createEncoder({ runId: SAMPLE_RUN, prefix: '', partitions });
  const encoder = new DerivedEncoder({ runId: SAMPLE_RUN, prefix: '', partitions });
  const samples = new Map<string, DerivedSample>();
  const seen = new Map<string, number>();
  const wanted = DERIVED_CATALOG.length + DLQ_CATALOG.length;
  const failures = new Set<DlqFailure>();
  for (let i = 0; i < 200_000 && samples.size < wanted; i++) {
    const event = world.next();
    for (const d of projector.project(event.envelope)) {
      const n = (seen.get(d.topic) ?? 0) + 1;
      seen.set(d.topic, n);
      if (n === SKIP && !samples.has(d.topic)) {
        samples.set(d.topic, { topic: d.topic, key: d.key, headers: {}, value: d.envelope });
      }
    }
    const record = encode(event);
    const all = new Set<string>(DLQ_CATALOG.map((d) => d.topic));
    for (const pick of dlqPicks(event.envelope, event.topic, all)) {
      // Show a different failure per DLQ where the draw allows.
      if (samples.has(pick.spec.topic) || (failures.has(pick.failure) && failures.size < 4)) continue;
      failures.add(pick.failure);
      const origin = {
        topic: record.topic,
        partition: record.partition,
        offset: 1_234 + i,
        timestampMs: event.occurredAtMs,
      };
      const r = encoder.dlq(pick, event.envelope, record.value, origin);
      const text = r.value.toString();
      let value: unknown = text;
      try {
        value = JSON.parse(text);
      } catch {
        // A truncated value stays text.
      }
      samples.set(pick.spec.topic, { topic: pick.spec.topic, key: r.keyText, headers: textHeaders(r.headers), value });
    }
  }
  const heartbeat = encoder.heartbeat({
    instance_id: 'build-host:4242',
    run_id: 'run-20260101T120000-a1b2c3',
    producer: PRODUCER,
    sequence: 7,
    emitted_at: '2026-01-01T12:00:07.001Z',
    uptime_ms: 7_002,
    sent: 35_000,
    acked: 34_312,
    failed: 0,
    dropped: 0,
  });
  samples.set(heartbeat.logicalTopic, {
    topic: heartbeat.logicalTopic,
    key: null,
    headers: textHeaders(heartbeat.headers),
    value: JSON.parse(heartbeat.value.toString('utf8')),
  });
  return TOPICS.flatMap((t) => {
    const s = samples.get(t.name);
    return s ? [s] : [];
  });
}
