/**
 * Recursive-descent parser for conditions:
 *
 *   condition  := or END
 *   or         := and ("or" and)*
 *   and        := not ("and" not)*
 *   not        := "not" not | primary
 *   primary    := "(" or ")" | call | comparison
 *   call       := ("exists" | "missing") "(" NAME ")"
 *               | ("startsWith" | "endsWith" | "contains") "(" NAME "," STRING ")"
 *   comparison := operand ( ("==" | "!=" | "<" | "<=" | ">" | ">=") operand
 *                         | "in" list | "not" "in" list | "within" cidrs )?
 *   operand    := NAME | literal
 *   literal    := NUMBER | STRING | "true" | "false" | "null"
 *   list       := "[" literal ("," literal)* "]"
 *   cidrs      := STRING | "[" STRING ("," STRING)* "]"
 *
 * Limits are checked before work: the text is at most MAX_CONDITION_LENGTH characters and "(" plus
 * "not" nest at most MAX_CONDITION_DEPTH deep, so recursion is bounded.
 */
import { parseCidr, type Cidr } from '../../../protocols/ip.js';
import {
  FUNCTIONS,
  type ComparisonOperator,
  type ConditionNode,
  type Literal,
  type Operand,
  type PresenceFunction,
  type TextFunction,
} from './ast.js';
import { ExpressionError } from './errors.js';
import { describeToken, tokenize, type Keyword, type Punctuation, type Token } from './lexer.js';

export const MAX_CONDITION_LENGTH = 4096;
export const MAX_CONDITION_DEPTH = 64;

const COMPARISON_OPERATORS: ReadonlySet<Punctuation> = new Set(['==', '!=', '<', '<=', '>', '>=']);
const FUNCTION_SET: ReadonlySet<string> = new Set(FUNCTIONS);

export function parseCondition(source: string): ConditionNode {
  if (source.length > MAX_CONDITION_LENGTH) {
    throw new ExpressionError(
      'too_long',
      MAX_CONDITION_LENGTH,
      `expected a condition of at most ${MAX_CONDITION_LENGTH} characters, got ${source.length}`,
    );
  }
  return new Parser(tokenize(source)).parse();
}

function isKeyword(t: Token, keyword: Keyword): boolean {
  return t.kind === 'keyword' && t.keyword === keyword;
}

function isPunctuation(t: Token, punctuation: Punctuation): boolean {
  return t.kind === 'punctuation' && t.punctuation === punctuation;
}

function literalOf(t: Token): Literal | undefined {
  if (t.kind === 'number' || t.kind === 'string') return t.value;
  if (t.kind === 'keyword') {
    if (t.keyword === 'true') return true;
    if (t.keyword === 'false') return false;
    if (t.keyword === 'null') return null;
  }
  return undefined;
}

class Parser {
  #index = 0;
  /** Current nesting of "(" and "not". */
  #depth = 0;
  /** Open "(" positions, innermost last. */
  readonly #open: number[] = [];

  constructor(private readonly tokens: readonly Token[]) {}

  parse(): ConditionNode {
    const node = this.#or();
    const t = this.#peek();
    if (t.kind !== 'end') this.#fail(t, `expected "and", "or" or end of condition, got ${describeToken(t)}`);
    return node;
  }

  #peek(offset = 0): Token {
    // The token list always ends with an `end` token, and nothing advances past it.
    return this.tokens[Math.min(this.#index + offset, this.tokens.length - 1)] as Token;
  }

  #next(): Token {
    const t = this.#peek();
    if (t.kind !== 'end') this.#index++;
    return t;
  }

