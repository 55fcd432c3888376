/**
 * The NASes' UDP sockets: one per NAS, bound to the NAS's own loopback address (an ephemeral port
 * kept for the whole run, so retransmissions come from where the first copy came from, as RFC 5080
 * duplicate detection expects) and not connected: a server listening on a wildcard address may answer
 * from another loopback address, and the Response Authenticator, not the source, proves the answer.
 */
import { createSocket, type Socket } from 'node:dgram';
import type { Endpoint } from '../args.js';
import type { NasIo } from './nas.js';

export interface SocketHandlers {
  message(nas: number, bytes: Uint8Array): void;
  error(nas: number, err: Error): void;
}

const SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;

export class NasSockets implements NasIo {
  private constructor(
    private readonly sockets: readonly Socket[],
    private readonly target: Endpoint,
  ) {}

  /** Binds one socket per address; rejects when an address cannot be bound. */
  static async open(
    addresses: readonly string[],
    target: Endpoint,
    handlers: SocketHandlers,
  ): Promise<NasSockets> {
    const sockets: Socket[] = [];
    try {
      for (let nas = 0; nas < addresses.length; nas++) {
        const s = createSocket({
          type: 'udp4',
          recvBufferSize: SOCKET_BUFFER_BYTES,
          sendBufferSize: SOCKET_BUFFER_BYTES,
        });
        sockets.push(s);
        await new Promise<void>((resolve, reject) => {
          s.once('error', reject);
          s.bind({ address: addresses[nas] as string, port: 0, exclusive: true }, () => {
            s.off('error', reject);
            resolve();
          });
        });
        s.on('error', (err) => handlers.error(nas, err));
        s.on('message', (buf) =>
          handlers.message(nas, new Uint8Array(buf.buffer, buf.byteOffset, buf.length)),
        );
      }
    } catch (err) {
      for (const s of sockets) s.close();
      throw err;
    }
    return new NasSockets(sockets, target);
  }

  send(nas: number, bytes: Uint8Array): void {
    (this.sockets[nas] as Socket).send(bytes, this.target.port, this.target.host);
  }

  close(): void {
    for (const s of this.sockets) s.close();
  }
}
