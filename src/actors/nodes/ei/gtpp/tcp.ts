/**
 * The GTP' EI's TCP listener: a byte stream cut into messages by the GTP' framer, each delivered with
 * the path its answer goes back on, like a UDP datagram (see ../datagram/udp.ts).
 */
import { createServer, type Server, type Socket as TcpSocket } from 'node:net';
import { GtppStreamFramer } from '../../../../protocols/gtpp/index.js';
import { DecodeError } from '../../../../protocols/errors.js';
import { peerAddress, type ListenOptions, type MessageHandler, type ReplyPath } from '../datagram/udp.js';

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
