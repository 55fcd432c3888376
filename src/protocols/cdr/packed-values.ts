/**
 * Values of CDR fields written from their BER content octets straight into MessagePack strings
 * (`packCdrNar`), each exactly the text the CDR decoder makes of them: TBCD digits, IA5 text, hex,
 * TimeStamps and dotted quads. The content is checked before (or, for TBCD and IA5, while) it is written.
 */
import { headerBytes, type MsgpackWriter } from '../nar/msgpack-writer.js';
import { checkIa5 } from '../ber/primitives.js';
import type { Tlv } from '../ber/reader.js';
import { tbcdInto } from './values.js';

/** After each TimeStamp octet: YY- MM- DDT hh: mm: ss (sign) hh: mm. */
const TIMESTAMP_SEPARATORS = [45, 45, 84, 58, 58, 0, 0, 58, 0];

const HEX_DIGITS = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));

/** TBCD digits as a string value. */
export function digits(w: MsgpackWriter, buf: Uint8Array, s: number, e: number, at: string): void {
  const to = w.beginString(2 * (e - s));
  const n = tbcdInto(buf, s, e, at, w.buf, to);
  w.stringHeader(n, to - w.pos);
}

/**
 * The IA5String content of `t` as a string value, checked as it is copied: an octet above 0x7F
 * fails with `checkIa5`'s error (the caller drops what was written).
 */
export function ascii(w: MsgpackWriter, buf: Uint8Array, t: Tlv): void {
  const s = t.contentStart;
  const e = t.contentEnd;
  const n = e - s;
  let to = w.beginString(n);
  const b = w.buf;
  let any = 0;
  for (let i = s; i < e; i++) {
    const c = buf[i] as number;
    any |= c;
    b[to++] = c;
  }
  if (any > 0x7f) checkIa5(buf, t);
  w.stringHeader(n, headerBytes(n));
}

/** Octets as lowercase hex, a string value. */
export function hex(w: MsgpackWriter, buf: Uint8Array, s: number, e: number): void {
  const n = 2 * (e - s);
  let to = w.beginString(n);
  const b = w.buf;
  for (let i = s; i < e; i++) {
    const o = buf[i] as number;
    b[to++] = HEX_DIGITS[o >> 4] as number;
    b[to++] = HEX_DIGITS[o & 15] as number;
  }
  w.stringHeader(n, headerBytes(n));
}

/** A checked TimeStamp as "20YY-MM-DDThh:mm:ss±hh:mm" (as `readTimestamp` writes it). */
export function timestamp(w: MsgpackWriter, buf: Uint8Array, s: number): void {
  let to = w.beginString(25);
  const b = w.buf;
  b[to++] = 50; // 2
  b[to++] = 48; // 0
  for (let i = 0; i < 9; i++) {
    const o = buf[s + i] as number;
    if (i === 6) {
      b[to++] = o; // the offset's sign
      continue;
    }
    b[to++] = 48 + (o >> 4);
    b[to++] = 48 + (o & 15);
    const after = TIMESTAMP_SEPARATORS[i] as number;
    if (after !== 0) b[to++] = after;
  }
  w.stringHeader(25, 1);
}

/** An iPBinV4Address's 4 octets at `s` as a dotted quad (as `formatIpBytes` writes it). */
export function dottedQuad(w: MsgpackWriter, buf: Uint8Array, s: number): void {
  let to = w.beginString(15);
  const start = to;
  const b = w.buf;
  for (let k = 0; k < 4; k++) {
    if (k > 0) b[to++] = 46; // .
    const o = buf[s + k] as number;
    if (o >= 100) b[to++] = 48 + Math.floor(o / 100);
    if (o >= 10) b[to++] = 48 + (Math.floor(o / 10) % 10);
    b[to++] = 48 + (o % 10);
  }
  w.stringHeader(to - start, 1);
}
