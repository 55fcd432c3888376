/**
 * Address fields of TS 32.298 records: GSNAddress (an IPAddress CHOICE inside the field's explicit
 * tag) and PDPAddress (iPAddress [0] / eTSIAddress [1]). IPAddress alternatives: iPBinV4Address [0],
 * iPBinV6Address [1], iPTextV4Address [2], iPTextV6Address [3], iPBinV6AddressWithPrefix [4]
 * (SEQUENCE { OCTET STRING (16), INTEGER DEFAULT 64 }). Text forms come out in the canonical text of
 * the same address, as the binary forms do.
 */
import { readIa5, readNumber } from '../ber/primitives.js';
import { BerBudget, CLASS_CONTEXT, CLASS_UNIVERSAL, readTlv, Tlv } from '../ber/reader.js';
import { DecodeError } from '../errors.js';
import { formatIpBytes, parseIpBytes } from '../ip.js';
import { readMsisdn } from './values.js';

function fail(code: string, message: string, offset: number, field: string): never {
  throw new DecodeError('cdr', code, message, offset, { field });
}

/** Decoding context: the buffer, the budget and one reusable cursor per nesting level. */
export interface AddressCtx {
  readonly buf: Uint8Array;
  readonly budget: BerBudget;
  readonly cursors: readonly Tlv[];
}

export function describe(t: Tlv): string {
  const cls = ['universal', 'application', 'context', 'private'][t.cls];
  return `${cls} tag ${t.tag}${t.constructed ? ' (constructed)' : ''}`;
}

/** The single IPAddress inside the explicitly tagged field `f` (at nesting `level` − 1). */
export function innerAddress(f: Tlv, field: string, ctx: AddressCtx, level: number): string {
  return ipAddress(innerElement(f, field, ctx, level), field, ctx, level);
}

/** The single element inside the explicitly tagged field `f`, read into the cursor of `level`. */
export function innerElement(f: Tlv, field: string, ctx: AddressCtx, level: number): Tlv {
  const e = ctx.cursors[level] as Tlv;
  readTlv(ctx.buf, f.contentStart, f.contentEnd, e, level, ctx.budget);
  if (e.end !== f.contentEnd) fail('invalid_address', `${field}: more than one address`, e.end, field);
  return e;
}

/** Whether IPAddress element `e` is an iPBinV4Address (its 4 octets are the address). */
export function isBinaryIpv4(e: Tlv): boolean {
  return e.cls === CLASS_CONTEXT && !e.constructed && e.tag === 0 && e.contentEnd - e.contentStart === 4;
}

/** Checks IPAddress element `e` as `ipAddress` does, without making the string of a binary one. */
export function checkIpAddress(e: Tlv, field: string, ctx: AddressCtx, level: number): void {
  const len = e.contentEnd - e.contentStart;
  const binary =
    e.cls === CLASS_CONTEXT && !e.constructed && ((e.tag === 0 && len === 4) || (e.tag === 1 && len === 16));
  if (!binary) ipAddress(e, field, ctx, level);
}

/** One IPAddress element `e` read at nesting `level`. */
export function ipAddress(e: Tlv, field: string, ctx: AddressCtx, level: number): string {
  const { buf } = ctx;
  const len = e.contentEnd - e.contentStart;
  if (e.cls === CLASS_CONTEXT && !e.constructed) {
    if (e.tag === 0 && len === 4) return formatIpBytes(buf, e.contentStart, 4);
    if (e.tag === 1 && len === 16) return formatIpBytes(buf, e.contentStart, 16);
    if ((e.tag === 2 && len >= 7 && len <= 15) || (e.tag === 3 && len >= 2 && len <= 45)) {
      const o = parseIpBytes(readIa5(buf, e));
      if (o !== undefined && o.length === (e.tag === 2 ? 4 : 16))
        return formatIpBytes(o, 0, o.length === 4 ? 4 : 16);
    }
  } else if (e.cls === CLASS_CONTEXT && e.tag === 4) {
    return prefixedV6(e, field, ctx, level + 1);
  }
  return fail(
    'invalid_address',
    `${field}: expected an IPv4/IPv6 address, got ${describe(e)} of ${len} octets`,
    e.start,
    field,
  );
}

/** iPBinV6AddressWithPrefix [4]: the address and its prefix length (64 when absent) as "addr/len". */
function prefixedV6(e: Tlv, field: string, ctx: AddressCtx, level: number): string {
  const { buf } = ctx;
  const a = ctx.cursors[level] as Tlv;
  readTlv(buf, e.contentStart, e.contentEnd, a, level, ctx.budget);
  if (a.cls !== CLASS_UNIVERSAL || a.tag !== 4 || a.constructed || a.contentEnd - a.contentStart !== 16)
    fail('invalid_address', `${field}: expected a 16-octet IPv6 address`, a.start, field);
  const text = formatIpBytes(buf, a.contentStart, 16);
  let prefix = 64;
  if (a.end < e.contentEnd) {
    const n = ctx.cursors[level + 1] as Tlv; // a leaf beside `a`: the next cursor is free
    readTlv(buf, a.end, e.contentEnd, n, level, ctx.budget);
    if (n.cls !== CLASS_UNIVERSAL || n.tag !== 2 || n.constructed || n.end !== e.contentEnd)
      fail('invalid_address', `${field}: expected the prefix length INTEGER`, n.start, field);
    prefix = readNumber(buf, n);
    if (prefix < 1 || prefix > 64)
      fail('invalid_address', `${field}: prefix length ${prefix} outside 1..64`, n.start, field);
  }
  return `${text}/${prefix}`;
}

/**
 * PDPAddress inside the constructed field `f` (nesting `level` − 1): iPAddress [0] (an IPAddress) or
 * eTSIAddress [1] (an AddressString: nature/plan octet, then TBCD digits).
 */
export function pdpAddress(f: Tlv, field: string, ctx: AddressCtx, level: number): string {
  const e = pdpChoice(f, field, ctx, level);
  if (e.tag === 0) return innerAddress(e, field, ctx, level + 1);
  return readMsisdn(ctx.buf, e.contentStart, e.contentEnd, field);
}

/** The PDPAddress alternative inside `f`: iPAddress [0] (constructed) or eTSIAddress [1] (primitive). */
export function pdpChoice(f: Tlv, field: string, ctx: AddressCtx, level: number): Tlv {
  const e = ctx.cursors[level] as Tlv;
  readTlv(ctx.buf, f.contentStart, f.contentEnd, e, level, ctx.budget);
  if (e.end !== f.contentEnd) fail('invalid_address', `${field}: more than one PDP address`, e.end, field);
  if (e.cls === CLASS_CONTEXT && ((e.tag === 0 && e.constructed) || (e.tag === 1 && !e.constructed)))
    return e;
  return fail(
    'invalid_address',
    `${field}: expected PDPAddress iPAddress [0] or eTSIAddress [1], got ${describe(e)}`,
    e.start,
    field,
  );
}
