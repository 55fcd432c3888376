/**
 * ASN.1 BER reading (X.690): one TLV header at a time into a reusable cursor, so decoding a record
 * builds no tree of objects. Definite lengths (short and long form, up to 4 length octets) and the
 * indefinite form (constructed values only, ended by end-of-contents) are read; every length is
 * checked against the enclosing element before anything is read or allocated, and nesting is capped.
 */
import { DecodeError } from '../errors.js';

export const CLASS_UNIVERSAL = 0;
export const CLASS_APPLICATION = 1;
export const CLASS_CONTEXT = 2;
export const CLASS_PRIVATE = 3;

export interface BerLimits {
  /** Deepest nesting of constructed values (default 32). */
  readonly maxDepth: number;
  /**
   * Most element headers read for one value, all levels together (default 100,000); the walk that
   * finds the end of an indefinite-length value counts the headers it passes too.
   */
  readonly maxElements: number;
}

export const DEFAULT_BER_LIMITS: BerLimits = { maxDepth: 32, maxElements: 100_000 };

function fail(code: string, message: string, offset: number, context: Record<string, unknown> = {}): never {
  throw new DecodeError('ber', code, message, offset, context);
}

/** The header of one element; `contentEnd`/`end` are resolved for the indefinite form too. */
export class Tlv {
  cls = 0;
  constructed = false;
  tag = 0;
  /** Offset of the identifier octet. */
  start = 0;
  contentStart = 0;
  contentEnd = 0;
  /** First offset after the element (after end-of-contents for the indefinite form). */
  end = 0;
  indefinite = false;
}

/** Budget of one decode: elements read so far. */
export class BerBudget {
  elements = 0;
  constructor(readonly limits: BerLimits = DEFAULT_BER_LIMITS) {}
}

/**
 * Reads the element at `pos`, which must end by `limit`, into `out`. `depth` is the nesting level of
 * the element (0 for the outermost).
 */
export function readTlv(
  buf: Uint8Array,
  pos: number,
  limit: number,
  out: Tlv,
  depth: number,
  budget: BerBudget,
): void {
  if (depth > budget.limits.maxDepth) {
    fail('depth_limit', `nesting deeper than ${budget.limits.maxDepth} levels`, pos, {
      maxDepth: budget.limits.maxDepth,
    });
  }
  if (++budget.elements > budget.limits.maxElements) {
    fail('element_limit', `more than ${budget.limits.maxElements} elements`, pos, {
      maxElements: budget.limits.maxElements,
    });
  }
  if (pos >= limit) fail('truncated', 'expected an identifier octet, the value ended', pos);
  out.start = pos;
  const id = buf[pos++] as number;
  out.cls = id >> 6;
  out.constructed = (id & 0x20) !== 0;
  let tag = id & 0x1f;
  if (tag === 0x1f) {
    tag = 0;
    for (let n = 0; ; n++) {
      if (pos >= limit) fail('truncated', 'high tag number runs past the value', pos);
      if (n === 4) fail('tag_too_large', 'tag number of more than 4 octets', pos);
      const b = buf[pos++] as number;
      if (n === 0 && b === 0x80) fail('invalid_tag', 'high tag number with a leading zero octet', pos - 1);
      tag = tag * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) break;
    }
    if (tag < 31) fail('invalid_tag', `tag number ${tag} in the high-tag-number form`, out.start);
  }
  out.tag = tag;
  if (pos >= limit) fail('truncated', 'expected a length octet, the value ended', pos);
  const first = buf[pos++] as number;
  if (first < 0x80) {
    out.indefinite = false;
    out.contentStart = pos;
    out.contentEnd = pos + first;
  } else if (first === 0x80) {
    if (!out.constructed) fail('indefinite_primitive', 'indefinite length on a primitive value', pos - 1);
    out.indefinite = true;
    out.contentStart = pos;
    out.contentEnd = findEndOfContents(buf, pos, limit, depth + 1, budget);
    out.end = out.contentEnd + 2;
    return;
  } else {
    const n = first & 0x7f;
    if (n === 0x7f) fail('reserved_length', 'length octet 0xFF is reserved', pos - 1);
    if (n > 4) fail('length_too_long', `length of ${n} octets`, pos - 1, { octets: n });
    if (pos + n > limit) fail('truncated', 'length octets run past the value', pos);
    let len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (buf[pos++] as number);
    out.indefinite = false;
    out.contentStart = pos;
    out.contentEnd = pos + len;
  }
  if (out.contentEnd > limit) {
    fail(
      'length_exceeds_frame',
      `content of ${out.contentEnd - out.contentStart} octets runs past the enclosing value (${limit - out.contentStart} left)`,
      out.start,
      {
        length: out.contentEnd - out.contentStart,
        available: limit - out.contentStart,
      },
    );
  }
  out.end = out.contentEnd;
}

/** Offset of the end-of-contents octets that close an indefinite-length value starting at `pos`. */
function findEndOfContents(
  buf: Uint8Array,
  pos: number,
  limit: number,
  depth: number,
  budget: BerBudget,
): number {
  const t = new Tlv();
  while (true) {
    if (pos + 2 > limit) fail('truncated', 'indefinite-length value without end-of-contents', pos);
    if (buf[pos] === 0 && buf[pos + 1] === 0) return pos;
    readTlv(buf, pos, limit, t, depth, budget);
    pos = t.end;
  }
}
