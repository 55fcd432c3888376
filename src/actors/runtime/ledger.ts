/**
 * Record-conservation ledger of one actor, kept with its checkpoint:
 *   in + created = out + duplicates + filtered + merged + quarantined + held
 * `created` counts records a node makes that did not arrive as input records (an EI's parsed
 * lines, a split's extra records); `held` is what sits in the node's state at the checkpoint.
 */
export interface Ledger {
  in: number;
  created: number;
  out: number;
  duplicates: number;
  filtered: number;
  merged: number;
  quarantined: number;
  held: number;
}

export type LedgerCounter = Exclude<keyof Ledger, 'held'>;

export function emptyLedger(): Ledger {
  return { in: 0, created: 0, out: 0, duplicates: 0, filtered: 0, merged: 0, quarantined: 0, held: 0 };
}

/** Positive when records are unaccounted for, negative when more left than came in. */
export function ledgerImbalance(l: Ledger): number {
  return l.in + l.created - (l.out + l.duplicates + l.filtered + l.merged + l.quarantined + l.held);
}
