/**
 * Compiles a condition tree into one closure over a record. All decisions that depend only on the
 * text (operator, literal type, list keys, CIDR groups) are made here, once; evaluation reads
 * attributes and compares, never parses, allocates closures or throws.
 *
 * Semantics: a missing attribute reads as null. `==` is strict except that numbers and bigints
 * compare numerically (1 == 1n); a string never equals a number. `!=` is `not ==`. `<` `<=` `>`
 * `>=` compare numbers/bigints numerically and strings by UTF-16 code units; any other pairing,
 * missing or null, is false. `in` uses the same equality as `==`. `within` is true for a string
 * that parses as an IP address inside one of the networks (same IP version).
 */
import type { Nar } from '../../../protocols/nar/nar.js';
import { CidrSet } from '../cidr-set.js';
import type { ConditionNode, Literal, Operand, OrderOperator } from './ast.js';

export type Condition = (record: Nar) => boolean;

type Numeric = number | bigint;

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Names every plain object inherits; reading them from a record must not see Object.prototype. */
const INHERITED: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

const ALWAYS: Condition = () => true;
const NEVER: Condition = () => false;

function isNumeric(v: unknown): v is Numeric {
  const t = typeof v;
  return t === 'number' || t === 'bigint';
}

/** Numeric equality across number and bigint; exact (no rounding), NaN equals nothing. */
function numericEquals(a: Numeric, b: Numeric): boolean {
  return a == b;
}

/**
 * The key under which a numeric value is stored in an `in` set, so that numerically equal number
 * and bigint values share it: safe integers and fractions as numbers, larger integers as bigints.
 */
function numericKey(v: Numeric): Numeric {
  if (typeof v === 'number') return Number.isSafeInteger(v) || !Number.isInteger(v) ? v : BigInt(v);
  return v >= MIN_SAFE && v <= MAX_SAFE ? Number(v) : v;
}

/** Equality of two read values (missing already read as undefined, which equals null). */
function valuesEqual(a: unknown, b: unknown): boolean {
  const x = a === undefined ? null : a;
  const y = b === undefined ? null : b;
  if (x === y) return true;
  return isNumeric(x) && isNumeric(y) && numericEquals(x, y);
}

const NUMERIC_ORDER: Readonly<Record<OrderOperator, (a: Numeric, b: Numeric) => boolean>> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

const TEXT_ORDER: Readonly<Record<OrderOperator, (a: string, b: string) => boolean>> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

const FLIPPED: Readonly<Record<OrderOperator, OrderOperator>> = {
  '<': '>',
  '<=': '>=',
  '>': '<',
  '>=': '<=',
};

function ordered(operator: OrderOperator, a: unknown, b: unknown): boolean {
  if (isNumeric(a) && isNumeric(b)) return NUMERIC_ORDER[operator](a, b);
  if (typeof a === 'string' && typeof b === 'string') return TEXT_ORDER[operator](a, b);
  return false;
}

/** Reads an attribute: own properties only when the name is one every object inherits. */
function reader(name: string): (record: Nar) => unknown {
  if (INHERITED.has(name)) return (r) => (Object.hasOwn(r, name) ? r[name] : undefined);
  return (r) => r[name];
}

function operandReader(operand: Operand): (record: Nar) => unknown {
  if (operand.kind === 'attribute') return reader(operand.name);
  const value = operand.value;
  return () => value;
}

export function compileNode(node: ConditionNode): Condition {
  switch (node.kind) {
    case 'or':
      return compileOr(node.operands.map(compileNode));
    case 'and':
      return compileAnd(node.operands.map(compileNode));
    case 'not': {
      const inner = compileNode(node.operand);
      if (inner === ALWAYS) return NEVER;
      if (inner === NEVER) return ALWAYS;
      return (r) => !inner(r);
    }
    case 'compare':
      return constantFold([node.left, node.right], compileComparison(node));
    case 'in':
      return constantFold([node.operand], compileIn(node.operand, node.values, node.negated));
    case 'within': {
      const set = new CidrSet(node.cidrs);
      const read = operandReader(node.operand);
      return constantFold([node.operand], (r) => {
        const v = read(r);
        return typeof v === 'string' && set.containsText(v);
      });
    }
    case 'truthy': {
      const read = operandReader(node.operand);
      return constantFold([node.operand], (r) => Boolean(read(r)));
    }
    case 'call':
      return compileCall(node);
  }
}

/** A condition whose operands are all literals does not depend on the record: evaluate it once. */
function constantFold(operands: readonly Operand[], condition: Condition): Condition {
  if (operands.some((o) => o.kind !== 'literal')) return condition;
  return condition({}) ? ALWAYS : NEVER;
}

