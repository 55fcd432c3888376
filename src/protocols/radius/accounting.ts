/**
 * Accounting-Request (RFC 2866 §4.1) as a typed view, and the view as a NAR.
 *
 * The view takes the first occurrence of each attribute (RFC 2866 §5.13 allows each at most once;
 * Class may repeat and is not part of the view); an empty value counts as absent (RFC 2865 §5: text
 * and string values are at least one octet), so the NAR never carries empty strings. Acct-Status-Type is required (RFC 2866 §5.1: "MUST
 * be present"); everything else is optional. Volumes fold the RFC 2869 §5.1/§5.2 gigaword counters
 * in: octets = gigawords · 2^32 + Acct-*-Octets, as bigint (up to 2^64 − 1).
 */
import { DecodeError } from '../errors.js';
import type { Nar } from '../nar/nar.js';
import { checkAccountingRequest } from './authenticator.js';
import { decodePacket } from './packet.js';
import { RadiusCode } from './types.js';
import type { RadiusPacket, RadiusSecret, RadiusValue } from './types.js';

export interface AccountingRequest {
  readonly identifier: number;
  readonly authenticator: Uint8Array;
  /** Acct-Status-Type; its dictionary name in `acctStatusTypeName` when it has one. */
  readonly acctStatusType: number;
  readonly acctStatusTypeName?: string;
  readonly acctSessionId?: string;
  readonly acctMultiSessionId?: string;
  readonly userName?: string;
  readonly callingStationId?: string;
  readonly calledStationId?: string;
  readonly nasIpAddress?: string;
  readonly nasIpv6Address?: string;
  readonly nasIdentifier?: string;
  readonly nasPort?: number;
  readonly nasPortId?: string;
  readonly nasPortType?: number;
  readonly framedIpAddress?: string;
  readonly framedIpv6Prefix?: string;
  /** Acct-Input-Octets with Acct-Input-Gigawords folded in; absent when both are. */
  readonly inputOctets?: bigint;
  readonly outputOctets?: bigint;
  readonly inputPackets?: number;
  readonly outputPackets?: number;
  readonly sessionTime?: number;
  readonly terminateCause?: number;
  readonly terminateCauseName?: string;
  /** Event-Timestamp, ISO 8601 UTC. */
  readonly eventTimestamp?: string;
  readonly acctDelayTime?: number;
  readonly acctAuthentic?: number;
  readonly acctInterimInterval?: number;
  /** 3GPP vendor attributes (TS 29.061 §16.4.7). */
  readonly imsi?: string;
  readonly chargingId?: number;
  readonly ggsnAddress?: string;
  readonly ggsnIpv6Address?: string;
  readonly sgsnAddress?: string;
  readonly sgsnIpv6Address?: string;
  readonly ratType?: number;
  readonly imeisv?: string;
  readonly selectionMode?: string;
  readonly chargingCharacteristics?: string;
  readonly userLocationInfo?: string;
  /** The whole decoded packet: every attribute, raw and typed. */
  readonly packet: RadiusPacket;
  /** Attributes not in the dictionary (kept in `packet` as octets). */
  readonly unknownAttributes: number;
}

/** Fields filled straight from one attribute's value. */
type ViewField = Exclude<
  keyof AccountingRequest,
  | 'identifier'
  | 'authenticator'
  | 'acctStatusType'
  | 'acctStatusTypeName'
  | 'terminateCause'
  | 'terminateCauseName'
  | 'inputOctets'
  | 'outputOctets'
  | 'packet'
  | 'unknownAttributes'
>;

/** Dictionary name → view field. Volumes and gigawords are collected separately and folded. */
type Target = ViewField | 'acctStatusType' | 'terminateCause' | 'in' | 'out' | 'inGiga' | 'outGiga';

