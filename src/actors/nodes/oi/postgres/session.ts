/**
 * One pg connection and whether it is known to be gone. A session is never reused after a failure:
 * the writer destroys it (which rolls back an open transaction on the server) and opens a new one.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client, type ClientConfig } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

export class Session {
  /** Set when the client reported an error or its end, when connecting failed, or by destroy(). */
  lost = false;
  readonly #client: Client;

  constructor(config: ClientConfig) {
    this.#client = new Client(config);
    // Without listeners an idle connection's error would be thrown as an uncaught 'error' event.
    const onLost = (): void => {
      this.lost = true;
    };
    this.#client.on('error', onLost);
    this.#client.on('end', onLost);
  }

  async connect(): Promise<void> {
    try {
      await this.#client.connect();
    } catch (err) {
      this.lost = true;
      throw err;
    }
  }

  async query(sql: string, params?: readonly unknown[]): Promise<Array<Record<string, unknown>>> {
    const result = await this.#client.query(sql, params === undefined ? undefined : [...params]);
    return result.rows as Array<Record<string, unknown>>;
  }

  /** Streams the chunks through `COPY … FROM STDIN`; resolves with the server's row count. */
  async copyIn(sql: string, chunks: readonly string[]): Promise<number> {
    const stream = this.#client.query(copyFrom(sql));
    await pipeline(Readable.from(chunks), stream);
    return stream.rowCount;
  }

  /** Closes the socket now; the server rolls back whatever transaction was open. */
  destroy(): void {
    this.lost = true;
    this.#client.connection.stream.destroy();
  }

  /** Orderly close (Terminate message), or destroy when that does not finish in `timeoutMs`. */
  async end(timeoutMs: number): Promise<void> {
    if (this.lost) {
      this.destroy();
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    // An end() that fails means the connection is already gone, which is what end() is for; the
    // socket is destroyed below either way.
    const ended = this.#client.end().catch(() => {
      this.lost = true;
    });
    await Promise.race([ended, timedOut]);
    clearTimeout(timer);
    this.destroy();
  }
}
