/**
 * The RADIUS accounting EI's ingest (RFC 2866, with RFC 5080's duplicate detection), on UDP.
 * - A request from an address not in the clients file, with a code other than Accounting-Request,
 *   or with a wrong Request Authenticator or Message-Authenticator is dropped silently as RFC 2866
 *   §4.1 requires: never answered, counted (`unknown_client`, `unexpected_code`,
 *   `bad_authenticator`, `bad_message_authenticator`) and logged at most once per 10 s per client.
 * - A request seen within `retransmitWindowMs` (same client address, port, Identifier and Request
 *   Authenticator) is a retransmission: it gets the same response again, once the first copy is
 *   durable, and is not logged twice.
 * - An authentic request is decoded, appended to the input log, and answered (Accounting-Response,
 *   Proxy-State attributes copied, RFC 2865 §5.33) only once that entry is durable.
 * - An authentic request that does not decode (a malformed attribute, no Acct-Status-Type) is logged
 *   as invalid for the quarantine and not answered: the NAS will retry or fail over, and the bytes
 *   are kept for an operator.
 * The clients file is checked for changes every `clientsReloadMs`; a changed version is read once
 * it has been left alone for a second (never half-written); one that does not load leaves the
 * previous one in effect and raises the `clients_reload_failed` alarm.
 */
import { timingSafeEqual } from 'node:crypto';
import { DecodeError } from '../../../../protocols/errors.js';
import {
  accountingRequestAuthenticator,
  decodeAccountingRequest,
  encodeAccountingResponse,
  MESSAGE_AUTHENTICATOR,
  packetLength,
  RadiusCode,
  type AccountingRequest,
  type AttributeInput,
} from '../../../../protocols/radius/index.js';
import type { IngestContext, IngestSource, IngestStats } from '../../../runtime/actor.js';
import { RateLimitedLog } from '../../../telemetry/logger.js';
import { decodedCache } from './decoded.js';
import { KIND_INVALID, KIND_MESSAGE, type DatagramEntry } from '../datagram/entry.js';
import { checkReceiveBuffer, IngestBooks, startReplays } from '../datagram/ingest-books.js';
import { EntryBatcher } from '../datagram/entry-batcher.js';
import { LatencySamples } from '../datagram/latency.js';
import { UdpListener, type ReplyPath } from '../datagram/udp.js';
import type { TableFile } from '../../ep/rules/table-file.js';
import type { ClientTable, RadiusClient } from './clients.js';
import { RequestMemory, requestKey } from './requests.js';
import { FirstAnswer } from '../datagram/first-answer.js';
import type { RadiusEiSettings } from './settings.js';

const PROXY_STATE = 33;
const RELOAD_ALARM = 'clients_reload_failed';

export class RadiusIngest implements IngestSource {
  readonly #books = new IngestBooks();
  readonly #latency = new LatencySamples();
  readonly #memory: RequestMemory;
  #udp: UdpListener | undefined;
  #batcher: EntryBatcher<AccountingRequest> | undefined;
  #rlog: RateLimitedLog | undefined;
  #reload: NodeJS.Timeout | undefined;
  #granted = 0;
  #stopped = false;

  constructor(
    private readonly s: RadiusEiSettings,
    private readonly clients: TableFile<ClientTable>,
    private readonly replays?: IngestSource,
  ) {
    this.#memory = new RequestMemory(s.retransmitWindowMs, s.maxRememberedRequests);
  }

