/** A pcap file of the datagrams a load run sends and receives, written in chunks, bounded in size. */
import { createWriteStream, type WriteStream } from 'node:fs';
import { encodePcapHeader, PcapUdpEncoder } from '../../protocols/pcap/writer.js';
import type { Endpoint } from './args.js';

const FLUSH_BYTES = 1 << 20;
/** The capture stops growing here (later datagrams are counted, not written). */
export const MAX_PCAP_BYTES = 1 << 30;

export class PcapFile {
  readonly #stream: WriteStream;
  readonly #encoder = new PcapUdpEncoder();
  #chunks: Uint8Array[] = [];
  #buffered = 0;
  #written = 0;
  /** Datagrams left out because the file reached its size limit. */
  dropped = 0;
  captured = 0;

  constructor(path: string) {
    this.#stream = createWriteStream(path);
    const header = encodePcapHeader();
    this.#chunks.push(header);
    this.#buffered = header.length;
  }

  datagram(source: Endpoint, destination: Endpoint, payload: Uint8Array): void {
    if (this.#written + this.#buffered >= MAX_PCAP_BYTES) {
      this.dropped++;
      return;
    }
    const record = this.#encoder.encode({
      timestampUs: Math.floor((performance.timeOrigin + performance.now()) * 1000),
      source: { address: source.host, port: source.port },
      destination: { address: destination.host, port: destination.port },
      payload,
    });
    this.captured++;
    this.#chunks.push(record);
    this.#buffered += record.length;
    if (this.#buffered >= FLUSH_BYTES) this.#flush();
  }

  #flush(): void {
    if (this.#chunks.length === 0) return;
    this.#stream.write(Buffer.concat(this.#chunks));
    this.#written += this.#buffered;
    this.#chunks = [];
    this.#buffered = 0;
  }

  close(): Promise<void> {
    this.#flush();
    return new Promise((resolve, reject) => {
      this.#stream.once('error', reject);
      this.#stream.end(() => resolve());
    });
  }
}
