import { describe, expect, it } from 'vitest';
import {
  compileCondition,
  conditionText,
  ExpressionError,
  MAX_CONDITION_DEPTH,
  MAX_CONDITION_LENGTH,
  parseCondition,
  referencedAttributes,
  type ExpressionErrorCode,
} from '../../../src/actors/rules/expression/index.js';
import type { Nar } from '../../../src/protocols/nar/nar.js';

function evaluate(source: string, record: Nar): boolean {
  return compileCondition(source)(record);
}

function errorOf(source: string): ExpressionError {
  try {
    compileCondition(source);
  } catch (err) {
    if (err instanceof ExpressionError) return err;
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(source)} not to compile`);
}

describe('comparison operators', () => {
  const r: Nar = { n: 5, big: 12345678901234567890n, s: 'mms', t: true, f: false, z: null, e: '' };

  it.each([
    ['n == 5', true],
    ['n == 5.0', true],
    ['n == 6', false],
    ['n != 6', true],
    ['n != 5', false],
    ['n < 6', true],
    ['n < 5', false],
    ['n <= 5', true],
    ['n > 4.5', true],
    ['n > 5', false],
    ['n >= 5', true],
    ['n >= 5.01', false],
    ['5 == n', true],
    ['6 > n', true],
    ['5 >= n', true],
    ['4 >= n', false],
    ['-1 < n', true],
    ['5 < n', false],
    ['5 > n', false],
    ['5 <= n', true],
    ['6 <= n', false],
    ['4 < n', true],
    ['s == "mms"', true],
    ["s == 'mms'", true],
    ['s != "ims"', true],
    ['s < "n"', true],
    ['s > "mm"', true],
    ['s >= "mms"', true],
    ['s < "MMS"', false],
    ['t == true', true],
    ['t != false', true],
    ['f == false', true],
    ['f == 0', false],
    ['z == null', true],
    ['gone == null', true],
    ['n == null', false],
    ['gone != null', false],
    ['n != null', true],
    ['n == s', false],
    ['n == n', true],
    ['n < big', true],
    ['big > n', true],
    ['s < s', false],
    ['s <= s', true],
    ['1 == 1', true],
    ['1 < 2', true],
    ['"a" == "b"', false],
  ])('ensures %s is %s', (source, expected) => {
    expect(evaluate(source, r)).toBe(expected);
  });

  it('ensures numbers and bigints compare numerically and exactly', () => {
    expect(evaluate('x == 1', { x: 1n })).toBe(true);
    expect(evaluate('x == 12345678901234567890', { x: 12345678901234567890n })).toBe(true);
    expect(evaluate('x == 12345678901234567891', { x: 12345678901234567890n })).toBe(false);
    expect(evaluate('x == 9007199254740993', { x: 9007199254740992 })).toBe(false);
    expect(evaluate('x == 9007199254740992', { x: 9007199254740992n })).toBe(true);
    expect(evaluate('x > 9007199254740992', { x: 9007199254740993n })).toBe(true);
    expect(evaluate('x < 1.5', { x: 1n })).toBe(true);
    expect(evaluate('x == 1.5', { x: 1n })).toBe(false);
    expect(evaluate('x == y', { x: 3, y: 3n })).toBe(true);
    expect(evaluate('x >= 1000000', { x: 2n ** 70n })).toBe(true);
  });

  it('ensures integer literals beyond 2^53 become bigints and others stay numbers', () => {
    const tree = parseCondition('a == 9007199254740991 or b == 9007199254740992 or c == -9007199254740992');
    expect(tree).toMatchObject({
      kind: 'or',
      operands: [
        { right: { value: 9007199254740991 } },
        { right: { value: 9007199254740992n } },
        { right: { value: -9007199254740992n } },
      ],
    });
  });

  it('ensures strings never equal numbers and mixed or missing operands never order', () => {
    expect(evaluate('x == 1', { x: '1' })).toBe(false);
    expect(evaluate('x != 1', { x: '1' })).toBe(true);
    expect(evaluate('x == "1"', { x: 1 })).toBe(false);
    expect(evaluate('x < 2', { x: '1' })).toBe(false);
    expect(evaluate('x >= 2', { x: '3' })).toBe(false);
    expect(evaluate('x < "b"', { x: 1 })).toBe(false);
    expect(evaluate('x < 2', {})).toBe(false);
    expect(evaluate('x >= 2', { x: null })).toBe(false);
    expect(evaluate('x < y', { x: 1 })).toBe(false);
    expect(evaluate('x < y', { x: 1, y: '2' })).toBe(false);
    expect(evaluate('x < 2', { x: true })).toBe(false);
    expect(evaluate('x > 0', { x: Number.NaN })).toBe(false);
  });

  it('ensures two missing attributes are equal (both read as null)', () => {
    expect(evaluate('a == b', {})).toBe(true);
    expect(evaluate('a == b', { a: null })).toBe(true);
    expect(evaluate('a == b', { a: 0 })).toBe(false);
  });
});

describe('truthiness, and, or, not, parentheses', () => {
  it.each([
    [{ x: 1 }, true],
    [{ x: 'a' }, true],
    [{ x: true }, true],
    [{ x: -1n }, true],
    [{ x: 0 }, false],
    [{ x: 0n }, false],
    [{ x: '' }, false],
    [{ x: false }, false],
    [{ x: null }, false],
    [{}, false],
  ] as [Nar, boolean][])('ensures the bare operand x on %o is %s', (record, expected) => {
    expect(evaluate('x', record)).toBe(expected);
    expect(evaluate('not x', record)).toBe(!expected);
  });

  it.each([
    // "and" binds tighter than "or": a or (b and c)
    ['a or b and c', { a: true, b: false, c: false }, true],
    ['a or b and c', { a: false, b: true, c: false }, false],
    ['a or b and c', { a: false, b: true, c: true }, true],
    ['(a or b) and c', { a: true, b: false, c: false }, false],
    ['a and b or c', { a: false, b: true, c: true }, true],
    ['a and (b or c)', { a: false, b: true, c: true }, false],
    // "not" binds tighter than "and"
    ['not a and b', { a: false, b: true }, true],
    ['not a and b', { a: false, b: false }, false],
    ['not (a and b)', { a: false, b: false }, true],
    ['not not a', { a: true }, true],
    ['not a == 1', { a: 1 }, false],
    ['a or b or c or d', { d: 1 }, true],
    ['a or b or c or d', {}, false],
    ['a and b and c and d', { a: 1, b: 1, c: 1, d: 1 }, true],
    ['a and b and c and d', { a: 1, b: 1, c: 1 }, false],
    ['((((a))))', { a: 1 }, true],
    ['true and a', { a: 1 }, true],
    ['false or a', {}, false],
    ['not false', {}, true],
    ['1 == 2 or a', { a: 'x' }, true],
  ] as [string, Nar, boolean][])('ensures %s on %o is %s', (source, record, expected) => {
    expect(evaluate(source, record)).toBe(expected);
  });

  it('ensures keywords are lowercase only: AND is an attribute name', () => {
    expect(errorOf('a AND b').message).toBe(
      'expected an operator ("==", "!=", "<", "<=", ">", ">=", "in", "not in", "within"), "and", "or" or end of condition, got "AND" at column 3',
    );
    expect(evaluate('AND == 1', { AND: 1 })).toBe(true);
    expect(evaluate('True', { True: 'yes' })).toBe(true);
  });

  it('ensures whitespace (space, tab, newline) separates tokens and is otherwise ignored', () => {
    expect(evaluate('\n a\t==\r\n1 ', { a: 1 })).toBe(true);
    expect(evaluate('a==1 and(b)', { a: 1, b: 1 })).toBe(true);
    // a number runs into a following name: "1and" is not a number followed by "and"
    expect(errorOf('a==1and b').code).toBe('bad_number');
  });
});

describe('in / not in', () => {
  it.each([
    ['apn in ["ims", "mms"]', { apn: 'mms' }, true],
    ['apn in ["ims", "mms"]', { apn: 'internet' }, false],
    ['apn in ["ims", "mms"]', {}, false],
    ['apn not in ["ims", "mms"]', {}, true],
    ['apn not in ["ims", "mms"]', { apn: 'ims' }, false],
    ['x in [1, 2, 3]', { x: 2n }, true],
    ['x in [1, 2, 3]', { x: 2.0 }, true],
    ['x in [1, 2, 3]', { x: '2' }, false],
    ['x in ["1"]', { x: 1 }, false],
    ['x in [1.5]', { x: 1.5 }, true],
    ['x in [12345678901234567890]', { x: 12345678901234567890n }, true],
    ['x in [9007199254740992]', { x: 9007199254740992 }, true],
    ['x in [9007199254740992]', { x: 9007199254740992n }, true],
    ['x in [-0]', { x: 0 }, true],
    ['x in [true]', { x: true }, true],
    ['x in [true]', { x: 1 }, false],
    ['x in [null, 1]', {}, true],
    ['x in [null, 1]', { x: null }, true],
    ['x in [null, 1]', { x: 0 }, false],
    ['x not in [null]', { x: 0 }, true],
    ['"ims" in ["ims"]', {}, true],
  ] as [string, Nar, boolean][])('ensures %s on %o is %s', (source, record, expected) => {
    expect(evaluate(source, record)).toBe(expected);
  });

  it('ensures "in" agrees with "==" for every pairing of list value and record value', () => {
    const values = [0, 1, 1.5, -2, 1n, 2n ** 64n, 'a', '1', '', true, false, null];
    const literals = [
      '0',
      '1',
      '1.5',
      '-2',
      '18446744073709551616',
      '"a"',
      '"1"',
      '""',
      'true',
      'false',
      'null',
    ];
    for (const literal of literals) {
      const inList = compileCondition(`x in [${literal}]`);
      const equals = compileCondition(`x == ${literal}`);
      for (const x of [...values, undefined]) {
        const record: Nar = x === undefined ? {} : { x };
        expect(inList(record), `x=${String(x)} in [${literal}]`).toBe(equals(record));
      }
    }
  });

  it('ensures a list of 900 values matches exactly its members, whatever their number type', () => {
    const list = Array.from({ length: 900 }, (_, i) => String(i)).join(',');
    const long = compileCondition(`x in [${list}]`);
    const short = compileCondition('x in [899]');
    const records: Nar[] = Array.from({ length: 1_000 }, (_, i) => ({ x: i % 2 === 0 ? i : BigInt(i) }));
    expect(records.filter(long).length).toBe(900);
    expect(records.filter(short).length).toBe(1);
  });
});

describe('within', () => {
  it.each([
    ['ip within "10.0.0.0/8"', '10.200.3.4', true],
    ['ip within "10.0.0.0/8"', '11.0.0.0', false],
    ['ip within ["10.0.0.0/8", "2001:db8::/32"]', '2001:db8:5::1', true],
    ['ip within ["10.0.0.0/8", "2001:db8::/32"]', '2001:db9::1', false],
    ['ip within ["10.0.0.0/8", "2001:db8::/32"]', '10.0.0.1', true],
    ['ip within ["192.0.2.7"]', '192.0.2.7', true],
    ['ip within ["192.0.2.7"]', '192.0.2.8', false],
    ['ip within ["0.0.0.0/0"]', '::1', false],
    ['ip within ["::/0"]', '1.2.3.4', false],
    ['ip within ["10.0.0.0/8"]', '::ffff:10.0.0.1', false],
    ['ip within ["10.0.0.0/8"]', 'not-an-ip', false],
    ['ip within ["10.0.0.0/8"]', '010.0.0.1', false],
    ['ip within ["fe80::/10"]', 'FE80::1', true],
  ])('ensures %s with ip=%s is %s', (source, ip, expected) => {
    expect(evaluate(source, { ip })).toBe(expected);
  });

  it('ensures non-string values and missing attributes are never within', () => {
    const condition = compileCondition('ip within "0.0.0.0/0"');
    expect(condition({ ip: 167772161 })).toBe(false);
    expect(condition({ ip: 167772161n })).toBe(false);
    expect(condition({ ip: null })).toBe(false);
    expect(condition({})).toBe(false);
    expect(evaluate('not ip within "0.0.0.0/0"', {})).toBe(true);
  });

  it('ensures 200 networks and an IPv6 one match exactly the addresses inside them', () => {
    const nets = Array.from({ length: 200 }, (_, i) => `"10.0.${i}.0/24"`).join(',');
    const many = compileCondition(`ip within [${nets}, "2001:db8::/48"]`);
    const records: Nar[] = Array.from({ length: 1_000 }, (_, i) => ({ ip: `10.0.${i % 256}.${i % 7}` }));
    const inMany = records.filter(many).length;
    expect(inMany).toBe(records.filter((r) => Number(String(r.ip).split('.')[2]) < 200).length);
    expect(many({ ip: '10.0.199.255' })).toBe(true);
    expect(many({ ip: '10.0.200.0' })).toBe(false);
    expect(many({ ip: '2001:db8:0:ffff::1' })).toBe(true);
    expect(many({ ip: '2001:db8:1::1' })).toBe(false);
  });
});

describe('functions', () => {
  it.each([
    ['exists(msisdn)', { msisdn: '4670' }, true],
    ['exists(msisdn)', { msisdn: '' }, true],
    ['exists(msisdn)', { msisdn: null }, false],
    ['exists(msisdn)', {}, false],
    ['missing(msisdn)', {}, true],
    ['missing(msisdn)', { msisdn: 0 }, false],
    ['not exists(msisdn)', {}, true],
    ['startsWith(apn, "inter")', { apn: 'internet' }, true],
    ['startsWith(apn, "inter")', { apn: 'Internet' }, false],
    ['startsWith(apn, "")', { apn: '' }, true],
    ['startsWith(apn, "1")', { apn: 123 }, false],
    ['endsWith(apn, ".mnc001.mcc240.gprs")', { apn: 'ims.mnc001.mcc240.gprs' }, true],
    ['endsWith(apn, "gprs")', {}, false],
    ['contains(apn, "mnc")', { apn: 'ims.mnc001' }, true],
    ['contains(apn, "MNC")', { apn: 'ims.mnc001' }, false],
    ["contains(s, 'it\\'s')", { s: "that's it's" }, true],
    ['exists (x)', { x: 1 }, true],
  ] as [string, Nar, boolean][])('ensures %s on %o is %s', (source, record, expected) => {
    expect(evaluate(source, record)).toBe(expected);
  });

  it('ensures a function name without "(" is an ordinary attribute', () => {
    expect(evaluate('exists == 1', { exists: 1 })).toBe(true);
    expect(evaluate('contains', { contains: 'x' })).toBe(true);
  });
});

describe('string literals', () => {
  it.each([
    ['s == "a\\"b"', 'a"b'],
    ["s == 'a\\'b'", "a'b"],
    ['s == "a\'b"', "a'b"],
    ["s == 'a\"b'", 'a"b'],
    ['s == "a\\\\b"', 'a\\b'],
    ['s == "a\\nb"', 'a\nb'],
    ['s == "a\\tb"', 'a\tb'],
    ['s == "é ☃ 𝄞"', 'é ☃ 𝄞'],
    ['s == ""', ''],
  ])('ensures %s matches %o', (source, value) => {
    expect(evaluate(source, { s: value })).toBe(true);
  });
});

describe('attributes inherited by every object', () => {
  it('ensures names like constructor, toString and __proto__ read only the record’s own values', () => {
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) {
      expect(evaluate(`exists(${name})`, {}), name).toBe(false);
      expect(evaluate(name, {}), name).toBe(false);
      expect(evaluate(`${name} == null`, {}), name).toBe(true);
      expect(evaluate(`${name} in [null]`, {}), name).toBe(true);
      const own: Nar = {};
      Object.defineProperty(own, name, { value: 'v', enumerable: true });
      expect(evaluate(`${name} == "v"`, own), name).toBe(true);
    }
  });
});

describe('errors', () => {
  it.each([
    ['bytes ==', 'unexpected_token', 8, 'expected a value after "==", got end of condition at column 9'],
    ['', 'unexpected_token', 0, 'expected a condition, got end of condition at column 1'],
    ['a and', 'unexpected_token', 5, 'expected a condition after "and", got end of condition at column 6'],
    ['a or )', 'unexpected_token', 5, 'expected a condition after "or", got ")" at column 6'],
    ['not', 'unexpected_token', 3, 'expected a condition after "not", got end of condition at column 4'],
    ['a == 1)', 'unexpected_token', 6, 'expected "and", "or" or end of condition, got ")" at column 7'],
    [
      '(a == 1',
      'unexpected_token',
      7,
      'expected "and", "or" or ")" to close the "(" at column 1, got end of condition at column 8',
    ],
    [
      '(a b)',
      'unexpected_token',
      3,
      'expected an operator ("==", "!=", "<", "<=", ">", ">=", "in", "not in", "within"), "and", "or" or ")", got "b" at column 4',
    ],
    [
      'a < true',
      'unexpected_token',
      4,
      'expected a number, a string or an attribute after "<", got true at column 5',
    ],
    [
      'null >= a',
      'unexpected_token',
      0,
      'expected a number, a string or an attribute before ">=", got null at column 1',
    ],
    ['a in "x"', 'unexpected_token', 5, 'expected "[" after "in", got string "x" at column 6'],
    ['a not "x"', 'unexpected_token', 6, 'expected "in" after "not", got string "x" at column 7'],
    ['a in []', 'empty_list', 6, 'expected at least one value in the list after "in" at column 7'],
    ['a not in [ ]', 'empty_list', 11, 'expected at least one value in the list after "not in" at column 12'],
    [
      'a in [1,]',
      'unexpected_token',
      8,
      'expected a number, string, true, false or null in the list, got "]" at column 9',
    ],
    [
      'a in [b]',
      'unexpected_token',
      6,
      'expected a number, string, true, false or null in the list, got "b" at column 7',
    ],
    ['a in [1 2]', 'unexpected_token', 8, 'expected "," or "]" in the list, got number 2 at column 9'],
    ['a in [1', 'unexpected_token', 7, 'expected "," or "]" in the list, got end of condition at column 8'],
    [
      'ip within 10',
      'unexpected_token',
      10,
      'expected a CIDR string or a list of them after "within", got number 10 at column 11',
    ],
    ['ip within []', 'empty_list', 11, 'expected at least one CIDR in the list after "within" at column 12'],
    [
      'ip within [1]',
      'unexpected_token',
      11,
      'expected a CIDR string in the list, got number 1 at column 12',
    ],
    [
      'ip within ["10.0.0.0/8", "10.0.0.0/33"]',
      'bad_cidr',
      25,
      'expected a CIDR such as "10.0.0.0/8" or "2001:db8::/32", got "10.0.0.0/33" at column 26',
    ],
    [
      'ip within "fe80::1%eth0"',
      'bad_cidr',
      10,
      'expected a CIDR such as "10.0.0.0/8" or "2001:db8::/32", got "fe80::1%eth0" at column 11',
    ],
    [
      'a and lower(b)',
      'unknown_function',
      6,
      'expected a function (exists, missing, startsWith, endsWith, contains), got "lower" at column 7',
    ],
    [
      'exists("a")',
      'unexpected_token',
      7,
      'expected an attribute name as the first argument of exists(), got string "a" at column 8',
    ],
    ['exists(a, b)', 'unexpected_token', 8, 'expected ")" to close exists(, got "," at column 9'],
    [
      'startsWith(a)',
      'unexpected_token',
      12,
      'expected "," after the attribute of startsWith(), got ")" at column 13',
    ],
    [
      'contains(a, b)',
      'unexpected_token',
      12,
      'expected a string as the second argument of contains(), got "b" at column 13',
    ],
    [
      'endsWith(a, "x"',
      'unexpected_token',
      15,
      'expected ")" to close endsWith(, got end of condition at column 16',
    ],
    ['s == "abc', 'unterminated_string', 5, 'expected a closing " for the string that starts at column 6'],
    ["s == 'abc\\'", 'unterminated_string', 5, "expected a closing ' for the string that starts at column 6"],
    [
      's == "a\\x"',
      'bad_escape',
      7,
      'expected one of the escapes \\\\ \\" \\\' \\n \\t, got "\\\\x" at column 8',
    ],
    ['a == 1.', 'bad_number', 7, 'expected a digit after "1." at column 8'],
    [
      'a == 1.2.3',
      'bad_number',
      5,
      'expected a number (digits, optionally "-" and one "."), got "1.2.3" at column 6',
    ],
    [
      'a == 1e5',
      'bad_number',
      5,
      'expected a number (digits, optionally "-" and one "."), got "1e5" at column 6',
    ],
    ['a == - 1', 'bad_number', 5, 'expected a digit after "-" at column 6'],
    [
      'a && b',
      'unexpected_char',
      2,
      'expected an attribute, a value, an operator, "(", ")", "[", "]" or ",", got "&" (use "and") at column 3',
    ],
    [
      'a = 1',
      'unexpected_char',
      2,
      'expected an attribute, a value, an operator, "(", ")", "[", "]" or ",", got "=" (equality is "==") at column 3',
    ],
    [
      '!a',
      'unexpected_char',
      0,
      'expected an attribute, a value, an operator, "(", ")", "[", "]" or ",", got "!" (use "not", or "!=") at column 1',
    ],
    [
      'a == .5',
      'unexpected_char',
      5,
      'expected an attribute, a value, an operator, "(", ")", "[", "]" or ",", got "." at column 6',
    ],
    ['in == 1', 'unexpected_token', 0, 'expected a condition, got "in" at column 1'],
  ] as [string, ExpressionErrorCode, number, string][])(
    'ensures %o fails with %s at %i',
    (source, code, position, message) => {
      const err = errorOf(source);
      expect({ code: err.code, position: err.position, message: err.message }).toEqual({
        code,
        position,
        message,
      });
      expect(err.column).toBe(position + 1);
      expect(err.name).toBe('ExpressionError');
    },
  );

  it('ensures a 1e400 decimal is rejected as bad_number rather than compiled to Infinity', () => {
    const source = `a == ${'9'.repeat(400)}.5`;
    expect(errorOf(source).code).toBe('bad_number');
    // the same digits as an integer are a valid bigint
    expect(evaluate(`a == ${'9'.repeat(400)}`, { a: 10n ** 400n - 1n })).toBe(true);
  });

  it('ensures text longer than the cap is too_long before it is read', () => {
    const ok = `a == "${'x'.repeat(MAX_CONDITION_LENGTH - 7)}"`;
    expect(ok.length).toBe(MAX_CONDITION_LENGTH);
    expect(() => compileCondition(ok)).not.toThrow();
    const err = errorOf(`${ok} `);
    expect([err.code, err.position, err.message]).toEqual([
      'too_long',
      MAX_CONDITION_LENGTH,
      `expected a condition of at most ${MAX_CONDITION_LENGTH} characters, got ${MAX_CONDITION_LENGTH + 1} at column ${MAX_CONDITION_LENGTH + 1}`,
    ]);
  });

  it('ensures nesting of "(" and "not" is capped at the depth limit', () => {
    const parens = (n: number): string => `${'('.repeat(n)}a${')'.repeat(n)}`;
    expect(evaluate(parens(MAX_CONDITION_DEPTH), { a: 1 })).toBe(true);
    const deep = errorOf(parens(MAX_CONDITION_DEPTH + 1));
    expect([deep.code, deep.position]).toEqual(['too_deep', MAX_CONDITION_DEPTH]);
    expect(deep.message).toBe(`expected at most 64 levels of "(" and "not", got more at column 65`);
    expect(evaluate(`${'not '.repeat(MAX_CONDITION_DEPTH)}a`, { a: 1 })).toBe(true);
    expect(errorOf(`${'not '.repeat(MAX_CONDITION_DEPTH + 1)}a`).code).toBe('too_deep');
    expect(errorOf(`${'not ('.repeat(40)}a${')'.repeat(40)}`).code).toBe('too_deep');
    // depth is nesting, not count: many groups side by side are fine
    expect(evaluate(Array.from({ length: 200 }, () => '(not a)').join(' or '), {})).toBe(true);
  });
});

describe('conditionText', () => {
  it('ensures valid text passes through unchanged', () => {
    const text = 'bytes > 1000000 and (apn == "internet" or apn in ["ims", "mms"]) and not exists(msisdn)';
    expect(conditionText.parse(text)).toBe(text);
  });

  it('ensures invalid text is reported as "a condition: <problem> at column N"', () => {
    const result = conditionText.safeParse('bytes ==');
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message)).toEqual([
      'a condition: expected a value after "==", got end of condition at column 9',
    ]);
  });

  it('ensures non-strings are rejected by the string check', () => {
    expect(conditionText.safeParse(42).success).toBe(false);
  });
});

describe('referencedAttributes', () => {
  it('ensures each attribute read is listed once, in order of first appearance, literals and functions excluded', () => {
    expect(
      referencedAttributes(
        'bytes > 1000000 and (apn == "internet" or apn in ["ims"]) and not exists(msisdn) or srcIp within "10.0.0.0/8" or x == y or startsWith(z, "a") or flag',
      ),
    ).toEqual(['bytes', 'apn', 'msisdn', 'srcIp', 'x', 'y', 'z', 'flag']);
    expect(referencedAttributes('1 == 1')).toEqual([]);
  });

  it('ensures invalid text throws ExpressionError', () => {
    expect(() => referencedAttributes('a ==')).toThrow(ExpressionError);
  });
});

describe('the example from the brief', () => {
  const condition = compileCondition(
    'bytes > 1000000 and (apn == "internet" or apn in ["ims", "mms"]) and not exists(msisdn)',
  );

  it.each([
    [{ bytes: 2_000_000n, apn: 'ims' }, true],
    [{ bytes: 2_000_000n, apn: 'internet' }, true],
    [{ bytes: 2_000_000n, apn: 'ims', msisdn: '46701234567' }, false],
    [{ bytes: 2_000_000n, apn: 'wap' }, false],
    [{ bytes: 1_000_000, apn: 'ims' }, false],
    [{ bytes: '2000000', apn: 'ims' }, false],
    [{ apn: 'ims' }, false],
  ] as [Nar, boolean][])('ensures %o is %s', (record, expected) => {
    expect(condition(record)).toBe(expected);
  });
});
