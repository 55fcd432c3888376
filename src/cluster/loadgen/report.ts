/** The end-of-run summary text, the progress line and the report files of a load run. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LoadSummary } from './stats.js';

/**
 * Writes a run's `report.json` and `report.html` under `out` (created if missing), after what
 * `before` writes there (the ground-truth files).
 */
export async function writeReportFiles(
  out: string,
  report: object,
  html: string,
  before?: (dir: string) => Promise<void>,
): Promise<void> {
  await mkdir(out, { recursive: true });
  await before?.(out);
  await writeFile(join(out, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(out, 'report.html'), html);
}

/**
 * `prepared`: the CDRs generated and encoded before the first message, and how long that took; or,
 * with `mode` `stream`, the CDRs made while sending. `resources`: the generator's peak memory and CPU.
 */
export function summaryText(
  s: LoadSummary,
  prepared?: {
    readonly mode?: 'ahead' | 'stream';
    readonly cdrs: number;
    readonly ms: number;
    readonly waitedMs?: number;
    readonly lateMs?: number;
  },
  resources?: { readonly peakRssBytes: number; readonly cpuSeconds: number },
): string {
  const lines: (readonly [string, string])[] = [
    ['sent', `${s.sent} CDRs`],
    ['accepted', `${s.accepted} CDRs`],
    ['already-fulfilled', `${s.alreadyFulfilled} CDRs`],
    ['retransmitted', `${s.retransmitted} requests`],
    ['possibly-duplicated', `${s.possiblyDuplicated} CDRs`],
    ['cancelled', `${s.cancelled} CDRs`],
    ['released', `${s.released} CDRs`],
    ['redirected', `${s.redirected} requests`],
    ['rejected', `${s.rejected} CDRs`],
    ['failed', `${s.failed} CDRs`],
    ['unconfirmed', `${s.unconfirmed} CDRs`],
    ['backoffs', String(s.backoffs)],
    ['restarts', String(s.restarts)],
    ...(s.windowHeldByTimeouts === undefined
      ? []
      : [
          [
            'timeout-held',
            `${(100 * s.windowHeldByTimeouts).toFixed(0)}% of the window (lost requests and answers waiting for --timeout-ms)`,
          ] as const,
        ]),
    ['latency', `p50 ${s.latencyMs.p50} ms, p99 ${s.latencyMs.p99} ms, max ${s.latencyMs.max} ms`],
    ['rate', `${s.cdrsPerSecond} CDRs/s`],
    ['elapsed', `${(s.elapsedMs / 1000).toFixed(2)} s`],
  ];
  if (prepared?.mode === 'stream') lines.push(['prepared', `${prepared.cdrs} CDRs, made while sending`]);
  else if (prepared !== undefined)
    lines.push(['prepared', `${prepared.cdrs} CDRs in ${(prepared.ms / 1000).toFixed(2)} s, before sending`]);
  if (resources !== undefined)
    lines.push([
      'generator',
      `peak RSS ${Math.round(resources.peakRssBytes / 1048576)} MiB, CPU ${resources.cpuSeconds.toFixed(1)} s`,
    ]);
  if (prepared?.lateMs !== undefined) {
    const waited = ((prepared.waitedMs ?? 0) / 1000).toFixed(2);
    lines.push(['start-at', `waited ${waited} s, began sending ${prepared.lateMs} ms after the time`]);
  }
  return alignedText(lines);
}

/** `key  value` lines with the values aligned (the summary's layout). */
export function alignedText(lines: readonly (readonly [string, string])[]): string {
  const width = Math.max(...lines.map(([k]) => k.length));
  return lines.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}

export interface ProgressPoint {
  readonly elapsedMs: number;
  readonly sent: number;
  readonly accepted: number;
  /** CDRs sent per second over the last second. */
  readonly rate: number;
  readonly outstanding: number;
  readonly p99Ms: number;
}

export function progressLine(p: ProgressPoint): string {
  return (
    `${(p.elapsedMs / 1000).toFixed(1)}s sent ${p.sent} accepted ${p.accepted} ` +
    `rate ${Math.round(p.rate)}/s outstanding ${p.outstanding} p99 ${p.p99Ms} ms`
  );
}

/**
 * Writes progress to a stream: on a TTY one line rewritten every second; otherwise a line every
 * `plainEveryMs` (5 s).
 */
export class ProgressPrinter {
  #lastPlainMs = -Infinity;

  constructor(
    private readonly out: { write(s: string): unknown; isTTY?: boolean },
    private readonly plainEveryMs = 5000,
  ) {}

  update(p: ProgressPoint): void {
    if (this.out.isTTY === true) {
      this.out.write(`\r\x1b[K${progressLine(p)}`);
      return;
    }
    if (p.elapsedMs - this.#lastPlainMs < this.plainEveryMs) return;
    this.#lastPlainMs = p.elapsedMs;
    this.out.write(`${progressLine(p)}\n`);
  }

  done(): void {
    if (this.out.isTTY === true) this.out.write('\n');
  }
}
