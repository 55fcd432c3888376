/**
 * Seeded properties of the COPY text writer:
 * 1. any string either escapes to a field that a COPY text decoder (written here from the
 *    PostgreSQL manual) turns back into the same string, or is refused for a NUL or an unpaired
 *    surrogate — and only then;
 * 2. against a real PostgreSQL: random values of every column type that formatCopyRow accepts,
 *    loaded with COPY, equal the same values inserted through bind parameters (a path that does
 *    not use our escaping or conversions), and the server accepts every row we accept.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  COLUMN_TYPES,
  escapeCopyText,
  formatCopyRow,
  type ColumnType,
  type CopyColumn,
} from '../../src/actors/nodes/oi/postgres/copy-text.js';
import { CopyValueError } from '../../src/actors/nodes/oi/postgres/errors.js';
import { formatIp } from '../../src/protocols/ip.js';
import type { AttributeValue, Nar } from '../../src/protocols/nar/nar.js';
import { prng } from '../helpers/narflow-process.js';
import { requirePostgresDatabase } from '../helpers/services.js';

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
const PIECES = [
  'a',
  'Z',
  '\\',
  '\t',
  '\n',
  '\r',
  'N',
  '.',
  ' ',
  '"',
  'é',
  '中',
  '🙂',
  '\u2028',
  '\u0001',
  '\u007f',
];
const RARE = ['\u0000', '\ud800', '\udc00', '\ud83d'];

/** A COPY text field decoder after the PostgreSQL manual (COPY, "Text Format"). */
function decodeField(field: string): string | null {
  if (field === '\\N') return null;
  let out = '';
  for (let i = 0; i < field.length; i++) {
    const c = field[i] as string;
    if (c === '\t' || c === '\n' || c === '\r') throw new Error(`raw ${JSON.stringify(c)} inside a field`);
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = field[++i];
    if (next === undefined) throw new Error('field ends in a lone backslash');
    const simple: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
    if (simple[next] !== undefined) out += simple[next];
    else if (/[0-7]/.test(next)) {
      const m = /^[0-7]{1,3}/.exec(field.slice(i)) as RegExpExecArray;
      out += String.fromCharCode(parseInt(m[0], 8));
      i += m[0].length - 1;
    } else if (next === 'x' && /^[0-9a-fA-F]/.test(field.slice(i + 1))) {
      const m = /^[0-9a-fA-F]{1,2}/.exec(field.slice(i + 1)) as RegExpExecArray;
      out += String.fromCharCode(parseInt(m[0], 16));
      i += m[0].length;
    } else out += next;
  }
  return out;
}

function isWellFormed(s: string): boolean {
  try {
    encodeURIComponent(s);
    return true;
  } catch {
    return false;
  }
}

function randomString(rnd: () => number, rare: number): string {
  const len = Math.floor(rnd() * 20);
  let s = '';
  for (let j = 0; j < len; j++) {
    s += rnd() < rare ? RARE[Math.floor(rnd() * RARE.length)] : PIECES[Math.floor(rnd() * PIECES.length)];
  }
  return s;
}

describe(`COPY text escaping fuzz (seed ${SEED})`, () => {
  it('ensures every string round-trips through escaping and a COPY decoder, or is refused for a NUL or a lone surrogate', () => {
    const rnd = prng(SEED);
    for (let i = 0; i < 20_000; i++) {
      const s = randomString(rnd, 0.02);
      const why = `seed ${SEED} string ${JSON.stringify(s)}`;
      const refusals: string[] = [];
      if (s.includes('\u0000')) refusals.push('nul_character');
      if (!isWellFormed(s)) refusals.push('unpaired_surrogate');
      let field: string;
      try {
        field = escapeCopyText(s);
      } catch (err) {
        if (!(err instanceof CopyValueError)) throw new Error(`${why}: ${String(err)}`, { cause: err });
        expect(refusals, why).toContain(err.code);
        continue;
      }
      expect(refusals, why).toEqual([]);
      expect(decodeField(field), why).toBe(s);
    }
  });
});

