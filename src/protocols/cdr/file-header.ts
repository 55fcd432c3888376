/**
 * TS 32.297 §6.1.1: the CDR file header, all fields big-endian.
 *
 *   octets  field
 *   0–3     file length (the whole file, header included)
 *   4–7     header length
 *   8       high release identifier (bits 8–6) / version identifier (bits 5–1)
 *   9       low release identifier / version identifier
 *   10–13   file opening timestamp
 *   14–17   timestamp when the last CDR was appended
 *   18–21   number of CDRs in the file
 *   22–25   file sequence number
 *   26      file closure trigger reason
 *   27–46   IP address of the node that generated the file (20 octets)
 *   47      lost CDR indicator
 *   48–49   length of the CDR routeing filter, then the filter
 *   2       length of the private extension, then the extension
 *   1       high release identifier extension: only when the high release identifier is 7
 *   1       low release identifier extension: only when the low release identifier is 7
 *
 * The standard has no file closure timestamp: the last-append timestamp is the latest time it
 * carries. Some writers leave out the private-extension length when they have no extension; a
 * header whose octets after the routeing filter are exactly the release identifier extensions is
 * read that way (`privateExtension: null`), and encoded back the same way.
 */
import { DecodeError, EncodeError } from '../errors.js';

/** Release identifier 7 means "Rel-10 or later": the extension octet gives the release − 10. */
export const RELEASE_ID_EXTENDED = 7;
/** Octets 0–49: everything up to and including the routeing-filter length. */
export const FIXED_HEADER_BYTES = 50;
/** The most octets a header can take (both variable fields at their 16-bit maximum). */
export const MAX_HEADER_BYTES = FIXED_HEADER_BYTES + 0xffff + 2 + 0xffff + 2;
export const NODE_ADDRESS_BYTES = 20;

export interface ReleaseVersion {
  /** 3 bits: 0 R99, 1 Rel-4 … 6 Rel-9, 7 Rel-10 or later (see the extension). */
  readonly releaseIdentifier: number;
  /** 5 bits: the version within the release. */
  readonly versionIdentifier: number;
  /** Present exactly when `releaseIdentifier` is 7: the release is 10 + this value. */
  readonly releaseIdentifierExtension?: number;
}

/**
 * 4 octets: month (4 bits), day (5), hour (5), minute (6), sign of the UTC offset (1: "+", 0: "-"),
 * offset hours (5), offset minutes (6). Local time; there is no year.
 */
export interface CdrFileTimestamp {
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  /** "+hh:mm" or "-hh:mm". */
  readonly utcOffset: string;
}

export interface CdrFileHeader {
  readonly fileLength: number;
  readonly headerLength: number;
  readonly highRelease: ReleaseVersion;
  readonly lowRelease: ReleaseVersion;
  /** null: all four octets zero (not set). */
  readonly openingTime: CdrFileTimestamp | null;
  readonly lastCdrAppendTime: CdrFileTimestamp | null;
  readonly numberOfCdrs: number;
  readonly fileSequenceNumber: number;
  /** 0 normal, 1 size limit, 2 time limit, 3 CDR count limit, 4 manual, 5 release/encoding change, 128–131 abnormal. */
  readonly closureTriggerReason: number;
  /** The 20 octets as stored (an IPv6 address after four 0xFF octets, in the usual form). */
  readonly nodeAddress: Uint8Array;
  /** Bit 8 set: exactly the number in bits 7–1 were lost; clear: at least that many (127: 127 or more). */
  readonly lostCdrIndicator: number;
  readonly routingFilter: Uint8Array;
  /** null: the header has no private-extension length field. */
  readonly privateExtension: Uint8Array | null;
}

/** The release a release/version octet (and its extension) names: 99 for R99, else 4 … */
export function releaseNumber(r: ReleaseVersion): number {
  if (r.releaseIdentifier === 0) return 99;
  if (r.releaseIdentifier < RELEASE_ID_EXTENDED) return r.releaseIdentifier + 3;
  return 10 + (r.releaseIdentifierExtension ?? 0);
}

function fail(code: string, message: string, offset: number, context: Record<string, unknown> = {}): never {
  throw new DecodeError('cdr-file', code, message, offset, context);
}

function u32(b: Uint8Array, o: number): number {
  return (
    (((b[o] as number) << 24) |
      ((b[o + 1] as number) << 16) |
      ((b[o + 2] as number) << 8) |
      (b[o + 3] as number)) >>>
    0
  );
}

function u16(b: Uint8Array, o: number): number {
  return ((b[o] as number) << 8) | (b[o + 1] as number);
}

