import { defineConfig } from 'vitest/config';

// Unit tests run anywhere in milliseconds; CLI tests run the real CLI in child processes;
// integration tests need the real local broker, which test/integration/global-setup.ts starts (or
// reuses via SC_SIM_TEST_BROKERS) and stops.
export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          // A hang guard, not a speed target: the 100k-event world tests take seconds on a busy machine.
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        // The real CLI in child processes, as a user runs it (no broker needed).
        test: {
          name: 'cli',
          include: ['test/cli/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // One broker on a 2-core machine: files run one after another so timings stay honest.
          fileParallelism: false,
        },
      },
    ],
  },
});
