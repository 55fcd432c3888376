/**
 * The condition-expression language shared by rule-driven node types, e.g.
 *   bytes > 1000000 and (apn == "internet" or apn in ["ims", "mms"]) and not exists(msisdn)
 *   srcIp within ["10.0.0.0/8", "2001:db8::/32"]
 * Validate the text in a settings schema with `conditionText` (the output stays a string, so it
 * crosses to workers as plain data) and compile it once with `compileCondition` in `create()`.
 */
import { z } from 'zod';
import type { ConditionNode, Operand } from './ast.js';
import { compileNode, type Condition } from './compile.js';
import { ExpressionError } from './errors.js';
import { parseCondition } from './parser.js';

export type { ConditionNode, Literal, Operand, ComparisonOperator } from './ast.js';
export type { Condition } from './compile.js';
export { ExpressionError, type ExpressionErrorCode } from './errors.js';
export { MAX_CONDITION_DEPTH, MAX_CONDITION_LENGTH, parseCondition } from './parser.js';

/** Parses and compiles a condition; throws ExpressionError naming the column and what was expected. */
export function compileCondition(source: string): Condition {
  return compileNode(parseCondition(source));
}

/** The attribute names a condition reads, each once, in order of first appearance. Throws ExpressionError. */
export function referencedAttributes(source: string): string[] {
  const names = new Set<string>();
  const operand = (o: Operand): void => {
    if (o.kind === 'attribute') names.add(o.name);
  };
  const walk = (node: ConditionNode): void => {
    switch (node.kind) {
      case 'or':
      case 'and':
        node.operands.forEach(walk);
        return;
      case 'not':
        walk(node.operand);
        return;
      case 'compare':
        operand(node.left);
        operand(node.right);
        return;
      case 'in':
      case 'within':
      case 'truthy':
        operand(node.operand);
        return;
      case 'call':
        names.add(node.attribute);
        return;
    }
  };
  walk(parseCondition(source));
  return [...names];
}

/**
 * A zod string schema for condition text: the check compiles it and reports
 * `a condition: <what is wrong> at column N`. The output is the unchanged string.
 */
export const conditionText: z.ZodType<string> = z.string().superRefine((source, ctx) => {
  try {
    compileCondition(source);
  } catch (err) {
    if (!(err instanceof ExpressionError)) throw err;
    ctx.addIssue({ code: 'custom', message: `a condition: ${err.message}` });
  }
});