function compileOr(parts: Condition[]): Condition {
  if (parts.includes(ALWAYS)) return ALWAYS;
  const live = parts.filter((p) => p !== NEVER);
  if (live.length === 0) return NEVER;
  if (live.length === 1) return live[0] as Condition;
  if (live.length === 2) {
    const [a, b] = live as [Condition, Condition];
    return (r) => a(r) || b(r);
  }
  return (r) => {
    for (const p of live) if (p(r)) return true;
    return false;
  };
}

function compileAnd(parts: Condition[]): Condition {
  if (parts.includes(NEVER)) return NEVER;
  const live = parts.filter((p) => p !== ALWAYS);
  if (live.length === 0) return ALWAYS;
  if (live.length === 1) return live[0] as Condition;
  if (live.length === 2) {
    const [a, b] = live as [Condition, Condition];
    return (r) => a(r) && b(r);
  }
  return (r) => {
    for (const p of live) if (!p(r)) return false;
    return true;
  };
}

function compileComparison(node: ConditionNode & { kind: 'compare' }): Condition {
  const { operator, left, right } = node;
  if (operator === '!=') {
    const equal = compileComparison({ ...node, operator: '==' });
    return (r) => !equal(r);
  }
  // Put a literal on the right so the common "attribute op literal" case gets a specialised closure.
  if (left.kind === 'literal' && right.kind === 'attribute') {
    return compileComparison({
      kind: 'compare',
      operator: operator === '==' ? '==' : FLIPPED[operator],
      left: right,
      right: left,
    });
  }
  const read = operandReader(left);
  if (right.kind === 'literal') {
    return operator === '==' ? equalsLiteral(read, right.value) : orderLiteral(read, operator, right.value);
  }
  const readRight = operandReader(right);
  if (operator === '==') return (r) => valuesEqual(read(r), readRight(r));
  return (r) => ordered(operator, read(r), readRight(r));
}

function equalsLiteral(read: (r: Nar) => unknown, literal: Literal): Condition {
  if (literal === null) {
    return (r) => {
      const v = read(r);
      return v === undefined || v === null;
    };
  }
  if (isNumeric(literal)) {
    return (r) => {
      const v = read(r);
      return isNumeric(v) && numericEquals(v, literal);
    };
  }
  return (r) => read(r) === literal;
}

function orderLiteral(read: (r: Nar) => unknown, operator: OrderOperator, literal: Literal): Condition {
  if (isNumeric(literal)) {
    const compare = NUMERIC_ORDER[operator];
    return (r) => {
      const v = read(r);
      return isNumeric(v) && compare(v, literal);
    };
  }
  if (typeof literal === 'string') {
    const compare = TEXT_ORDER[operator];
    return (r) => {
      const v = read(r);
      return typeof v === 'string' && compare(v, literal);
    };
  }
  // The parser rejects true/false/null around an ordering operator; nothing orders against them.
  return NEVER;
}

function compileIn(operand: Operand, values: readonly Literal[], negated: boolean): Condition {
  let matchesNull = false;
  const keys = new Set<string | Numeric | boolean>();
  for (const v of values) {
    if (v === null) matchesNull = true;
    else keys.add(isNumeric(v) ? numericKey(v) : v);
  }
  const read = operandReader(operand);
  const member = (r: Nar): boolean => {
    const v = read(r);
    if (v === undefined || v === null) return matchesNull;
    if (isNumeric(v)) return keys.has(numericKey(v));
    return (typeof v === 'string' || typeof v === 'boolean') && keys.has(v);
  };
  return negated ? (r) => !member(r) : member;
}

function compileCall(node: ConditionNode & { kind: 'call' }): Condition {
  const read = reader(node.attribute);
  switch (node.fn) {
    case 'exists':
      return (r) => {
        const v = read(r);
        return v !== undefined && v !== null;
      };
    case 'missing':
      return (r) => {
        const v = read(r);
        return v === undefined || v === null;
      };
    case 'startsWith': {
      const text = node.argument;
      return (r) => {
        const v = read(r);
        return typeof v === 'string' && v.startsWith(text);
      };
    }
    case 'endsWith': {
      const text = node.argument;
      return (r) => {
        const v = read(r);
        return typeof v === 'string' && v.endsWith(text);
      };
    }
    case 'contains': {
      const text = node.argument;
      return (r) => {
        const v = read(r);
        return typeof v === 'string' && v.includes(text);
      };
    }
  }
}
