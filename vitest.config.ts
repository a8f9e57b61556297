import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Integration files that start brokers of their own (a 3-node cluster, a broker to kill, a secured
 * broker) and never touch the suite's shared one: `npm test` runs them in a lane of their own, at the
 * same time as the rest (scripts/test.ts).
 */
/**
 * The CLI fuzzers (1,000 mutated scenario and report files each, through the commands in-process):
 * the heaviest CPU of the unit files, so they run with the CLI files, in the lane whose own-broker
 * files mostly wait, which keeps the two lanes of `npm test` about as long.
 */
const FUZZ_FILES = ['test/unit/cli/fuzz-scenarios.test.ts', 'test/unit/cli/fuzz-reports.test.ts'];

const OWN_BROKER_FILES = [
  'test/integration/cluster.test.ts',
  'test/integration/faults.test.ts',
  'test/integration/secure.test.ts',
];

// Unit tests run anywhere in milliseconds; CLI tests run the real CLI in child processes;
// integration tests need the real local broker, which test/integration/global-setup.ts starts (or
// reuses via SC_SIM_TEST_BROKERS) and stops; own-brokers tests start brokers of their own.
export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...FUZZ_FILES],
          environment: 'node',
          // A hang guard, not a speed target: the 100k-event world tests take seconds on a busy machine.
          testTimeout: 30_000,
          // Both cores: unit files are independent (temp dirs, no broker, no fixed ports) and pure CPU
          // (vitest's default on 2 cores is one worker).
          maxWorkers: 2,
          hookTimeout: 60_000,
        },
      },
      {
        // The real CLI in child processes, as a user runs it (no broker needed).
        test: {
          name: 'cli',
          include: ['test/cli/**/*.test.ts', ...FUZZ_FILES],
          environment: 'node',
          testTimeout: 60_000,
          maxWorkers: 2,
          // After own-brokers (1): `npm test` runs both in one lane, beside unit and integration.
          sequence: { groupOrder: 2 },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...OWN_BROKER_FILES],
          environment: 'node',
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // One shared broker on a 2-core machine: its files run one after another.
          fileParallelism: false,
        },
      },
      {
        // No global setup: each file starts and stops its own broker(s), on ports of its own.
        test: {
          name: 'own-brokers',
          include: OWN_BROKER_FILES,
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 240_000,
          // One file at a time (each holds a JVM or six), before the CLI files (groupOrder 2).
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
