/**
 * Export sequence tracking per (version, exporter, observation domain). What a sequence number
 * counts differs: NetFlow v5 flow_sequence counts flows (a packet of `count` flows advances it by
 * count), v9 counts export packets (by 1), IPFIX counts data records (RFC 7011 §3.1: by the data
 * records of the message; a message with none keeps it).
 *
 * All arithmetic is modulo 2^32. A sequence ahead of the expected one opens a gap counted as lost;
 * a later message inside a remembered gap fills it and takes its records back off `lost` (reorder is
 * not loss counted twice); one behind but outside any gap, within the reorder window, is a
 * duplicate; one further behind — or a v5/v9 sysUptime that went back — is an exporter restart: the
 * stream starts over (counted). After a message whose record count is unknown (IPFIX data sets
 * without a template) the next one re-synchronises without judging loss.
 */
import { DecodeError } from '../errors.js';

const TWO_32 = 4_294_967_296;
const HALF = 2_147_483_648;

export type SequenceOutcome = 'first' | 'in_order' | 'gap' | 'late' | 'duplicate' | 'restart' | 'resync';

export interface SequenceObservation {
  version: 5 | 9 | 10;
  exporter: string;
  observationDomainId: number;
  sequence: number;
  /** How far this message advances the sequence: v5 flows, v9 1, IPFIX data records. */
  count: number;
  /** False when the message's true count is unknown (the next message re-synchronises). */
  countKnown?: boolean;
  /** v5/v9 header sysUptime; going back (not wrapping) means the exporter restarted. */
  uptimeMs?: number;
}

export interface SequenceStats {
  /** Sequence units received (flows, packets or records). */
  received: number;
  /** Units missing now: gaps opened minus late arrivals that filled them. */
  lost: number;
  late: number;
  duplicates: number;
  restarts: number;
  resyncs: number;
}

export interface SequenceResult {
  outcome: SequenceOutcome;
  /** Change of `lost` by this observation (negative when a late message filled a gap). */
  lostDelta: number;
}

export interface SequenceOptions {
  /** How far behind the expected sequence a message still counts as reordered, per version. */
  reorderWindow?: Partial<Record<5 | 9 | 10, number>>;
  /** Gaps remembered per stream for late arrivals (oldest forgotten first). */
  maxGaps?: number;
  /** Streams tracked (least recently seen forgotten first). */
  maxStreams?: number;
  /** How far (ms) a v5/v9 sysUptime must go back to mean a restart rather than reorder (60 s). */
  uptimeRestartMs?: number;
}

interface Stream {
  version: 5 | 9 | 10;
  exporter: string;
  observationDomainId: number;
  /** Next expected sequence, or null before the first message or after an unknown count. */
  expected: number | null;
  /** Missing ranges as [start, length], oldest first. */
  gaps: [number, number][];
  lastUptime: number | null;
  stats: SequenceStats;
}

export interface SequenceSnapshot {
  format: 1;
  streams: Stream[];
}

const DEFAULT_WINDOW: Readonly<Record<5 | 9 | 10, number>> = { 5: 3000, 9: 100, 10: 3000 };

const mod = (v: number): number => ((v % TWO_32) + TWO_32) % TWO_32;
const emptyStats = (): SequenceStats => ({
  received: 0,
  lost: 0,
  late: 0,
  duplicates: 0,
  restarts: 0,
  resyncs: 0,
});

export class SequenceTracker {
  readonly #streams = new Map<string, Stream>();
  readonly #window: Record<5 | 9 | 10, number>;
  readonly #maxGaps: number;
  readonly #maxStreams: number;
  readonly #uptimeRestartMs: number;

  constructor(options: SequenceOptions = {}) {
    this.#window = { ...DEFAULT_WINDOW, ...options.reorderWindow };
    this.#maxGaps = options.maxGaps ?? 64;
    this.#maxStreams = options.maxStreams ?? 65_536;
    this.#uptimeRestartMs = options.uptimeRestartMs ?? 60_000;
  }

  /** Judges one message's sequence number and updates the stream. */
  observe(o: SequenceObservation): SequenceResult {
    const key = `${o.version}|${o.exporter}|${o.observationDomainId}`;
    let st = this.#streams.get(key);
    let result: SequenceResult;
    if (st === undefined) {
      if (this.#streams.size >= this.#maxStreams)
        this.#streams.delete(this.#streams.keys().next().value as string);
      st = {
        version: o.version,
        exporter: o.exporter,
        observationDomainId: o.observationDomainId,
        expected: mod(o.sequence + o.count),
        gaps: [],
        lastUptime: null,
        stats: emptyStats(),
      };
      st.stats.received += o.count;
      result = { outcome: 'first', lostDelta: 0 };
    } else {
      this.#streams.delete(key); // re-inserted below: the map stays ordered by last use
      result = this.#judge(st, o);
    }
    this.#streams.set(key, st);
    if (o.uptimeMs !== undefined && result.outcome !== 'late' && result.outcome !== 'duplicate') {
      st.lastUptime = o.uptimeMs;
    }
    if (o.countKnown === false) st.expected = null;
    return result;
  }

  #restart(st: Stream, o: SequenceObservation): SequenceResult {
    st.stats.restarts++;
    st.gaps = [];
    st.expected = mod(o.sequence + o.count);
    st.stats.received += o.count;
    return { outcome: 'restart', lostDelta: 0 };
  }

