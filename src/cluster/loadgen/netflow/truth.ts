/**
 * The ground truth of a netflow load run: `truth/flows.csv`, one row per flow of every datagram the
 * socket sent, in the columns of a file OI fed by `netflow-ei` (exporter, srcIp, srcPort, dstIp,
 * dstPort, protocol, bytes, packets, flowStart, flowEnd), with the times a collector must report
 * (see `reportedMs`) and bytes/packets as exported (not scaled by sampling).
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ipv4Text } from './flows.js';
import { reportedMs, type PacketInput } from './wire.js';

export const TRUTH_FLOW_COLUMNS = [
  'exporter',
  'srcIp',
  'srcPort',
  'dstIp',
  'dstPort',
  'protocol',
  'bytes',
  'packets',
  'flowStart',
  'flowEnd',
] as const;

export const TRUTH_FLOW_HEADER = TRUTH_FLOW_COLUMNS.join(',');

/** The truth rows (without line ends) of one sent packet. */
export function truthRows(exporter: string, p: PacketInput): string[] {
  return p.flows.map((f) =>
    [
      exporter,
      ipv4Text(f.srcIp),
      f.srcPort,
      ipv4Text(f.dstIp),
      f.dstPort,
      f.protocol,
      f.bytes,
      f.packets,
      new Date(reportedMs(p, f.startMs)).toISOString(),
      new Date(reportedMs(p, f.endMs)).toISOString(),
    ].join(','),
  );
}

/** Appends truth rows to `<out>/truth/flows.csv` as packets are sent (buffered). */
export class TruthWriter {
  #chunk = '';
  #rows = 0;

  private constructor(private readonly stream: WriteStream) {}

  static async open(out: string): Promise<TruthWriter> {
    const dir = join(out, 'truth');
    await mkdir(dir, { recursive: true });
    const w = new TruthWriter(createWriteStream(join(dir, 'flows.csv')));
    w.#chunk = `${TRUTH_FLOW_HEADER}\n`;
    return w;
  }

  get rows(): number {
    return this.#rows;
  }

  add(exporter: string, p: PacketInput): void {
    for (const r of truthRows(exporter, p)) this.#chunk += `${r}\n`;
    this.#rows += p.flows.length;
    if (this.#chunk.length > 1 << 20) this.#flush();
  }

  #flush(): void {
    if (this.#chunk !== '') this.stream.write(this.#chunk);
    this.#chunk = '';
  }

  async close(): Promise<void> {
    this.#flush();
    await new Promise<void>((resolve, reject) => {
      this.stream.once('error', reject);
      this.stream.end(() => resolve());
    });
  }
}
