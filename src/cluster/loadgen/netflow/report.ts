/** What a netflow load run reports: per-packet hook payloads, progress points and the final report. */
import type { ExporterCounts } from './exporter.js';
import type { NetflowLoadOptions } from './options.js';

export interface SentPacket {
  readonly exporter: number;
  readonly address: string;
  readonly flows: number;
  /** Data records the packet carried (flows and options records). */
  readonly dataRecords: number;
  readonly templates: boolean;
}

export interface NetflowProgress {
  readonly elapsedMs: number;
  readonly flows: number;
  readonly packets: number;
  /** Flows per second over the last second. */
  readonly rate: number;
  readonly paused: boolean;
}

export interface NetflowRunHooks {
  readonly signal?: AbortSignal;
  /** About once a second. */
  readonly progress?: (p: NetflowProgress) => void;
  /**
   * Asked before a packet is sent, with what it would be. While it answers true nothing is sent and
   * the run's clock (rate, duration, shape) stands still: a test pauses the exporters while it
   * restarts the collector, and resumes with a packet that carries no templates.
   */
  readonly paused?: (next: { readonly exporter: number; readonly templates: boolean }) => boolean;
  /** After each datagram the socket sent. */
  readonly sent?: (p: SentPacket) => void;
}

export interface ExporterReport extends ExporterCounts {
  readonly index: number;
  readonly address: string;
  readonly version: number;
  readonly observationDomainId: number;
}

export interface NetflowLoadReport {
  readonly options: NetflowLoadOptions;
  /** Wall-clock time of the start, ms since the epoch. */
  readonly startedAtMs: number;
  /** Datagrams and flows the sockets sent (the truth); `exporters` counts what each one built. */
  readonly summary: {
    readonly packets: number;
    readonly flows: number;
    readonly templatePackets: number;
    readonly octets: number;
    readonly sendErrors: number;
    readonly elapsedMs: number;
    /** Paused time (hooks.paused), not counted in the rates. */
    readonly pausedMs: number;
    readonly flowsPerSecond: number;
    readonly packetsPerSecond: number;
  };
  readonly exporters: readonly ExporterReport[];
  /** Flows sent in each second of the run clock. */
  readonly series: readonly { readonly second: number; readonly flows: number; readonly packets: number }[];
  readonly errors: { readonly count: number; readonly last: string | undefined };
  readonly ended: 'done' | 'duration' | 'max-seconds' | 'aborted';
}
