// The simulated world's public entry: a seeded, pure stream of catalog events (see world.ts), its
// configuration, and samples of single event types. Code outside generators/ imports from here.
export { WorldConfigSchema, type WorldConfig, type WorldConfigInput } from './config.js';
export { DERIVED_TYPES, isDerivedType, resolveMix } from './mix.js';
export { sampleEvents } from './sample.js';
export type { SimEvent } from './types.js';
export { createWorld, parseWorldConfig, worldFromConfig, type WorldStats, type WorldStream } from './world.js';
