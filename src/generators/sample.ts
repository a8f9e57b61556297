// Example events for `sc-sim sample <event-type>`: runs a default world (same seed, same events)
// until it has produced `count` events of the requested type, so samples carry real context
// (ids that exist, counters that add up) rather than isolated fakes.
import { EVENT_TYPES, closestNames, isEventType } from '../catalog/events.js';
import { ScSimError } from '../errors.js';
import type { WorldConfigInput } from './config.js';
import type { Pools } from './pools.js';
import type { SimEvent } from './types.js';
import { createWorld } from './world.js';

export interface SampleOptions {
  count?: number;
  seed?: number;
  runId?: string;
  /** World settings other than the seed (default: the default world). */
  world?: Omit<WorldConfigInput, 'seed'>;
  /** Give up after this many generated events (default 5,000,000). */
  maxEvents?: number;
  pools?: Pools;
}

export interface SampleResult {
  seed: number;
  events: SimEvent[];
  /** Events generated to find them. */
  scanned: number;
}

export function assertEventType(type: string): void {
  if (!isEventType(type)) {
    throw new ScSimError('E_EVENT_TYPE_UNKNOWN', `unknown event type "${type}"`, {
      hint: `closest: ${closestNames(type, EVENT_TYPES).join(', ')} (\`sc-sim catalog events\` lists all ${EVENT_TYPES.length})`,
    });
  }
}

export function sampleEvents(type: string, opts: SampleOptions = {}): SampleResult {
  assertEventType(type);
  const count = opts.count ?? 1;
  const maxEvents = opts.maxEvents ?? 5_000_000;
  const world = createWorld(
    { ...opts.world, ...(opts.seed === undefined ? {} : { seed: opts.seed }) },
    { runId: opts.runId ?? 'sample', ...(opts.pools ? { pools: opts.pools } : {}) },
  );
  const events: SimEvent[] = [];
  let scanned = 0;
  while (events.length < count && scanned < maxEvents) {
    const e = world.next();
    scanned++;
    if (e.envelope.event_type === type) events.push(e);
  }
  if (events.length < count) {
    throw new ScSimError(
      'E_CONFIG',
      `only ${events.length} ${type} event(s) in the first ${maxEvents} events of this world`,
      {
        hint: 'ask for fewer with --count, or raise the weight of the type (or of its cause) in the world mix',
      },
    );
  }
  return { seed: world.seed, events, scanned };
}
