// What sc-sim's records look like in size: the median record (key + value + headers, as the
// encoder makes it: the record size ProducerPerformance is given) and a sample of real records as
// its payload file.
import { writeFileSync } from 'node:fs';
import { newRunId } from '../src/app/prepare.js';
import { DOMAIN_TOPICS, getTopic } from '../src/catalog/topics.js';
import { worldFromConfig } from '../src/generators/index.js';
import { createEncoder } from '../src/records/encode.js';
import type { Scenario } from '../src/scenarios/schema.js';
import { median } from './stats.js';

export interface EventSizes {
  /** Events the figures are taken from: the first `count` the world emits, as a run sends them. */
  count: number;
  /** Record value = the envelope's JSON, bytes. */
  medianValueBytes: number;
  meanValueBytes: number;
  p10ValueBytes: number;
  p90ValueBytes: number;
  /** Record key (the entity id), bytes. */
  medianKeyBytes: number;
  /** Header names and values (the three envelope headers), bytes. */
  medianHeaderBytes: number;
  /** key + value + header names and values: what ProducerPerformance's --record-size is set to. */
  medianRecordBytes: number;
}

export interface EventSample {
  sizes: EventSizes;
  /**
   * Every `count / payloadLines`-th record as one line of the same bytes (key, header names and
   * values, then the JSON value), in order: the payload file's lines, so both sides compress alike.
   */
  payloads: string[];
}

/**
 * Generates the first `count` events of the scenario's world (seeded as the bench runs it) and
 * measures their serialized size exactly as the encoder produces it (JSON of the envelope).
 */
export function sampleEvents(scenario: Scenario, seed: number, count: number, payloadLines: number): EventSample {
  const runId = newRunId();
  const world = worldFromConfig({ ...scenario.world, seed }, { runId });
  const encode = createEncoder({
    runId,
    prefix: '',
    partitions: new Map(DOMAIN_TOPICS.map((t) => [t, getTopic(t)!.partitions])),
    keys: scenario.keys,
  });
  const values = new Array<number>(count);
  const keys = new Array<number>(count);
  const headers = new Array<number>(count);
  const totals = new Array<number>(count);
  const every = Math.max(1, Math.floor(count / payloadLines));
  const payloads: string[] = [];
  for (let i = 0; i < count; i++) {
    const r = encode(world.next());
    let headerBytes = 0;
    let headerText = '';
    for (const [name, value] of Object.entries(r.headers)) {
      headerBytes += Buffer.byteLength(name) + Buffer.byteLength(value);
      headerText += name + value;
    }
    values[i] = r.value.length;
    const keyBytes = r.key?.length ?? 0;
    keys[i] = keyBytes;
    headers[i] = headerBytes;
    totals[i] = keyBytes + r.value.length + headerBytes;
    if (i % every === 0 && payloads.length < payloadLines) payloads.push(r.keyText + headerText + r.value.toString());
  }
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return {
    sizes: {
      count,
      medianValueBytes: Math.round(median(values)),
      meanValueBytes: Math.round(values.reduce((s, v) => s + v, 0) / count),
      p10ValueBytes: at(0.1),
      p90ValueBytes: at(0.9),
      medianKeyBytes: Math.round(median(keys)),
      medianHeaderBytes: Math.round(median(headers)),
      medianRecordBytes: Math.round(median(totals)),
    },
    payloads,
  };
}

/** One payload per line (JSON never contains a raw newline), as ProducerPerformance reads it. */
export function writePayloadFile(path: string, payloads: readonly string[]): void {
  writeFileSync(path, payloads.join('\n'));
}
