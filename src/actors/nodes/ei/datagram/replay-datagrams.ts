/**
 * Quarantine replay for the datagram EIs that log what they receive (RADIUS, NetFlow/IPFIX): each
 * chosen raw goes into a replay spool file as a datagram from where it came (address, port and
 * receipt time from its quarantine detail), so the handler takes it like one received (checks done
 * at receipt, such as RADIUS authenticators, are not repeated).
 */
import type { HandlerContext } from '../../../runtime/actor.js';
import { decodeFileEntry } from '../file-pickup.js';
import { decodeEntry, encodeEntry, KIND_MESSAGE, type DatagramEntry } from './entry.js';
import { readLoggedReplay, writeReplay } from './replay-spool.js';

export function replayDatagrams(
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

/**
 * The datagrams of a logged replay spool file (`payload`: the pick-up's file entry), each handed to
 * `take`; a raw that is not a datagram entry is quarantined (`invalid_replay_entry`).
 */
export function takeReplayedDatagrams(
  payload: Uint8Array,
  actorDir: string,
  ctx: HandlerContext,
  take: (entry: DatagramEntry) => void,
): void {
  const file = decodeFileEntry(payload);
  const raws = readLoggedReplay(actorDir, file, ctx.position);
  if (raws === undefined) {
    ctx.log.warn({ file: file.name }, 'logged replay spool file is gone');
    return;
  }
  for (const raw of raws) {
    let entry: DatagramEntry;
    try {
      entry = decodeEntry(raw);
    } catch (err) {
      ctx.count('created', 1);
      ctx.quarantine(raw, 'invalid_replay_entry', { replay: file.name, error: (err as Error).message });
      continue;
    }
    take(entry);
  }
}
