/**
 * Seeded property: for random timestamp formats and values, a format either compiles or is a
 * TimestampFormatError, and parsing either returns a valid ISO 8601 text (a real date and time, with
 * an offset) or throws FieldError `bad_timestamp`. Pattern results must round-trip to the input;
 * epoch and offset-carrying ISO results must denote the same instant.
 */
import { describe, expect, it } from 'vitest';
import { FieldError } from '../../src/actors/nodes/ei/errors.js';
import {
  compileTimestamp,
  TimestampFormatError,
  type TimestampParser,
} from '../../src/actors/nodes/ei/timestamp-format.js';
import { prng } from '../helpers/narflow-process.js';

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
const PIECES = [
  'YYYY',
  'MM',
  'DD',
  'HH',
  'mm',
  'ss',
  'SSS',
  '-',
  ':',
  '.',
  ' ',
  'T',
  '/',
  'x',
  'Y',
  'M',
  's',
  'h',
];
const ZONES = ['Z', '+02:00', '-05:30', '+14:00', '-18:00', '+00:00'];
const VALUE_CHARS = '0123456789-:.T Z+x';
const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{3})?(Z|[+-]\d{2}:\d{2})$/;
const WIDTH: Record<string, number> = { YYYY: 4, MM: 2, DD: 2, HH: 2, mm: 2, ss: 2, SSS: 3 };

function daysIn(y: number, m: number): number {
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] ?? 0;
}

/** Checks an output is ISO 8601 with a real date and time; returns its parts. */
function checkIso(out: string, where: string): RegExpExecArray {
  const m = ISO.exec(out);
  expect(m, `${where}: ${out}`).not.toBeNull();
  const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number((m as RegExpExecArray)[i])) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  expect(mo >= 1 && mo <= 12 && d >= 1 && d <= daysIn(y, mo), `${where}: ${out}`).toBe(true);
  expect(h <= 23 && mi <= 59 && s <= 59, `${where}: ${out}`).toBe(true);
  return m as RegExpExecArray;
}

function pick<T>(rnd: () => number, list: readonly T[]): T {
  return list[Math.floor(rnd() * list.length)] as T;
}

function digits(rnd: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String(Math.floor(rnd() * 10));
  return s;
}

/** A plausible value for a token (sometimes out of range), or random digits. */
function tokenValue(rnd: () => number, token: string): string {
  const w = WIDTH[token] as number;
  if (rnd() < 0.3) return digits(rnd, w);
  const ranges: Record<string, [number, number]> = {
    YYYY: [0, 9999],
    MM: [0, 13],
    DD: [0, 32],
    HH: [0, 24],
    mm: [0, 60],
    ss: [0, 60],
    SSS: [0, 999],
  };
  const [lo, hi] = ranges[token] as [number, number];
  return String(lo + Math.floor(rnd() * (hi - lo + 1))).padStart(w, '0');
}

function mutate(rnd: () => number, s: string): string {
  if (rnd() < 0.6 || s.length === 0) return s;
  const at = Math.floor(rnd() * s.length);
  const c = pick(rnd, [...VALUE_CHARS]);
  const op = Math.floor(rnd() * 3);
  if (op === 0) return s.slice(0, at) + c + s.slice(at + 1);
  if (op === 1) return s.slice(0, at) + s.slice(at + 1);
  return s.slice(0, at) + c + s.slice(at);
}

function isoValue(rnd: () => number): string {
  const frac = rnd() < 0.4 ? `.${digits(rnd, 1 + Math.floor(rnd() * 9))}` : '';
  const zone = pick(rnd, ['', 'Z', '+02:00', '-0330', '+18:00', '-12:45']);
  const t = ['YYYY', 'MM', 'DD', 'HH', 'mm', 'ss'].map((tok) => tokenValue(rnd, tok));
  return `${t[0]}-${t[1]}-${t[2]}${rnd() < 0.8 ? 'T' : ' '}${t[3]}:${t[4]}:${t[5]}${frac}${zone}`;
}

describe(`timestamp format fuzz (seed ${SEED})`, () => {
  it('ensures parsing gives a valid ISO 8601 text or a FieldError, never another error, and keeps the meaning', () => {
    const rnd = prng(SEED);
    let parsedCount = 0;
    for (let i = 0; i < 3000; i++) {
      const kind = rnd();
      const pieces: string[] = [];
      let format: string;
      if (kind < 0.15) format = 'epoch-s';
      else if (kind < 0.25) format = 'epoch-ms';
      else if (kind < 0.4) format = 'iso8601';
      else {
        const n = 1 + Math.floor(rnd() * 10);
        for (let j = 0; j < n; j++) pieces.push(pick(rnd, PIECES));
        if (rnd() < 0.7) pieces.push('YYYY', 'MM', 'DD');
        for (let j = pieces.length - 1; j > 0; j--) {
          const k = Math.floor(rnd() * (j + 1));
          [pieces[j], pieces[k]] = [pieces[k] as string, pieces[j] as string];
        }
        format = pieces.join('');
      }
      const zone = pick(rnd, ZONES);
      let parser: TimestampParser;
      try {
        parser = compileTimestamp('t', format, zone);
      } catch (err) {
        if (!(err instanceof TimestampFormatError)) {
          throw new Error(`seed ${SEED} format ${JSON.stringify(format)}: ${String(err)}`, { cause: err });
        }
        continue;
      }
      for (let v = 0; v < 20; v++) {
        let raw: string;
        if (format === 'epoch-s' || format === 'epoch-ms') raw = digits(rnd, 1 + Math.floor(rnd() * 16));
        else if (format === 'iso8601') raw = isoValue(rnd);
        else raw = pieces.map((p) => (p in WIDTH ? tokenValue(rnd, p) : p)).join('');
        raw = mutate(rnd, raw);
        const where = `seed ${SEED} format ${JSON.stringify(format)} zone ${zone} value ${JSON.stringify(raw)}`;
        let out: string;
        try {
          out = parser.parse(raw);
        } catch (err) {
          if (!(err instanceof FieldError) || err.code !== 'bad_timestamp') {
            throw new Error(`${where}: ${String(err)}`, { cause: err });
          }
          continue;
        }
        parsedCount++;
        const m = checkIso(out, where);
        expect(m[8], where).toBe(zone === '+00:00' ? 'Z' : zone);
        if (format === 'epoch-s' || format === 'epoch-ms') {
          expect(Date.parse(out), where).toBe(Number(raw) * (format === 'epoch-s' ? 1000 : 1));
        } else if (format === 'iso8601') {
          if (
            /(Z|[+-]\d\d:\d\d)$/.test(raw) &&
            raw[10] === 'T' &&
            !/\.\d{4}/.test(raw) &&
            raw.slice(0, 4) >= '1000'
          ) {
            expect(Date.parse(out), where).toBe(Date.parse(raw));
          }
        } else {
          // Put the output's parts back into the pattern: it must give the input again.
          const parts: Record<string, string> = {
            YYYY: m[1] as string,
            MM: m[2] as string,
            DD: m[3] as string,
            HH: m[4] as string,
            mm: m[5] as string,
            ss: m[6] as string,
            SSS: (m[7] ?? '.000').slice(1),
          };
          expect(pieces.map((p) => parts[p] ?? p).join(''), where).toBe(raw);
        }
      }
    }
    expect(parsedCount).toBeGreaterThan(1000);
  });
});
