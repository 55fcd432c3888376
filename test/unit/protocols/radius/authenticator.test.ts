/** Request, Response and Message-Authenticators against RFC 2865 §7.1, radclient captures and an independent HMAC. */
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  accountingRequestAuthenticator,
  checkAccountingRequest,
  decodePacket,
  encodeAccountingRequest,
  encodeAccountingResponse,
  encodePacket,
  messageAuthenticator,
  responseAuthenticator,
  verifyAccountingRequest,
  verifyResponse,
} from '../../../../src/protocols/radius/index.js';
import { capturedVectors, decodeError, encodeError, readVector, toHex } from './helpers.js';

const flip = (bytes: Uint8Array, at: number): Uint8Array => {
  const out = Uint8Array.from(bytes);
  out[at] = (out[at] as number) ^ 0x01;
  return out;
};

describe('radius Response Authenticator', () => {
  it('ensures the RFC 2865 §7.1 Access-Accept authenticator is MD5(reply with request authenticator + secret)', () => {
    const request = decodePacket(readVector('rfc2865-7.1-access-request'));
    const accept = readVector('rfc2865-7.1-access-accept');
    expect(toHex(responseAuthenticator(accept, request.authenticator, 'xyzzy5461'))).toBe(
      '86fe220e7624ba2a1005f6bf9b55e0b2',
    );
    expect(verifyResponse(accept, request.authenticator, 'xyzzy5461')).toBe(true);
    expect(verifyResponse(accept, request.authenticator, 'xyzzy5462')).toBe(false);
    expect(verifyResponse(flip(accept, 25), request.authenticator, 'xyzzy5461')).toBe(false);
  });

  it('ensures a text secret counts as its UTF-8 octets (any length, any script) and equals the same secret given as octets', () => {
    const accept = readVector('rfc2865-7.1-access-accept');
    const vector = decodePacket(readVector('rfc2865-7.1-access-request')).authenticator;
    for (const secret of ['xyzzy5461', 'sécret-ü€-秘密-😀', 'k'.repeat(700), '']) {
      const octets = new TextEncoder().encode(secret);
      const md5 = createHash('md5')
        .update(accept.subarray(0, 4))
        .update(vector)
        .update(accept.subarray(20))
        .update(octets)
        .digest('hex');
      expect(toHex(responseAuthenticator(accept, vector, secret))).toBe(md5);
      expect(toHex(responseAuthenticator(accept, vector, octets))).toBe(md5);
    }
  });

  it('ensures an encoded Accounting-Response has code 5, the request identifier and a verifiable authenticator', () => {
    const v = capturedVectors()[0];
    if (v === undefined) throw new Error('no vectors');
    const request = decodePacket(v.bytes);
    const response = encodeAccountingResponse(request, v.secret);
    expect(response.length).toBe(20);
    expect(response[0]).toBe(5);
    expect(response[1]).toBe(request.identifier);
    const expected = createHash('md5')
      .update(Uint8Array.of(5, request.identifier, 0, 20))
      .update(request.authenticator)
      .update(v.secret)
      .digest('hex');
    expect(toHex(response.subarray(4, 20))).toBe(expected);
    expect(verifyResponse(response, request.authenticator, v.secret)).toBe(true);
    expect(verifyResponse(response, request.authenticator, 'wrong')).toBe(false);
  });

  it('ensures Accounting-Response attributes and a Message-Authenticator are covered, with either vector rule', () => {
    const request = decodePacket(readVector('acct-start-3gpp'));
    for (const vector of ['request', 'zero'] as const) {
      const response = encodeAccountingResponse(request, 's3cret', [{ name: 'Proxy-State', value: '0102' }], {
        messageAuthenticator: true,
        messageAuthenticatorVector: vector,
      });
      const p = decodePacket(response);
      expect(p.attributes.map((a) => a.name)).toEqual(['Proxy-State', 'Message-Authenticator']);
      expect(verifyResponse(response, request.authenticator, 's3cret', vector), vector).toBe(true);
      expect(
        verifyResponse(response, request.authenticator, 's3cret', vector === 'zero' ? 'request' : 'zero'),
      ).toBe(false);
      const hmac = createHmac('md5', 's3cret')
        .update(response.subarray(0, 4))
        .update(vector === 'zero' ? new Uint8Array(16) : request.authenticator)
        .update(response.subarray(20, 26))
        .update(new Uint8Array(16))
        .digest('hex');
      expect(p.attributes[1]?.value, vector).toBe(hmac);
    }
  });
});

