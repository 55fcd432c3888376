/**
 * Seeded property: any bytes either decode into a RADIUS packet or fail with a DecodeError of
 * protocol 'radius'. A decoded packet's raw attributes tile it, its typed attributes re-encode to a
 * packet that decodes to the same values (or, only when invalid UTF-8 grew into U+FFFD, exceed a
 * size limit), the Accounting-Request view and its NAR build without other errors, and verification
 * answers a boolean.
 */
import { describe, expect, it } from 'vitest';
import { DecodeError, EncodeError } from '../../src/protocols/errors.js';
import { isAttributeValue, type Nar } from '../../src/protocols/nar/nar.js';
import {
  accountingToNar,
  decodeAccountingRequest,
  decodePacket,
  encodeAccountingRequest,
  encodePacket,
  verifyAccountingRequest,
  type RadiusPacket,
} from '../../src/protocols/radius/index.js';
import { mutateBytes, nudgeOctet, type Edit } from '../helpers/fuzz-bytes.js';
import { prng } from '../helpers/narflow-process.js';
import { vectorsIn } from '../helpers/vectors.js';

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);

function seeds(): Uint8Array[] {
  const out: Uint8Array[] = vectorsIn('radius');
  out.push(
    encodeAccountingRequest(
      {
        identifier: 200,
        messageAuthenticator: true,
        attributes: [
          { name: 'Acct-Status-Type', value: 'Stop' },
          { name: 'Framed-IPv6-Prefix', value: '2001:db8:ff00::/40' },
          { name: 'Delegated-IPv6-Prefix', value: '::/0' },
          { name: 'Framed-Interface-Id', value: '0011:2233:4455:6677' },
          { name: 'Login-IPv6-Host', value: '::1' },
          { name: '3GPP-Allocate-IP-Type', value: 3 },
          { name: '3GPP-MS-TimeZone', value: '8000' },
          { name: 'Event-Timestamp', value: 0 },
          { type: 200, value: 'cafe' },
          { vendorId: 9, value: '01050102' },
          { vendorId: 10415, vendorType: 99, value: '' },
        ],
      },
      'fuzz',
    ),
  );
  return out;
}

/** Sets the Length field to the datagram size (or a little off), so the attribute walk is reached. */
const fixLength: Edit = (b, _at, rnd) => {
  const len = b.length + (rnd() < 0.8 ? 0 : Math.floor(rnd() * 7) - 3);
  if (b.length >= 4) {
    b[2] = (len >> 8) & 0xff;
    b[3] = len & 0xff;
  }
};

const mutate = (rnd: () => number, input: Uint8Array): Uint8Array =>
  mutateBytes(rnd, input, [nudgeOctet, fixLength]);

function describeInput(input: Uint8Array): string {
  return `seed ${SEED} input ${Buffer.from(input).toString('hex')}`;
}

function expectDecodeError(input: Uint8Array, what: string, err: unknown): void {
  if (err instanceof DecodeError && err.protocol === 'radius') return;
  throw new Error(`${describeInput(input)}: ${what}: ${String(err)}`, { cause: err });
}

const view = (p: RadiusPacket): unknown[] => p.attributes.map((a) => [a.name, a.value, a.valueName]);

function checkReencode(input: Uint8Array, p: RadiusPacket): void {
  let again: Uint8Array;
  try {
    again = encodePacket({
      code: p.code,
      identifier: p.identifier,
      authenticator: p.authenticator,
      attributes: p.attributes,
    });
  } catch (err) {
    const lossy = p.attributes.some((a) => a.dataType === 'string' && String(a.value).includes('\ufffd'));
    if (
      err instanceof EncodeError &&
      lossy &&
      (err.code === 'value_too_long' || err.code === 'packet_too_large')
    )
      return;
    throw new Error(`${describeInput(input)}: decoded packet does not re-encode: ${String(err)}`, {
      cause: err,
    });
  }
  expect(view(decodePacket(again)), describeInput(input)).toEqual(view(p));
}

function check(input: Uint8Array): void {
  let p: RadiusPacket;
  try {
    p = decodePacket(input);
  } catch (err) {
    expectDecodeError(input, 'decodePacket', err);
    return;
  }
  let at = 20;
  for (const r of p.rawAttributes) {
    if (r.offset !== at + 2)
      throw new Error(`${describeInput(input)}: raw attributes do not tile the packet`);
    at = r.offset + r.length;
  }
  expect(at, describeInput(input)).toBe(p.length);
  checkReencode(input, p);
  let nar: Nar | undefined;
  try {
    nar = accountingToNar(decodeAccountingRequest(input));
  } catch (err) {
    expectDecodeError(input, 'decodeAccountingRequest', err);
  }
  for (const [k, v] of Object.entries(nar ?? {})) {
    if (!isAttributeValue(v) || v === '') throw new Error(`${describeInput(input)}: NAR ${k} = ${String(v)}`);
  }
  try {
    expect(typeof verifyAccountingRequest(input, 'fuzz')).toBe('boolean');
  } catch (err) {
    expectDecodeError(input, 'verifyAccountingRequest', err);
  }
}

describe(`radius fuzz (seed ${SEED})`, () => {
  it('ensures mutated RADIUS packets either decode consistently or are radius DecodeErrors', () => {
    const rnd = prng(SEED);
    const base = seeds();
    for (let i = 0; i < 6_000; i++) check(mutate(rnd, base[Math.floor(rnd() * base.length)] as Uint8Array));
  });

  it('ensures random bytes either decode consistently or are radius DecodeErrors', () => {
    const rnd = prng(SEED + 1);
    for (let i = 0; i < 3_000; i++) {
      const input = Uint8Array.from({ length: Math.floor(rnd() * 80) }, () => Math.floor(rnd() * 256));
      // Most of the time, an Accounting-Request header whose Length matches.
      if (rnd() < 0.7 && input.length >= 20) {
        input[0] = rnd() < 0.8 ? 4 : Math.floor(rnd() * 256);
        input[2] = 0;
        input[3] = input.length;
      }
      check(input);
    }
  });
});
