/**
 * Data Record Transfer Responses, coalesced. TS 32.295 lets one response answer several requests of a
 * peer with the same cause: its Requests Responded IE lists their sequence numbers. Requests become
 * durable together (group commit), so their answers are gathered until the end of the event-loop turn
 * and sent as one response per peer path, GTP' version, header form and cause, with at most
 * `maxPerResponse` sequence numbers each (1: one response per request). The header carries the
 * sequence number of the first request listed.
 */
import { encodeFrame, type GtppVersion } from '../../../../protocols/gtpp/index.js';
import type { ReplyPath } from '../datagram/udp.js';

/** Header of the request answered. */
export interface Answered {
  readonly version: GtppVersion;
  readonly longHeader: boolean;
  readonly sequence: number;
}

interface Group {
  readonly path: ReplyPath;
  readonly version: GtppVersion;
  readonly longHeader: boolean;
  readonly cause: number;
  readonly sequences: number[];
}

export class DrtResponses {
  #groups = new Map<string, Group>();
  #scheduled = false;

  constructor(
    private readonly maxPerResponse: number,
    /** Called once per response sent, with how many requests it answered. */
    private readonly sent: (requests: number) => void = () => {},
  ) {}

  answer(path: ReplyPath, to: Answered, cause: number): void {
    const key = `${path.transport}|${path.address}|${path.port}|${to.version}|${to.longHeader ? 1 : 0}|${cause}`;
    let g = this.#groups.get(key);
    // A TCP path is one connection: a new one from the same address and port is another group.
    if (g === undefined || (path.transport === 'tcp' && g.path !== path)) {
      if (g !== undefined) this.#send(g);
      g = { path, version: to.version, longHeader: to.longHeader, cause, sequences: [] };
      this.#groups.set(key, g);
    }
    g.sequences.push(to.sequence);
    if (g.sequences.length >= this.maxPerResponse) {
      this.#groups.delete(key);
      this.#send(g);
      return;
    }
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Sends what is gathered (also at the end of each turn by itself). */
  flush(): void {
    this.#scheduled = false;
    const groups = this.#groups;
    if (groups.size === 0) return;
    this.#groups = new Map();
    for (const g of groups.values()) this.#send(g);
  }

  /** One response for the group's requests (never empty: a group is made for a request). */
  #send(g: Group): void {
    g.path.send(
      encodeFrame({
        version: g.version,
        longHeader: g.longHeader,
        sequence: g.sequences[0] as number,
        message: { type: 'data-record-transfer-response', cause: g.cause, requestsResponded: g.sequences },
      }),
    );
    this.sent(g.sequences.length);
  }
}
