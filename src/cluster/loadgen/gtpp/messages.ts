/**
 * A run's messages as the simulated GSNs, the ledger and the release plan see them, numbered in
 * release order: prepared ahead (`preparedMessages`) or made while the run goes (`StreamedRun`).
 */
import type { GsnPlan } from './plan.js';
import type { PreparedRun } from './prepare.js';

export interface RunMessages {
  readonly gsns: readonly GsnPlan[];
  gsnOf(msg: number): number;
  cdrsOf(msg: number): number;
  /** The message's duplicate scenario (`Trick`), 0 for none. */
  trickOf(msg: number): number;
  /**
   * The request's bytes for its first transmission (sequence number 0, patched when sent). Asked once
   * per message: the GSN keeps them while it needs them, and a streamed run lets them go.
   */
  firstFrame(msg: number): Uint8Array;
}

/** No message is ready yet (a maker thread is still making the next ones): ask again later. */
export const PENDING = 'pending';

/** The next message the run may release, without releasing it. */
export interface NextMessage {
  readonly gsn: number;
  readonly cdrs: number;
}

/** Messages handed out in release order. */
export interface MessageFeed {
  /** The next message, made if need be; undefined once there are no more; PENDING if not made yet. */
  peek(): NextMessage | undefined | typeof PENDING;
  /** Releases the message `peek` returned: its number. */
  take(): number;
}

/** The messages of a prepared run. */
export function preparedMessages(run: PreparedRun): RunMessages & MessageFeed {
  let next = 0;
  return {
    gsns: run.gsns,
    gsnOf: (m) => run.msgGsn[m] as number,
    cdrsOf: (m) => run.msgCdrs[m] as number,
    trickOf: (m) => run.msgTrick[m] as number,
    firstFrame: (m) => run.msgFrame[m] as Uint8Array,
    peek: () =>
      next < run.msgFrame.length
        ? { gsn: run.msgGsn[next] as number, cdrs: run.msgCdrs[next] as number }
        : undefined,
    take: () => next++,
  };
}
