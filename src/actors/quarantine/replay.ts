/**
 * Choosing what to replay after a fix: entries not replayed yet, in (actor, position, ordinal) order.
 * Re-injecting them into a node happens elsewhere; after it succeeds, `reader.markReplayed(ids, now)`
 * records it so an entry is never replayed twice.
 */
import { QuarantineUsageError } from './errors.js';
import { compareActorIds, type QuarantineEntry, type QuarantineReader } from './reader.js';

export interface ReplaySelection {
  /** Only these entries (each must exist; already replayed ones are left out). */
  readonly ids?: readonly string[];
  readonly node?: string;
  readonly reason?: string;
}

export function compareEntries(a: QuarantineEntry, b: QuarantineEntry): number {
  return compareActorIds(a.actorId, b.actorId) || a.position - b.position || a.ordinal - b.ordinal;
}

export async function selectForReplay(
  reader: QuarantineReader,
  selection: ReplaySelection = {},
): Promise<QuarantineEntry[]> {
  let entries = await reader.list();
  if (selection.ids !== undefined) {
    const wanted = new Set(selection.ids);
    const stored = new Set(entries.map((e) => e.id));
    const unknown = [...wanted].filter((id) => !stored.has(id));
    if (unknown.length > 0) {
      throw new QuarantineUsageError(
        'unknown_id',
        `expected ids of stored quarantine entries; not found: ${unknown.slice(0, 10).join(', ')}` +
          (unknown.length > 10 ? `, … (${unknown.length} in all)` : ''),
      );
    }
    entries = entries.filter((e) => wanted.has(e.id));
  }
  const { node, reason } = selection;
  if (node !== undefined) entries = entries.filter((e) => e.node === node);
  if (reason !== undefined) entries = entries.filter((e) => e.reason === reason);
  return entries.filter((e) => e.status === 'pending').sort(compareEntries);
}
