/**
 * Sockets of the simulated GSNs: per GSN and gateway one UDP socket bound to the GSN's own address
 * and connected to the gateway, or one TCP connection from that address (GTP' messages framed with
 * the stream framer). Opened on first use; closing a GSN's sockets makes it silent until it sends
 * again. Every UDP datagram sent and received can be handed to a capture (pcap).
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { isIP, Socket as TcpSocket } from 'node:net';
import { DecodeError } from '../../../protocols/errors.js';
import { GtppStreamFramer } from '../../../protocols/gtpp/index.js';
import type { Endpoint } from '../args.js';
import type { GsnIo } from './gsn.js';

export interface TransportHandlers {
  message(gsn: number, bytes: Uint8Array, from: Endpoint): void;
  error(gsn: number, err: Error): void;
}

export interface DatagramCapture {
  datagram(source: Endpoint, destination: Endpoint, payload: Uint8Array): void;
}

interface Link {
  send(bytes: Uint8Array): void;
  close(): void;
  readonly dead: boolean;
}

const SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;

class UdpLink implements Link {
  readonly #socket: UdpSocket;
  #pending: Uint8Array[] | undefined = [];
  #local: Endpoint | undefined;
  dead = false;

  constructor(
    localAddress: string,
    private readonly target: Endpoint,
    onMessage: (bytes: Uint8Array, from: Endpoint) => void,
    onError: (err: Error) => void,
    private readonly capture: DatagramCapture | undefined,
  ) {
    this.#socket = createSocket({
      type: isIP(target.host) === 6 ? 'udp6' : 'udp4',
      recvBufferSize: SOCKET_BUFFER_BYTES,
      sendBufferSize: SOCKET_BUFFER_BYTES,
    });
    this.#socket.on('error', onError);
    this.#socket.on('message', (buf, rinfo) => {
      const from = { host: rinfo.address, port: rinfo.port };
      if (this.capture !== undefined && this.#local !== undefined)
        this.capture.datagram(from, this.#local, buf);
      onMessage(buf, from);
    });
    this.#socket.bind({ address: localAddress, port: 0, exclusive: true }, () => {
      if (this.dead) return;
      this.#socket.connect(target.port, target.host, () => {
        if (this.dead) return;
        const a = this.#socket.address();
        this.#local = { host: a.address, port: a.port };
        const pending = this.#pending ?? [];
        this.#pending = undefined;
        for (const b of pending) this.send(b);
      });
    });
  }

  send(bytes: Uint8Array): void {
    if (this.dead) return;
    if (this.#pending !== undefined) {
      this.#pending.push(bytes);
      return;
    }
    if (this.capture !== undefined && this.#local !== undefined)
      this.capture.datagram(this.#local, this.target, bytes);
    this.#socket.send(bytes);
  }

  close(): void {
    if (this.dead) return;
    this.dead = true;
    this.#socket.close();
  }
}

class TcpLink implements Link {
  readonly #socket: TcpSocket;
  readonly #framer = new GtppStreamFramer();
  dead = false;

  constructor(
    localAddress: string,
    target: Endpoint,
    onMessage: (bytes: Uint8Array, from: Endpoint) => void,
    onError: (err: Error) => void,
  ) {
    this.#socket = new TcpSocket();
    this.#socket.setNoDelay(true);
    this.#socket.on('error', onError);
    this.#socket.on('close', () => {
      this.dead = true;
    });
    this.#socket.on('data', (chunk: Buffer) => {
      let messages: Uint8Array[];
      try {
        messages = this.#framer.push(chunk);
      } catch (err) {
        if (!(err instanceof DecodeError)) throw err;
        onError(err);
        this.close();
        return;
      }
      for (const m of messages) onMessage(m, target);
    });
    this.#socket.connect({ host: target.host, port: target.port, localAddress });
  }

  send(bytes: Uint8Array): void {
    if (!this.dead) this.#socket.write(bytes);
  }

  close(): void {
    this.dead = true;
    this.#socket.destroy();
  }
}

export class GsnTransport implements GsnIo {
  readonly #links: Map<string, Link>[];

  constructor(
    private readonly kind: 'udp' | 'tcp',
    private readonly addresses: readonly string[],
    private readonly handlers: TransportHandlers,
    private readonly capture?: DatagramCapture,
  ) {
    this.#links = addresses.map(() => new Map<string, Link>());
  }

  send(gsn: number, target: Endpoint, bytes: Uint8Array): void {
    const links = this.#links[gsn] as Map<string, Link>;
    const key = `${target.host}|${target.port}`;
    let link = links.get(key);
    if (link === undefined || link.dead) {
      link = this.#open(gsn, target);
      links.set(key, link);
    }
    link.send(bytes);
  }

  close(gsn: number): void {
    const links = this.#links[gsn] as Map<string, Link>;
    for (const l of links.values()) l.close();
    links.clear();
  }

  closeAll(): void {
    for (let g = 0; g < this.#links.length; g++) this.close(g);
  }

  #open(gsn: number, target: Endpoint): Link {
    const local = this.addresses[gsn] as string;
    const onMessage = (bytes: Uint8Array, from: Endpoint): void => this.handlers.message(gsn, bytes, from);
    const onError = (err: Error): void => this.handlers.error(gsn, err);
    return this.kind === 'udp'
      ? new UdpLink(local, target, onMessage, onError, this.capture)
      : new TcpLink(local, target, onMessage, onError);
  }
}
