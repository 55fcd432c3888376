/**
 * Packet authenticators, computed over the packet's Length octets (padding excluded):
 *
 *   Request Authenticator of an Accounting-Request (RFC 2866 §3):
 *     MD5(Code | Identifier | Length | 16 zero octets | Attributes | Secret)
 *   Response Authenticator (RFC 2865 §3, RFC 2866 §3):
 *     MD5(Code | Identifier | Length | Request Authenticator | Attributes | Secret)
 *   Message-Authenticator (RFC 2869 §5.14, RFC 3579 §3.2): HMAC-MD5 keyed with the secret over the
 *     whole packet with the Message-Authenticator value as 16 zero octets, and in the Authenticator
 *     field:
 *       - Accounting-Request: 16 zero octets. RFC 3579 §3.2 only defines Access-* packets; RFC 5176
 *         §3.3 gives this rule for the Accounting-Request-like CoA/Disconnect-Request, and FreeRADIUS
 *         does the same for Accounting-Request both in 3.2 (`rad_sign`/`rad_verify`,
 *         src/lib/radius.c: memset of the vector before fr_hmac_md5) and in 4.x (`fr_radius_sign`,
 *         src/protocols/radius/base.c). The value is computed first, then the Request
 *         Authenticator over the packet that contains it. The radclient-captured vector
 *         test/vectors/radius/acct-interim-message-authenticator.hex confirms it.
 *       - Accounting-Response: implementations disagree. FreeRADIUS 4.x (`fr_radius_sign`) uses the
 *         Request Authenticator of the request, as RFC 3579 §3.2 does for Access-Accept;
 *         FreeRADIUS 3.2 `rad_sign`/`rad_verify` use 16 zero octets (unless the request was a
 *         Status-Server). Responses therefore carry none unless asked, with 'request' as the
 *         default vector and 'zero' for 3.2-style peers.
 *
 * Comparisons use crypto.timingSafeEqual.
 */
import { createHmac, hash, timingSafeEqual } from 'node:crypto';
import { AUTHENTICATOR_BYTES, HEADER_BYTES, MESSAGE_AUTHENTICATOR } from './types.js';
import type { RadiusSecret, RawAttribute } from './types.js';
import { packetLength, walkAttributes } from './packet.js';

const ZERO16 = new Uint8Array(AUTHENTICATOR_BYTES);

/** Which Authenticator field value the Message-Authenticator of a response is computed with. */
export type MessageAuthenticatorVector = 'request' | 'zero';

const encoder = new TextEncoder();
/** Reused for the MD5 input of packets up to 4096 octets with secrets up to 1 KiB (one thread). */
let scratch = new Uint8Array(4096 + 1024);

/** One-shot MD5 over Code | Identifier | Length | vector | Attributes | Secret, assembled in one buffer. */
function md5Over(packet: Uint8Array, length: number, vector: Uint8Array, secret: RadiusSecret): Buffer {
  // A text secret is written straight into the scratch (at most 3 octets a UTF-16 unit), not encoded apart.
  const room = length + (typeof secret === 'string' ? secret.length * 3 : secret.length);
  if (scratch.length < room) scratch = new Uint8Array(room);
  scratch.set(packet.subarray(0, 4), 0);
  scratch.set(vector, 4);
  scratch.set(packet.subarray(HEADER_BYTES, length), HEADER_BYTES);
  let n = length;
  if (typeof secret === 'string') n += encoder.encodeInto(secret, scratch.subarray(length)).written;
  else {
    scratch.set(secret, length);
    n += secret.length;
  }
  return hash('md5', scratch.subarray(0, n), 'buffer');
}

function lengthOf(packet: Uint8Array): number {
  return ((packet[2] as number) << 8) | (packet[3] as number);
}

function checkVector(vector: Uint8Array): void {
  if (vector.length !== AUTHENTICATOR_BYTES)
    throw new RangeError(
      `request authenticator: expected ${AUTHENTICATOR_BYTES} octets, got ${vector.length}`,
    );
}

/**
 * The Request Authenticator an Accounting-Request (or CoA/Disconnect-Request) must carry. `packet`
 * holds at least its Length octets; the Authenticator field's content is ignored.
 */
export function accountingRequestAuthenticator(packet: Uint8Array, secret: RadiusSecret): Uint8Array {
  return md5Over(packet, lengthOf(packet), ZERO16, secret);
}

/** The Response Authenticator of a response to a request whose authenticator is `requestAuthenticator`. */
export function responseAuthenticator(
  packet: Uint8Array,
  requestAuthenticator: Uint8Array,
  secret: RadiusSecret,
): Uint8Array {
  checkVector(requestAuthenticator);
  return md5Over(packet, lengthOf(packet), requestAuthenticator, secret);
}

/**
 * The Message-Authenticator of a packet whose Message-Authenticator value starts at `valueOffset`,
 * computed with `vector` in the Authenticator field (16 zero octets for an Accounting-Request).
 */
