import { describe, expect, it } from 'vitest';
import { ExitCode, ScSimError, formatError } from '../../src/errors.js';

describe('errors', () => {
  it('formats code, message, details and hint without a stack', () => {
    const err = new ScSimError('E_SCENARIO_INVALID', 'scenarios.yaml has 2 problems', {
      details: ['scenarios.yaml:3:5 steady.rate: expected a number', 'scenarios.yaml:9:1 x: unknown key'],
      hint: 'fix the lines above',
    });
    expect(formatError(err)).toBe(
      [
        'error[E_SCENARIO_INVALID]: scenarios.yaml has 2 problems',
        '  scenarios.yaml:3:5 steady.rate: expected a number',
        '  scenarios.yaml:9:1 x: unknown key',
        'hint: fix the lines above',
      ].join('\n'),
    );
    expect(err.exitCode).toBe(ExitCode.toolError);
  });

  it('usage errors exit 2; explicit exit codes win', () => {
    expect(new ScSimError('E_USAGE', 'x').exitCode).toBe(2);
    // An argument that names no scenario or event type is a wrong argument too.
    expect(new ScSimError('E_SCENARIO_UNKNOWN', 'x').exitCode).toBe(2);
    expect(new ScSimError('E_EVENT_TYPE_UNKNOWN', 'x').exitCode).toBe(2);
    expect(new ScSimError('E_KAFKA', 'x', { exitCode: ExitCode.verificationFailed }).exitCode).toBe(4);
  });

  it('unexpected errors are labelled internal and point at SC_SIM_DEBUG', () => {
    expect(formatError(new TypeError('boom'))).toMatch(/^error\[E_INTERNAL\]: boom\nhint: .*SC_SIM_DEBUG=1/);
  });
});
