/**
 * What passes between the GTP' gateway and its decode threads (`decodeThreads`). A job is the CDRs
 * of the requests received in one event-loop turn, their bytes copied into one transferred buffer;
 * its answer is their NARs written as MessagePack into another, with each attribute-name list (a
 * shape) sent once per thread and named by its number after that. Pure: both sides' halves are here.
 */
import type { MsgpackWriter } from '../../../../protocols/nar/msgpack-writer.js';
import type { Nar } from '../../../../protocols/nar/nar.js';
import { PackedNar } from '../../../../protocols/nar/packed-nar.js';
import { packCdrs, RecordFailure, type RecordResult } from './records.js';

export interface DecodeJob {
  readonly id: number;
  /** Every CDR's bytes, one after another. */
  readonly bytes: ArrayBuffer;
  /** CDR i is bytes ends[i]..ends[i + 1]. */
  readonly ends: Int32Array<ArrayBuffer>;
}

/** A failure as it crosses threads (a class does not survive the copy). */
interface FailureText {
  readonly code: string;
  readonly message: string;
}

export interface DecodedJob {
  readonly id: number;
  /** The packed NARs, one after another. */
  readonly bytes: ArrayBuffer;
  /** NAR i is bytes ends[i]..ends[i + 1] (none when it is in `others`). */
  readonly ends: Int32Array<ArrayBuffer>;
  /** Per CDR: the number of its NAR's shape, or -1 when it is in `others`. */
  readonly shapes: Int32Array<ArrayBuffer>;
  /** CDRs not packed, by index: decoded as a NAR object, or failed. */
  readonly others: readonly (readonly [number, Nar | FailureText, boolean])[];
  /** Shapes this job used first, numbered on from the thread's earlier ones. */
  readonly newShapes: readonly (readonly string[])[];
}

/** Copies the CDRs of several requests into one job. */
export function makeJob(id: number, requests: readonly (readonly Uint8Array[])[]): DecodeJob {
  let n = 0;
  let size = 0;
  for (const records of requests) {
    n += records.length;
    for (const r of records) size += r.length;
  }
  const bytes = new Uint8Array(size);
  const ends = new Int32Array(n + 1);
  let i = 0;
  let at = 0;
  for (const records of requests)
    for (const r of records) {
      bytes.set(r, at);
      at += r.length;
      ends[++i] = at;
    }
  return { id, bytes: bytes.buffer, ends };
}

/** The decode thread's side: the shapes it has named, by the identity `packCdrNar` gives them. */
export class ShapeNumbers {
  readonly #numbers = new Map<readonly string[], number>();

  number(keys: readonly string[], fresh: (readonly string[])[]): number {
    let n = this.#numbers.get(keys);
    if (n === undefined) {
      n = this.#numbers.size;
      this.#numbers.set(keys, n);
      fresh.push(keys);
    }
    return n;
  }
}

/** Decodes a job's CDRs into `w` (from position 0) and makes its answer. */
export function answerJob(job: DecodeJob, w: MsgpackWriter, shapes: ShapeNumbers): DecodedJob {
  const all = new Uint8Array(job.bytes);
  const n = job.ends.length - 1;
  const records = new Array<Uint8Array>(n);
  for (let i = 0; i < n; i++) records[i] = all.subarray(job.ends[i], job.ends[i + 1]);
  w.pos = 0;
  const packed = packCdrs(records, w);
  const numbers = new Int32Array(n);
  const others: (readonly [number, Nar | FailureText, boolean])[] = [];
  const newShapes: (readonly string[])[] = [];
  for (let i = 0; i < n; i++) {
    const keys = packed.keys[i];
    if (keys !== undefined) {
      numbers[i] = shapes.number(keys, newShapes);
      continue;
    }
    numbers[i] = -1;
    const other = packed.others[i] as Nar | RecordFailure;
    others.push(
      other instanceof RecordFailure
        ? [i, { code: other.code, message: other.message }, true]
        : [i, other, false],
    );
  }
  const out = new Uint8Array(w.pos);
  out.set(w.buf.subarray(0, w.pos));
  w.shrink();
  return { id: job.id, bytes: out.buffer, ends: packed.ends, shapes: numbers, others, newShapes };
}

/**
 * The gateway's side: each CDR's result, in the job's order. `shapes` holds the thread's shapes so
 * far; the answer's new ones are added to it. The NARs point into the answer's buffer, not copied.
 */
export function readAnswer(done: DecodedJob, shapes: (readonly string[])[]): RecordResult[] {
  for (const s of done.newShapes) shapes.push(s);
  const buf = new Uint8Array(done.bytes);
  const n = done.shapes.length;
  const out = new Array<RecordResult>(n);
  for (let i = 0; i < n; i++) {
    const s = done.shapes[i] as number;
    if (s >= 0)
      out[i] = new PackedNar(
        shapes[s] as readonly string[],
        buf,
        done.ends[i] as number,
        done.ends[i + 1] as number,
      );
  }
  for (const [i, other, failed] of done.others)
    out[i] = failed
      ? new RecordFailure((other as FailureText).code, (other as FailureText).message)
      : (other as Nar);
  return out;
}