const FIELDS: ReadonlyMap<string, Target> = new Map<string, Target>([
  ['Acct-Status-Type', 'acctStatusType'],
  ['Acct-Session-Id', 'acctSessionId'],
  ['Acct-Multi-Session-Id', 'acctMultiSessionId'],
  ['User-Name', 'userName'],
  ['Calling-Station-Id', 'callingStationId'],
  ['Called-Station-Id', 'calledStationId'],
  ['NAS-IP-Address', 'nasIpAddress'],
  ['NAS-IPv6-Address', 'nasIpv6Address'],
  ['NAS-Identifier', 'nasIdentifier'],
  ['NAS-Port', 'nasPort'],
  ['NAS-Port-Id', 'nasPortId'],
  ['NAS-Port-Type', 'nasPortType'],
  ['Framed-IP-Address', 'framedIpAddress'],
  ['Framed-IPv6-Prefix', 'framedIpv6Prefix'],
  ['Acct-Input-Octets', 'in'],
  ['Acct-Output-Octets', 'out'],
  ['Acct-Input-Gigawords', 'inGiga'],
  ['Acct-Output-Gigawords', 'outGiga'],
  ['Acct-Input-Packets', 'inputPackets'],
  ['Acct-Output-Packets', 'outputPackets'],
  ['Acct-Session-Time', 'sessionTime'],
  ['Acct-Terminate-Cause', 'terminateCause'],
  ['Event-Timestamp', 'eventTimestamp'],
  ['Acct-Delay-Time', 'acctDelayTime'],
  ['Acct-Authentic', 'acctAuthentic'],
  ['Acct-Interim-Interval', 'acctInterimInterval'],
  ['3GPP-IMSI', 'imsi'],
  ['3GPP-Charging-ID', 'chargingId'],
  ['3GPP-GGSN-Address', 'ggsnAddress'],
  ['3GPP-GGSN-IPv6-Address', 'ggsnIpv6Address'],
  ['3GPP-SGSN-Address', 'sgsnAddress'],
  ['3GPP-SGSN-IPv6-Address', 'sgsnIpv6Address'],
  ['3GPP-RAT-Type', 'ratType'],
  ['3GPP-IMEISV', 'imeisv'],
  ['3GPP-Selection-Mode', 'selectionMode'],
  ['3GPP-Charging-Characteristics', 'chargingCharacteristics'],
  ['3GPP-User-Location-Info', 'userLocationInfo'],
]);

type MutableView = { -readonly [K in keyof AccountingRequest]: AccountingRequest[K] };

/**
 * The view with every key present from the start, in one fixed order (absent fields undefined):
 * filling it then never changes its shape. Building it by spreading a partial object instead was
 * measured 7× slower.
 */
function newView(packet: RadiusPacket): MutableView {
  return {
    identifier: packet.identifier,
    authenticator: packet.authenticator,
    acctStatusType: 0,
    acctStatusTypeName: undefined,
    acctSessionId: undefined,
    acctMultiSessionId: undefined,
    userName: undefined,
    callingStationId: undefined,
    calledStationId: undefined,
    nasIpAddress: undefined,
    nasIpv6Address: undefined,
    nasIdentifier: undefined,
    nasPort: undefined,
    nasPortId: undefined,
    nasPortType: undefined,
    framedIpAddress: undefined,
    framedIpv6Prefix: undefined,
    inputOctets: undefined,
    outputOctets: undefined,
    inputPackets: undefined,
    outputPackets: undefined,
    sessionTime: undefined,
    terminateCause: undefined,
    terminateCauseName: undefined,
    eventTimestamp: undefined,
    acctDelayTime: undefined,
    acctAuthentic: undefined,
    acctInterimInterval: undefined,
    imsi: undefined,
    chargingId: undefined,
    ggsnAddress: undefined,
    ggsnIpv6Address: undefined,
    sgsnAddress: undefined,
    sgsnIpv6Address: undefined,
    ratType: undefined,
    imeisv: undefined,
    selectionMode: undefined,
    chargingCharacteristics: undefined,
    userLocationInfo: undefined,
    packet,
    unknownAttributes: packet.unknownAttributes,
  };
}

export interface AccountingDecodeOptions {
  /** When given, the Request Authenticator (and Message-Authenticator) must check out against it. */
  readonly secret?: RadiusSecret;
}

function fold(gigawords: RadiusValue | undefined, octets: RadiusValue | undefined): bigint | undefined {
  if (gigawords === undefined && octets === undefined) return undefined;
  return (BigInt(gigawords ?? 0) << 32n) + BigInt(octets ?? 0);
}

/**
 * Decodes an Accounting-Request datagram into the typed view. A packet of another code is
 * `not_accounting_request` (with `context.code`); without Acct-Status-Type, `missing_attribute`.
 * With `options.secret`, a wrong Request Authenticator is `bad_authenticator` and a wrong
 * Message-Authenticator `bad_message_authenticator`.
 */
