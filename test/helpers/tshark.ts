/** Wireshark's tshark for interoperability tests (see debian-tool.ts for when it is skipped). */
import { debianTool } from './debian-tool.js';

const tshark = debianTool('/usr/bin/tshark', 'tshark');
export const TSHARK = tshark.path;
export const HAVE_TSHARK = tshark.present;

/** Call inside a describe block whose tests need tshark: warns, or fails under CI, when it is absent. */
export function requireTshark(what: string): void {
  tshark.require(what);
}