  #judge(st: Stream, o: SequenceObservation): SequenceResult {
    const seq = mod(o.sequence);
    if (st.expected === null) {
      st.stats.resyncs++;
      st.expected = mod(seq + o.count);
      st.stats.received += o.count;
      return { outcome: 'resync', lostDelta: 0 };
    }
    if (o.uptimeMs !== undefined && st.lastUptime !== null) {
      // A reordered packet is a little older; a rebooted exporter's uptime starts again near 0.
      const back = st.lastUptime - o.uptimeMs;
      if (back > this.#uptimeRestartMs && back < HALF) return this.#restart(st, o);
    }
    const ahead = mod(seq - st.expected);
    if (ahead === 0) {
      st.expected = mod(seq + o.count);
      st.stats.received += o.count;
      return { outcome: 'in_order', lostDelta: 0 };
    }
    if (ahead < HALF) {
      st.gaps.push([st.expected, ahead]);
      if (st.gaps.length > this.#maxGaps) st.gaps.shift();
      st.stats.lost += ahead;
      st.expected = mod(seq + o.count);
      st.stats.received += o.count;
      this.#forgetOldGaps(st);
      return { outcome: 'gap', lostDelta: ahead };
    }
    if (o.count === 0 && mod(st.expected - seq) <= this.#window[o.version]) {
      st.stats.late++; // a late message without data records (IPFIX templates only)
      return { outcome: 'late', lostDelta: 0 };
    }
    const filled = this.#fill(st, seq, o.count);
    if (filled > 0) {
      st.stats.lost -= filled;
      st.stats.late++;
      st.stats.received += o.count;
      return { outcome: 'late', lostDelta: -filled };
    }
    if (mod(st.expected - seq) <= this.#window[o.version]) {
      st.stats.duplicates++;
      return { outcome: 'duplicate', lostDelta: 0 };
    }
    return this.#restart(st, o);
  }

  /** Takes [seq, seq + count) out of the remembered gaps; the units it filled. */
  #fill(st: Stream, seq: number, count: number): number {
    for (let i = 0; i < st.gaps.length; i++) {
      const [start, length] = st.gaps[i] as [number, number];
      const offset = mod(seq - start);
      if (offset >= length) continue;
      const covered = Math.min(count, length - offset);
      const pieces: [number, number][] = [];
      if (offset > 0) pieces.push([start, offset]);
      if (offset + covered < length) pieces.push([mod(start + offset + covered), length - offset - covered]);
      st.gaps.splice(i, 1, ...pieces);
      return covered;
    }
    return 0;
  }

  /** Gaps that ended further back than the reorder window can no longer be filled. */
  #forgetOldGaps(st: Stream): void {
    const window = this.#window[st.version];
    const expected = st.expected as number;
    st.gaps = st.gaps.filter(([start, length]) => mod(expected - mod(start + length)) <= window);
  }

  /** Counters of one stream. */
  stats(version: 5 | 9 | 10, exporter: string, observationDomainId: number): SequenceStats | undefined {
    const st = this.#streams.get(`${version}|${exporter}|${observationDomainId}`);
    return st === undefined ? undefined : { ...st.stats };
  }

  /** Counters summed over all streams. */
  totals(): SequenceStats {
    const t = emptyStats();
    for (const { stats: s } of this.#streams.values()) {
      t.received += s.received;
      t.lost += s.lost;
      t.late += s.late;
      t.duplicates += s.duplicates;
      t.restarts += s.restarts;
      t.resyncs += s.resyncs;
    }
    return t;
  }

  /** Plain data; `restore` rebuilds the tracker. */
  snapshot(): SequenceSnapshot {
    return {
      format: 1,
      streams: [...this.#streams.values()].map((s) => ({
        ...s,
        gaps: s.gaps.map(([a, b]) => [a, b] as [number, number]),
        stats: { ...s.stats },
      })),
    };
  }

  toJSON(): SequenceSnapshot {
    return this.snapshot();
  }

  /** A tracker from a snapshot (or its JSON parse); malformed data is a `bad_snapshot` DecodeError. */
  static restore(data: unknown, options?: SequenceOptions): SequenceTracker {
    const t = new SequenceTracker(options);
    const o = data as Partial<SequenceSnapshot> | null;
    if (typeof o !== 'object' || o === null || o.format !== 1 || !Array.isArray(o.streams)) {
      throw new DecodeError(
        'netflow',
        'bad_snapshot',
        'sequence snapshot: expected { format: 1, streams: [...] }',
      );
    }
    for (const s of o.streams as unknown[]) {
      const st = s as Stream;
      const ok =
        typeof st === 'object' &&
        st !== null &&
        (st.version === 5 || st.version === 9 || st.version === 10) &&
        typeof st.exporter === 'string' &&
        Number.isInteger(st.observationDomainId) &&
        (st.expected === null || Number.isInteger(st.expected)) &&
        Array.isArray(st.gaps) &&
        typeof st.stats === 'object' &&
        st.stats !== null;
      if (!ok) throw new DecodeError('netflow', 'bad_snapshot', 'sequence snapshot: malformed stream');
      t.#streams.set(`${st.version}|${st.exporter}|${st.observationDomainId}`, {
        ...st,
        gaps: st.gaps.map(([a, b]) => [a, b] as [number, number]),
        stats: { ...emptyStats(), ...st.stats },
      });
    }
    return t;
  }
}
