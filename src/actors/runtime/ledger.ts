/**
 * Record-conservation ledger of one actor, kept with its checkpoint:
 *   in + created + movedIn = out + duplicates + filtered + merged + quarantined + held + movedOut
 * `created` counts records a node makes that did not arrive as input records (an EI's parsed
 * lines, a split's extra records); `held` is what sits in the node's state at the checkpoint.
 * `movedIn`/`movedOut` count held records that changed actor with their key group when a node
 * was repartitioned (its number of actors or key groups changed): the records left one actor's
 * state and entered another's without passing through either actor's input or output.
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
  movedIn: number;
  movedOut: number;
}

/** Counters a handler may add to with `ctx.count` (held is read from the handler, moves are the host's). */
export type LedgerCounter = Exclude<keyof Ledger, 'held' | 'movedIn' | 'movedOut'>;

export function emptyLedger(): Ledger {
  return {
    in: 0,
    created: 0,
    out: 0,
    duplicates: 0,
    filtered: 0,
    merged: 0,
    quarantined: 0,
    held: 0,
    movedIn: 0,
    movedOut: 0,
  };
}

/** Positive when records are unaccounted for, negative when more left than came in. */
export function ledgerImbalance(l: Ledger): number {
  return (
    l.in +
    l.created +
    l.movedIn -
    (l.out + l.duplicates + l.filtered + l.merged + l.quarantined + l.held + l.movedOut)
  );
}
