/**
 * Seeded property of the condition language: any text either compiles or throws ExpressionError
 * (with a known code, a position inside the text and a message ending in that column); anything
 * else thrown fails. A compiled condition evaluated on random records never throws, returns a
 * boolean, and agrees with a naive reference interpreter of the syntax tree — so the compiler's
 * specialisations (literal on the right, constant folding, hashed `in` lists, grouped CIDR sets)
 * cannot drift from the documented semantics.
 */
import { describe, it } from 'vitest';
import {
  compileCondition,
  ExpressionError,
  parseCondition,
  referencedAttributes,
  type ConditionNode,
  type Operand,
} from '../../src/actors/rules/expression/index.js';
import { cidrContains, parseIp } from '../../src/protocols/ip.js';
import type { AttributeValue, Nar } from '../../src/protocols/nar/nar.js';
import { prng } from '../helpers/narflow-process.js';

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);

const CODES = new Set([
  'unexpected_char',
  'unexpected_token',
  'unterminated_string',
  'bad_escape',
  'bad_number',
  'unknown_function',
  'bad_cidr',
  'empty_list',
  'too_deep',
  'too_long',
]);

const NAMES = ['a', 'b', 'n', 's', 'ip', 'constructor', 'toString'];

const TOKENS = [
  ...NAMES,
  ...['and', 'or', 'not', 'in', 'within', 'true', 'false', 'null', 'AND', 'Not'],
  ...['(', ')', '[', ']', ',', '==', '!=', '<', '<=', '>', '>='],
  ...['0', '1', '-2', '1.5', '-0.25', '9007199254740993', '18446744073709551616', '1e5', '1.', '07'],
  ...[
    '"a"',
    "'b'",
    '""',
    '"1"',
    '"10.0.0.0/8"',
    '"2001:db8::/32"',
    '"1.2.3.4"',
    '"bad/99"',
    '"a\\"b"',
    '"\\x"',
  ],
  ...['exists', 'missing', 'startsWith', 'endsWith', 'contains', 'lower'],
  ...['"', "'", '\\', '&', '|', '=', '!', '.', '-', 'é', '\t', '\n', '%'],
];

const VALID = [
  'bytes > 1000000 and (apn == "internet" or apn in ["ims", "mms"]) and not exists(msisdn)',
  'ip within ["10.0.0.0/8", "2001:db8::/32"] or s not in [1, "a", null]',
  'not (a == b) and n >= -1.5 or startsWith(s, "a") and endsWith(s, \'b\')',
  'a or b and not c or contains(s, "\\n") or missing(constructor)',
  'n == 18446744073709551616 or n < 9007199254740993 or 1 == n or "a" <= s',
  'ip within "192.168.0.0/16" and toString != null and (((a)))',
  '-2 < n or "b" > s or 1.5 >= n and 1 <= b or 9007199254740993 > a',
];

const VALUES: readonly AttributeValue[] = [
  0,
  1,
  -2,
  1.5,
  -0.25,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  2 ** 53,
  2 ** 64,
  0n,
  1n,
  -2n,
  9007199254740993n,
  18446744073709551616n,
  '',
  'a',
  'ab',
  '1',
  'a"b',
  '10.1.2.3',
  '192.168.7.7',
  '2001:db8::1',
  '::ffff:10.0.0.1',
  'not an ip',
  true,
  false,
  null,
];

function pick<T>(rnd: () => number, items: readonly T[]): T {
  return items[Math.floor(rnd() * items.length)] as T;
}

function randomRecord(rnd: () => number, names: readonly string[]): Nar {
  const record: Nar = {};
  for (const name of names) {
    if (rnd() < 0.25) continue;
    // defineProperty, so "constructor"/"toString" become own properties like any decoded field
    Object.defineProperty(record, name, { value: pick(rnd, VALUES), enumerable: true, writable: true });
  }
  return record;
}

// ---- the reference interpreter: the documented semantics, written the plain way ----

function read(record: Nar, name: string): AttributeValue | null {
  return Object.hasOwn(record, name) ? (record[name] ?? null) : null;
}

function operandValue(record: Nar, o: Operand): AttributeValue | null {
  return o.kind === 'attribute' ? read(record, o.name) : o.value;
}

function equal(x: AttributeValue, y: AttributeValue): boolean {
  if (typeof x === 'number' && typeof y === 'bigint') return Number.isInteger(x) && BigInt(x) === y;
  if (typeof x === 'bigint' && typeof y === 'number') return equal(y, x);
  return x === y;
}

function order(op: string, x: AttributeValue, y: AttributeValue): boolean {
  const numeric = (v: AttributeValue): v is number | bigint => typeof v === 'number' || typeof v === 'bigint';
  if (!((numeric(x) && numeric(y)) || (typeof x === 'string' && typeof y === 'string'))) return false;
  const a = x as number;
  const b = y as number;
  return op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
}

