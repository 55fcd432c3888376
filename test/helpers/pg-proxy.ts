/** Test helper: a TCP proxy in front of the PostgreSQL at 127.0.0.1:5432 that can fail on demand. */
import { createServer, connect, type Server, type Socket } from 'node:net';

const PG_PORT = 5432;

/**
 * A TCP proxy in front of PostgreSQL that can go down (listening stops, open connections are cut:
 * clients see ECONNREFUSED / connection lost) and come back on the same port, and that can swallow
 * the answer to the next COMMIT (the server commits, the client never hears it).
 */
export class PgProxy {
  readonly #sockets = new Set<Socket>();
  #server: Server;
  #swallowNextCommit = false;
  port = 0;

  private constructor() {
    this.#server = this.#makeServer();
  }

  static async start(): Promise<PgProxy> {
    const p = new PgProxy();
    await p.#listen(0);
    return p;
  }

  swallowNextCommitAnswer(): void {
    this.#swallowNextCommit = true;
  }

  get connections(): number {
    return this.#sockets.size / 2;
  }

  async down(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const s of this.#sockets) s.destroy();
    this.#sockets.clear();
    await closed;
  }

  async up(): Promise<void> {
    this.#server = this.#makeServer();
    await this.#listen(this.port);
  }

  #makeServer(): Server {
    return createServer((client) => this.#relay(client));
  }

  async #listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, '127.0.0.1', () => resolve());
    });
    const address = this.#server.address();
    if (address === null || typeof address === 'string') throw new Error('expected a TCP address');
    this.port = address.port;
  }

  #relay(client: Socket): void {
    const upstream = connect(PG_PORT, '127.0.0.1');
    this.#sockets.add(client).add(upstream);
    let deaf = false;
    const cut = (): void => {
      client.destroy();
      upstream.destroy();
      this.#sockets.delete(client);
      this.#sockets.delete(upstream);
    };
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      if (this.#swallowNextCommit && chunk.includes('COMMIT\u0000')) {
        this.#swallowNextCommit = false;
        deaf = true;
        setTimeout(cut, 300);
      }
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!deaf) client.write(chunk);
    });
    for (const s of [client, upstream]) {
      s.on('error', cut);
      s.on('close', cut);
    }
  }
}