const probe = await requirePostgresDatabase();

const pick = <T>(rnd: () => number, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
const int = (rnd: () => number, lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));

function randomValue(rnd: () => number, type: ColumnType): AttributeValue {
  if (rnd() < 0.05) return null;
  const r = rnd();
  switch (type) {
    case 'text':
      return r < 0.85 ? randomString(rnd, 0.01) : pick(rnd, [1.5, -0, 12n, true, NaN]);
    case 'integer':
      if (r < 0.5) return int(rnd, -2147483648, 2147483647);
      return pick(rnd, [
        2147483647,
        -2147483648,
        2147483648,
        1.5,
        '42',
        '+7',
        '-0012',
        ' 1',
        '1e3',
        5n,
        2n ** 40n,
      ]);
    case 'bigint':
      if (r < 0.5) return BigInt.asIntN(64, BigInt(int(rnd, 0, 2 ** 31)) * BigInt(int(rnd, 0, 2 ** 31)) * 3n);
      return pick(rnd, [
        2 ** 60,
        -(2 ** 63),
        2 ** 63,
        '9223372036854775807',
        '9223372036854775808',
        0.5,
        '12',
      ]);
    case 'double':
      if (r < 0.4) return (rnd() - 0.5) * 10 ** int(rnd, -320, 308);
      return pick(rnd, [
        5e-324,
        1.7976931348623157e308,
        NaN,
        Infinity,
        -Infinity,
        '1e-5',
        '.5',
        '1e400',
        '1e-400',
        7n,
        'x',
      ]);
    case 'numeric':
      if (r < 0.5) return `${int(rnd, -99999, 99999)}.${int(rnd, 0, 999999)}e${int(rnd, -30, 30)}`;
      return pick(rnd, [1.25, 10n ** 30n, 'NaN', 'Infinity', '-Infinity', '1e1001', '1.2.3', '0.000', -0.5]);
    case 'boolean':
      return pick(rnd, [true, false, 1, 0, 1n, 0n, 'YES', 'off', 'T', 'maybe', 2]);
    case 'timestamptz': {
      if (r < 0.4) return int(rnd, -62135596800000, 253402300799999);
      const pad = (n: number, w: number): string => String(n).padStart(w, '0');
      const offset = pick(rnd, ['Z', '+02:00', '-0530', '+05', '+15:59', '+16:00', '']);
      const frac = pick(rnd, ['', '.5', '.123456', '.123456789']);
      return (
        `${pad(int(rnd, 0, 9999), 4)}-${pad(int(rnd, 1, 13), 2)}-${pad(int(rnd, 1, 31), 2)}` +
        `${pick(rnd, ['T', ' '])}${pad(int(rnd, 0, 24), 2)}:${pad(int(rnd, 0, 59), 2)}:${pad(int(rnd, 0, 59), 2)}${frac}${offset}`
      );
    }
    case 'inet': {
      if (r < 0.4) {
        const v4 = `${int(rnd, 0, 255)}.${int(rnd, 0, 255)}.${int(rnd, 0, 255)}.${int(rnd, 0, 255)}`;
        return rnd() < 0.5 ? v4 : `${v4}/${int(rnd, 0, 33)}`;
      }
      if (r < 0.8) {
        let value = 0n;
        for (let g = 0; g < 8; g++) value = (value << 16n) | BigInt(rnd() < 0.4 ? 0 : int(rnd, 0, 0xffff));
        const v6 = formatIp({ version: 6, value }).toUpperCase();
        return rnd() < 0.5 ? v6 : `${v6}/${int(rnd, 0, 129)}`;
      }
      return pick(rnd, ['10.0.0.01', '1.2.3', 'fe80::1%eth0', '::', '::ffff:1.2.3.4', 167772161]);
    }
  }
}

