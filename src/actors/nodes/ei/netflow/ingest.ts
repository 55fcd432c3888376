/**
 * The flow collector's ingest: NetFlow v5/v9 and IPFIX datagrams on UDP (2055 and 4739 by default;
 * either port takes any version). A datagram from an exporter in `allowExporters` is appended to the
 * input log as it came, with its source and receipt time: nothing is decoded here, so templates are
 * learned in log order by the handler alone and a replay after a crash decodes exactly as the first
 * run did. Datagrams from other addresses are dropped, counted and logged at most once per 10 s.
 * NetFlow has no acknowledgement: the kernel's socket buffer is the one place a burst can be lost,
 * so its drops are read and reported (`udp_kernel_drops`).
 */
import type { CidrSet } from '../../../rules/cidr-set.js';
import type { IngestContext, IngestSource, IngestStats } from '../../../runtime/actor.js';
import { RateLimitedLog } from '../../../telemetry/logger.js';
import { KIND_MESSAGE, type DatagramEntry } from '../datagram/entry.js';
import { checkReceiveBuffer, IngestBooks, startReplays } from '../datagram/ingest-books.js';
import { EntryBatcher } from '../datagram/entry-batcher.js';
import { UdpListener, type ReplyPath } from '../datagram/udp.js';
import { allowList } from '../datagram/peers.js';
import type { NetflowEiSettings } from './settings.js';

export class NetflowIngest implements IngestSource {
  readonly #books = new IngestBooks();
  readonly #allowed: CidrSet;
  /** `granted`: the receive buffer read at open (a closed socket cannot be asked; stats run until the end). */
  readonly #sockets: { name: string; udp: UdpListener; granted: number }[] = [];
  #batcher: EntryBatcher | undefined;
  #rlog: RateLimitedLog | undefined;
  #stopped = false;

  constructor(
    private readonly s: NetflowEiSettings,
    private readonly replays?: IngestSource,
  ) {
    this.#allowed = allowList(s.allowExporters);
  }

  async start(ctx: IngestContext): Promise<void> {
    this.#rlog = new RateLimitedLog(ctx.log);
    this.#batcher = new EntryBatcher((payload) => ctx.append(payload));
    const l = this.s.listen;
    for (const [name, on, port] of [
      ['netflow', l.netflow, l.netflowPort],
      ['ipfix', l.ipfix, l.ipfixPort],
    ] as const) {
      if (!on) continue;
      const udp = await UdpListener.open(
        { address: l.address, port, receiveBufferBytes: this.s.receiveBufferBytes },
        (m, path) => this.#onDatagram(m, path),
        (err) => ctx.log.error({ err, socket: name }, 'flow collector UDP socket error'),
      );
      this.#sockets.push({ name, udp, granted: udp.receiveBufferBytes() });
    }
    const granted = Math.min(...this.#sockets.map((x) => x.granted));
    checkReceiveBuffer(ctx, granted, this.s.receiveBufferBytes);
    ctx.log.info(
      {
        ...Object.fromEntries(this.#sockets.map((x) => [x.name, x.udp.port])),
        address: l.address,
        receiveBufferBytes: granted,
      },
      'flow collector listening',
    );
    await startReplays(this.replays, ctx);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all([...this.#sockets.map((x) => x.udp.close()), this.replays?.stop()]);
    await this.#books.settled();
    this.#rlog?.flush();
  }

  idle(): boolean {
    return !this.#books.busy && (this.replays?.idle() ?? true);
  }

  async checkpointCommitted(position: number): Promise<void> {
    await this.replays?.checkpointCommitted?.(position);
  }

  stats(): IngestStats {
    const gauges: Record<string, number> = {};
    for (const x of this.#sockets) {
      gauges[`receive_buffer_bytes_${x.name}`] = x.granted;
      const kernel = x.udp.kernelGauges();
      gauges[`udp_kernel_drops_${x.name}`] = kernel.drops;
      gauges[`udp_receive_queue_bytes_${x.name}`] = kernel.queuedBytes;
    }
    return {
      events: this.#books.events(),
      peers: this.#books.peers(),
      gauges,
    };
  }

  /** Ports listened on, by socket name (tests listen on port 0). */
  get ports(): Record<string, number> {
    return Object.fromEntries(this.#sockets.map((x) => [x.name, x.udp.port]));
  }

  #count(event: string, peer?: string): void {
    this.#books.count(event, peer);
  }

  #onDatagram(buf: Uint8Array, path: ReplyPath): void {
    if (this.#stopped) return;
    if (!this.#allowed.containsText(path.address)) {
      this.#count('exporter_refused');
      this.#rlog?.warn(
        `refused:${path.address}`,
        { exporter: path.address },
        'flow export from an address not in allowExporters dropped',
      );
      return;
    }
    this.#count('datagrams', path.address);
    const part: DatagramEntry = {
      kind: KIND_MESSAGE,
      transport: 'udp',
      address: path.address,
      port: path.port,
      receivedAtMs: Date.now(),
      message: buf,
    };
    this.#books.begin();
    (this.#batcher as EntryBatcher).add(part, undefined, (failed) => {
      this.#books.end();
      if (failed !== undefined) this.#count('append_failed');
    });
  }
}
