/**
 * How much a load run prepares, shared by the generators that play sessions (gtpp, radius): a
 * number of sessions (`--sessions`, default DEFAULT_SESSIONS), or sessions enough for a number of
 * records (`--count`, or `--rate` × `--duration`).
 */
export const DEFAULT_SESSIONS = 10_000;

export interface RunSize {
  readonly sessions?: number | undefined;
  readonly count?: number | undefined;
  /** Records per second; 0: unlimited. */
  readonly rate: number;
  readonly durationMs?: number | undefined;
}

export type SessionLimit = { sessions: number } | { minRecords: number };

export function sessionLimit(o: RunSize): SessionLimit {
  if (o.sessions !== undefined) return { sessions: o.sessions };
  if (o.count !== undefined) return { minRecords: o.count };
  if (o.rate > 0 && o.durationMs !== undefined)
    return { minRecords: Math.ceil((o.rate * o.durationMs) / 1000) };
  return { sessions: DEFAULT_SESSIONS };
}

/** About how many records the run prepares, with `meanPerSession` records in a session. */
export function plannedRecords(o: RunSize, meanPerSession: number): number {
  const limit = sessionLimit(o);
  return 'minRecords' in limit ? limit.minRecords : limit.sessions * meanPerSession;
}
