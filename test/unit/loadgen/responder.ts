/**
 * A small GTP' charging gateway for loadgen tests: a UDP (or TCP) listener on 127.0.0.1 that decodes
 * requests with the codec and answers them as TS 32.295 asks: 128 for a new request, 253 (252 for a
 * possibly duplicated one) for a retransmission of one already answered; possibly duplicated packets
 * held until Release (taken) or Cancel (dropped). Records the CDRs it took, in order, with repeats.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { createServer, type Server, type Socket as TcpSocket } from 'node:net';
import {
  decodeFrame,
  encodeFrame,
  GtppStreamFramer,
  type GtppFrame,
  type GtppMessage,
} from '../../../src/protocols/gtpp/index.js';

export interface ResponderOptions {
  /** Answer cause for a new request (default 128). */
  cause?: (peer: string, frame: GtppFrame) => number;
  /** True: do not send this answer (the request is still taken). */
  dropAnswer?: (peer: string, frame: GtppFrame, nth: number) => boolean;
  /** Called for each request after it is handled; may send the peer requests of the gateway's own. */
  onRequest?: (peer: Peer, frame: GtppFrame, nth: number) => void;
}

export interface Peer {
  readonly address: string;
  readonly port: number;
  send(message: GtppMessage, sequence: number): void;
}

export class Responder {
  /** Bytes (hex) of every CDR taken, in order; a CDR taken twice appears twice. */
  readonly taken: string[] = [];
  readonly commands = new Map<number, number>();
  readonly messages: { peer: string; frame: GtppFrame }[] = [];
  readonly peers = new Set<string>();
  readonly #held = new Map<string, Uint8Array[]>();
  readonly #answered = new Map<string, string>();
  #requests = 0;
  #udp: Socket | undefined;
  #tcp: Server | undefined;
  readonly #conns = new Set<TcpSocket>();
  port = 0;

  constructor(private readonly o: ResponderOptions = {}) {}

  async listenUdp(): Promise<this> {
    const s = createSocket({ type: 'udp4', recvBufferSize: 4 << 20 });
    this.#udp = s;
    s.on('message', (buf, r: RemoteInfo) => {
      const peer: Peer = {
        address: r.address,
        port: r.port,
        send: (m, seq) =>
          s.send(
            encodeFrame({ version: 2, longHeader: false, sequence: seq, message: m }),
            r.port,
            r.address,
          ),
      };
      this.#handle(buf, peer, (bytes) => s.send(bytes, r.port, r.address));
    });
    await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
    this.port = s.address().port;
    return this;
  }

  async listenTcp(): Promise<this> {
    const server = createServer((c) => {
      this.#conns.add(c);
      const framer = new GtppStreamFramer();
      const peer: Peer = {
        address: c.remoteAddress ?? '',
        port: c.remotePort ?? 0,
        send: (m, seq) => c.write(encodeFrame({ version: 2, longHeader: false, sequence: seq, message: m })),
      };
      c.on('data', (chunk: Buffer) => {
        for (const m of framer.push(chunk)) this.#handle(Buffer.from(m), peer, (bytes) => c.write(bytes));
      });
      c.on('error', () => c.destroy());
      c.on('close', () => this.#conns.delete(c));
    });
    this.#tcp = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const a = server.address();
    this.port = typeof a === 'object' && a !== null ? a.port : 0;
    return this;
  }

  close(): Promise<void> {
    this.#udp?.close();
    for (const c of this.#conns) c.destroy();
    return new Promise((resolve) => (this.#tcp === undefined ? resolve() : this.#tcp.close(() => resolve())));
  }

  #handle(bytes: Buffer, peer: Peer, reply: (b: Uint8Array) => void): void {
    const frame = decodeFrame(bytes);
    this.peers.add(peer.address);
    this.messages.push({ peer: peer.address, frame });
    const m = frame.message;
    const answer = (message: GtppMessage): void =>
      reply(
        encodeFrame({
          version: frame.version,
          longHeader: frame.longHeader,
          sequence: frame.sequence,
          message,
        }),
      );
    if (m.type === 'node-alive-request') answer({ type: 'node-alive-response' });
    if (m.type === 'echo-request') answer({ type: 'echo-response', recovery: 1 });
    if (m.type !== 'data-record-transfer-request') return;
    const nth = ++this.#requests;
    this.commands.set(m.command, (this.commands.get(m.command) ?? 0) + 1);
    const key = `${peer.address}|${frame.sequence}`;
    const fp = bytes.toString('hex');
    const respond = (cause: number): void => {
      if (this.o.dropAnswer?.(peer.address, frame, nth) === true) return;
      answer({ type: 'data-record-transfer-response', cause, requestsResponded: [frame.sequence] });
    };
    if (this.#answered.get(key) === fp) {
      respond(m.command === 2 ? 252 : 253);
      return;
    }
    const cause = this.o.cause?.(peer.address, frame) ?? 128;
    if (cause === 128) {
      const records = m.packet?.records ?? [];
      if (m.command === 1) for (const r of records) this.taken.push(Buffer.from(r).toString('hex'));
      if (m.command === 2)
        this.#held.set(
          key,
          records.map((r) => r.slice()),
        );
      for (const s of m.cancelled ?? []) this.#held.delete(`${peer.address}|${s}`);
      for (const s of m.released ?? []) {
        for (const r of this.#held.get(`${peer.address}|${s}`) ?? [])
          this.taken.push(Buffer.from(r).toString('hex'));
        this.#held.delete(`${peer.address}|${s}`);
      }
    }
    this.#answered.set(key, fp);
    respond(cause);
    this.o.onRequest?.(peer, frame, nth);
  }

  /** Possibly duplicated packets neither released nor cancelled. */
  get held(): number {
    return this.#held.size;
  }
}
