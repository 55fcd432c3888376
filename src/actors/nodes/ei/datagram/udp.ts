/**
 * The UDP socket of the datagram EIs (GTP', RADIUS, NetFlow/IPFIX): one datagram, one message,
 * delivered with the path its answer goes back on. A peer is known by its source address
 * (IPv4-mapped IPv6 addresses are reported as IPv4). `kernelDrops` reads how many datagrams the
 * kernel dropped on the socket (receive buffer full) from /proc/net/udp and /proc/net/udp6.
 */
import { createSocket, type Socket } from 'node:dgram';
import { readFile } from 'node:fs/promises';
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
  #drops = 0;

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

  /** Datagrams the kernel dropped on this socket since it opened (undefined: not readable here). */
  async kernelDrops(): Promise<number | undefined> {
    if (this.#closed) return undefined;
    const a = this.#socket.address();
    return kernelDrops(a.family === 'IPv6' ? '/proc/net/udp6' : '/proc/net/udp', a.port);
  }

  /**
   * For a synchronous stats report: the kernel drops read at the previous call (0 until the first
   * read completes), and a new read started for the next.
   */
  kernelDropsGauge(): number {
    void this.kernelDrops().then((n) => {
      if (n !== undefined) this.#drops = n;
    });
    return this.#drops;
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

/**
 * The `drops` column of the socket bound to local `port` in a /proc/net/udp table (summed when
 * several sockets share the port); undefined when the table cannot be read or has no such socket.
 */
export async function kernelDrops(table: string, port: number): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(table, 'utf8');
  } catch {
    return undefined;
  }
  return parseUdpDrops(text, port);
}

/** See kernelDrops: rows are "sl local_address:PORT rem_address st … drops" with hex ports. */
export function parseUdpDrops(text: string, port: number): number | undefined {
  const lines = text.split('\n');
  const head = (lines[0] ?? '').trim().split(/\s+/);
  const col = head.indexOf('drops');
  if (col < 0) return undefined;
  let found: number | undefined;
  for (const line of lines.slice(1)) {
    const f = line.trim().split(/\s+/);
    const local = f[1];
    if (local === undefined) continue;
    const p = parseInt(local.slice(local.lastIndexOf(':') + 1), 16);
    if (p !== port) continue;
    // The header names "tx_queue rx_queue" and "tr tm->when" as one column each; rows split them.
    const v = Number(f[f.length - 1]);
    if (Number.isFinite(v)) found = (found ?? 0) + v;
  }
  return found;
}
