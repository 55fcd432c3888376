/**
 * Tools from Debian packages that interoperability tests run (tshark, radclient, softflowd, nfdump).
 * Outside CI a test that needs one is skipped with a loud warning when it is not installed; under
 * CI=true (`.ci/run` installs them) a missing tool fails.
 */
import { existsSync } from 'node:fs';
import { expect, it } from 'vitest';

export interface DebianTool {
  readonly path: string;
  readonly present: boolean;
  /** Call inside a describe block whose tests need the tool: warns, or fails under CI, when it is absent. */
  require(what: string): void;
}

export function debianTool(path: string, debianPackage: string): DebianTool {
  const present = existsSync(path);
  return {
    path,
    present,
    require(what: string): void {
      if (present) return;
      if (process.env['CI'] === 'true') {
        it(`ensures ${path} is installed under CI`, () => {
          expect(present, `${path} is required under CI=true (.ci/run installs ${debianPackage})`).toBe(true);
        });
      } else {
        console.warn(
          `WARNING: ${path} is not installed: ${what} is NOT checked (apt-get install ${debianPackage})`,
        );
      }
    },
  };
}
