/**
 * `set-attributes-ep`: sets attributes from small rules, in order, on every record:
 *   { set: zone, value: "eu" }                         constant
 *   { set: msisdnCopy, copy: msisdn }                  copy of another attribute
 *   { set: heavy, value: true, when: { attribute: bytes, op: ">=", value: 1000000 } }
 * Rich enhancement (lookups, IP ranges, expressions, split) is the EP node library's job.
 */
import { z } from 'zod';
import type { AttributeValue, Nar } from '../../../protocols/nar/nar.js';
import type { HandlerContext, NodeHandler } from '../../runtime/actor.js';
import type { NodeType } from '../registry.js';

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const attribute = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an attribute name (letters, digits, _)');

const condition = z.strictObject({
  attribute,
  op: z.enum(['==', '!=', '<', '<=', '>', '>=', 'exists', 'missing']).default('=='),
  value: scalar.optional(),
});

const rule = z
  .strictObject({
    set: attribute,
    value: scalar.optional(),
    copy: attribute.optional(),
    when: condition.optional(),
  })
  .refine((r) => (r.value === undefined) !== (r.copy === undefined), 'exactly one of value or copy');

export const setAttributesSettings = z.strictObject({ rules: z.array(rule).min(1) });
export type SetAttributesSettings = z.infer<typeof setAttributesSettings>;
type Condition = z.infer<typeof condition>;

function compare(a: AttributeValue | undefined, c: Condition): boolean {
  if (c.op === 'exists') return a !== undefined && a !== null;
  if (c.op === 'missing') return a === undefined || a === null;
  const b = c.value ?? null;
  if (c.op === '==') return a == b || String(a) === String(b);
  if (c.op === '!=') return !(a == b || String(a) === String(b));
  if (a === undefined || a === null || b === null) return false;
  const x = typeof a === 'bigint' ? Number(a) : a;
  switch (c.op) {
    case '<':
      return x < b;
    case '<=':
      return x <= b;
    case '>':
      return x > b;
    case '>=':
      return x >= b;
  }
}

class SetAttributesHandler implements NodeHandler {
  constructor(private readonly s: SetAttributesSettings) {}
  init(): void {}
  snapshot(): unknown {
    return null;
  }
  held(): number {
    return 0;
  }
  handleTick(): void {}

  handleBatch(records: Nar[], ctx: HandlerContext): void {
    for (const r of records) {
      for (const rule of this.s.rules) {
        if (rule.when !== undefined && !compare(r[rule.when.attribute], rule.when)) continue;
        r[rule.set] = rule.copy !== undefined ? (r[rule.copy] ?? null) : (rule.value ?? null);
      }
      ctx.emit(r);
    }
  }
}

export const setAttributesEp: NodeType<SetAttributesSettings> = {
  name: 'set-attributes-ep',
  kind: 'EP',
  description: 'sets attributes from constant, copy and conditional rules',
  settings: setAttributesSettings,
  checkpoint: 'periodic',
  create: (s) => new SetAttributesHandler(s),
};
