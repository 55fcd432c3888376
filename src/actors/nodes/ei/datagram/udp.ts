/**
 * The UDP socket of the datagram EIs (GTP', RADIUS, NetFlow/IPFIX): one datagram, one message,
 * delivered with the path its answer goes back on. A peer is known by its source address
 * (IPv4-mapped IPv6 addresses are reported as IPv4). `kernelState` reads from /proc/net/udp and
 * /proc/net/udp6 how many datagrams the kernel dropped on the socket (receive buffer full) and how
 * many bytes wait in its receive queue, as the kernel counts them against the buffer.
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
  #state: SocketState = { drops: 0, queuedBytes: 0 };

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

  /** The kernel's drops and receive queue for this socket (undefined: not readable here). */
  async kernelState(): Promise<SocketState | undefined> {
    if (this.#closed) return undefined;
    const a = this.#socket.address();
    return kernelSocketState(a.family === 'IPv6' ? '/proc/net/udp6' : '/proc/net/udp', a.port);
  }

  /**
   * For a synchronous stats report: the kernel state read at the previous call (zeros until the
   * first read completes), and a new read started for the next.
   */
  kernelGauges(): SocketState {
    void this.kernelState().then((s) => {
      if (s !== undefined) this.#state = s;
    });
    return this.#state;
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

export interface SocketState {
  /** Datagrams the kernel dropped on the socket since it opened (receive buffer full). */
  readonly drops: number;
  /** Bytes waiting in the receive queue now, as counted against the receive buffer (with overhead). */
  readonly queuedBytes: number;
}

/**
 * The socket bound to local `port` in a /proc/net/udp table (summed when several sockets share the
 * port); undefined when the table cannot be read or has no such socket.
 */
export async function kernelSocketState(table: string, port: number): Promise<SocketState | undefined> {
  let text: string;
  try {
    text = await readFile(table, 'utf8');
  } catch {
    return undefined;
  }
  return parseUdpSocket(text, port);
}

/**
 * See kernelSocketState: rows are "sl local_address:PORT rem_address st tx_queue:rx_queue … drops",
 * ports and queues in hex.
 */
export function parseUdpSocket(text: string, port: number): SocketState | undefined {
  const lines = text.split('\n');
  const head = (lines[0] ?? '').trim().split(/\s+/);
  if (!head.includes('drops') || !head.includes('rx_queue')) return undefined;
  let drops = 0;
  let queuedBytes = 0;
  let found = false;
  for (const line of lines.slice(1)) {
    const f = line.trim().split(/\s+/);
    const local = f[1];
    if (local === undefined) continue;
    const p = parseInt(local.slice(local.lastIndexOf(':') + 1), 16);
    if (p !== port) continue;
    // The header names "tx_queue rx_queue" and "tr tm->when" as one column each; rows split them
    // differently ("tx:rx" is one field), so the fields are taken by position from each end.
    const d = Number(f[f.length - 1]);
    const rx = parseInt((f[4] ?? '').split(':')[1] ?? '', 16);
    if (!Number.isFinite(d) || !Number.isFinite(rx)) continue;
    drops += d;
    queuedBytes += rx;
    found = true;
  }
  return found ? { drops, queuedBytes } : undefined;
}
