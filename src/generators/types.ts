// Contract between the simulated world (producer of events) and everything that consumes its
// output (runner, sinks, sample/schema commands). The world is pure: no I/O, no wall clock.
import type { DomainTopicName } from '../catalog/topics.js';
import type { Envelope } from '../envelope.js';

export interface SimEvent {
  /** Logical (unprefixed) catalog topic, e.g. `sc.domain.order`. */
  topic: DomainTopicName;
  /** The catalog key: the value of the topic's key field (e.g. the order_id). */
  key: string;
  /** Event time in ms since the epoch (same instant as envelope.occurred_at). */
  occurredAtMs: number;
  envelope: Envelope;
  /**
   * The envelope's ids and instant were made by the world (Rng.uuid, Rng.hex, isoUtc) and hold no
   * character JSON escapes: the serializer writes them without a check (records/serialize.ts).
   */
  idsPlain?: boolean;
}

/** An endless, deterministic stream of events from one simulated world. */
export interface EventStream {
  /** The seed actually used (printed so `--seed` reproduces the run). */
  readonly seed: number;
  readonly runId: string;
  /**
   * Next event in emission order. Causal order holds: a cause is returned before its effects.
   * `atMs` (ms since the epoch) is the instant the world acts at, handed in by whoever owns time
   * (the runner); the world never reads a clock. Without it the world's own simulated clock moves
   * on (world.startAt, world.simMsPerEvent): samples, tests and benchmarks use that. An action
   * that emits several events stamps them all with its instant; queued ones keep it.
   */
  next(atMs?: number): SimEvent;
}

/** One part of a sharded run: shard `index` (0-based) of `count`. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}