export function messageAuthenticator(
  packet: Uint8Array,
  valueOffset: number,
  vector: Uint8Array,
  secret: RadiusSecret,
): Uint8Array {
  checkVector(vector);
  const length = lengthOf(packet);
  return createHmac('md5', secret)
    .update(packet.subarray(0, 4))
    .update(vector)
    .update(packet.subarray(HEADER_BYTES, valueOffset))
    .update(ZERO16)
    .update(packet.subarray(valueOffset + AUTHENTICATOR_BYTES, length))
    .digest();
}

/** Offset of the only Message-Authenticator value; -1 when absent; -2 when repeated or not 16 octets. */
function findMessageAuthenticator(raw: readonly RawAttribute[]): number {
  let at = -1;
  for (const a of raw) {
    if (a.type !== MESSAGE_AUTHENTICATOR) continue;
    if (at !== -1 || a.length !== AUTHENTICATOR_BYTES) return -2;
    at = a.offset;
  }
  return at;
}

function equal16(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function maOk(
  packet: Uint8Array,
  raw: readonly RawAttribute[],
  vector: Uint8Array,
  secret: RadiusSecret,
): boolean {
  const at = findMessageAuthenticator(raw);
  if (at === -1) return true;
  if (at === -2) return false;
  return equal16(
    messageAuthenticator(packet, at, vector, secret),
    packet.subarray(at, at + AUTHENTICATOR_BYTES),
  );
}

/** Outcome of {@link checkAccountingRequest}; the failures are also DecodeError codes of decodeAccountingRequest. */
export type AccountingRequestCheck = 'ok' | 'bad_authenticator' | 'bad_message_authenticator';

/**
 * Checks an Accounting-Request datagram against `secret`: the Request Authenticator first, then the
 * Message-Authenticator when there is one (more than one, or one not 16 octets long, fails).
 * `rawAttributes` saves the attribute walk when the caller has decoded the packet already. A
 * malformed datagram is a DecodeError, as in decodePacket.
 */
export function checkAccountingRequest(
  datagram: Uint8Array,
  secret: RadiusSecret,
  rawAttributes?: readonly RawAttribute[],
): AccountingRequestCheck {
  const length = packetLength(datagram);
  const raw = rawAttributes ?? walkAttributes(datagram, length);
  const expected = md5Over(datagram, length, ZERO16, secret);
  const authOk = equal16(expected, datagram.subarray(4, HEADER_BYTES));
  const messageOk = maOk(datagram, raw, ZERO16, secret);
  if (!authOk) return 'bad_authenticator';
  return messageOk ? 'ok' : 'bad_message_authenticator';
}

/** Whether an Accounting-Request datagram passes {@link checkAccountingRequest}. */
export function verifyAccountingRequest(datagram: Uint8Array, secret: RadiusSecret): boolean {
  return checkAccountingRequest(datagram, secret) === 'ok';
}

/**
 * Whether a response datagram (Accounting-Response, Access-Accept, …) carries the right Response
 * Authenticator for the request's authenticator and `secret`, and a right Message-Authenticator
 * when it has one (computed with `maVector`, see the file comment).
 */
export function verifyResponse(
  datagram: Uint8Array,
  requestAuthenticator: Uint8Array,
  secret: RadiusSecret,
  maVector: MessageAuthenticatorVector = 'request',
): boolean {
  checkVector(requestAuthenticator);
  const length = packetLength(datagram);
  const raw = walkAttributes(datagram, length);
  const expected = md5Over(datagram, length, requestAuthenticator, secret);
  const authOk = equal16(expected, datagram.subarray(4, HEADER_BYTES));
  const messageOk = maOk(datagram, raw, maVector === 'zero' ? ZERO16 : requestAuthenticator, secret);
  return authOk && messageOk;
}

/**
 * Signs an encoded Accounting-Request in place: fills the Message-Authenticator value when the
 * attribute is present (at `maOffset`, -1 when absent), then the Request Authenticator.
 */
export function signAccountingRequest(packet: Uint8Array, secret: RadiusSecret, maOffset = -1): Uint8Array {
  if (maOffset >= 0) packet.set(messageAuthenticator(packet, maOffset, ZERO16, secret), maOffset);
  packet.set(accountingRequestAuthenticator(packet, secret), 4);
  return packet;
}

/** Signs an encoded response in place: Message-Authenticator (when `maOffset` ≥ 0), then the Response Authenticator. */
export function signResponse(
  packet: Uint8Array,
  requestAuthenticator: Uint8Array,
  secret: RadiusSecret,
  maOffset = -1,
  maVector: MessageAuthenticatorVector = 'request',
): Uint8Array {
  checkVector(requestAuthenticator);
  if (maOffset >= 0) {
    const vector = maVector === 'zero' ? ZERO16 : requestAuthenticator;
    packet.set(messageAuthenticator(packet, maOffset, vector, secret), maOffset);
  }
  packet.set(responseAuthenticator(packet, requestAuthenticator, secret), 4);
  return packet;
}
