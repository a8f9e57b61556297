// The dependency rule, checked by `npm run lint`: imports point down the layers only
//   cli -> app -> features -> infrastructure -> catalog -> base (errors, config, version)
// with no import cycles, one module per Kafka role talking to kafkajs, pure generators and
// renderers, and a runner that knows no Kafka. README "Development" describes the same layers.
const CLI = '^src/(cli\\.ts$|cli/)';
const APP = '^src/app/';
const FEATURES =
  '^src/(scenarios|generators|verify|consume|report|render|records|schema|topics|derive)/|^src/(runner|report)\\.ts$|^src/runner/';
const INFRA = '^src/(sinks|kafka|metrics|partitioning)/';
const CATALOG = '^src/(catalog/|envelope\\.ts$)';
const BASE = '^src/(errors|config|version)\\.ts$';

/** A rule that forbids `from` to import `to`, with a reason people can act on. */
const forbid = (name, comment, from, to) => ({ name, comment, severity: 'error', from, to });

module.exports = {
  forbidden: [
    forbid('no-circular', 'files that import each other cannot be understood or tested apart', {}, { circular: true }),
    forbid(
      'cli-is-the-top',
      'nothing imports the CLI: the app layer is the entry for bench and tests',
      { path: '^src/', pathNot: CLI },
      { path: CLI },
    ),
    forbid(
      'bench-calls-the-app',
      'the bench assembles runs through src/app, never the CLI',
      { path: '^bench/' },
      { path: CLI },
    ),
    forbid(
      'tests-call-the-app',
      'only the CLI tests import the CLI; the others go through src/app',
      { path: '^test/', pathNot: '^test/(cli/|unit/cli/|support/(cli|in-process-cli)\\.ts$)' },
      { path: CLI },
    ),
    forbid(
      'app-is-above-features',
      'features, infrastructure and the catalog do not import the app layer',
      { path: `${FEATURES}|${INFRA}|${CATALOG}|${BASE}` },
      { path: APP },
    ),
    forbid(
      'features-are-above-infrastructure',
      'infrastructure (sinks, Kafka, metrics) imports no feature: features get small interfaces from it',
      { path: `${INFRA}|${CATALOG}|${BASE}` },
      { path: FEATURES },
    ),
    forbid(
      'infrastructure-is-above-the-catalog',
      'the catalog is data: it imports no infrastructure',
      { path: `${CATALOG}|${BASE}` },
      { path: INFRA },
    ),
    forbid(
      'catalog-is-above-base',
      'errors, config and version import nothing of sc-sim above them',
      { path: BASE },
      { path: CATALOG },
    ),
    forbid(
      'one-kafka-client-module-per-role',
      "only the client factory and its SASL/TLS settings, the admin session, the consumers, the produce path (src/kafka/producer/: it uses kafkajs internals, pinned) and the local broker's ACL set-up talk to kafkajs",
      { path: '^src/', pathNot: '^src/kafka/((client|admin|consumer|security)\\.ts$|producer/|local/users\\.ts$)' },
      { path: 'node_modules/kafkajs' },
    ),
    forbid(
      'generators-are-pure',
      'generators do no I/O: no file system, network, processes or infrastructure',
      { path: '^src/generators/' },
      { path: `${INFRA}|^(node:)?(fs|net|http|https|child_process|worker_threads|dgram)(/|$)` },
    ),
    forbid(
      'runner-knows-no-kafka',
      'the runner paces and hands batches to a Sink; it never sees a Kafka client',
      { path: '^src/runner(\\.ts$|/)' },
      { path: '^src/kafka/|node_modules/kafkajs|^src/sinks/(?!types\\.ts$)' },
    ),
    forbid(
      'renderers-only-format',
      'render/ is pure formatting: no I/O, no clients',
      { path: '^src/render/' },
      { path: `${APP}|^src/(kafka|sinks)/(?!types\\.ts$)|^(node:)?(fs|net|child_process)(/|$)` },
    ),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
