/**
 * The RADIUS accounting EI's handler: each logged Accounting-Request becomes one NAR (see
 * `accountingToNar`), with `clientAddress` (the NAS's source address) added. Requests the ingest
 * could not decode go to the quarantine with the decoder's code as the reason and where they came
 * from in the detail; a replay spool file (quarantine replay) brings them back as logged requests.
 * Authenticators were checked at receipt, so neither the log nor a replay needs the secrets.
 */
import { DecodeError } from '../../../../protocols/errors.js';
import {
  accountingToNar,
  decodeAccountingRequest,
  type AccountingRequest,
} from '../../../../protocols/radius/index.js';
import type { HandlerContext, NodeHandler } from '../../../runtime/actor.js';
import { decodeEntries, isDatagramEntry, KIND_INVALID, type DatagramEntry } from '../datagram/entry.js';
import { takeReplayedDatagrams } from '../datagram/replay-datagrams.js';
import { decodedCache } from './decoded.js';

export class RadiusEiHandler implements NodeHandler {
  constructor(private readonly actorDir: string) {}

  init(): void {}

  snapshot(): unknown {
    return {};
  }

  held(): number {
    return 0;
  }

  handleBatch(): void {
    throw new Error('radius-ei takes no input from other nodes');
  }

  handleTick(): void {}

  handleExternal(payload: Uint8Array, ctx: HandlerContext): void {
    if (!isDatagramEntry(payload)) {
      takeReplayedDatagrams(payload, this.actorDir, ctx, (entry) => this.#request(entry, undefined, ctx));
      return;
    }
    const cached = decodedCache.take(payload);
    decodeEntries(payload).forEach((entry, i) => this.#request(entry, cached?.[i], ctx));
  }

  #request(entry: DatagramEntry, cached: AccountingRequest | undefined, ctx: HandlerContext): void {
    ctx.count('created', 1);
    let request: AccountingRequest;
    try {
      if (entry.kind === KIND_INVALID) decodeAccountingRequest(entry.message);
      request = cached ?? decodeAccountingRequest(entry.message);
    } catch (err) {
      if (!(err instanceof DecodeError)) throw err;
      ctx.quarantine(entry.message, err.code, {
        address: entry.address,
        port: entry.port,
        receivedAtMs: entry.receivedAtMs,
        error: err.message,
      });
      return;
    }
    if (entry.kind === KIND_INVALID) {
      // It decodes now (a replay after a decoder fix would come as a message): keep it all the same.
      ctx.quarantine(entry.message, 'invalid_at_receipt', {
        address: entry.address,
        port: entry.port,
        receivedAtMs: entry.receivedAtMs,
      });
      return;
    }
    const nar = accountingToNar(request);
    nar['clientAddress'] = entry.address;
    ctx.emit(nar);
  }
}
