// seed-dev on the real broker writes the whole catalog: every one of the 32 topics receives
// records, every projection and analytics record is valid, keyed and numbered as the catalog says
// and agrees with the domain events it came from, every dead letter's headers point at the record
// that failed, heartbeats count up, and the same seed writes the same records again.
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { runScenario } from '../../src/app/run.js';
import {
  CONSUMER_MAX_VALUE_BYTES,
  DLQ_CATALOG,
  DLQ_FAILURES,
  DLQ_HEADERS,
  HEARTBEAT_TOPIC,
  getDerivedSpec,
} from '../../src/catalog/derived.js';
import { EVENT_TYPES } from '../../src/catalog/events.js';
import { TOPICS, physicalTopicName } from '../../src/catalog/topics.js';
import type { DerivedEnvelope, Envelope } from '../../src/envelope.js';
import { withAdmin } from '../../src/kafka/admin.js';
import { startRangeReader, type KafkaRecord } from '../../src/kafka/consumer.js';
import { offsetsFromReport, type RunReport } from '../../src/report.js';
import { heartbeatSchema } from '../../src/schema/json-schema.js';
import { uniquePrefix } from '../support/cli.js';
import { checkDerived, type DerivedRead } from '../support/derived-check.js';
import { applyCatalog } from '../support/kafka.js';

const addFormats = addFormatsModule.default;
const brokers = inject('brokers').split(',');

interface Read {
  logical: string;
  partition: number;
  offset: number;
  raw: KafkaRecord;
}

/** Everything the run wrote, read back from its start offsets to its end offsets. */
async function readRun(report: RunReport): Promise<Read[]> {
  const { start, end } = offsetsFromReport(report);
  const logicalOf = new Map(Object.entries(report.offsets!.topics).map(([l, t]) => [t.physicalTopic, l]));
  const out: Read[] = [];
  await withAdmin({ brokers }, async (admin) => {
    const reader = startRangeReader({
      connection: { brokers },
      startOffsets: start,
      deleteGroup: (id) => admin.deleteGroups([id]),
      onRecord: (topic, partition, raw) =>
        out.push({ logical: logicalOf.get(topic)!, partition, offset: Number(raw.offset), raw }),
    });
    await reader.ready;
    await reader.finish(end, 120_000);
  });
  return out;
}

const text = (v: Buffer | string | null | undefined): string | undefined =>
  v === null || v === undefined ? undefined : typeof v === 'string' ? v : v.toString('utf8');
function header(r: KafkaRecord, name: string): Buffer | undefined {
  const h = r.headers?.[name];
  const v = Array.isArray(h) ? h[0] : h;
  return v === undefined ? undefined : Buffer.isBuffer(v) ? v : Buffer.from(v);
}

const WALL_CLOCK_START_MS = Date.now();

async function seedDev(label: string): Promise<{ report: RunReport; reads: Read[] }> {
  const prefix = uniquePrefix(label);
  await applyCatalog(brokers, prefix);
  // One wall clock for both runs: a backfill's history ends at the run's start, so the same seed
  // gives the same event times only when both runs start at the same (wall-clock) instant.
  const { report, exitCode } = await runScenario(
    { scenario: 'seed-dev', connection: { brokers }, prefix },
    { wallClock: () => WALL_CLOCK_START_MS },
  );
  expect(exitCode).toBe(0);
  return { report, reads: await readRun(report) };
}

