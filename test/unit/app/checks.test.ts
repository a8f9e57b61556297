import { describe, expect, it } from 'vitest';
import { checksWithScenarioDefaults } from '../../../src/app/checks.js';
import { planLine } from '../../../src/scenarios/plan.js';
import { ScenarioSchema } from '../../../src/scenarios/schema.js';

describe("a scenario's consumer block", () => {
  const base = {
    description: 'x',
    load: { executor: 'constant-rate', rate: 10, count: 10 },
  };

  it('applies when the CLI sets no consumer, and the CLI wins when it does', () => {
    const scenario = ScenarioSchema.parse({
      ...base,
      consumer: { perEvent: '2ms', concurrency: 2, topics: ['sc.domain.promotion'] },
    });
    expect(checksWithScenarioDefaults({}, scenario).consumer).toEqual({
      perEventMs: 2,
      concurrency: 2,
      topics: ['sc.domain.promotion'],
      drainTimeoutMs: 60_000,
    });
    const fromCli = { perEventMs: 5, concurrency: 1, drainTimeoutMs: 1_000 };
    expect(checksWithScenarioDefaults({ consumer: fromCli }, scenario).consumer).toBe(fromCli);
    expect(planLine(scenario)).toMatch(/consumer 2ms\/event × 2 on 1 topic$/);
  });

  it('is optional, and rejects topics outside the catalog', () => {
    expect(checksWithScenarioDefaults({}, ScenarioSchema.parse(base)).consumer).toBeUndefined();
    const bad = ScenarioSchema.safeParse({
      ...base,
      consumer: { perEvent: '1ms', topics: ['sc.domain.users'] },
    });
    expect(bad.success).toBe(false);
  });
});
