/**
 * Wireshark's tshark for interoperability tests. Outside CI a test that needs it is skipped with a
 * loud warning when it is not installed; under CI=true (`.ci/run` installs it) a missing tshark fails.
 */
import { existsSync } from 'node:fs';
import { expect, it } from 'vitest';

export const TSHARK = '/usr/bin/tshark';
export const HAVE_TSHARK = existsSync(TSHARK);

/** Call inside a describe block whose tests need tshark: warns, or fails under CI, when it is absent. */
export function requireTshark(what: string): void {
  if (HAVE_TSHARK) return;
  if (process.env['CI'] === 'true') {
    it('ensures tshark is installed under CI', () => {
      expect(HAVE_TSHARK, `${TSHARK} is required under CI=true (.ci/run installs it)`).toBe(true);
    });
  } else {
    console.warn(`WARNING: ${TSHARK} is not installed: ${what} is NOT checked (apt-get install tshark)`);
  }
}