describe('seed-dev writes the whole catalog', () => {
  let run: { report: RunReport; reads: Read[] };
  beforeAll(async () => {
    run = await seedDev('derived');
  }, 300_000);

  it('writes every one of the 32 topics, and the report counts them partition by partition', () => {
    const { report, reads } = run;
    expect(Object.keys(report.offsets!.topics).sort()).toEqual(TOPICS.map((t) => t.name).sort());
    for (const t of TOPICS) {
      const read = reads.filter((r) => r.logical === t.name);
      expect(read.length, t.name).toBeGreaterThan(0);
      const topic = report.summary.topics.find(
        (s) => s.topic === physicalTopicName(t.name, report.prefix) || s.topic === t.name,
      )!;
      expect(topic.acked, t.name).toBe(read.length);
      for (const p of topic.partitions)
        expect(read.filter((r) => r.partition === p.partition).length, `${t.name}[${p.partition}]`).toBe(p.events);
    }
    // The domain stream still has every one of the 74 event types.
    const types = new Set(
      reads
        .filter((r) => r.logical.startsWith('sc.domain.'))
        .map((r) => (JSON.parse(text(r.raw.value)!) as Envelope).event_type),
    );
    expect([...types].sort()).toEqual([...EVENT_TYPES].sort());
  });

  it('every projection and analytics record validates, is keyed and numbered as the catalog says, refers to a domain event that exists, and every card equals the fold of its entity’s domain events up to its source', () => {
    const domain = run.reads
      .filter((r) => r.logical.startsWith('sc.domain.'))
      .map((r) => JSON.parse(text(r.raw.value)!) as Envelope);
    const derived: DerivedRead[] = run.reads
      .filter((r) => getDerivedSpec(r.logical))
      .map((r) => ({
        topic: r.logical,
        key: text(r.raw.key)!,
        envelope: JSON.parse(text(r.raw.value)!) as DerivedEnvelope,
      }));
    // The run stops at its count: the last domain event's derived records may be cut, nothing else.
    const check = checkDerived(domain, derived);
    expect(check.problems).toEqual([]);
    expect(check.sourcesFound).toBe(derived.length);
    expect(check.foldsCompared).toBeGreaterThan(10_000);
    expect(check.perTopic.size).toBe(20);
  });

  it('dead letters carry Spring Kafka’s headers, parseable, pointing at the failed record', () => {
    const dlq = run.reads.filter((r) => r.logical.startsWith('sc.dlq.'));
    expect(new Set(dlq.map((r) => r.logical)).size).toBe(DLQ_CATALOG.length);
    const byPosition = new Map(
      run.reads.map((r) => [`${physicalTopicName(r.logical, run.report.prefix)}/${r.partition}/${r.offset}`, r]),
    );
    const failures = new Set<string>();
    for (const r of dlq) {
      for (const h of DLQ_HEADERS) expect(header(r.raw, h.name), `${r.logical} ${h.name}`).toBeDefined();
      const topic = header(r.raw, 'kafka_dlt-original-topic')!.toString('utf8');
      const partition = header(r.raw, 'kafka_dlt-original-partition')!.readInt32BE(0);
      const offset = Number(header(r.raw, 'kafka_dlt-original-offset')!.readBigInt64BE(0));
      const timestampMs = Number(header(r.raw, 'kafka_dlt-original-timestamp')!.readBigInt64BE(0));
      const attempts = header(r.raw, 'retry_topic-attempts')!.readInt32BE(0);
      const failure = header(r.raw, 'sc-dlq-failure')!.toString('utf8');
      failures.add(failure);
      const spec = DLQ_CATALOG.find((d) => d.topic === r.logical)!;
      expect(header(r.raw, 'kafka_dlt-original-consumer-group')!.toString('utf8')).toBe(spec.consumerGroup);
      expect(header(r.raw, 'kafka_dlt-original-timestamp-type')!.toString('utf8')).toBe('CreateTime');
      expect(header(r.raw, 'kafka_dlt-exception-fqcn')!.toString('utf8')).toMatch(/^org\.springframework\.kafka\./);
      expect(attempts).toBeGreaterThanOrEqual(1);
      expect(DLQ_FAILURES).toContain(failure);
      // The original is in the log where the headers say, and it is the event the key names.
      const original = byPosition.get(`${topic}/${partition}/${offset}`);
      expect(original, `${r.logical} → ${topic}[${partition}]@${offset}`).toBeDefined();
      const env = JSON.parse(text(original!.raw.value)!) as Envelope;
      expect(env.event_id).toBe(text(r.raw.key));
      expect((spec.sourceTopics as readonly string[]).includes(original!.logical)).toBe(true);
      expect(Math.abs(timestampMs - Number(original!.raw.timestamp))).toBeLessThan(60_000);
      const value = r.raw.value as Buffer;
      const originalValue = original!.raw.value as Buffer;
      switch (failure) {
        case 'processing_timeout':
          expect(value.equals(originalValue)).toBe(true);
          break;
        case 'truncated_json':
          expect(() => JSON.parse(value.toString('utf8'))).toThrow();
          expect(originalValue.subarray(0, value.length).equals(value)).toBe(true);
          break;
        case 'wrong_schema_version':
          expect((JSON.parse(value.toString('utf8')) as Envelope).event_version).toBe(env.event_version + 1);
          break;
        case 'unknown_event_type':
          expect(EVENT_TYPES).not.toContain((JSON.parse(value.toString('utf8')) as Envelope).event_type);
          break;
        case 'oversize':
          expect(value.length).toBeGreaterThan(CONSUMER_MAX_VALUE_BYTES);
          break;
      }
    }
    expect(failures.size).toBeGreaterThanOrEqual(3);
  });

  it('one keyless heartbeat per second, valid, counting up', () => {
    const beats = run.reads.filter((r) => r.logical === HEARTBEAT_TOPIC);
    const ajv = new Ajv({ strict: true, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(heartbeatSchema());
    // One a second while the run schedules records (not while it drains its last sends).
    const durationS = run.report.run.durationMs / 1000;
    // (At least one: a fast machine writes seed-dev's 40,000 records in about a second.)
    expect(beats.length).toBeGreaterThanOrEqual(Math.max(1, Math.floor(durationS) - 1));
    expect(beats.length).toBeLessThanOrEqual(Math.ceil(durationS) + 1);
    const lastUptimeS = (JSON.parse(text(beats.at(-1)!.raw.value)!) as { uptime_ms: number }).uptime_ms / 1000;
    expect(beats.length).toBeGreaterThanOrEqual(Math.floor(lastUptimeS) - 1);
    let last = { sequence: 0, acked: -1 };
    for (const b of beats) {
      expect(b.raw.key).toBeNull();
      const hb = JSON.parse(text(b.raw.value)!) as { sequence: number; acked: number; sent: number; run_id: string };
      expect(validate(hb), JSON.stringify(validate.errors)).toBe(true);
      expect(hb.run_id).toBe(run.report.run.id);
      expect(hb.sequence).toBe(last.sequence + 1);
      expect(hb.acked).toBeGreaterThanOrEqual(last.acked);
      expect(hb.sent).toBeGreaterThanOrEqual(hb.acked);
      last = hb;
    }
  });

  it('is deterministic: the same seed writes the same records to every domain, projection and analytics partition', async () => {
    const again = await seedDev('derived-again');
    // Values differ only in the run id; heartbeats and dead letters are placed by the clock and the
    // acks, so the count can end a few records earlier or later in another run.
    const norm = (r: Read) =>
      text(r.raw.value)!.replaceAll(again.report.run.id, 'RUN').replaceAll(run.report.run.id, 'RUN');
    const partitions = (reads: Read[]) => {
      const m = new Map<string, string[]>();
      for (const r of reads) {
        if (r.logical.startsWith('sc.dlq.') || r.logical === HEARTBEAT_TOPIC) continue;
        const k = `${r.logical}/${r.partition}`;
        if (!m.has(k)) m.set(k, []);
        m.get(k)!.push(norm(r));
      }
      return m;
    };
    const a = partitions(run.reads);
    const b = partitions(again.reads);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    let compared = 0;
    for (const [k, listA] of a) {
      const listB = b.get(k)!;
      const n = Math.min(listA.length, listB.length);
      expect(listB.slice(0, n), k).toEqual(listA.slice(0, n));
      expect(Math.abs(listA.length - listB.length), k).toBeLessThanOrEqual(20);
      compared += n;
    }
    expect(compared).toBeGreaterThan(39_000);
    // The same events are dead-lettered, the same way.
    const letters = (reads: Read[]) =>
      new Map(
        reads.filter((r) => r.logical.startsWith('sc.dlq.')).map((r) => [`${r.logical}/${text(r.raw.key)}`, norm(r)]),
      );
    const la = letters(run.reads);
    const lb = letters(again.reads);
    const common = [...la.keys()].filter((k) => lb.has(k));
    expect(common.length).toBeGreaterThanOrEqual(Math.min(la.size, lb.size) - 2);
    for (const k of common) expect(lb.get(k), k).toBe(la.get(k));
  }, 300_000);
});
