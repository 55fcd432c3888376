/**
 * The GTP' EI's ingest: the charging gateway side of TS 32.295 on UDP and TCP.
 * - Peers not in `allowPeers` are refused (no answer, counted, logged at most once per 10 s).
 * - Echo and Node Alive Requests are answered at once; a Node Alive Request also means the GSN
 *   restarted, so its sequence numbers start again.
 * - A Data Record Transfer Request is decoded once (its CDRs too, to choose the answer), appended to
 *   the input log, and answered only when that entry is durable: "Request Accepted", or "CDR decoding
 *   error" when some CDR could not be decoded (those are quarantined with their bytes, the others taken).
 * - A retransmission of a request already taken is answered "Request already fulfilled" (or, for a
 *   possibly duplicated packet, "… possibly duplicated packets already fulfilled") and not logged again.
 * - A message that does not decode is logged for the quarantine and, if it was a Data Record Transfer
 *   Request, answered with the cause that names the problem; a version above 2 gets Version Not Supported.
 * - Overload: see `Overload`. Past `maxHeldCdrs` CDRs of possibly duplicated packets held, a new
 *   possibly duplicated packet is answered "No resources available" and not taken (alarm
 *   `possibly_duplicated_full`): the GSN keeps it until the ones held are released or cancelled.
 */
import { DecodeError } from '../../../../protocols/errors.js';
import {
  Cause,
  causeForDecodeError,
  decodeFrame,
  decodeHeader,
  encodeFrame,
  type GtppFrame,
  type GtppMessage,
} from '../../../../protocols/gtpp/index.js';
import type { CidrSet } from '../../../rules/cidr-set.js';
import { allowList } from '../datagram/peers.js';
import type { IngestContext, IngestSource, IngestStats } from '../../../runtime/actor.js';
import { RateLimitedLog } from '../../../telemetry/logger.js';
import { KIND_INVALID, KIND_MESSAGE, type DatagramEntry } from '../datagram/entry.js';
import { checkReceiveBuffer, IngestBooks, startReplays } from '../datagram/ingest-books.js';
import { CMD_SEND_POSSIBLY_DUPLICATED } from './handler.js';
import { LatencySamples } from '../datagram/latency.js';
import { HeldLimit } from './held-limit.js';
import { Overload } from './overload.js';
import { CdrDecoding } from './decode-threads.js';
import { decodedCache, RecordFailure, type Decoded } from './records.js';
import { fingerprint } from './fingerprint.js';
import { RequestTable } from './requests.js';
import { DrtResponses, type Answered } from './responses.js';
import { bumpRestartCounter } from './restart-counter.js';
import { EntryBatcher } from '../datagram/entry-batcher.js';
import { parseEndpoint, type GtppEiSettings } from './settings.js';
import { warmUp } from './warm-up.js';
import { UdpListener, type ReplyPath } from '../datagram/udp.js';
import { TcpListener } from './tcp.js';

const MAX_MESSAGE_BYTES = 65_535 + 20;
/** How often requests older than the retransmission window are let go (of quiet peers too). */
const SWEEP_MS = 10_000;

export class GtppIngest implements IngestSource {
  readonly #books = new IngestBooks();
  readonly #latency = new LatencySamples();
  readonly #requests: RequestTable;
  readonly #responses: DrtResponses;
  readonly #allowed: CidrSet;
  #udp: UdpListener | undefined;
  #tcp: TcpListener | undefined;
  #overload: Overload | undefined;
  #rlog: RateLimitedLog | undefined;
  #restartCounter = 0;
  #grantedBuffer = 0;
  #ownSeq = 0;
  #stopped = false;
  #batcher: EntryBatcher<Decoded> | undefined;
  #sweep: NodeJS.Timeout | undefined;
  #held: HeldLimit | undefined;
  #decoding: CdrDecoding | undefined;

