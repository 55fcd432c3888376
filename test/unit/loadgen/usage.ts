/** The message of the UsageError `f` throws (the load generators' option tests). */
import { expect } from 'vitest';
import { UsageError } from '../../../src/cluster/cli/usage-error.js';

export function usageMessage(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error('expected a UsageError');
}