function releaseOf(octet: number): { releaseIdentifier: number; versionIdentifier: number } {
  return { releaseIdentifier: octet >> 5, versionIdentifier: octet & 0x1f };
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

export function decodeFileTimestamp(b: Uint8Array, o: number, field: string): CdrFileTimestamp | null {
  const v = u32(b, o);
  if (v === 0) return null;
  const t = {
    month: v >>> 28,
    day: (v >>> 23) & 0x1f,
    hour: (v >>> 18) & 0x1f,
    minute: (v >>> 12) & 0x3f,
    utcOffset: `${(v >>> 11) & 1 ? '+' : '-'}${pad2((v >>> 6) & 0x1f)}:${pad2(v & 0x3f)}`,
  };
  const offH = (v >>> 6) & 0x1f;
  const offM = v & 0x3f;
  if (t.month < 1 || t.month > 12 || t.day < 1 || t.hour > 23 || t.minute > 59 || offH > 23 || offM > 59) {
    fail(
      'bad_timestamp',
      `${field}: expected month 1–12, day 1–31, hour 0–23, minute 0–59 and an offset up to 23:59, got ${t.month}/${t.day} ${t.hour}:${t.minute} ${t.utcOffset}`,
      o,
      { field },
    );
  }
  return t;
}

/**
 * Decodes the header from the first octets of a file of `fileSize` octets; `buf` needs to hold the
 * header only (MAX_HEADER_BYTES always suffice). Checks the header against itself and the file size.
 */
export function decodeCdrFileHeader(buf: Uint8Array, fileSize: number = buf.length): CdrFileHeader {
  if (buf.length < FIXED_HEADER_BYTES) {
    fail('truncated_header', `expected at least ${FIXED_HEADER_BYTES} header octets, got ${buf.length}`, 0, {
      bytes: buf.length,
    });
  }
  const fileLength = u32(buf, 0);
  const headerLength = u32(buf, 4);
  if (fileLength !== fileSize) {
    fail('file_length_mismatch', `file length field says ${fileLength} octets, the file has ${fileSize}`, 0, {
      fileLength,
      fileSize,
    });
  }
  if (headerLength > fileSize) {
    fail('truncated_header', `header length ${headerLength} runs past the file of ${fileSize} octets`, 4, {
      headerLength,
      fileSize,
    });
  }
  // Fields are read up to the header length; octets past `buf` within it were not given.
  const end = Math.min(headerLength, buf.length);
  const need = (at: number, n: number, field: string): void => {
    if (at + n <= end) return;
    if (at + n > headerLength) {
      fail('header_length_mismatch', `${field} runs past the header length ${headerLength}`, at, {
        field,
        headerLength,
      });
    }
    fail('truncated_header', `${field}: only ${buf.length} header octets were given`, at, { field });
  };
  need(0, FIXED_HEADER_BYTES, 'fixed header fields');
  const high: ReleaseVersion = releaseOf(buf[8] as number);
  const low: ReleaseVersion = releaseOf(buf[9] as number);
  const openingTime = decodeFileTimestamp(buf, 10, 'file opening timestamp');
  const lastCdrAppendTime = decodeFileTimestamp(buf, 14, 'last CDR append timestamp');
  const filterLen = u16(buf, 48);
  need(50, filterLen, 'CDR routeing filter');
  let o = 50 + filterLen;
  const routingFilter = buf.subarray(50, o);
  const extensions =
    (high.releaseIdentifier === RELEASE_ID_EXTENDED ? 1 : 0) +
    (low.releaseIdentifier === RELEASE_ID_EXTENDED ? 1 : 0);
  let privateExtension: Uint8Array | null = null;
  if (headerLength - o !== extensions) {
    need(o, 2, 'private extension length');
    const privLen = u16(buf, o);
    need(o + 2, privLen, 'private extension');
    privateExtension = buf.subarray(o + 2, o + 2 + privLen);
    o += 2 + privLen;
  }
  need(o, extensions, 'release identifier extensions');
  const highRelease =
    high.releaseIdentifier === RELEASE_ID_EXTENDED
      ? { ...high, releaseIdentifierExtension: buf[o++] as number }
      : high;
  const lowRelease =
    low.releaseIdentifier === RELEASE_ID_EXTENDED
      ? { ...low, releaseIdentifierExtension: buf[o++] as number }
      : low;
  if (o !== headerLength) {
    fail(
      'header_length_mismatch',
      `the header's fields end at octet ${o}, the header length is ${headerLength}`,
      o,
      {
        headerLength,
        fieldsEnd: o,
      },
    );
  }
  return {
    fileLength,
    headerLength,
    highRelease,
    lowRelease,
    openingTime,
    lastCdrAppendTime,
    numberOfCdrs: u32(buf, 18),
    fileSequenceNumber: u32(buf, 22),
    closureTriggerReason: buf[26] as number,
    nodeAddress: buf.subarray(27, 27 + NODE_ADDRESS_BYTES),
    lostCdrIndicator: buf[47] as number,
    routingFilter,
    privateExtension,
  };
}

// ---- encoding ------------------------------------------------------------------------------

export function invalid(field: string, expected: string, got: unknown): never {
  throw new EncodeError('cdr-file', 'invalid_value', `${field}: expected ${expected}, got ${String(got)}`, {
    field,
  });
}

export function checkInt(v: number, max: number, field: string, min = 0): number {
  if (!Number.isInteger(v) || v < min || v > max) invalid(field, `an integer ${min}–${max}`, v);
  return v;
}

/** The release/version octet; checks that the extension is there exactly when the identifier is 7. */
export function releaseOctet(r: ReleaseVersion, field: string): number {
  const id = checkInt(r.releaseIdentifier, 7, `${field}.releaseIdentifier`);
  const ver = checkInt(r.versionIdentifier, 31, `${field}.versionIdentifier`);
  const ext = r.releaseIdentifierExtension;
  if ((id === RELEASE_ID_EXTENDED) !== (ext !== undefined)) {
    invalid(`${field}.releaseIdentifierExtension`, 'present exactly when releaseIdentifier is 7', ext);
  }
  if (ext !== undefined) checkInt(ext, 255, `${field}.releaseIdentifierExtension`);
  return (id << 5) | ver;
}

export function encodeFileTimestamp(t: CdrFileTimestamp | null, field: string): number {
  if (t === null) return 0;
  const m = /^([+-])(\d\d):(\d\d)$/.exec(t.utcOffset);
  if (m === null) invalid(`${field}.utcOffset`, '"+hh:mm" or "-hh:mm"', t.utcOffset);
  const v =
    checkInt(t.month, 12, `${field}.month`, 1) * 2 ** 28 +
    ((checkInt(t.day, 31, `${field}.day`, 1) << 23) |
      (checkInt(t.hour, 23, `${field}.hour`) << 18) |
      (checkInt(t.minute, 59, `${field}.minute`) << 12) |
      ((m[1] === '+' ? 1 : 0) << 11) |
      (checkInt(Number(m[2]), 23, `${field}.utcOffset hours`) << 6) |
      checkInt(Number(m[3]), 59, `${field}.utcOffset minutes`));
  return v;
}

export type CdrFileHeaderInput = Omit<CdrFileHeader, 'fileLength' | 'headerLength' | 'numberOfCdrs'> &
  Partial<Pick<CdrFileHeader, 'fileLength' | 'headerLength' | 'numberOfCdrs'>>;

/** Octets the header of `h` takes. */
export function headerSize(h: CdrFileHeaderInput): number {
  return (
    FIXED_HEADER_BYTES +
    h.routingFilter.length +
    (h.privateExtension === null ? 0 : 2 + h.privateExtension.length) +
    (h.highRelease.releaseIdentifier === RELEASE_ID_EXTENDED ? 1 : 0) +
    (h.lowRelease.releaseIdentifier === RELEASE_ID_EXTENDED ? 1 : 0)
  );
}

/** Writes the header into `out` at 0 (`out` has at least headerSize(h) octets); returns its size. */
export function writeCdrFileHeader(
  out: Uint8Array,
  h: CdrFileHeaderInput,
  fileLength: number,
  headerLength: number,
  numberOfCdrs: number,
): number {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setUint32(0, checkInt(fileLength, 0xffffffff, 'fileLength'));
  view.setUint32(4, checkInt(headerLength, 0xffffffff, 'headerLength'));
  out[8] = releaseOctet(h.highRelease, 'highRelease');
  out[9] = releaseOctet(h.lowRelease, 'lowRelease');
  view.setUint32(10, encodeFileTimestamp(h.openingTime, 'openingTime'));
  view.setUint32(14, encodeFileTimestamp(h.lastCdrAppendTime, 'lastCdrAppendTime'));
  view.setUint32(18, checkInt(numberOfCdrs, 0xffffffff, 'numberOfCdrs'));
  view.setUint32(22, checkInt(h.fileSequenceNumber, 0xffffffff, 'fileSequenceNumber'));
  out[26] = checkInt(h.closureTriggerReason, 255, 'closureTriggerReason');
  if (h.nodeAddress.length !== NODE_ADDRESS_BYTES)
    invalid('nodeAddress', '20 octets', `${h.nodeAddress.length} octets`);
  out.set(h.nodeAddress, 27);
  out[47] = checkInt(h.lostCdrIndicator, 255, 'lostCdrIndicator');
  view.setUint16(48, checkInt(h.routingFilter.length, 0xffff, 'routingFilter length'));
  out.set(h.routingFilter, 50);
  let o = 50 + h.routingFilter.length;
  if (h.privateExtension !== null) {
    view.setUint16(o, checkInt(h.privateExtension.length, 0xffff, 'privateExtension length'));
    out.set(h.privateExtension, o + 2);
    o += 2 + h.privateExtension.length;
  }
  if (h.highRelease.releaseIdentifierExtension !== undefined)
    out[o++] = h.highRelease.releaseIdentifierExtension;
  if (h.lowRelease.releaseIdentifierExtension !== undefined)
    out[o++] = h.lowRelease.releaseIdentifierExtension;
  return o;
}
