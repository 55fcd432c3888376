/** Accounting-Request view and NAR: captured vectors, gigawords folding, required attributes, secrets. */
import { describe, expect, it } from 'vitest';
import {
  accountingToNar,
  decodeAccountingRequest,
  encodeAccountingRequest,
  encodePacket,
  type AttributeInput,
} from '../../../../src/protocols/radius/index.js';
import { ATTRIBUTES, isAttributeValue } from '../../../../src/protocols/nar/nar.js';
import { capturedVectors, decodeError, readVector } from './helpers.js';

const request = (attributes: readonly AttributeInput[], secret = 'k'): Uint8Array =>
  encodeAccountingRequest({ identifier: 42, attributes }, secret);

describe('radius accounting vectors', () => {
  for (const v of capturedVectors()) {
    it(`ensures ${v.name} decodes to radclient's values and NAR`, () => {
      const req = decodeAccountingRequest(v.bytes, { secret: v.secret });
      expect(req.identifier).toBe(v.identifier);
      expect(req.unknownAttributes).toBe(0);
      expect(req.packet.attributes.map((a) => [a.name, a.valueName ?? a.value])).toEqual(v.attributes);
      expect(accountingToNar(req)).toEqual(v.nar);
    });
  }

  it('ensures a wrong secret is bad_authenticator and a forged Message-Authenticator bad_message_authenticator', () => {
    const bytes = readVector('acct-interim-message-authenticator');
    const err = decodeError(() => decodeAccountingRequest(bytes, { secret: 's3cret' }));
    expect(err.code).toBe('bad_authenticator');
    expect(err.context).toEqual({ identifier: 108 });
    const forged = Uint8Array.from(bytes);
    forged[forged.length - 1] = (forged[forged.length - 1] as number) ^ 1;
    // Without a secret the packet still decodes: verification is opt-in.
    expect(decodeAccountingRequest(forged).acctStatusType).toBe(3);
    expect(decodeError(() => decodeAccountingRequest(forged, { secret: 't0p-s3cret' })).code).toBe(
      'bad_authenticator',
    );
  });

  it('ensures the stop vector folds gigawords: 2·2^32 + 5 = 8589934597 and 3·2^32 + 4294967295', () => {
    const req = decodeAccountingRequest(readVector('acct-stop-gigawords'));
    expect(req.inputOctets).toBe(8589934597n);
    expect(req.outputOctets).toBe(3n * 2n ** 32n + 4294967295n);
    expect(req.terminateCause).toBe(4);
    expect(req.terminateCauseName).toBe('Idle-Timeout');
    expect(req.framedIpv6Prefix).toBe('2001:db8:1::/64');
  });
});

