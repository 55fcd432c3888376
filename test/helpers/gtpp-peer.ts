/** A GSN's side of GTP' for tests: one UDP socket or TCP connection, send frames, read what comes back. */
import { createSocket, type Socket } from 'node:dgram';
import { connect, type Socket as TcpSocket } from 'node:net';
import {
  decodeFrame,
  encodeFrame,
  GtppStreamFramer,
  type GtppFrame,
  type GtppMessage,
} from '../../src/protocols/gtpp/index.js';

export class TestPeer {
  readonly #inbox: GtppFrame[] = [];
  readonly #waiters: Array<(f: GtppFrame) => void> = [];
  #udp: Socket | undefined;
  #tcp: TcpSocket | undefined;

  private constructor(
    readonly target: { host: string; port: number },
    readonly transport: 'udp' | 'tcp',
  ) {}

  static async udp(port: number, localAddress = '127.0.0.1', host = '127.0.0.1'): Promise<TestPeer> {
    const p = new TestPeer({ host, port }, 'udp');
    const s = createSocket('udp4');
    await new Promise<void>((resolve) => s.bind(0, localAddress, resolve));
    s.on('message', (m) => p.#deliver(decodeFrame(new Uint8Array(m))));
    p.#udp = s;
    return p;
  }

  static async tcp(port: number, localAddress = '127.0.0.1', host = '127.0.0.1'): Promise<TestPeer> {
    const p = new TestPeer({ host, port }, 'tcp');
    const framer = new GtppStreamFramer();
    const c = connect({ port, host, localAddress });
    await new Promise<void>((resolve, reject) => {
      c.once('connect', resolve);
      c.once('error', reject);
    });
    c.on('data', (chunk: Buffer) => {
      for (const m of framer.push(new Uint8Array(chunk))) p.#deliver(decodeFrame(m));
    });
    p.#tcp = c;
    return p;
  }

  get closed(): boolean {
    return this.#tcp?.destroyed ?? false;
  }

  sendRaw(bytes: Uint8Array): void {
    if (this.#udp !== undefined) this.#udp.send(bytes, this.target.port, this.target.host);
    else this.#tcp?.write(bytes);
  }

  send(sequence: number, message: GtppMessage, version: 0 | 1 | 2 = 2, longHeader = false): Uint8Array {
    const bytes = encodeFrame({ version, longHeader, sequence, message });
    this.sendRaw(bytes);
    return bytes;
  }

  /** The next frame received (or undefined after `ms`). */
  next(ms = 2000): Promise<GtppFrame | undefined> {
    const f = this.#inbox.shift();
    if (f !== undefined) return Promise.resolve(f);
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        const i = this.#waiters.indexOf(done);
        if (i >= 0) this.#waiters.splice(i, 1);
        resolve(undefined);
      }, ms);
      const done = (frame: GtppFrame): void => {
        clearTimeout(t);
        resolve(frame);
      };
      this.#waiters.push(done);
    });
  }

  close(): void {
    this.#udp?.close();
    this.#tcp?.destroy();
  }

  #deliver(f: GtppFrame): void {
    const w = this.#waiters.shift();
    if (w !== undefined) w(f);
    else this.#inbox.push(f);
  }
}