  async start(ctx: IngestContext): Promise<void> {
    this.#rlog = new RateLimitedLog(ctx.log);
    this.#batcher = new EntryBatcher<AccountingRequest>(
      (payload) => ctx.append(payload),
      (payload, decoded) => decodedCache.remember(payload, decoded),
    );
    this.#udp = await UdpListener.open(
      {
        address: this.s.listen.address,
        port: this.s.listen.port,
        receiveBufferBytes: this.s.receiveBufferBytes,
      },
      (m, path) => this.#onMessage(m, path),
      (err) => ctx.log.error({ err }, 'RADIUS UDP socket error'),
    );
    this.#granted = this.#udp.receiveBufferBytes();
    checkReceiveBuffer(ctx, this.#granted, this.s.receiveBufferBytes);
    if (this.s.clientsReloadMs > 0) {
      this.#reload = setInterval(() => void this.#reloadClients(ctx), this.s.clientsReloadMs);
      this.#reload.unref();
    }
    ctx.log.info(
      {
        udp: this.#udp.port,
        address: this.s.listen.address,
        clients: this.clients.current.size,
        clientsFile: this.clients.file,
        receiveBufferBytes: this.#granted,
      },
      'RADIUS accounting listening',
    );
    await startReplays(this.replays, ctx);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#reload !== undefined) clearInterval(this.#reload);
    await Promise.all([this.#udp?.close(), this.replays?.stop()]);
    await this.#books.settled();
    this.#rlog?.flush();
  }

  idle(): boolean {
    return !this.#books.busy && (this.replays?.idle() ?? true);
  }

  async checkpointCommitted(position: number): Promise<void> {
    await this.replays?.checkpointCommitted?.(position);
  }

  stats(): IngestStats {
    const kernel = this.#udp?.kernelGauges();
    return {
      events: this.#books.events(),
      peers: this.#books.peers(),
      latencyMs: this.#latency.take(),
      gauges: {
        receive_buffer_bytes: this.#granted,
        udp_kernel_drops: kernel?.drops ?? 0,
        udp_receive_queue_bytes: kernel?.queuedBytes ?? 0,
        clients: this.clients.current.size,
        remembered_requests: this.#memory.size,
      },
    };
  }

  get port(): number | undefined {
    return this.#udp?.port;
  }

  async #reloadClients(ctx: IngestContext): Promise<void> {
    const r = await this.clients.reloadIfChanged();
    if (r.status === 'reloaded') {
      ctx.log.info(
        { file: this.clients.file, clients: this.clients.current.size },
        'RADIUS clients file reloaded',
      );
      ctx.alarm(RELOAD_ALARM, false);
    } else if (r.status === 'failed') {
      ctx.alarm(RELOAD_ALARM, true, r.reason);
    } else if (r.status === 'unchanged') {
      ctx.alarm(RELOAD_ALARM, false);
    }
  }

  #count(event: string, client?: string): void {
    this.#books.count(event, client);
  }

  /** Dropped without an answer (RFC 2866 §4.1), counted and logged at most once per 10 s per kind and peer. */
  #drop(event: string, path: ReplyPath, client: string | undefined, detail: string): void {
    this.#count(event, client);
    this.#rlog?.warn(
      `${event}:${path.address}`,
      { peer: path.address, port: path.port, client, event },
      `RADIUS request dropped: ${detail}`,
    );
  }

  #onMessage(buf: Uint8Array, path: ReplyPath): void {
    if (this.#stopped) return;
    const client = this.clients.current.lookup(path.address);
    if (client === undefined) {
      this.#drop('unknown_client', path, undefined, 'source address not in the clients file');
      return;
    }
    const t0 = performance.now();
    const receivedAtMs = Date.now();
    let length: number;
    try {
      length = packetLength(buf);
    } catch (err) {
      if (!(err instanceof DecodeError)) throw err;
      this.#drop(`invalid_${err.code}`, path, client.name, `not a RADIUS packet (${err.message})`);
      return;
    }
    if (buf[0] !== RadiusCode.AccountingRequest) {
      this.#drop(
        'unexpected_code',
        path,
        client.name,
        `code ${buf[0] as number} is not Accounting-Request (4)`,
      );
      return;
    }
    const authenticator = buf.subarray(4, 20);
    const key = requestKey(path.address, path.port, buf[1] as number, authenticator);
    const earlier = this.#memory.earlier(key, receivedAtMs);
    if (earlier !== undefined) {
      this.#count('retransmission', client.name);
      earlier.answer.whenAnswered((response) => {
        if (response !== undefined && !this.#stopped) path.send(response);
      });
      return;
    }
    const expected = accountingRequestAuthenticator(buf.subarray(0, length), client.secret);
    if (!timingSafeEqual(expected, authenticator)) {
      this.#drop(
        'bad_authenticator',
        path,
        client.name,
        'Request Authenticator does not match the shared secret',
      );
      return;
    }
    let request: AccountingRequest;
    try {
      // The Request Authenticator checked out above; a Message-Authenticator (rare) is checked here.
      request = decodeAccountingRequest(buf);
      if (request.packet.rawAttributes.some((a) => a.type === MESSAGE_AUTHENTICATOR))
        decodeAccountingRequest(buf, { secret: client.secret });
    } catch (err) {
      if (!(err instanceof DecodeError)) throw err;
      if (err.code === 'bad_message_authenticator' || err.code === 'bad_authenticator') {
        this.#drop(err.code, path, client.name, 'Message-Authenticator does not match the shared secret');
        return;
      }
      this.#invalid(buf, path, client, err, receivedAtMs, key);
      return;
    }
    const part: DatagramEntry = {
      kind: KIND_MESSAGE,
      transport: 'udp',
      address: path.address,
      port: path.port,
      receivedAtMs,
      message: buf.subarray(0, length),
    };
    const answer = new FirstAnswer<Uint8Array | undefined>();
    this.#books.begin();
    (this.#batcher as EntryBatcher<AccountingRequest>).add(part, request, (failed) => {
      this.#books.end();
      if (failed !== undefined) {
        this.#count('append_failed');
        answer.answer(undefined);
        return;
      }
      const response = this.#response(request, client);
      if (!this.#stopped) path.send(response);
      this.#count('accepted', client.name);
      this.#latency.record(performance.now() - t0);
      answer.answer(response);
    });
    this.#memory.remember(key, { atMs: receivedAtMs, answer });
  }

  /** Authentic but undecodable: logged for the quarantine, never answered. */
  #invalid(
    buf: Uint8Array,
    path: ReplyPath,
    client: RadiusClient,
    err: DecodeError,
    receivedAtMs: number,
    key: string,
  ): void {
    this.#count(`invalid_${err.code}`, client.name);
    this.#rlog?.warn(
      `invalid:${path.address}:${err.code}`,
      { peer: path.address, client: client.name, code: err.code, err: err.message },
      'RADIUS request cannot be decoded; kept in the quarantine, not answered',
    );
    const part: DatagramEntry = {
      kind: KIND_INVALID,
      transport: 'udp',
      address: path.address,
      port: path.port,
      receivedAtMs,
      message: buf,
    };
    const answer = new FirstAnswer<Uint8Array | undefined>();
    this.#books.begin();
    (this.#batcher as EntryBatcher<AccountingRequest>).add(part, undefined, (failed) => {
      this.#books.end();
      if (failed !== undefined) this.#count('append_failed');
      answer.answer(undefined);
    });
    // Its retransmissions are not logged again either.
    this.#memory.remember(key, { atMs: receivedAtMs, answer });
  }

  #response(request: AccountingRequest, client: RadiusClient): Uint8Array {
    const proxyStates: AttributeInput[] = [];
    for (const a of request.packet.rawAttributes) {
      if (a.type === PROXY_STATE)
        proxyStates.push({
          type: PROXY_STATE,
          value: request.packet.bytes.subarray(a.offset, a.offset + a.length),
        });
    }
    return encodeAccountingResponse(request, client.secret, proxyStates);
  }
}
