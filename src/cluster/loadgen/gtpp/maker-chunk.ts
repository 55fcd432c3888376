/**
 * Messages made in the maker's worker thread travel to the sending thread in chunks: their requests
 * packed into one buffer (transferred, not copied), the rest (truth lines, sessions) as they are.
 */
import type { MadeCounts, MadeMessage } from './maker.js';

/** Worker requests: the next messages, or to open no new session from now on. */
export type ChunkRequest = { readonly messages: number } | { readonly finishSessions: true };

export interface MadeChunk {
  readonly messages: Array<Omit<MadeMessage, 'frame'>>;
  /** The requests, one after the other; `ends[i]` is where message i's ends. */
  readonly frames: ArrayBuffer;
  readonly ends: Int32Array;
  /** The maker has no more messages. */
  readonly done: boolean;
  readonly made: MadeCounts;
}

export function packChunk(made: readonly MadeMessage[], done: boolean, counts: MadeCounts): MadeChunk {
  const ends = new Int32Array(made.length);
  let bytes = 0;
  made.forEach((m, i) => {
    bytes += m.frame.length;
    ends[i] = bytes;
  });
  const frames = new Uint8Array(bytes);
  made.forEach((m, i) => frames.set(m.frame, (ends[i] as number) - m.frame.length));
  return {
    messages: made.map(({ frame: _frame, ...rest }) => rest),
    frames: frames.buffer,
    ends,
    done,
    made: counts,
  };
}

export function unpackChunk(c: MadeChunk): MadeMessage[] {
  const all = new Uint8Array(c.frames);
  let from = 0;
  return c.messages.map((m, i) => {
    const end = c.ends[i] as number;
    const frame = all.subarray(from, end);
    from = end;
    return { ...m, frame };
  });
}