describe('radius Accounting-Request authenticators', () => {
  it('ensures every radclient capture verifies with its secret and fails with a wrong one', () => {
    for (const v of capturedVectors()) {
      expect(verifyAccountingRequest(v.bytes, v.secret), v.name).toBe(true);
      expect(verifyAccountingRequest(v.bytes, Buffer.from(v.secret)), v.name).toBe(true);
      expect(verifyAccountingRequest(v.bytes, `${v.secret}x`), v.name).toBe(false);
      expect(checkAccountingRequest(v.bytes, 'wrong'), v.name).toBe('bad_authenticator');
      expect(toHex(accountingRequestAuthenticator(v.bytes, v.secret)), v.name).toBe(
        toHex(v.bytes.subarray(4, 20)),
      );
    }
  });

  it('ensures any changed octet of a capture fails verification', () => {
    const v = capturedVectors().find((c) => c.name === 'acct-interim-3gpp');
    if (v === undefined) throw new Error('missing vector');
    for (const at of [0, 1, 4, 19, 20, 60, v.bytes.length - 1]) {
      expect(verifyAccountingRequest(flip(v.bytes, at), v.secret), `octet ${at}`).toBe(false);
    }
  });

  it('ensures padding after Length is not part of the authenticator', () => {
    const v = capturedVectors()[0];
    if (v === undefined) throw new Error('no vectors');
    expect(verifyAccountingRequest(Uint8Array.from([...v.bytes, 1, 2, 3]), v.secret)).toBe(true);
  });

  it('ensures the radclient Message-Authenticator is HMAC-MD5 over the packet with a zeroed Authenticator field', () => {
    const bytes = readVector('acct-interim-message-authenticator');
    const p = decodePacket(bytes);
    const ma = p.rawAttributes.find((a) => a.type === 80);
    if (ma === undefined) throw new Error('no Message-Authenticator');
    const zeroed = Uint8Array.from(bytes);
    zeroed.fill(0, 4, 20);
    zeroed.fill(0, ma.offset, ma.offset + 16);
    const independent = createHmac('md5', 't0p-s3cret').update(zeroed).digest('hex');
    expect(toHex(bytes.subarray(ma.offset, ma.offset + 16))).toBe(independent);
    expect(toHex(messageAuthenticator(bytes, ma.offset, new Uint8Array(16), 't0p-s3cret'))).toBe(independent);
    expect(checkAccountingRequest(bytes, 't0p-s3cret')).toBe('ok');
  });

  it('ensures a wrong Message-Authenticator with a right Request Authenticator fails as bad_message_authenticator', () => {
    const bytes = readVector('acct-interim-message-authenticator');
    const p = decodePacket(bytes);
    const attributes = p.attributes.map((a) =>
      a.name === 'Message-Authenticator' ? { name: a.name, value: 'ff'.repeat(16) } : a,
    );
    // Re-encode with a bad MA value, then fix only the Request Authenticator.
    const forged = encodePacket({ code: 4, identifier: p.identifier, attributes });
    forged.set(accountingRequestAuthenticator(forged, 't0p-s3cret'), 4);
    expect(checkAccountingRequest(forged, 't0p-s3cret')).toBe('bad_message_authenticator');
    expect(verifyAccountingRequest(forged, 't0p-s3cret')).toBe(false);
  });

  it('ensures two Message-Authenticators, or none, are judged as RFC 3579 §3.2 and FreeRADIUS do', () => {
    const two = encodeAccountingRequest(
      {
        identifier: 1,
        attributes: [{ name: 'Acct-Status-Type', value: 'Start' }],
        messageAuthenticator: true,
      },
      'k',
    );
    const p = decodePacket(two);
    const doubled = encodePacket({
      code: 4,
      identifier: 1,
      attributes: [...p.attributes, p.attributes[1] ?? { type: 80, value: '' }],
    });
    doubled.set(accountingRequestAuthenticator(doubled, 'k'), 4);
    expect(checkAccountingRequest(doubled, 'k')).toBe('bad_message_authenticator');
    const none = encodeAccountingRequest(
      { identifier: 1, attributes: [{ name: 'Acct-Status-Type', value: 'Start' }] },
      'k',
    );
    expect(checkAccountingRequest(none, 'k')).toBe('ok');
  });

  it('ensures encodeAccountingRequest signs like radclient: same bytes for the same attributes, identifier and secret', () => {
    for (const v of capturedVectors()) {
      const p = decodePacket(v.bytes);
      const again = encodeAccountingRequest({ identifier: p.identifier, attributes: p.attributes }, v.secret);
      expect(toHex(again), v.name).toBe(toHex(v.bytes));
    }
  });

  it('ensures a Message-Authenticator can be requested by option or placed in the list, and at most once', () => {
    const base = [
      { name: 'Acct-Status-Type', value: 'Stop' },
      { name: 'Acct-Session-Id', value: 's-1' },
    ] as const;
    const byOption = encodeAccountingRequest(
      { identifier: 3, attributes: base, messageAuthenticator: true },
      'k',
    );
    const inList = encodeAccountingRequest(
      { identifier: 3, attributes: [...base, { name: 'Message-Authenticator', value: '00'.repeat(16) }] },
      'k',
    );
    expect(toHex(byOption)).toBe(toHex(inList));
    expect(checkAccountingRequest(byOption, 'k')).toBe('ok');
    const first = encodeAccountingRequest(
      { identifier: 3, attributes: [{ type: 80, value: '' }, ...base], messageAuthenticator: true },
      'k',
    );
    expect(decodePacket(first).attributes.map((a) => a.name)).toEqual([
      'Message-Authenticator',
      'Acct-Status-Type',
      'Acct-Session-Id',
    ]);
    expect(verifyAccountingRequest(first, 'k')).toBe(true);
    expect(
      encodeError(() =>
        encodeAccountingRequest(
          {
            identifier: 3,
            attributes: [
              { type: 80, value: '' },
              { name: 'Message-Authenticator', value: '' },
            ],
          },
          'k',
        ),
      ).code,
    ).toBe('invalid_attribute');
  });

  it('ensures verifying a malformed datagram is a DecodeError, not a boolean', () => {
    expect(decodeError(() => verifyAccountingRequest(new Uint8Array(10), 'k')).code).toBe('too_short');
    const v = capturedVectors()[0];
    if (v === undefined) throw new Error('no vectors');
    expect(
      decodeError(() => verifyAccountingRequest(v.bytes.subarray(0, v.bytes.length - 1), v.secret)).code,
    ).toBe('truncated');
  });

  it('ensures an empty or binary secret works', () => {
    const bytes = encodeAccountingRequest(
      { identifier: 0, attributes: [{ name: 'Acct-Status-Type', value: 1 }] },
      '',
    );
    expect(verifyAccountingRequest(bytes, '')).toBe(true);
    const key = Uint8Array.of(0, 255, 1);
    const signed = encodeAccountingRequest(
      { identifier: 0, attributes: [], messageAuthenticator: true },
      key,
    );
    expect(verifyAccountingRequest(signed, key)).toBe(true);
    expect(verifyAccountingRequest(signed, Uint8Array.of(0, 255))).toBe(false);
  });
});
