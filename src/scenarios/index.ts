// Scenarios' public entry: the schema of scenarios.yaml, loading it with line positions, and the
// plan line that describes a scenario back. Code outside scenarios/ imports from here.
export { renderScenariosJsonSchema } from './json-schema.js';
export { getScenario, loadScenarios, resolveScenariosPath, type LoadedScenarios } from './loader.js';
export { planLine } from './plan.js';
export { MAX_GENERATOR_THREADS } from './schema.js';
export type { Pathologies, ProducerSettings, Scenario } from './schema.js';
export { resolveTopics, type TopicSelection } from './topics.js';
