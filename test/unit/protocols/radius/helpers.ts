/** Shared by the RADIUS tests: vector files, hex, and catching the codec's errors. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DecodeError, EncodeError } from '../../../../src/protocols/errors.js';

export const VECTORS = join(import.meta.dirname, '../../../vectors/radius');

export const hex = (text: string): Uint8Array =>
  Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
export const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** A `.hex` vector: its provenance line is required, the rest is the datagram. */
export function readVector(name: string): Uint8Array {
  const text = readFileSync(join(VECTORS, `${name}.hex`), 'utf8');
  if (!text.startsWith('# provenance: ')) throw new Error(`${name}.hex must start with a provenance line`);
  return hex(
    text
      .split('\n')
      .filter((l) => !l.startsWith('#'))
      .join(''),
  );
}

export interface CapturedVector {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly secret: string;
  readonly identifier: number;
  /** [attribute name, value or enumerated value name] in wire order. */
  readonly attributes: readonly (readonly [string, string | number])[];
  /** The NAR; bigint values are written as "123n". */
  readonly nar: Readonly<Record<string, string | number | bigint>>;
}

interface VectorJson {
  secret: string;
  identifier: number;
  expected: { attributes: [string, string | number][]; nar: Record<string, string | number> };
}

/** Every radclient capture with its expectations. */
export function capturedVectors(): CapturedVector[] {
  return readdirSync(VECTORS)
    .filter((f) => f.startsWith('acct-') && f.endsWith('.json'))
    .sort()
    .map((f) => {
      const name = f.slice(0, -'.json'.length);
      const json = JSON.parse(readFileSync(join(VECTORS, f), 'utf8')) as VectorJson;
      const nar = Object.fromEntries(
        Object.entries(json.expected.nar).map(([k, v]) => [
          k,
          typeof v === 'string' && /^\d+n$/.test(v) ? BigInt(v.slice(0, -1)) : v,
        ]),
      );
      return {
        name,
        bytes: readVector(name),
        secret: json.secret,
        identifier: json.identifier,
        attributes: json.expected.attributes,
        nar,
      };
    });
}

/** The DecodeError `fn` throws; fails the test if it throws something else or nothing. */
export function decodeError(fn: () => unknown): DecodeError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DecodeError) return err;
    throw err;
  }
  throw new Error('expected a DecodeError');
}

/** The EncodeError `fn` throws; fails the test if it throws something else or nothing. */
export function encodeError(fn: () => unknown): EncodeError {
  try {
    fn();
  } catch (err) {
    if (err instanceof EncodeError) return err;
    throw err;
  }
  throw new Error('expected an EncodeError');
}

/** A packet from raw parts: header with the given Length (default: the real one) and attribute octets. */
export function rawPacket(code: number, attributeOctets: readonly number[], length?: number): Uint8Array {
  const len = length ?? 20 + attributeOctets.length;
  return Uint8Array.from([
    code,
    1,
    len >> 8,
    len & 0xff,
    ...new Array<number>(16).fill(0),
    ...attributeOctets,
  ]);
}
