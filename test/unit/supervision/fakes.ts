/**
 * Purpose-built children and a manual clock for supervisor tests. Every child action is written
 * to a shared event log, so tests assert the exact order of starts, shutdown requests and kills.
 */
import pino from 'pino';
import type { Clock } from '../../../src/actors/supervision/clock.js';
import type { SupervisorReport } from '../../../src/actors/supervision/reports.js';
import { Supervisor, type SupervisorOptions } from '../../../src/actors/supervision/supervisor.js';
import type {
  BackoffSpec,
  ChildHandle,
  ChildSpec,
  ChildType,
  ExitReason,
  RestartType,
  ShutdownSpec,
  StartResult,
  SupervisorFlags,
} from '../../../src/actors/supervision/types.js';

export const NORMAL: ExitReason = { kind: 'normal' };
export const SHUTDOWN: ExitReason = { kind: 'shutdown' };
export const SHUTDOWN_DETAIL: ExitReason = { kind: 'shutdown', detail: 'drained' };
export const KILLED: ExitReason = { kind: 'killed' };
export const CRASH: ExitReason = { kind: 'abnormal', error: { name: 'Error', message: 'boom' } };

/** What the n-th start (1-based) of a child does. */
export type StartStep = 'ok' | 'ignore' | { readonly error: unknown } | { readonly throws: unknown };

/** What a child does when asked to shut down: exit with `shutdown`, ignore it, or exit with this reason. */
export type ShutdownBehaviour = 'comply' | 'ignore' | ExitReason;

export class FakeChild implements ChildHandle {
  readonly exited: Promise<ExitReason>;
  private resolveExit!: (reason: ExitReason) => void;
  private ended = false;

  constructor(
    readonly id: string,
    readonly label: string,
    private readonly log: string[],
    private readonly onShutdown: ShutdownBehaviour,
  ) {
    this.exited = new Promise((resolve) => (this.resolveExit = resolve));
  }

  get alive(): boolean {
    return !this.ended;
  }

  /** The child ends on its own with `reason`. */
  exit(reason: ExitReason): void {
    if (this.ended) return;
    this.ended = true;
    this.log.push(`exit:${this.id}:${describe(reason)}`);
    this.resolveExit(reason);
  }

  requestShutdown(): void {
    this.log.push(`shutdown:${this.id}`);
    if (this.onShutdown === 'ignore') return;
    this.exit(this.onShutdown === 'comply' ? SHUTDOWN : this.onShutdown);
  }

  kill(): void {
    this.log.push(`kill:${this.id}`);
    this.exit(KILLED);
  }
}

function describe(reason: ExitReason): string {
  if (reason.kind === 'shutdown' && reason.detail !== undefined) return 'shutdown+detail';
  return reason.kind;
}

export interface FakeSpecOptions {
  readonly restart?: RestartType;
  readonly shutdown?: ShutdownSpec;
  readonly type?: ChildType;
  readonly backoff?: BackoffSpec;
  readonly plan?: (n: number) => StartStep;
  readonly onShutdown?: ShutdownBehaviour;
  /** Awaited before the n-th start decides what to do (lets a test hold a start open). */
  readonly gate?: (n: number) => Promise<void> | undefined;
}

/** Makes child specs whose starts and exits the test controls. */
export class Children {
  readonly log: string[] = [];
  private readonly started = new Map<string, FakeChild[]>();
  private readonly attempts = new Map<string, number>();

  spec(id: string, options: FakeSpecOptions = {}): ChildSpec {
    const { plan = () => 'ok', onShutdown = 'comply', gate, ...rest } = options;
    const start = async (): Promise<StartResult> => {
      const n = (this.attempts.get(id) ?? 0) + 1;
      this.attempts.set(id, n);
      await gate?.(n);
      const step = plan(n);
      if (step === 'ignore') {
        this.log.push(`ignore:${id}`);
        return { kind: 'ignore' };
      }
      if (step !== 'ok') {
        this.log.push(`start_failed:${id}`);
        if ('throws' in step) throw step.throws;
        return { kind: 'error', reason: step.error };
      }
      this.log.push(`start:${id}`);
      const child = new FakeChild(id, `${id}#${n}`, this.log, onShutdown);
      this.started.set(id, [...(this.started.get(id) ?? []), child]);
      return { kind: 'started', handle: child };
    };
    return { id, start, ...rest };
  }

  /** The most recently started instance of `id`. */
  current(id: string): FakeChild {
    const child = this.started.get(id)?.at(-1);
    if (child === undefined) throw new Error(`child ${id} was never started`);
    return child;
  }

  /** How many times `id` was asked to start (successfully or not). */
  attemptsOf(id: string): number {
    return this.attempts.get(id) ?? 0;
  }

  startsOf(id: string): number {
    return this.started.get(id)?.length ?? 0;
  }

  /** Log entries starting with one of the prefixes, in order. */
  events(...prefixes: string[]): string[] {
    return this.log.filter((e) => prefixes.some((p) => e.startsWith(p)));
  }
}

/** A promise the test resolves by hand. */
export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** A manual clock: timers fire only when the test advances time. */
export class FakeClock implements Clock {
  private t = 0;
  private seq = 0;
  private timers: Array<{ id: number; at: number; callback: () => void }> = [];

  now(): number {
    return this.t;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    this.seq += 1;
    this.timers.push({ id: this.seq, at: this.t + ms, callback });
    return this.seq;
  }

  clearTimeout(timer: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== timer);
  }

  /** Delays (from now) of the timers still pending. */
  pending(): number[] {
    return this.timers.map((t) => t.at - this.t).sort((a, b) => a - b);
  }

  /** Moves time forward, firing due timers in order and letting the supervisor react to each. */
  async advance(ms: number): Promise<void> {
    const target = this.t + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (due === undefined) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.t = due.at;
      due.callback();
      await settle();
    }
    this.t = target;
    await settle();
  }
}

/** Lets queued promise reactions and supervisor steps run. */
export async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i += 1) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Waits (by event-loop turns, not time) until `predicate` holds. */
export async function waitUntil(predicate: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i += 1) {
    if (predicate()) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  throw new Error(`expected ${what}, it did not happen`);
}

export interface Harness {
  readonly sup: Supervisor;
  readonly reports: SupervisorReport[];
  readonly clock: FakeClock;
}

export const silentLogger = pino({ level: 'silent' });

export function harness(
  name: string,
  flags: SupervisorFlags,
  specs: readonly ChildSpec[],
  options: Partial<SupervisorOptions> & { clock?: FakeClock } = {},
): Harness {
  const reports: SupervisorReport[] = [];
  const clock = options.clock ?? new FakeClock();
  const sup = new Supervisor(name, flags, specs, {
    logger: silentLogger,
    onReport: (r) => reports.push(r),
    ...options,
    clock,
  });
  return { sup, reports, clock };
}

/** Report kinds with the child id they name, e.g. `child_terminated:a`. */
export function reportKinds(reports: readonly SupervisorReport[]): string[] {
  return reports.map((r) => `${r.kind}:${r.kind === 'progress' ? r.started.id : r.offender.id}`);
}