function reference(node: ConditionNode, record: Nar): boolean {
  switch (node.kind) {
    case 'or':
      return node.operands.some((n) => reference(n, record));
    case 'and':
      return node.operands.every((n) => reference(n, record));
    case 'not':
      return !reference(node.operand, record);
    case 'compare': {
      const x = operandValue(record, node.left);
      const y = operandValue(record, node.right);
      if (node.operator === '==') return equal(x, y);
      if (node.operator === '!=') return !equal(x, y);
      return order(node.operator, x, y);
    }
    case 'in': {
      const x = operandValue(record, node.operand);
      return node.values.some((v) => equal(x, v)) !== node.negated;
    }
    case 'within': {
      const x = operandValue(record, node.operand);
      const ip = typeof x === 'string' ? parseIp(x) : undefined;
      return ip !== undefined && node.cidrs.some((c) => cidrContains(c, ip));
    }
    case 'truthy':
      return Boolean(operandValue(record, node.operand));
    case 'call': {
      const x = read(record, node.attribute);
      switch (node.fn) {
        case 'exists':
          return x !== null;
        case 'missing':
          return x === null;
        case 'startsWith':
          return typeof x === 'string' && x.startsWith(node.argument);
        case 'endsWith':
          return typeof x === 'string' && x.endsWith(node.argument);
        case 'contains':
          return typeof x === 'string' && x.includes(node.argument);
      }
    }
  }
}

// ---- the property ----

function show(record: Nar): string {
  return JSON.stringify(record, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
}

interface Tally {
  compiled: number;
  rejected: number;
}

function check(source: string, rnd: () => number, tally: Tally): void {
  const context = `seed ${SEED} source ${JSON.stringify(source)}`;
  let condition;
  try {
    condition = compileCondition(source);
  } catch (err) {
    if (!(err instanceof ExpressionError)) {
      throw new Error(`${context}: threw ${String(err)}, expected only ExpressionError`, { cause: err });
    }
    if (!CODES.has(err.code)) throw new Error(`${context}: unknown code ${err.code}`, { cause: err });
    if (err.position < 0 || err.position > source.length) {
      throw new Error(`${context}: position ${err.position} outside the text`, { cause: err });
    }
    if (!err.message.endsWith(` at column ${err.position + 1}`) || !err.message.startsWith('expected ')) {
      throw new Error(
        `${context}: message ${JSON.stringify(err.message)} does not say what was expected where`,
        { cause: err },
      );
    }
    tally.rejected++;
    return;
  }
  tally.compiled++;
  const tree = parseCondition(source);
  const names = [...new Set([...NAMES, ...referencedAttributes(source)])];
  for (let k = 0; k < 12; k++) {
    const record = randomRecord(rnd, names);
    let result: unknown;
    try {
      result = condition(record);
    } catch (err) {
      throw new Error(`${context} record ${show(record)}: evaluation threw ${String(err)}`, { cause: err });
    }
    const expected = reference(tree, record);
    if (result !== expected) {
      throw new Error(`${context} record ${show(record)}: got ${String(result)}, reference says ${expected}`);
    }
  }
}

function tokenSoup(rnd: () => number): string {
  const count = 1 + Math.floor(rnd() * 14);
  let source = '';
  for (let i = 0; i < count; i++) source += pick(rnd, TOKENS) + (rnd() < 0.8 ? ' ' : '');
  return source;
}

function mutate(rnd: () => number, source: string): string {
  let s = source;
  const edits = 1 + Math.floor(rnd() * 3);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(rnd() * (s.length + 1));
    const op = rnd();
    if (op < 0.25) s = s.slice(0, at) + s.slice(at + 1 + Math.floor(rnd() * 3));
    else if (op < 0.5) s = `${s.slice(0, at)}${pick(rnd, TOKENS)}${s.slice(at)}`;
    else if (op < 0.7) s = `${s.slice(0, at)} ${pick(rnd, TOKENS)} ${s.slice(at)}`;
    else if (op < 0.85) {
      const words = s.split(' ');
      const i = Math.floor(rnd() * words.length);
      const j = Math.floor(rnd() * words.length);
      [words[i], words[j]] = [words[j] as string, words[i] as string];
      s = words.join(' ');
    } else s = s.slice(0, at);
  }
  return s;
}

describe(`expression fuzz (seed ${SEED})`, () => {
  it('ensures token soup only compiles or throws ExpressionError, and compiled conditions match the reference', () => {
    const rnd = prng(SEED);
    const tally = { compiled: 0, rejected: 0 };
    for (let i = 0; i < 3_000; i++) check(tokenSoup(rnd), rnd, tally);
    // the soup must exercise both outcomes, or the property says little
    if (tally.compiled < 50 || tally.rejected < 50) {
      throw new Error(`seed ${SEED}: weak run, ${tally.compiled} compiled and ${tally.rejected} rejected`);
    }
  });

  it('ensures mutated valid conditions only compile or throw ExpressionError, and agree with the reference', () => {
    const rnd = prng(SEED + 1);
    const tally = { compiled: 0, rejected: 0 };
    for (const source of VALID) check(source, rnd, tally);
    if (tally.compiled !== VALID.length) throw new Error('a seed condition did not compile');
    for (let i = 0; i < 3_000; i++) check(mutate(rnd, pick(rnd, VALID)), rnd, tally);
    if (tally.compiled < 200 || tally.rejected < 200) {
      throw new Error(
        `seed ${SEED + 1}: weak run, ${tally.compiled} compiled and ${tally.rejected} rejected`,
      );
    }
  });

  it('ensures deep and long inputs are rejected by their limits, not by the stack', () => {
    const rnd = prng(SEED + 2);
    const tally = { compiled: 0, rejected: 0 };
    for (let i = 0; i < 50; i++) {
      const depth = Math.floor(rnd() * 3000);
      const opener = pick(rnd, ['(', 'not ', 'not (', '((']);
      check(`${opener.repeat(depth)}a${')'.repeat(depth)}`, rnd, tally);
      check(`a in [${'1,'.repeat(Math.floor(rnd() * 3000))}2]`, rnd, tally);
    }
  });
});
