import { defineConfig } from 'vitest/config';

// Unit tests run anywhere in milliseconds; integration tests need the real local broker, which
// test/integration/global-setup.ts starts (or reuses via SC_SIM_TEST_BROKERS) and stops.
export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
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