  #fail(t: Token, problem: string, code: 'unexpected_token' | 'empty_list' = 'unexpected_token'): never {
    throw new ExpressionError(code, t.position, problem);
  }

  #enter(t: Token): void {
    if (++this.#depth > MAX_CONDITION_DEPTH) {
      throw new ExpressionError(
        'too_deep',
        t.position,
        `expected at most ${MAX_CONDITION_DEPTH} levels of "(" and "not", got more`,
      );
    }
  }

  /** What may close the current group: `")"` inside parentheses, else the end of the text. */
  #closer(): string {
    return this.#open.length > 0 ? '")"' : 'end of condition';
  }

  #or(): ConditionNode {
    const operands = [this.#and()];
    while (isKeyword(this.#peek(), 'or')) {
      this.#next();
      operands.push(this.#and('"or"'));
    }
    return operands.length === 1 ? (operands[0] as ConditionNode) : { kind: 'or', operands };
  }

  #and(after?: string): ConditionNode {
    const operands = [this.#not(after)];
    while (isKeyword(this.#peek(), 'and')) {
      this.#next();
      operands.push(this.#not('"and"'));
    }
    return operands.length === 1 ? (operands[0] as ConditionNode) : { kind: 'and', operands };
  }

  #not(after?: string): ConditionNode {
    const t = this.#peek();
    if (!isKeyword(t, 'not')) return this.#primary(after);
    this.#enter(t);
    this.#next();
    const operand = this.#not('"not"');
    this.#depth--;
    return { kind: 'not', operand };
  }

  /** `after` names the token before, for messages; undefined at the start of a group. */
  #primary(after: string | undefined): ConditionNode {
    const t = this.#peek();
    if (isPunctuation(t, '(')) {
      this.#enter(t);
      this.#next();
      this.#open.push(t.position);
      const node = this.#or();
      const close = this.#peek();
      if (!isPunctuation(close, ')')) {
        this.#fail(
          close,
          `expected "and", "or" or ")" to close the "(" at column ${t.position + 1}, got ${describeToken(close)}`,
        );
      }
      this.#next();
      this.#open.pop();
      this.#depth--;
      return node;
    }
    if (t.kind === 'identifier' && isPunctuation(this.#peek(1), '(')) return this.#call();
    const where = after === undefined ? '' : ` after ${after}`;
    const left = this.#operand(`expected a condition${where}`);
    return this.#comparison(left);
  }

  #operand(expected: string): Operand {
    const t = this.#next();
    if (t.kind === 'identifier') return { kind: 'attribute', name: t.text, position: t.position };
    const value = literalOf(t);
    if (value === undefined) this.#fail(t, `${expected}, got ${describeToken(t)}`);
    return { kind: 'literal', value, position: t.position };
  }

  #comparison(left: Operand): ConditionNode {
    const t = this.#peek();
    if (t.kind === 'punctuation' && COMPARISON_OPERATORS.has(t.punctuation)) {
      this.#next();
      const operator = t.punctuation as ComparisonOperator;
      const right = this.#operand(`expected a value after "${operator}"`);
      if (operator !== '==' && operator !== '!=') {
        this.#checkOrderable(left, `before "${operator}"`);
        this.#checkOrderable(right, `after "${operator}"`);
      }
      return { kind: 'compare', operator, left, right };
    }
    if (isKeyword(t, 'in')) {
      this.#next();
      return { kind: 'in', operand: left, values: this.#list('"in"'), negated: false };
    }
    if (isKeyword(t, 'not')) {
      this.#next();
      const inToken = this.#next();
      if (!isKeyword(inToken, 'in'))
        this.#fail(inToken, `expected "in" after "not", got ${describeToken(inToken)}`);
      return { kind: 'in', operand: left, values: this.#list('"not in"'), negated: true };
    }
    if (isKeyword(t, 'within')) {
      this.#next();
      return { kind: 'within', operand: left, cidrs: this.#cidrs() };
    }
    if (!(isKeyword(t, 'and') || isKeyword(t, 'or') || isPunctuation(t, ')') || t.kind === 'end')) {
      this.#fail(
        t,
        `expected an operator ("==", "!=", "<", "<=", ">", ">=", "in", "not in", "within"), "and", "or" or ` +
          `${this.#closer()}, got ${describeToken(t)}`,
      );
    }
    return { kind: 'truthy', operand: left };
  }

  #checkOrderable(operand: Operand, where: string): void {
    if (operand.kind !== 'literal') return;
    const v = operand.value;
    if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string') return;
    throw new ExpressionError(
      'unexpected_token',
      operand.position,
      `expected a number, a string or an attribute ${where}, got ${JSON.stringify(v)}`,
    );
  }

  #list(after: string): Literal[] {
    const open = this.#next();
    if (!isPunctuation(open, '['))
      this.#fail(open, `expected "[" after ${after}, got ${describeToken(open)}`);
    if (isPunctuation(this.#peek(), ']')) {
      this.#fail(this.#peek(), `expected at least one value in the list after ${after}`, 'empty_list');
    }
    const values: Literal[] = [];
    for (;;) {
      const t = this.#next();
      const value = literalOf(t);
      if (value === undefined) {
        this.#fail(t, `expected a number, string, true, false or null in the list, got ${describeToken(t)}`);
      }
      values.push(value);
      const sep = this.#next();
      if (isPunctuation(sep, ']')) return values;
      if (!isPunctuation(sep, ','))
        this.#fail(sep, `expected "," or "]" in the list, got ${describeToken(sep)}`);
    }
  }

  #cidrs(): Cidr[] {
    const t = this.#next();
    if (t.kind === 'string') return [this.#cidr(t)];
    if (!isPunctuation(t, '[')) {
      this.#fail(t, `expected a CIDR string or a list of them after "within", got ${describeToken(t)}`);
    }
    if (isPunctuation(this.#peek(), ']')) {
      this.#fail(this.#peek(), 'expected at least one CIDR in the list after "within"', 'empty_list');
    }
    const cidrs: Cidr[] = [];
    for (;;) {
      const s = this.#next();
      if (s.kind !== 'string') this.#fail(s, `expected a CIDR string in the list, got ${describeToken(s)}`);
      cidrs.push(this.#cidr(s));
      const sep = this.#next();
      if (isPunctuation(sep, ']')) return cidrs;
      if (!isPunctuation(sep, ','))
        this.#fail(sep, `expected "," or "]" in the list, got ${describeToken(sep)}`);
    }
  }

  #cidr(t: Token & { kind: 'string' }): Cidr {
    const cidr = parseCidr(t.value);
    if (cidr === undefined) {
      throw new ExpressionError(
        'bad_cidr',
        t.position,
        `expected a CIDR such as "10.0.0.0/8" or "2001:db8::/32", got ${JSON.stringify(t.value)}`,
      );
    }
    return cidr;
  }

  #call(): ConditionNode {
    const name = this.#next();
    if (!FUNCTION_SET.has(name.text)) {
      throw new ExpressionError(
        'unknown_function',
        name.position,
        `expected a function (${FUNCTIONS.join(', ')}), got ${JSON.stringify(name.text)}`,
      );
    }
    this.#next(); // "("
    const fn = name.text as PresenceFunction | TextFunction;
    const attr = this.#next();
    if (attr.kind !== 'identifier') {
      this.#fail(
        attr,
        `expected an attribute name as the first argument of ${fn}(), got ${describeToken(attr)}`,
      );
    }
    if (fn === 'exists' || fn === 'missing') {
      this.#closeCall(fn);
      return { kind: 'call', fn, attribute: attr.text };
    }
    const comma = this.#next();
    if (!isPunctuation(comma, ',')) {
      this.#fail(comma, `expected "," after the attribute of ${fn}(), got ${describeToken(comma)}`);
    }
    const arg = this.#next();
    if (arg.kind !== 'string') {
      this.#fail(arg, `expected a string as the second argument of ${fn}(), got ${describeToken(arg)}`);
    }
    this.#closeCall(fn);
    return { kind: 'call', fn, attribute: attr.text, argument: arg.value };
  }

  #closeCall(fn: string): void {
    const t = this.#next();
    if (!isPunctuation(t, ')')) this.#fail(t, `expected ")" to close ${fn}(, got ${describeToken(t)}`);
  }
}