  constructor(
    private readonly s: GtppEiSettings,
    /** Quarantine replay spool files (logged with the file EI's pick-up). */
    private readonly replays?: IngestSource,
  ) {
    this.#requests = new RequestTable(s.retransmitWindowMs);
    this.#responses = new DrtResponses(s.maxRequestsPerResponse, () => this.#count('drt_responses_sent'));
    this.#allowed = allowList(s.allowPeers);
  }

  async start(ctx: IngestContext): Promise<void> {
    this.#held = new HeldLimit(
      this.s.maxHeldCdrs,
      () => ctx.heldRecords(),
      (raised, detail) => ctx.alarm('possibly_duplicated_full', raised, detail),
    );
    this.#batcher = new EntryBatcher<Decoded>(
      (payload) => ctx.append(payload),
      (payload, decoded) => decodedCache.remember(payload, decoded),
    );
    this.#rlog = new RateLimitedLog(ctx.log);
    this.#decoding = new CdrDecoding(
      { threads: this.s.decodeThreads, accept: this.s.acceptFormats, warmUpCdrs: this.s.warmUpCdrs },
      {
        count: (event) => this.#count(event),
        failed: (err, thread) =>
          ctx.log.error({ err, thread }, "GTP' decode thread failed; the gateway's thread decodes its CDRs"),
      },
    );
    this.#restartCounter = await bumpRestartCounter(ctx.actorDir);
    const warm = warmUp(this.s.warmUpCdrs);
    const listen = {
      ...this.s.listen,
      port: this.s.listen.port,
      receiveBufferBytes: this.s.receiveBufferBytes,
    };
    const onMessage = (m: Uint8Array, path: ReplyPath): void => this.#onMessage(m, path);
    this.#overload = new Overload(this.s.overload, {
      backlog: () => ctx.backlog(),
      send: (path, message) => this.#request(path, message),
      nodeAddress:
        this.s.nodeAddress ?? (this.s.listen.address === '0.0.0.0' ? '127.0.0.1' : this.s.listen.address),
      count: (event) => this.#count(event),
      alarm: (raised, detail) => ctx.alarm('overloaded', raised, detail),
      log: ctx.log,
    });
    if (this.s.listen.udp) {
      this.#udp = await UdpListener.open(listen, onMessage, (err) =>
        ctx.log.error({ err }, "GTP' UDP socket error"),
      );
      this.#grantedBuffer = this.#udp.receiveBufferBytes();
      if (checkReceiveBuffer(ctx, this.#grantedBuffer, this.s.receiveBufferBytes))
        ctx.log.warn(
          { granted: this.#grantedBuffer, asked: this.s.receiveBufferBytes },
          "GTP' UDP receive buffer below 4 MiB: bursts may be lost; raise net.core.rmem_max",
        );
    }
    if (this.s.listen.tcp) {
      this.#tcp = await TcpListener.open(listen, (a) => this.#isAllowed(a), MAX_MESSAGE_BYTES, onMessage, {
        refused: (address) => this.#refuse(address, 'tcp'),
        framingError: (address, err) => {
          this.#count(`invalid_stream`);
          this.#rlog?.warn(
            `frame:${address}`,
            { peer: address, code: err.code, err: err.message },
            "GTP' TCP stream from peer cannot be framed; connection closed",
          );
        },
      });
    }
    ctx.log.info(
      {
        udp: this.#udp?.port,
        tcp: this.#tcp?.port,
        address: this.s.listen.address,
        restartCounter: this.#restartCounter,
        receiveBufferBytes: this.#grantedBuffer,
        warmUp: { cdrs: warm.cdrs, ms: Math.round(warm.ms) },
      },
      "GTP' charging gateway listening",
    );
    for (const a of this.s.announce) {
      const ep = parseEndpoint(a);
      if (ep === undefined || this.#udp === undefined) continue;
      const udp = this.#udp;
      this.#request(
        { transport: 'udp', address: ep.host, port: ep.port, send: (m) => udp.send(m, ep.port, ep.host) },
        {
          type: 'node-alive-request',
          nodeAddress: this.#overload.nodeAddress,
        },
      );
      this.#count('node_alive_sent');
    }
    this.#overload.start();
    this.#sweep = setInterval(() => {
      this.#requests.expire(Date.now());
      this.#held?.recheck();
    }, SWEEP_MS);
    this.#sweep.unref();
    await startReplays(this.replays, ctx);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#overload?.stop();
    clearInterval(this.#sweep);
    await Promise.all([this.#udp?.close(), this.#tcp?.close(), this.replays?.stop()]);
    await this.#books.settled();
    await this.#decoding?.close();
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
      latencyMs: this.#latency.take(),
      gauges: {
        receive_buffer_bytes: this.#grantedBuffer,
        udp_kernel_drops: kernel?.drops ?? 0,
        udp_receive_queue_bytes: kernel?.queuedBytes ?? 0,
        peers: this.#requests.peers,
        overloaded: this.#overload?.active === true ? 1 : 0,
        restart_counter: this.#restartCounter,
      },
    };
  }

  /** Actual ports (tests listen on port 0). */
  get ports(): { udp: number | undefined; tcp: number | undefined } {
    return { udp: this.#udp?.port, tcp: this.#tcp?.port };
  }

  #count(event: string): void {
    this.#books.count(event);
  }

  #isAllowed(address: string): boolean {
    return this.#allowed.containsText(address);
  }

  #refuse(address: string, transport: string): void {
    this.#count('peer_refused');
    this.#rlog?.warn(
      `refused:${address}`,
      { peer: address, transport },
      "GTP' message from a peer not in allowPeers refused",
    );
  }

  #onMessage(buf: Uint8Array, path: ReplyPath): void {
    if (this.#stopped) return;
    if (path.transport === 'udp' && !this.#isAllowed(path.address)) {
      this.#refuse(path.address, 'udp');
      return;
    }
    const receivedAtMs = Date.now();
    const t0 = performance.now();
    let frame: GtppFrame;
    try {
      frame = decodeFrame(buf);
    } catch (err) {
      if (!(err instanceof DecodeError)) throw err;
      this.#invalid(buf, path, err, receivedAtMs, t0);
      return;
    }
    const m = frame.message;
    switch (m.type) {
      case 'data-record-transfer-request':
        this.#dataRecordTransfer(buf, frame, path, receivedAtMs, t0);
        return;
      case 'echo-request':
        this.#count('echo_request');
        this.#reply(path, frame, { type: 'echo-response', recovery: this.#restartCounter });
        return;
      case 'node-alive-request':
        this.#count('node_alive_request');
        this.#requests.forget(path.address);
        this.#reply(path, frame, { type: 'node-alive-response' });
        return;
      default:
        this.#count(m.type.replaceAll('-', '_'));
        this.#overload?.answered(path.address, m);
    }
  }

  #invalid(buf: Uint8Array, path: ReplyPath, err: DecodeError, receivedAtMs: number, t0: number): void {
    this.#count(`invalid_${err.code}`);
    this.#rlog?.warn(
      `invalid:${path.address}:${err.code}`,
      { peer: path.address, code: err.code, err: err.message },
      "GTP' message cannot be decoded; kept in the quarantine",
    );
    let header: ReturnType<typeof decodeHeader> | undefined;
    try {
      header = decodeHeader(buf);
    } catch {
      header = undefined;
    }
    if (err.code === 'version_not_supported') {
      if (buf.length >= 6) {
        const sequence = ((buf[4] as number) << 8) | (buf[5] as number);
        this.#reply(path, { version: 0, longHeader: false, sequence }, { type: 'version-not-supported' });
        this.#count('version_not_supported_sent');
      }
      return;
    }
    const part: DatagramEntry = {
      kind: KIND_INVALID,
      transport: path.transport,
      address: path.address,
      port: path.port,
      receivedAtMs,
      message: buf,
    };
    this.#books.begin();
    (this.#batcher as EntryBatcher<Decoded>).add(part, undefined, (failed) => {
      this.#books.end();
      if (failed !== undefined) this.#count('append_failed');
      else if (header?.type === 240) this.#answerDrt(path, header, causeForDecodeError(err.code), t0);
    });
  }

  #dataRecordTransfer(
    buf: Uint8Array,
    frame: GtppFrame,
    path: ReplyPath,
    receivedAtMs: number,
    t0: number,
  ): void {
    const m = frame.message;
    if (m.type !== 'data-record-transfer-request') return;
    const fp = fingerprint(buf, frame.longHeader ? 20 : 6);
    const earlier = this.#requests.earlier(path.address, frame.sequence, fp, receivedAtMs);
    if (earlier !== undefined) {
      this.#count('drt_retransmission');
      const cause =
        m.command === CMD_SEND_POSSIBLY_DUPLICATED
          ? Cause.RequestRelatedToPossiblyDuplicatedPacketsAlreadyFulfilled
          : Cause.RequestAlreadyFulfilled;
      // Should the first copy's append fail, neither is answered: the GSN sends again (taken then).
      if (earlier === 'answered') this.#answerDrt(path, frame, cause, t0);
      else earlier.whenAnswered(() => this.#answerDrt(path, frame, cause, t0));
      return;
    }
    const overload = this.#overload as Overload;
    if (overload.reject()) {
      this.#count('drt_no_resources');
      this.#answerDrt(path, frame, Cause.NoResourcesAvailable, t0);
      overload.noticeSender(path);
      return;
    }
    if (m.command === CMD_SEND_POSSIBLY_DUPLICATED && this.#held?.full(m.packet?.records.length ?? 0)) {
      this.#count('drt_held_full');
      this.#answerDrt(path, frame, Cause.NoResourcesAvailable, t0);
      return;
    }
    const part: DatagramEntry = {
      kind: KIND_MESSAGE,
      transport: path.transport,
      address: path.address,
      port: path.port,
      receivedAtMs,
      message: buf,
    };
    const pending = this.#requests.record(path.address, frame.sequence, fp, receivedAtMs);
    this.#books.begin();
    (this.#decoding as CdrDecoding).decode(m.packet?.records, m.packet?.format ?? 1, (records) => {
      const decoded: Decoded = { frame, fingerprint: fp, records };
      (this.#batcher as EntryBatcher<Decoded>).add(part, decoded, (err) => {
        this.#books.end();
        // A failed append fails the log and the actor; the GSN gets no answer and sends again.
        if (err !== undefined) {
          this.#count('append_failed');
          this.#requests.settle(path.address, frame.sequence, pending, true);
          return;
        }
        const failed = records?.some((r) => r instanceof RecordFailure) === true;
        this.#count(failed ? 'drt_cdr_decoding_error' : 'drt_accepted');
        this.#answerDrt(path, frame, failed ? Cause.CdrDecodingError : Cause.RequestAccepted, t0);
        this.#requests.settle(path.address, frame.sequence, pending, false);
      });
    });
    overload.noticeSender(path);
  }

  #answerDrt(path: ReplyPath, to: Answered, cause: number, t0: number): void {
    if (this.#stopped) return;
    this.#responses.answer(path, to, cause);
    this.#latency.record(performance.now() - t0);
  }

  #reply(path: ReplyPath, to: Answered, message: GtppMessage): void {
    if (this.#stopped) return;
    path.send(
      encodeFrame({ version: to.version, longHeader: to.longHeader, sequence: to.sequence, message }),
    );
  }

  /** A request of the gateway's own (Redirection, Node Alive), version 2, own sequence numbers. */
  #request(path: ReplyPath, message: GtppMessage): void {
    if (this.#stopped) return;
    this.#ownSeq = (this.#ownSeq + 1) & 0xffff;
    path.send(encodeFrame({ version: 2, longHeader: false, sequence: this.#ownSeq, message }));
  }
}