/** What bind parameters get for a value (pg sends numbers, bigints and booleans as their text). */
function asParameter(type: ColumnType, value: AttributeValue): unknown {
  if (type === 'timestamptz' && (typeof value === 'number' || typeof value === 'bigint')) {
    return new Date(Number(value));
  }
  // A number's own text can be exponent-rounded ("-9223372036854776000"); its exact integer is meant.
  if (type === 'bigint' && typeof value === 'number') return BigInt(value).toString();
  return typeof value === 'bigint' ? value.toString() : value;
}

// Skips only outside CI when the server is down (the probe warns loudly); under CI=true the probe throws.
describe.skipIf(!probe.available)(`COPY rows against PostgreSQL (seed ${SEED})`, () => {
  let admin: Client;
  const schema = `fz_${SEED}_${process.pid}`;
  const columns: CopyColumn[] = COLUMN_TYPES.map((type) => ({
    column: `c_${type}`,
    attribute: type,
    type,
    nullable: true,
  }));
  const ddl = (table: string): string =>
    `CREATE TABLE ${schema}.${table} (id integer, ` +
    `c_text text, c_integer integer, c_bigint bigint, c_double double precision, c_numeric numeric, ` +
    `c_boolean boolean, c_timestamptz timestamptz, c_inet inet)`;

  beforeAll(async () => {
    admin = new Client({ connectionString: probe.url });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.query(ddl('by_copy'));
    await admin.query(ddl('by_params'));
  });

  afterAll(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });

  it('ensures every accepted row loads by COPY exactly as bind parameters store it', async () => {
    const rnd = prng(SEED);
    const lines: string[] = [];
    let refused = 0;
    const idColumn: CopyColumn = { column: 'id', attribute: 'id', type: 'integer', nullable: false };
    for (let id = 1; id <= 400; id++) {
      const record: Nar = { id };
      for (const type of COLUMN_TYPES) record[type] = randomValue(rnd, type);
      let line: string;
      try {
        line = formatCopyRow([idColumn, ...columns], record);
      } catch (err) {
        if (!(err instanceof CopyValueError))
          throw new Error(`seed ${SEED} row ${id}: ${String(err)}`, { cause: err });
        refused++;
        continue;
      }
      lines.push(line);
      const params = [id, ...COLUMN_TYPES.map((t) => asParameter(t, record[t] ?? null))];
      await admin
        .query(
          `INSERT INTO ${schema}.by_params VALUES (${params.map((_, i) => `$${i + 1}`).join(', ')})`,
          params,
        )
        .catch((err: Error) => {
          throw new Error(
            `seed ${SEED} row ${id} ${JSON.stringify(line)}: parameters refused: ${err.message}`,
          );
        });
    }
    expect(lines.length, `seed ${SEED}`).toBeGreaterThan(20);
    expect(refused, `seed ${SEED}`).toBeGreaterThan(20);
    await pipeline(Readable.from(lines), admin.query(copyFrom(`COPY ${schema}.by_copy FROM STDIN`))).catch(
      (err: Error) => {
        throw new Error(`seed ${SEED}: COPY refused a row formatCopyRow accepted: ${err.message}`, {
          cause: err,
        });
      },
    );
    const diff = await admin.query(
      `(SELECT * FROM ${schema}.by_copy EXCEPT ALL SELECT * FROM ${schema}.by_params) UNION ALL ` +
        `(SELECT * FROM ${schema}.by_params EXCEPT ALL SELECT * FROM ${schema}.by_copy) ORDER BY id LIMIT 5`,
    );
    expect(diff.rows, `seed ${SEED}`).toEqual([]);
    const count = await admin.query<{ n: string }>(`SELECT count(*) AS n FROM ${schema}.by_copy`);
    expect(Number(count.rows[0]?.n)).toBe(lines.length);
  });
});
