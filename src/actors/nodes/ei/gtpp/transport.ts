/**
 * The GTP' EI's sockets: UDP (one datagram, one message) and TCP (a byte stream cut into messages by
 * the GTP' framer). Both deliver each message with the path its answer goes back on. A peer is known
 * by its source address (IPv4-mapped IPv6 addresses are reported as IPv4).
 */
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server, type Socket as TcpSocket } from 'node:net';
import { GtppStreamFramer } from '../../../../protocols/gtpp/index.js';
import { DecodeError } from '../../../../protocols/errors.js';
import type { Transport } from './entry.js';

export interface ReplyPath {
  readonly transport: Transport;
  readonly address: string;
  readonly port: number;
  send(message: Uint8Array): void;
}

export type MessageHandler = (message: Uint8Array, path: ReplyPath) => void;

export interface ListenOptions {
  readonly address: string;
  readonly port: number;
  readonly receiveBufferBytes: number;
}

export function peerAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

export class UdpListener {
  readonly #socket: Socket;
  #closed = false;

  private constructor(socket: Socket) {
    this.#socket = socket;
  }

  static async open(
    o: ListenOptions,
    onMessage: MessageHandler,
    onError: (err: Error) => void,
  ): Promise<UdpListener> {
    const socket = createSocket({
      type: o.address.includes(':') ? 'udp6' : 'udp4',
      recvBufferSize: o.receiveBufferBytes,
    });
    const l = new UdpListener(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(o.port, o.address, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.on('error', onError);
    socket.on('message', (msg, rinfo) => {
      const address = peerAddress(rinfo.address);
      const port = rinfo.port;
      onMessage(new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength), {
        transport: 'udp',
        address,
        port,
        send: (m) => l.send(m, rinfo.port, rinfo.address),
      });
    });
    return l;
  }

  /** Receive buffer the kernel granted (Linux reports twice the usable size it books). */
  receiveBufferBytes(): number {
    return this.#socket.getRecvBufferSize();
  }

  get port(): number {
    return this.#socket.address().port;
  }

  send(message: Uint8Array, port: number, address: string): void {
    if (this.#closed) return;
    this.#socket.send(message, port, address);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await new Promise<void>((resolve) => this.#socket.close(() => resolve()));
  }
}

export interface TcpEvents {
  /** A connection from a peer not allowed: it is closed at once. */
  refused(address: string): void;
  /** A connection sent bytes that cannot be GTP' (the connection is closed). */
  framingError(address: string, err: DecodeError): void;
}

export class TcpListener {
  readonly #server: Server;
  readonly #conns = new Set<TcpSocket>();

  private constructor(server: Server) {
    this.#server = server;
  }

  static async open(
    o: ListenOptions,
    allowed: (address: string) => boolean,
    maxMessageBytes: number,
    onMessage: MessageHandler,
    events: TcpEvents,
  ): Promise<TcpListener> {
    const server = createServer();
    const self = new TcpListener(server);
    server.on('connection', (conn) => self.#accept(conn, allowed, maxMessageBytes, onMessage, events));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(o.port, o.address, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return self;
  }

  get port(): number {
    const a = this.#server.address();
    return typeof a === 'object' && a !== null ? a.port : 0;
  }

  #accept(
    conn: TcpSocket,
    allowed: (address: string) => boolean,
    maxMessageBytes: number,
    onMessage: MessageHandler,
    events: TcpEvents,
  ): void {
    const address = peerAddress(conn.remoteAddress ?? '');
    if (!allowed(address)) {
      events.refused(address);
      conn.destroy();
      return;
    }
    this.#conns.add(conn);
    conn.setNoDelay(true);
    const framer = new GtppStreamFramer({ maxMessageBytes });
    const path: ReplyPath = {
      transport: 'tcp',
      address,
      port: conn.remotePort ?? 0,
      send: (m) => {
        if (!conn.destroyed) conn.write(m);
      },
    };
    conn.on('data', (chunk: Buffer) => {
      let messages: Uint8Array[];
      try {
        messages = framer.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      } catch (err) {
        if (!(err instanceof DecodeError)) throw err;
        events.framingError(address, err);
        conn.destroy();
        return;
      }
      for (const m of messages) onMessage(m, path);
    });
    conn.on('error', () => conn.destroy());
    conn.on('close', () => this.#conns.delete(conn));
  }

  async close(): Promise<void> {
    for (const c of this.#conns) c.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
