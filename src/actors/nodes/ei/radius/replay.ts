/**
 * Quarantine replay for the RADIUS EI: each chosen request goes into a replay spool file as a logged
 * request from where it came (address, port and receipt time from its quarantine detail), so the
 * handler takes it like one received, without the authenticator check done at receipt.
 */
import { encodeEntry, KIND_MESSAGE } from '../datagram/entry.js';
import { writeReplay } from '../datagram/replay-spool.js';

export function replayRequests(
  actorDir: string,
  raws: readonly Uint8Array[],
  details: readonly (Readonly<Record<string, unknown>> | undefined)[],
): Promise<string> {
  const entries = raws.map((raw, i) => {
    const d = details[i] ?? {};
    return encodeEntry({
      kind: KIND_MESSAGE,
      transport: 'udp',
      address: typeof d['address'] === 'string' ? d['address'] : '0.0.0.0',
      port: typeof d['port'] === 'number' ? d['port'] : 0,
      receivedAtMs: typeof d['receivedAtMs'] === 'number' ? d['receivedAtMs'] : Date.now(),
      message: raw,
    });
  });
  return writeReplay(actorDir, entries);
}
