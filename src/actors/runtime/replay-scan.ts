/**
 * What a starting actor must know of the entries its log holds after the checkpoint, before it
 * replays them: how many are work (not ticks), which producer batches are in already (so a
 * producer re-sending them is not appended twice) and the last output change among them.
 */
import { decodeBatchHeader, unpackValue } from '../../protocols/nar/batch.js';
import type { InputLog } from '../durability/input-log.js';
import type { Watermarks } from '../durability/watermarks.js';
import { decodeTick, ENTRY_BATCH, ENTRY_CONTROL, ENTRY_EXTERNAL, ENTRY_TICK } from './entries.js';
import type { OutputSpec } from './protocol.js';

/** Entries read from the log at a time. */
const SLICE_ENTRIES = 512;

export interface ReplayScan {
  /** Entries other than ticks from `from` on. */
  readonly pendingWork: number;
  /** Outputs in effect at the end of the log: the last control entry's, else `specs`. */
  readonly lastSpecs: readonly OutputSpec[];
  /** The latest tick time among them (0: no tick). */
  readonly lastTickMs: number;
}

/** Reads the log from `from` to its durable end; marks each batch's producer sequence in `appended`. */
export async function scanAfterCheckpoint(
  log: InputLog,
  from: number,
  appended: Watermarks,
  specs: readonly OutputSpec[],
): Promise<ReplayScan> {
  let lastSpecs = specs;
  let pendingWork = 0;
  let lastTickMs = 0;
  for await (const e of log.entries(from, SLICE_ENTRIES)) {
    if (e.kind !== ENTRY_TICK) pendingWork++;
    else lastTickMs = Math.max(lastTickMs, decodeTick(e.payload));
    if (e.kind === ENTRY_BATCH) {
      const h = decodeBatchHeader(e.payload);
      appended.accept(h.producer, h.sequence);
    } else if (e.kind === ENTRY_CONTROL) {
      lastSpecs = unpackValue(e.payload) as OutputSpec[];
    }
  }
  return { pendingWork, lastSpecs, lastTickMs };
}

/**
 * The external entries (an ingest's own input) from `from` through `through`: what an ingest finds
 * in the log after the checkpoint when it starts (read when it asks, not kept from the scan).
 */
export async function externalEntries(
  log: InputLog,
  from: number,
  through: number,
): Promise<Array<{ lsn: number; payload: Uint8Array }>> {
  const out: Array<{ lsn: number; payload: Uint8Array }> = [];
  for await (const e of log.entries(from, SLICE_ENTRIES)) {
    if (e.lsn > through) break;
    if (e.kind === ENTRY_EXTERNAL) out.push({ lsn: e.lsn, payload: e.payload });
  }
  return out;
}
