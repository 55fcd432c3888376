/**
 * A HandlerContext for node-type unit tests that records what the handler did: emitted records
 * (copies, with their channel), quarantined input, ledger counts, checkpoint requests and alarms.
 */
import pino from 'pino';
import type { HandlerContext, NodeEnv } from '../../src/actors/runtime/actor.js';
import type { LedgerCounter } from '../../src/actors/runtime/ledger.js';
import type { Nar } from '../../src/protocols/nar/nar.js';
import { plainNar } from '../../src/protocols/nar/packed-nar.js';

export interface Recorded {
  readonly emitted: Nar[];
  /** Channel of each emitted record, same index as `emitted`. */
  readonly channels: string[];
  readonly quarantined: Array<{
    raw: string;
    /** The raw as given (text as UTF-8). */
    bytes: Uint8Array;
    reason: string;
    detail: Readonly<Record<string, unknown>> | undefined;
  }>;
  readonly counts: Record<LedgerCounter, number>;
  /** Dropped duplicates per reason (each also in counts.duplicates). */
  readonly duplicates: Record<string, number>;
  checkpointRequests: number;
  /** Current alarms (name → detail), and every change in order. */
  readonly alarms: Map<string, string>;
  readonly alarmChanges: Array<{ name: string; raised: boolean; detail: string }>;
}

export function recorded(): Recorded {
  return {
    emitted: [],
    channels: [],
    quarantined: [],
    counts: { in: 0, out: 0, created: 0, filtered: 0, merged: 0, duplicates: 0, quarantined: 0 },
    duplicates: {},
    checkpointRequests: 0,
    alarms: new Map(),
    alarmChanges: [],
  };
}

export interface ContextOptions {
  readonly nodeId?: string;
  readonly actorDir?: string;
  readonly partition?: number;
  readonly partitions?: number;
}

/** A context at `position`; `position` may be reassigned between calls. */
export function recordingContext(
  out: Recorded,
  position = 1,
  opts: ContextOptions = {},
): HandlerContext & { position: number } {
  const nodeId = opts.nodeId ?? 'node';
  const partition = opts.partition ?? 0;
  return {
    nodeId,
    actorId: `${nodeId}.${partition}`,
    partition,
    partitions: opts.partitions ?? 1,
    actorDir: opts.actorDir ?? '/nonexistent',
    log: pino({ level: 'silent' }),
    position,
    emit: (r, channel = 'default') => {
      out.emitted.push({ ...plainNar(r) });
      out.channels.push(channel);
    },
    quarantine: (raw, reason, detail) => {
      out.counts.quarantined++;
      out.quarantined.push({
        raw: typeof raw === 'string' ? raw : Buffer.from(raw).toString(),
        bytes: typeof raw === 'string' ? new TextEncoder().encode(raw) : Uint8Array.from(raw),
        reason,
        detail,
      });
    },
    duplicate: (reason) => {
      out.counts.duplicates++;
      out.duplicates[reason] = (out.duplicates[reason] ?? 0) + 1;
    },
    count: (c, n) => {
      out.counts[c] += n;
    },
    requestCheckpoint: () => {
      out.checkpointRequests++;
    },
    alarm: (name, raised, detail = '') => {
      out.alarmChanges.push({ name, raised, detail });
      if (raised) out.alarms.set(name, detail);
      else out.alarms.delete(name);
    },
  };
}

/** A NodeEnv for calling a node type's `create` / `ingest` directly. */
export function nodeEnv(actorDir: string, opts: ContextOptions & { poolThreads?: number } = {}): NodeEnv {
  const nodeId = opts.nodeId ?? 'node';
  const partition = opts.partition ?? 0;
  return {
    nodeId,
    actorId: `${nodeId}.${partition}`,
    partition,
    partitions: opts.partitions ?? 1,
    actorDir,
    dataDir: actorDir,
    log: pino({ level: 'silent' }),
    poolThreads: opts.poolThreads ?? 0,
  };
}
