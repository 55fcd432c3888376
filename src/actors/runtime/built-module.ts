/**
 * Threads (actor workers, pool workers) always run the compiled JavaScript. When the caller itself
 * runs from TypeScript sources (the test runner), the sibling module is taken from dist/.
 */
export function builtSibling(callerUrl: string, module: string): URL {
  if (callerUrl.endsWith('.ts')) {
    const compiled = callerUrl.replace('/src/', '/dist/src/');
    return new URL(`./${module}.js`, compiled);
  }
  return new URL(`./${module}.js`, callerUrl);
}