describe('radius accounting view', () => {
  it('ensures gigawords alone, octets alone, and neither are folded or absent', () => {
    const onlyGiga = decodeAccountingRequest(
      request([
        { name: 'Acct-Status-Type', value: 'Stop' },
        { name: 'Acct-Output-Gigawords', value: 1 },
      ]),
    );
    expect(onlyGiga.outputOctets).toBe(4294967296n);
    expect(onlyGiga.inputOctets).toBeUndefined();
    const max = decodeAccountingRequest(
      request([
        { name: 'Acct-Status-Type', value: 'Stop' },
        { name: 'Acct-Input-Gigawords', value: 0xffffffff },
        { name: 'Acct-Input-Octets', value: 0xffffffff },
      ]),
    );
    expect(max.inputOctets).toBe(2n ** 64n - 1n);
    const nar = accountingToNar(
      decodeAccountingRequest(request([{ name: 'Acct-Status-Type', value: 'Accounting-On' }])),
    );
    expect(nar).toEqual({ recordType: 'radiusNas', acctStatusType: 'Accounting-On' });
  });

  it('ensures a code other than Accounting-Request is not_accounting_request', () => {
    const err = decodeError(() => decodeAccountingRequest(readVector('rfc2865-7.1-access-request')));
    expect(err.protocol).toBe('radius');
    expect(err.code).toBe('not_accounting_request');
    expect(err.context).toEqual({ code: 1 });
  });

  it('ensures an Accounting-Request without Acct-Status-Type is missing_attribute', () => {
    const err = decodeError(() =>
      decodeAccountingRequest(request([{ name: 'Acct-Session-Id', value: 'x' }])),
    );
    expect(err.code).toBe('missing_attribute');
    expect(err.context).toEqual({ attribute: 'Acct-Status-Type', identifier: 42 });
  });

  it('ensures unknown attributes are counted on the request and left out of the NAR', () => {
    const req = decodeAccountingRequest(
      request([
        { name: 'Acct-Status-Type', value: 'Start' },
        { type: 242, value: '01' },
        { vendorId: 9, value: '0104abcd' },
        { vendorId: 10415, vendorType: 250, value: 'ff' },
      ]),
    );
    expect(req.unknownAttributes).toBe(3);
    expect(accountingToNar(req)).toEqual({ recordType: 'radiusAccounting', acctStatusType: 'Start' });
  });

  it('ensures an unnamed status or terminate cause appears as its number in text', () => {
    const req = decodeAccountingRequest(
      request([
        { name: 'Acct-Status-Type', value: 0x06300001 },
        { name: 'Acct-Terminate-Cause', value: 99 },
      ]),
    );
    expect(req.acctStatusTypeName).toBeUndefined();
    expect(accountingToNar(req)).toEqual({
      recordType: 'radiusAccounting',
      acctStatusType: '103809025',
      terminateCause: '99',
    });
  });

  it('ensures an empty string value counts as absent, so the NAR never carries an empty string', () => {
    const req = decodeAccountingRequest(
      request([
        { name: 'Acct-Status-Type', value: 'Start' },
        { name: 'User-Name', value: '' },
        { name: 'Calling-Station-Id', value: '' },
        { name: 'Calling-Station-Id', value: '4917' },
      ]),
    );
    expect(req.userName).toBeUndefined();
    expect(accountingToNar(req)).toEqual({
      recordType: 'radiusAccounting',
      acctStatusType: 'Start',
      callingStationId: '4917',
    });
  });

  it('ensures the first occurrence of a repeated attribute wins', () => {
    const req = decodeAccountingRequest(
      request([
        { name: 'Acct-Status-Type', value: 'Stop' },
        { name: 'Acct-Session-Id', value: 'first' },
        { name: 'Acct-Session-Id', value: 'second' },
      ]),
    );
    expect(req.acctSessionId).toBe('first');
    expect(req.packet.attributes).toHaveLength(3);
  });

  it('ensures GGSN and SGSN IPv6 addresses fill ggsnAddress/sgsnAddress when the IPv4 ones are absent', () => {
    const nar = accountingToNar(
      decodeAccountingRequest(
        request([
          { name: 'Acct-Status-Type', value: 'Interim-Update' },
          { name: '3GPP-GGSN-IPv6-Address', value: '2001:db8::7' },
          { name: '3GPP-SGSN-IPv6-Address', value: '2001:db8::9' },
        ]),
      ),
    );
    expect(nar['ggsnAddress']).toBe('2001:db8::7');
    expect(nar['sgsnAddress']).toBe('2001:db8::9');
  });

  it('ensures a full typed description round-trips through encode, decode and the NAR with every listed name', () => {
    const bytes = request(
      [
        { name: 'Acct-Status-Type', value: 'Stop' },
        { name: 'Acct-Session-Id', value: '0000ab12' },
        { name: 'Acct-Multi-Session-Id', value: 'multi-1' },
        { name: 'User-Name', value: 'user@apn' },
        { name: 'Calling-Station-Id', value: '491701234567' },
        { name: 'Called-Station-Id', value: 'internet' },
        { name: 'NAS-IP-Address', value: '192.0.2.10' },
        { name: 'NAS-IPv6-Address', value: '2001:db8::10' },
        { name: 'NAS-Identifier', value: 'pgw-1' },
        { name: 'NAS-Port', value: 65536 },
        { name: 'NAS-Port-Type', value: 'Wireless-UMTS' },
        { name: 'Framed-IP-Address', value: '100.64.0.1' },
        { name: 'Acct-Input-Octets', value: 5 },
        { name: 'Acct-Input-Gigawords', value: 2 },
        { name: 'Acct-Output-Octets', value: 7 },
        { name: 'Acct-Input-Packets', value: 11 },
        { name: 'Acct-Output-Packets', value: 13 },
        { name: 'Acct-Session-Time', value: 3600 },
        { name: 'Acct-Terminate-Cause', value: 'Session-Timeout' },
        { name: 'Event-Timestamp', value: '2026-12-04T10:15:30Z' },
        { name: 'Acct-Delay-Time', value: 3 },
        { name: 'Acct-Authentic', value: 'RADIUS' },
        { name: '3GPP-IMSI', value: '001011234567890' },
        { name: '3GPP-Charging-ID', value: 4294967295 },
        { name: '3GPP-GGSN-Address', value: '198.51.100.1' },
        { name: '3GPP-SGSN-Address', value: '198.51.100.2' },
        { name: '3GPP-RAT-Type', value: 'NR' },
        { name: '3GPP-IMEISV', value: '3520990012345601' },
      ],
      'shared',
    );
    const req = decodeAccountingRequest(bytes, { secret: 'shared' });
    const nar = accountingToNar(req);
    expect(nar).toEqual({
      recordType: 'radiusAccounting',
      acctStatusType: 'Stop',
      acctSessionId: '0000ab12',
      acctMultiSessionId: 'multi-1',
      userName: 'user@apn',
      callingStationId: '491701234567',
      calledStationId: 'internet',
      nasIpAddress: '192.0.2.10',
      nasIpv6Address: '2001:db8::10',
      nasIdentifier: 'pgw-1',
      nasPort: 65536,
      nasPortType: 23,
      framedIpAddress: '100.64.0.1',
      inputOctets: 8589934597n,
      outputOctets: 7n,
      inputPackets: 11,
      outputPackets: 13,
      sessionTime: 3600,
      terminateCause: 'Session-Timeout',
      eventTimestamp: '2026-12-04T10:15:30Z',
      acctDelayTime: 3,
      acctAuthentic: 1,
      imsi: '001011234567890',
      chargingId: 4294967295,
      ggsnAddress: '198.51.100.1',
      sgsnAddress: '198.51.100.2',
      ratType: 10,
      imeisv: '3520990012345601',
    });
    for (const [k, v] of Object.entries(nar)) {
      expect(isAttributeValue(v), k).toBe(true);
      expect(v, k).not.toBe('');
    }
    // Names shared with other sources keep the shared dictionary's value types.
    expect(typeof nar['inputOctets']).toBe(ATTRIBUTES['uplinkBytes']?.type);
    expect(typeof nar['chargingId']).toBe('number');
  });

  it('ensures an Accounting-Request with only padding past its attributes decodes the same', () => {
    const bytes = request([{ name: 'Acct-Status-Type', value: 'Start' }]);
    const padded = Uint8Array.from([...bytes, 0, 0, 0]);
    expect(accountingToNar(decodeAccountingRequest(padded, { secret: 'k' }))).toEqual(
      accountingToNar(decodeAccountingRequest(bytes)),
    );
  });

  it('ensures decodeAccountingRequest accepts a packet encodePacket built without signing when no secret is given', () => {
    const unsigned = encodePacket({
      code: 4,
      identifier: 5,
      attributes: [{ name: 'Acct-Status-Type', value: 2 }],
    });
    expect(decodeAccountingRequest(unsigned).acctStatusTypeName).toBe('Stop');
    expect(decodeError(() => decodeAccountingRequest(unsigned, { secret: 'k' })).code).toBe(
      'bad_authenticator',
    );
  });
});
