// Captures the ScSimError a call throws, so tests can assert on its code, message and hint.
import { ScSimError } from '../../src/errors.js';

export function scSimErrorOf(fn: () => unknown): ScSimError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ScSimError) return err;
    throw err;
  }
  throw new Error('expected an ScSimError');
}