export function decodeAccountingRequest(
  datagram: Uint8Array,
  options: AccountingDecodeOptions = {},
): AccountingRequest {
  const packet = decodePacket(datagram);
  if (packet.code !== RadiusCode.AccountingRequest) {
    throw new DecodeError(
      'radius',
      'not_accounting_request',
      `code ${packet.code}, expected ${RadiusCode.AccountingRequest} (Accounting-Request)`,
      0,
      { code: packet.code },
    );
  }
  if (options.secret !== undefined) {
    const check = checkAccountingRequest(packet.bytes, options.secret, packet.rawAttributes);
    if (check !== 'ok') {
      throw new DecodeError(
        'radius',
        check,
        check === 'bad_authenticator'
          ? 'Request Authenticator does not match the shared secret'
          : 'Message-Authenticator does not match the shared secret (or is repeated or malformed)',
        check === 'bad_authenticator' ? 4 : 20,
        { identifier: packet.identifier },
      );
    }
  }
  let status: number | undefined;
  let statusName: string | undefined;
  let cause: number | undefined;
  let causeName: string | undefined;
  let inOctets: RadiusValue | undefined;
  let outOctets: RadiusValue | undefined;
  let inGiga: RadiusValue | undefined;
  let outGiga: RadiusValue | undefined;
  // One store per field into an object of fixed shape: the first non-empty occurrence wins.
  const view = newView(packet);
  const fields = view as unknown as Record<ViewField, RadiusValue | undefined>;
  for (const a of packet.attributes) {
    // RFC 2865 §5: text and string values are at least one octet; an empty one counts as absent.
    if (!a.known || a.value === '') continue;
    const field = FIELDS.get(a.name);
    if (field === undefined) continue;
    switch (field) {
      case 'acctStatusType':
        if (status === undefined) [status, statusName] = [a.value as number, a.valueName];
        break;
      case 'terminateCause':
        if (cause === undefined) [cause, causeName] = [a.value as number, a.valueName];
        break;
      case 'in':
        inOctets ??= a.value;
        break;
      case 'out':
        outOctets ??= a.value;
        break;
      case 'inGiga':
        inGiga ??= a.value;
        break;
      case 'outGiga':
        outGiga ??= a.value;
        break;
      default:
        fields[field] ??= a.value;
    }
  }
  if (status === undefined) {
    throw new DecodeError(
      'radius',
      'missing_attribute',
      'Acct-Status-Type is required in an Accounting-Request',
      20,
      {
        attribute: 'Acct-Status-Type',
        identifier: packet.identifier,
      },
    );
  }
  view.acctStatusType = status;
  view.acctStatusTypeName = statusName;
  view.terminateCause = cause;
  view.terminateCauseName = causeName;
  view.inputOctets = fold(inGiga, inOctets);
  view.outputOctets = fold(outGiga, outOctets);
  return view;
}

/** Acct-Status-Type values of the NAS as a whole (RFC 2866 §5.1). */
const ACCOUNTING_ON = 7;
const ACCOUNTING_OFF = 8;

/** View fields copied to the NAR unchanged, under the same name. */
const NAR_FIELDS = [
  'acctSessionId',
  'acctMultiSessionId',
  'userName',
  'callingStationId',
  'calledStationId',
  'nasIpAddress',
  'nasIpv6Address',
  'nasIdentifier',
  'nasPort',
  'nasPortType',
  'framedIpAddress',
  'inputOctets',
  'outputOctets',
  'inputPackets',
  'outputPackets',
  'sessionTime',
  'eventTimestamp',
  'acctDelayTime',
  'acctAuthentic',
  'imsi',
  'chargingId',
  'ratType',
  'imeisv',
] as const satisfies readonly (keyof AccountingRequest)[];

/**
 * The NAR of an Accounting-Request. Absent attributes are absent.
 *   recordType       'radiusNas' for Accounting-On/Off (the NAS itself: no session), else
 *                    'radiusAccounting' (Start, Interim-Update, Stop, …: one stream per session, so
 *                    the order enhancer keeps a session's records together)
 *   acctStatusType   the status name ('Start', 'Stop', 'Interim-Update', 'Accounting-On', …), or
 *                    the number as text when the dictionary has no name for it
 *   terminateCause   the cause name ('Idle-Timeout', …), or the number as text
 *   inputOctets, outputOctets   bigint with gigawords folded in (the NAR's 64-bit volume type, as
 *                    uplinkBytes/downlinkBytes of CDRs)
 *   ggsnAddress, sgsnAddress    3GPP-GGSN/SGSN-Address, else their IPv6 variants
 *   nasPortType, acctAuthentic, ratType   the numbers (ratType as in CDR NARs)
 * Unknown attributes contribute nothing (their count is on the decoded request).
 */
export function accountingToNar(req: AccountingRequest): Nar {
  const status = req.acctStatusTypeName ?? String(req.acctStatusType);
  const nas = req.acctStatusType === ACCOUNTING_ON || req.acctStatusType === ACCOUNTING_OFF;
  const n: Nar = { recordType: nas ? 'radiusNas' : 'radiusAccounting', acctStatusType: status };
  for (const f of NAR_FIELDS) {
    const v = req[f];
    if (v !== undefined) n[f] = v;
  }
  if (req.terminateCause !== undefined)
    n['terminateCause'] = req.terminateCauseName ?? String(req.terminateCause);
  const ggsn = req.ggsnAddress ?? req.ggsnIpv6Address;
  if (ggsn !== undefined) n['ggsnAddress'] = ggsn;
  const sgsn = req.sgsnAddress ?? req.sgsnIpv6Address;
  if (sgsn !== undefined) n['sgsnAddress'] = sgsn;
  return n;
}
