/**
 * Overload policy of the GTP' EI. The input log absorbs bursts; when the entries not yet handled pass
 * `highWater`, every peer that sends is told "the receive buffers are becoming full" in a Redirection
 * Request (TS 32.295), naming `redirectTo` as the Address of Recommended Node when set, at most once per
 * `repeatMs` per peer. Past `rejectAbove`, requests are answered "No resources available" and not taken
 * (the GSN keeps its CDRs). When the backlog is back under `lowWater`, each redirected peer gets a Node
 * Alive Request: this gateway takes traffic again.
 */
import type { Logger } from 'pino';
import { Cause, type GtppMessage } from '../../../../protocols/gtpp/index.js';
import type { GtppEiSettings } from './settings.js';
import type { ReplyPath } from '../datagram/udp.js';

const CHECK_MS = 100;

export interface OverloadHooks {
  backlog(): number;
  send(path: ReplyPath, message: GtppMessage): void;
  readonly nodeAddress: string;
  count(event: string): void;
  alarm(raised: boolean, detail: string): void;
  readonly log: Logger;
}

export class Overload {
  /** Peers told to go elsewhere, with when they were last told. */
  readonly #redirected = new Map<string, { path: ReplyPath; atMs: number }>();
  #active = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly o: GtppEiSettings['overload'],
    private readonly hooks: OverloadHooks,
  ) {}

  get nodeAddress(): string {
    return this.hooks.nodeAddress;
  }

  get active(): boolean {
    return this.#active;
  }

  start(): void {
    this.#timer = setInterval(() => this.#check(), CHECK_MS);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
  }

  /** True when a new request must be refused (backlog past `rejectAbove`). */
  reject(): boolean {
    return this.hooks.backlog() >= this.o.rejectAbove;
  }

  /** A peer sent a request: while overloaded, tell it (again, after `repeatMs`) to go elsewhere. */
  noticeSender(path: ReplyPath): void {
    if (!this.#active && this.hooks.backlog() >= this.o.highWater) this.#enter();
    if (!this.#active || !this.o.redirect) return;
    const now = Date.now();
    const last = this.#redirected.get(path.address);
    if (last !== undefined && now - last.atMs < this.o.repeatMs) return;
    this.#redirected.set(path.address, { path, atMs: now });
    this.hooks.send(path, {
      type: 'redirection-request',
      cause: Cause.ReceiveBuffersBecomingFull,
      ...(this.o.redirectTo === undefined ? {} : { recommendedNode: this.o.redirectTo }),
    });
    this.hooks.count('redirection_sent');
  }

  /** Answers to the gateway's own requests. */
  answered(address: string, m: GtppMessage): void {
    if (m.type === 'redirection-response' && m.cause !== Cause.RequestAccepted) {
      this.hooks.log.warn({ peer: address, cause: m.cause }, 'peer did not accept the Redirection Request');
    }
  }

  #enter(): void {
    this.#active = true;
    const backlog = this.hooks.backlog();
    this.hooks.alarm(true, `input backlog ${backlog} entries >= highWater ${this.o.highWater}`);
    this.hooks.log.warn(
      { backlog, highWater: this.o.highWater },
      "GTP' input backing up: peers are redirected",
    );
  }

  #check(): void {
    const backlog = this.hooks.backlog();
    if (!this.#active) {
      if (backlog >= this.o.highWater) this.#enter();
      return;
    }
    if (backlog > this.o.lowWater) return;
    this.#active = false;
    for (const { path } of this.#redirected.values()) {
      this.hooks.send(path, { type: 'node-alive-request', nodeAddress: this.hooks.nodeAddress });
      this.hooks.count('node_alive_sent');
    }
    this.hooks.log.info(
      { backlog, peers: this.#redirected.size },
      "GTP' input recovered: redirected peers told the gateway is alive",
    );
    this.#redirected.clear();
    this.hooks.alarm(false, '');
  }
}
