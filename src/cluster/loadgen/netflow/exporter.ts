/**
 * One simulated flow exporter: its source address, boot time (sysUptime), export sequence and
 * template schedule. Templates go in its first packet, then in every `templateEvery`-th packet
 * (0: only the first), and again in the first packet after a restart, which also starts a new
 * sysUptime and sequence.
 */
import { Rng } from '../rng.js';
import { nextFlow, type ExportVersion, type SimFlow } from './flows.js';
import { encodePacket, extraDataRecords, type PacketInput } from './wire.js';

export interface ExporterConfig {
  readonly index: number;
  readonly address: string;
  readonly version: ExportVersion;
  readonly templateEvery: number;
  readonly sampling: number;
  readonly seed: number;
}

export interface ExporterCounts {
  packets: number;
  flows: number;
  templatePackets: number;
  octets: number;
  restarts: number;
}

export interface BuiltPacket {
  readonly input: PacketInput;
  readonly bytes: Uint8Array;
}

/** How long the first boot was before the run: 1 h plus up to a day (sysUptime stays far from 2^32 ms). */
const BOOT_BEFORE_MS = 3_600_000;

export class SimulatedExporter {
  readonly counts: ExporterCounts = { packets: 0, flows: 0, templatePackets: 0, octets: 0, restarts: 0 };
  readonly domain: number;
  readonly #rng: Rng;
  #bootMs: number;
  /** Packets since the last (re)start: decides the template schedule. */
  #sinceStart = 0;
  /** Sequence state of the current stream (v5 flows, v9 packets, IPFIX data records). */
  #sequence = 0;

  constructor(
    readonly config: ExporterConfig,
    startMs: number,
  ) {
    this.#rng = new Rng(config.seed, 100 + config.index);
    this.domain = config.index + 1;
    this.#bootMs = startMs - BOOT_BEFORE_MS - this.#rng.int(0, 86_400_000);
  }

  get address(): string {
    return this.config.address;
  }

  /** Whether the next packet carries the templates. */
  get templatesDue(): boolean {
    const every = this.config.templateEvery;
    if (this.config.version === 5) return false;
    return this.#sinceStart === 0 || (every > 0 && this.#sinceStart % every === 0);
  }

  /** The exporter reboots: new sysUptime, sequence from 0, templates in the next packet. */
  restart(nowMs: number): void {
    this.#bootMs = nowMs;
    this.#sinceStart = 0;
    this.#sequence = 0;
    this.counts.restarts++;
  }

  /** Builds the next packet of `n` new flows exported at `exportMs` and advances the stream. */
  next(exportMs: number, n: number): BuiltPacket {
    const c = this.config;
    const flows: SimFlow[] = [];
    for (let i = 0; i < n; i++) flows.push(nextFlow(this.#rng, exportMs, c.version));
    const templates = this.templatesDue;
    const input: PacketInput = {
      version: c.version,
      exportMs,
      bootMs: this.#bootMs,
      sequence: this.#sequence >>> 0,
      domain: this.domain,
      templates,
      sampling: c.sampling,
      flows,
    };
    const bytes = encodePacket(input);
    this.#sequence += c.version === 9 ? 1 : n + (c.version === 10 ? extraDataRecords(input) : 0);
    this.#sinceStart++;
    this.counts.packets++;
    this.counts.flows += n;
    this.counts.octets += bytes.length;
    if (templates) this.counts.templatePackets++;
    return { input, bytes };
  }
}
