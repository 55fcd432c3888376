/**
 * Turns condition text into tokens. Keywords are lowercase and case-sensitive; anything else that
 * looks like a name is an identifier (an attribute, or a function when "(" follows).
 */
import { ExpressionError } from './errors.js';

export const KEYWORDS = ['and', 'or', 'not', 'in', 'within', 'true', 'false', 'null'] as const;
export type Keyword = (typeof KEYWORDS)[number];

export const PUNCTUATION = ['(', ')', '[', ']', ',', '==', '!=', '<', '<=', '>', '>='] as const;
export type Punctuation = (typeof PUNCTUATION)[number];

interface TokenBase {
  /** 0-based offset of the first character. */
  readonly position: number;
  /** The source text of the token. */
  readonly text: string;
}

export type Token =
  | (TokenBase & { readonly kind: 'identifier' })
  | (TokenBase & { readonly kind: 'keyword'; readonly keyword: Keyword })
  | (TokenBase & { readonly kind: 'number'; readonly value: number | bigint })
  | (TokenBase & { readonly kind: 'string'; readonly value: string })
  | (TokenBase & { readonly kind: 'punctuation'; readonly punctuation: Punctuation })
  | (TokenBase & { readonly kind: 'end' });

const KEYWORD_SET: ReadonlySet<string> = new Set(KEYWORDS);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

function isNameStart(c: string | undefined): boolean {
  return c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_');
}

function isNamePart(c: string | undefined): boolean {
  return isNameStart(c) || isDigit(c);
}

const ESCAPES: ReadonlyMap<string, string> = new Map([
  ['\\', '\\'],
  ['"', '"'],
  ["'", "'"],
  ['n', '\n'],
  ['t', '\t'],
]);

/** How a token is named in messages: `"x"`, `string "abc"`, `end of condition`. */
export function describeToken(t: Token): string {
  switch (t.kind) {
    case 'end':
      return 'end of condition';
    case 'string':
      return `string ${JSON.stringify(t.value)}`;
    case 'number':
      return `number ${t.text}`;
    default:
      return JSON.stringify(t.text);
  }
}

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const start = i;
    if (isNameStart(c)) {
      while (isNamePart(source[i])) i++;
      const text = source.slice(start, i);
      tokens.push(
        KEYWORD_SET.has(text)
          ? { kind: 'keyword', keyword: text as Keyword, position: start, text }
          : { kind: 'identifier', position: start, text },
      );
    } else if (isDigit(c) || (c === '-' && isDigit(source[i + 1]))) {
      i = readNumber(source, start, tokens);
    } else if (c === '-') {
      throw new ExpressionError('bad_number', start, 'expected a digit after "-"');
    } else if (c === '"' || c === "'") {
      i = readString(source, start, tokens);
    } else {
      i = readPunctuation(source, start, tokens);
    }
  }
  tokens.push({ kind: 'end', position: source.length, text: '' });
  return tokens;
}

function readNumber(source: string, start: number, tokens: Token[]): number {
  let i = start;
  if (source[i] === '-') i++;
  while (isDigit(source[i])) i++;
  let decimal = false;
  if (source[i] === '.') {
    i++;
    if (!isDigit(source[i])) {
      throw new ExpressionError('bad_number', i, `expected a digit after "${source.slice(start, i)}"`);
    }
    decimal = true;
    while (isDigit(source[i])) i++;
  }
  if (isNamePart(source[i]) || source[i] === '.') {
    throw new ExpressionError(
      'bad_number',
      start,
      `expected a number (digits, optionally "-" and one "."), got ${JSON.stringify(readWord(source, start))}`,
    );
  }
  const text = source.slice(start, i);
  let value: number | bigint;
  if (decimal) {
    value = Number(text);
    if (!Number.isFinite(value)) {
      throw new ExpressionError('bad_number', start, `expected a number of at most 1.8e308, got ${text}`);
    }
  } else {
    const big = BigInt(text);
    value = big > MAX_SAFE || big < -MAX_SAFE ? big : Number(big);
  }
  tokens.push({ kind: 'number', value, position: start, text });
  return i;
}

/** The run of number/name characters from `start`, for messages. */
function readWord(source: string, start: number): string {
  let i = start + 1;
  while (isNamePart(source[i]) || source[i] === '.') i++;
  return source.slice(start, i);
}

function readString(source: string, start: number, tokens: Token[]): number {
  const quote = source[start];
  let value = '';
  let i = start + 1;
  let chunk = i;
  for (;;) {
    const c = source[i];
    if (c === undefined) {
      throw new ExpressionError(
        'unterminated_string',
        start,
        `expected a closing ${quote} for the string that starts`,
      );
    }
    if (c === quote) break;
    if (c === '\\') {
      const escaped = ESCAPES.get(source[i + 1] ?? '');
      if (escaped === undefined) {
        throw new ExpressionError(
          'bad_escape',
          i,
          `expected one of the escapes \\\\ \\" \\' \\n \\t, got ${JSON.stringify(source.slice(i, i + 2))}`,
        );
      }
      value += source.slice(chunk, i) + escaped;
      i += 2;
      chunk = i;
      continue;
    }
    i++;
  }
  value += source.slice(chunk, i);
  tokens.push({ kind: 'string', value, position: start, text: source.slice(start, i + 1) });
  return i + 1;
}

const HINTS: ReadonlyMap<string, string> = new Map([
  ['&', ' (use "and")'],
  ['|', ' (use "or")'],
  ['=', ' (equality is "==")'],
  ['!', ' (use "not", or "!=")'],
]);
const PUNCTUATION_SET: ReadonlySet<string> = new Set(PUNCTUATION);

function readPunctuation(source: string, start: number, tokens: Token[]): number {
  const two = source.slice(start, start + 2);
  const one = source[start] ?? '';
  const punctuation = PUNCTUATION_SET.has(two) ? two : PUNCTUATION_SET.has(one) ? one : undefined;
  if (punctuation === undefined) {
    throw new ExpressionError(
      'unexpected_char',
      start,
      `expected an attribute, a value, an operator, "(", ")", "[", "]" or ",", got ${JSON.stringify(one)}${HINTS.get(one) ?? ''}`,
    );
  }
  tokens.push({
    kind: 'punctuation',
    punctuation: punctuation as Punctuation,
    position: start,
    text: punctuation,
  });
  return start + punctuation.length;
}
