/**
 * The GTP' header (TS 32.295 §6.1.1), 6 octets, or 20 for version 0 with octet 1 bit 1 = 0:
 *
 *   octet 1   version (bits 8–6) | PT (bit 5, 0 = GTP') | spare '111' (bits 4–2) | bit 1
 *   octet 2   message type
 *   octets 3–4  length of the message after the header
 *   octets 5–6  sequence number
 *   (octets 7–20, version 0 long header only: unused, sent as 0xFF, ignored on receipt)
 *
 * Bit 1 selects the header length only in version 0 ('1' = 6 octets, '0' = 20 octets). Versions 1
 * and 2 always use 6 octets and send bit 1 as '0' (Wireshark `dissect_gtp_common` reads it the same
 * way). Spare bits are sent as '111' and not checked on receipt.
 */
import { DecodeError } from '../errors.js';
import type { GtppHeader, GtppVersion } from './types.js';

export const SHORT_HEADER_BYTES = 6;
export const LONG_HEADER_BYTES = 20;

const PT_BIT = 0x10;
const SPARE_BITS = 0x0e;
const SHORT_HEADER_BIT = 0x01;

/**
 * Header size implied by octet 1. A version above 2 or PT = 1 (GTP, not GTP') is
 * `version_not_supported`, with `context.version`, so a charging gateway can answer Version Not Supported.
 */
export function headerSizeOf(flags: number, offset = 0): number {
  const version = flags >>> 5;
  if ((flags & PT_BIT) !== 0) {
    throw new DecodeError('gtpp', 'version_not_supported', "PT bit is 1 (GTP); GTP' needs PT = 0", offset, {
      version,
      protocolType: 1,
    });
  }
  if (version > 2) {
    throw new DecodeError(
      'gtpp',
      'version_not_supported',
      `GTP' version ${version}; versions 0, 1 and 2 are supported`,
      offset,
      {
        version,
      },
    );
  }
  return version === 0 && (flags & SHORT_HEADER_BIT) === 0 ? LONG_HEADER_BYTES : SHORT_HEADER_BYTES;
}

/** Reads the header at `offset`. The message after it is not checked. */
export function decodeHeader(buf: Uint8Array, offset = 0): GtppHeader {
  if (offset >= buf.length) {
    throw new DecodeError(
      'gtpp',
      'truncated',
      `expected a GTP' header, got ${Math.max(0, buf.length - offset)} octets`,
      offset,
    );
  }
  const flags = buf[offset] as number;
  const size = headerSizeOf(flags, offset);
  if (buf.length - offset < size) {
    throw new DecodeError(
      'gtpp',
      'truncated',
      `expected a ${size}-octet header, got ${buf.length - offset} octets`,
      offset,
      {
        headerBytes: size,
      },
    );
  }
  return {
    version: (flags >>> 5) as GtppVersion,
    longHeader: size === LONG_HEADER_BYTES,
    type: buf[offset + 1] as number,
    length: ((buf[offset + 2] as number) << 8) | (buf[offset + 3] as number),
    sequence: ((buf[offset + 4] as number) << 8) | (buf[offset + 5] as number),
  };
}

/** Writes a header at offset 0 of `out` (which must be large enough); returns the header size. */
export function writeHeader(
  out: Uint8Array,
  version: GtppVersion,
  longHeader: boolean,
  type: number,
  length: number,
  sequence: number,
): number {
  out[0] = (version << 5) | SPARE_BITS | (version === 0 && !longHeader ? SHORT_HEADER_BIT : 0);
  out[1] = type;
  out[2] = length >>> 8;
  out[3] = length & 0xff;
  out[4] = sequence >>> 8;
  out[5] = sequence & 0xff;
  if (!longHeader) return SHORT_HEADER_BYTES;
  out.fill(0xff, SHORT_HEADER_BYTES, LONG_HEADER_BYTES);
  return LONG_HEADER_BYTES;
}
