/**
 * One quarantined item: what arrives at the writer, how it is stored (a msgpack map in one frame),
 * and its id `<actorId>:<position>:<ordinal>`.
 */
import { packValue, unpackValue } from '../../protocols/nar/batch.js';
import { QuarantineCorruptError, QuarantineUsageError } from './errors.js';
import type { QuarantineKey } from './format.js';

export interface QuarantineAppend {
  /** Input-log position of the entry that held the rejected input. */
  readonly position: number;
  /** Index of the rejected item within that entry. */
  readonly ordinal: number;
  readonly node: string;
  /** Where the input came from (a peer address, a file name, the producing actor). */
  readonly source: string;
  /** A bounded error code. */
  readonly reason: string;
  readonly detail?: Readonly<Record<string, unknown>> | undefined;
  readonly raw: Uint8Array;
  readonly timeMs: number;
}

/** A stored item as read back. */
export interface StoredEntry extends QuarantineKey {
  readonly node: string;
  readonly source: string;
  readonly reason: string;
  readonly detail: Record<string, unknown> | undefined;
  readonly raw: Uint8Array;
  readonly timeMs: number;
}

const ACTOR_ID = /^[A-Za-z0-9._-]{1,200}$/;

export function checkActorId(actorId: string): string {
  if (!ACTOR_ID.test(actorId) || actorId === '.' || actorId === '..') {
    throw new QuarantineUsageError(
      'invalid_actor_id',
      `actor id: expected 1–200 characters of A–Z a–z 0–9 . _ - (not "." or ".."), got "${actorId}"`,
    );
  }
  return actorId;
}

export function entryId(actorId: string, key: QuarantineKey): string {
  return `${actorId}:${key.position}:${key.ordinal}`;
}

export function parseEntryId(id: string): { readonly actorId: string } & QuarantineKey {
  const m = /^([^:]+):(\d{1,16}):(\d{1,16})$/.exec(id);
  const position = Number(m?.[2]);
  const ordinal = Number(m?.[3]);
  if (m?.[1] === undefined || !Number.isSafeInteger(position) || !Number.isSafeInteger(ordinal)) {
    throw new QuarantineUsageError(
      'invalid_id',
      `quarantine id: expected <actorId>:<position>:<ordinal>, got "${id}"`,
    );
  }
  return { actorId: checkActorId(m[1]), position, ordinal };
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

export function checkAppend(e: QuarantineAppend): void {
  const bad = (field: string, expected: string, got: unknown): never => {
    throw new QuarantineUsageError(
      'invalid_entry',
      `quarantine entry ${field}: expected ${expected}, got ${String(got)}`,
    );
  };
  if (!isCount(e.position)) bad('position', 'a safe integer >= 0', e.position);
  if (!isCount(e.ordinal)) bad('ordinal', 'a safe integer >= 0', e.ordinal);
  if (typeof e.node !== 'string' || e.node === '') bad('node', 'a non-empty string', e.node);
  if (typeof e.source !== 'string') bad('source', 'a string', e.source);
  if (typeof e.reason !== 'string' || e.reason === '') bad('reason', 'a non-empty string', e.reason);
  if (!(e.raw instanceof Uint8Array)) bad('raw', 'a Uint8Array', typeof e.raw);
  if (!Number.isFinite(e.timeMs)) bad('timeMs', 'a finite number', e.timeMs);
}

/**
 * The frame payload of one entry. A detail that msgpack cannot encode does not lose the entry: it is
 * stored as `{ unencodableDetail: <why> }` next to the raw bytes.
 */
export function encodeEntry(e: QuarantineAppend): Uint8Array {
  const base = {
    position: e.position,
    ordinal: e.ordinal,
    node: e.node,
    source: e.source,
    reason: e.reason,
    raw: e.raw,
    timeMs: e.timeMs,
  };
  if (e.detail === undefined) return packValue(base);
  try {
    return packValue({ ...base, detail: e.detail });
  } catch (err) {
    return packValue({
      ...base,
      detail: { unencodableDetail: err instanceof Error ? err.message : String(err) },
    });
  }
}

export function decodeEntry(payload: Uint8Array, file: string, offset: number): StoredEntry {
  const bad = (what: string): never => {
    throw new QuarantineCorruptError('bad_entry', file, offset, what);
  };
  let v: unknown;
  try {
    v = unpackValue(payload);
  } catch (err) {
    return bad(`entry is not msgpack: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (typeof v !== 'object' || v === null) return bad('expected an entry map');
  const o = v as Record<string, unknown>;
  const { position, ordinal, node, source, reason, raw, timeMs, detail } = o;
  if (!isCount(position) || !isCount(ordinal)) return bad('expected integer position and ordinal');
  if (typeof node !== 'string' || typeof source !== 'string' || typeof reason !== 'string') {
    return bad('expected string node, source and reason');
  }
  if (!(raw instanceof Uint8Array)) return bad('expected raw bytes');
  if (typeof timeMs !== 'number') return bad('expected a numeric timeMs');
  if (detail !== undefined && (typeof detail !== 'object' || detail === null))
    return bad('expected a detail map');
  return {
    position,
    ordinal,
    node,
    source,
    reason,
    detail: detail as Record<string, unknown> | undefined,
    raw: new Uint8Array(raw),
    timeMs,
  };
}
