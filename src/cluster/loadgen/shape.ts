/**
 * Send-rate shapes and the rate scheduler: how many CDRs may have been released by a given moment of
 * the run. Pure and driven by elapsed time passed in, so tests count over simulated seconds.
 */
import { parseDuration, parseInteger, parseNumber, parseParams, type Parsed } from './args.js';
import { Rng } from './rng.js';

export type Shape =
  | { readonly kind: 'constant' }
  /** `high` (the full rate) for the first half of each period, `low` × rate for the second. */
  | { readonly kind: 'square'; readonly periodMs: number; readonly low: number }
  /** From `from` × rate up to the full rate linearly over `overMs` (default: the run's duration). */
  | { readonly kind: 'ramp'; readonly from: number; readonly overMs: number | undefined }
  /** Messages arrive as a Poisson process whose mean is the rate. */
  | { readonly kind: 'poisson' }
  /** Constant rate; GSN `gsn` goes silent at `atMs` for `downMs`, then restarts and floods its backlog. */
  | { readonly kind: 'storm'; readonly gsn: number; readonly atMs: number; readonly downMs: number };

const MAX_MS = 24 * 3_600_000;
const SHAPES =
  'constant | square:period=10s,low=0.2 | ramp:from=0.1[,over=30s] | poisson | storm:gsn=0,down=5s,at=10s';

/** Parses `--shape`; unknown parameters and bad values are reported with what was expected. */
export function parseShape(text: string): Parsed<Shape> {
  const colon = text.indexOf(':');
  const kind = colon === -1 ? text.trim() : text.slice(0, colon).trim();
  const params = parseParams(colon === -1 ? '' : text.slice(colon + 1));
  if (!params.ok) return params;
  const p = params.value;
  const allow = (...names: string[]): string | undefined => {
    const extra = [...p.keys()].filter((k) => !names.includes(k));
    return extra.length === 0
      ? undefined
      : `${kind} parameters ${names.join(', ') || '(none)'}; got ${extra.join(', ')}`;
  };
  const fail = (expected: string): Parsed<Shape> => ({ ok: false, expected });
  const dur = (name: string, dflt: number | undefined): Parsed<number | undefined> => {
    const t = p.get(name);
    if (t === undefined) return { ok: true, value: dflt };
    const d = parseDuration(t, MAX_MS);
    return d.ok ? d : { ok: false, expected: `${kind} ${name}: ${d.expected}` };
  };
  const num = (name: string, dflt: number, min: number, max: number): Parsed<number> => {
    const t = p.get(name);
    if (t === undefined) return { ok: true, value: dflt };
    const v = parseNumber(t, min, max);
    return v.ok ? v : { ok: false, expected: `${kind} ${name}: ${v.expected}` };
  };
  switch (kind) {
    case 'constant':
    case 'poisson': {
      const extra = allow();
      return extra === undefined ? { ok: true, value: { kind } } : fail(extra);
    }
    case 'square': {
      const extra = allow('period', 'low');
      if (extra !== undefined) return fail(extra);
      const period = dur('period', 10_000);
      if (!period.ok) return period;
      const low = num('low', 0.2, 0, 1);
      if (!low.ok) return low;
      return { ok: true, value: { kind, periodMs: period.value as number, low: low.value } };
    }
    case 'ramp': {
      const extra = allow('from', 'over');
      if (extra !== undefined) return fail(extra);
      const from = num('from', 0.1, 0, 1);
      if (!from.ok) return from;
      const over = dur('over', undefined);
      if (!over.ok) return over;
      return { ok: true, value: { kind, from: from.value, overMs: over.value } };
    }
    case 'storm': {
      const extra = allow('gsn', 'down', 'at');
      if (extra !== undefined) return fail(extra);
      const g = p.get('gsn');
      const gsn = g === undefined ? ({ ok: true, value: 0 } as const) : parseInteger(g, 0, 65_535);
      if (!gsn.ok) return fail(`storm gsn: ${gsn.expected}`);
      const down = dur('down', 5_000);
      if (!down.ok) return down;
      const at = dur('at', 10_000);
      if (!at.ok) return at;
      return {
        ok: true,
        value: { kind, gsn: gsn.value, downMs: down.value as number, atMs: at.value as number },
      };
    }
    default:
      return fail(SHAPES);
  }
}

/** Cumulative CDRs allowed by each moment of the run for a shape and a mean rate. */
export class RateScheduler {
  readonly #rate: number;
  readonly #shape: Shape;
  readonly #rampMs: number;
  readonly #messageCdrs: number;
  readonly #rng: Rng;
  #nextArrivalMs = 0;
  #arrivals = 0;
  #lastMs = 0;

  /**
   * @param rate CDRs per second; 0 means unlimited.
   * @param cdrsPerMessage Poisson arrivals are whole messages of this many CDRs.
   * @param runMs the run's duration, used by a ramp without `over`.
   */
  constructor(shape: Shape, rate: number, cdrsPerMessage: number, seed: number, runMs: number) {
    this.#shape = shape;
    this.#rate = rate;
    this.#messageCdrs = cdrsPerMessage;
    this.#rampMs = shape.kind === 'ramp' ? Math.max(1, shape.overMs ?? runMs) : 1;
    this.#rng = new Rng(seed, 7);
    if (shape.kind === 'poisson' && rate > 0) this.#nextArrivalMs = this.#gap();
  }

  get unlimited(): boolean {
    return this.#rate <= 0;
  }

  /** Rate in CDRs/s the shape asks for at `ms` (Poisson: its mean). */
  rateAt(ms: number): number {
    const s = this.#shape;
    if (s.kind === 'square') return (ms % s.periodMs) * 2 < s.periodMs ? this.#rate : this.#rate * s.low;
    if (s.kind === 'ramp') return this.#rate * (s.from + (1 - s.from) * Math.min(1, ms / this.#rampMs));
    return this.#rate;
  }

  /**
   * CDRs allowed from the start until `ms` (non-decreasing; Poisson arrivals are drawn as time advances,
   * so calls must come in time order). Infinity when the rate is unlimited.
   */
  allowed(ms: number): number {
    if (this.#rate <= 0) return Infinity;
    const s = this.#shape;
    const r = this.#rate / 1000;
    switch (s.kind) {
      case 'constant':
      case 'storm':
        return Math.floor(r * ms);
      case 'square': {
        const half = s.periodMs / 2;
        const periods = Math.floor(ms / s.periodMs);
        const within = ms - periods * s.periodMs;
        const perPeriod = r * half * (1 + s.low);
        const part = within <= half ? r * within : r * half + r * s.low * (within - half);
        return Math.floor(periods * perPeriod + part + 1e-9);
      }
      case 'ramp': {
        const t = Math.min(ms, this.#rampMs);
        const ramp = r * (s.from * t + ((1 - s.from) * t * t) / (2 * this.#rampMs));
        return Math.floor(ramp + r * Math.max(0, ms - this.#rampMs) + 1e-9);
      }
      case 'poisson': {
        if (ms > this.#lastMs) this.#lastMs = ms;
        while (this.#nextArrivalMs <= this.#lastMs) {
          this.#arrivals++;
          this.#nextArrivalMs += this.#gap();
        }
        return this.#arrivals * this.#messageCdrs;
      }
    }
  }

  #gap(): number {
    return this.#rng.exponential((1000 * this.#messageCdrs) / this.#rate);
  }
}
