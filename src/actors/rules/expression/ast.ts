/** The typed syntax tree of a condition, as the parser builds it and the compiler consumes it. */
import type { Cidr } from '../../../protocols/ip.js';

export type Literal = string | number | bigint | boolean | null;

export type Operand =
  | { readonly kind: 'attribute'; readonly name: string; readonly position: number }
  | { readonly kind: 'literal'; readonly value: Literal; readonly position: number };

export type EqualityOperator = '==' | '!=';
export type OrderOperator = '<' | '<=' | '>' | '>=';
export type ComparisonOperator = EqualityOperator | OrderOperator;

export type PresenceFunction = 'exists' | 'missing';
export type TextFunction = 'startsWith' | 'endsWith' | 'contains';
export const FUNCTIONS: readonly (PresenceFunction | TextFunction)[] = [
  'exists',
  'missing',
  'startsWith',
  'endsWith',
  'contains',
];

export type ConditionNode =
  | { readonly kind: 'or'; readonly operands: readonly ConditionNode[] }
  | { readonly kind: 'and'; readonly operands: readonly ConditionNode[] }
  | { readonly kind: 'not'; readonly operand: ConditionNode }
  | {
      readonly kind: 'compare';
      readonly operator: ComparisonOperator;
      readonly left: Operand;
      readonly right: Operand;
    }
  /** `operand in [...]`, or `operand not in [...]` when negated. */
  | {
      readonly kind: 'in';
      readonly operand: Operand;
      readonly values: readonly Literal[];
      readonly negated: boolean;
    }
  | { readonly kind: 'within'; readonly operand: Operand; readonly cidrs: readonly Cidr[] }
  /** An operand alone: present, not null, not false, not 0, not "". */
  | { readonly kind: 'truthy'; readonly operand: Operand }
  | { readonly kind: 'call'; readonly fn: PresenceFunction; readonly attribute: string }
  | {
      readonly kind: 'call';
      readonly fn: TextFunction;
      readonly attribute: string;
      readonly argument: string;
    };
