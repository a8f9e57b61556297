// What sc-sim's records look like in size: the median serialized event of a scenario's world (the
// record size ProducerPerformance is given) and a sample of real events as its payload file.
import { writeFileSync } from 'node:fs';
import { newRunId } from '../src/app/prepare.js';
import { worldFromConfig } from '../src/generators/index.js';
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
}

export interface EventSample {
  sizes: EventSizes;
  /** Every `count / payloadLines`-th value, in order: the payload file's lines. */
  payloads: string[];
}

/**
 * Generates the first `count` events of the scenario's world (seeded as the bench runs it) and
 * measures their serialized size exactly as the encoder produces it (JSON of the envelope).
 */
export function sampleEvents(scenario: Scenario, seed: number, count: number, payloadLines: number): EventSample {
  const world = worldFromConfig({ ...scenario.world, seed }, { runId: newRunId() });
  const values = new Array<number>(count);
  const keys = new Array<number>(count);
  const every = Math.max(1, Math.floor(count / payloadLines));
  const payloads: string[] = [];
  for (let i = 0; i < count; i++) {
    const event = world.next();
    const json = JSON.stringify(event.envelope);
    values[i] = Buffer.byteLength(json, 'utf8');
    keys[i] = Buffer.byteLength(event.key, 'utf8');
    if (i % every === 0 && payloads.length < payloadLines) payloads.push(json);
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
    },
    payloads,
  };
}

/** One payload per line (JSON never contains a raw newline), as ProducerPerformance reads it. */
export function writePayloadFile(path: string, payloads: readonly string[]): void {
  writeFileSync(path, payloads.join('\n'));
}
