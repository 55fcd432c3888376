/** Shared bits of the NetFlow/IPFIX unit tests: raw message builders and error-code capture. */
import { expect } from 'vitest';
import { DecodeError } from '../../../../src/protocols/errors.js';
import type { TemplateDefinition } from '../../../../src/protocols/netflow/index.js';

export const EXPORTER = '192.0.2.100';

export const hex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ''), 'hex'));
export const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** An IPFIX message: header (version 10, computed length, export time, sequence, domain) + sets given as hex. */
export function ipfixRaw(
  sets: string[],
  opts: { exportTime?: number; sequence?: number; domain?: number } = {},
): Uint8Array {
  const body = hex(sets.join(''));
  const out = new Uint8Array(16 + body.length);
  const v = new DataView(out.buffer);
  v.setUint16(0, 10);
  v.setUint16(2, out.length);
  v.setUint32(4, opts.exportTime ?? 1_136_073_600);
  v.setUint32(8, opts.sequence ?? 0);
  v.setUint32(12, opts.domain ?? 12_345);
  out.set(body, 16);
  return out;
}

/** A NetFlow v9 packet: header (count, sysUptime, unix_secs, sequence, source id) + FlowSets as hex. */
export function v9Raw(
  sets: string[],
  opts: { sysUptime?: number; unixSecs?: number; sequence?: number; sourceId?: number } = {},
): Uint8Array {
  const body = hex(sets.join(''));
  const out = new Uint8Array(20 + body.length);
  const v = new DataView(out.buffer);
  v.setUint16(0, 9);
  v.setUint16(2, 1);
  v.setUint32(4, opts.sysUptime ?? 3_600_000);
  v.setUint32(8, opts.unixSecs ?? 1_704_164_645);
  v.setUint32(12, opts.sequence ?? 0);
  v.setUint32(16, opts.sourceId ?? 7);
  out.set(body, 20);
  return out;
}

/** The code of the DecodeError `fn` throws, checking its protocol. */
export function codeOf(fn: () => unknown, protocol: 'netflow' | 'ipfix'): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DecodeError);
    expect((err as DecodeError).protocol).toBe(protocol);
    return (err as DecodeError).code;
  }
  throw new Error('expected a DecodeError');
}

/** A data template of IANA fields given as [id, length] pairs. */
export function template(
  templateId: number,
  fields: [number, number][],
  scopeFieldCount = 0,
): TemplateDefinition {
  return { templateId, fields: fields.map(([id, length]) => ({ id, length })), scopeFieldCount };
}
