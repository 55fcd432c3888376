/**
 * The settings and rules list of `enhance-ep`, as zod schemas. The output is plain data (conditions
 * stay strings, table paths stay paths): it crosses to the worker by structured clone, where
 * `compileChain` turns it into steps. Parsing the output again gives the same output.
 *
 * A rule is one mapping with exactly one kind key. Rather than a union (whose failure tells only
 * "no option matched"), every kind is an optional key of one strict mapping and a check demands
 * exactly one, so a mistake inside a rule is reported at its own path (`rules[3].lookup.keyColumn`).
 */
import { z } from 'zod';
import { conditionText } from '../../../rules/expression/index.js';

export const attributeName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an attribute name (letters, digits, _; not starting with a digit)');

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const attributeList = z.array(attributeName).min(1);
const channelName = z.string().regex(/^[A-Za-z0-9_.-]+$/, 'a channel name (letters, digits, _ . -)');
const filePath = z.string().min(1);

/** What a lookup or range rule does with a record whose key is not in its table. */
export const onMissing = z.enum(['keep', 'filter', 'quarantine']);
export type OnMissing = z.output<typeof onMissing>;

/** `{ value: <scalar> }` or `{ copy: <attribute> }`: where a set attribute's value comes from. */
export const valueSource = z
  .strictObject({ value: scalar.optional(), copy: attributeName.optional() })
  .refine((s) => (s.value === undefined) !== (s.copy === undefined), 'exactly one of value or copy');
export type ValueSource = z.output<typeof valueSource>;

export const renameRule = z.strictObject({ from: attributeName, to: attributeName });
export type RenameRule = z.output<typeof renameRule>;

export const lookupRule = z.strictObject({
  /** CSV file with a header row; relative to the config file. */
  file: filePath,
  /** Record attribute holding the key. */
  key: attributeName,
  /** Table column matched against the key. */
  keyColumn: z.string().min(1),
  /** Table columns copied to the record under the same names. */
  columns: attributeList,
  delimiter: z.string().length(1).default(','),
  onMissing: onMissing.default('keep'),
});
export type LookupRule = z.output<typeof lookupRule>;

export const ipGroupRule = z.strictObject({
  /** Range table in the seed's format (`start end group` per line); relative to the config file. */
  table: filePath,
  /** The seed's SourceFieldId: the attribute holding an IP address. */
  source: attributeName,
  /** The seed's DestinationFieldId: the attribute receiving the group. */
  destination: attributeName,
  /** The seed's DestinationFieldType. */
  type: z.enum(['integer', 'string']).default('integer'),
  onMissing: onMissing.default('keep'),
});
export type IpGroupRule = z.output<typeof ipGroupRule>;

export const filterRule = z
  .strictObject({ drop: conditionText.optional(), keep: conditionText.optional() })
  .refine((f) => (f.drop === undefined) !== (f.keep === undefined), 'exactly one of drop or keep');
export type FilterRule = z.output<typeof filterRule>;

export const splitPart = z.strictObject({
  set: z.record(attributeName, valueSource).optional(),
  drop: attributeList.optional(),
});
export type SplitPart = z.output<typeof splitPart>;

export const splitRule = z.strictObject({
  when: conditionText.optional(),
  parts: z.array(splitPart).min(2),
});
export type SplitRule = z.output<typeof splitRule>;

export const routeRule = z.strictObject({ channel: channelName, when: conditionText.optional() });
export type RouteRule = z.output<typeof routeRule>;

const RULE_KINDS = [
  'set',
  'rename',
  'drop',
  'keep',
  'lookup',
  'ipGroup',
  'filter',
  'split',
  'route',
] as const;
const SET_ONLY = ['value', 'copy', 'when'] as const;

export const enhanceRule = z
  .strictObject({
    set: attributeName.optional(),
    value: scalar.optional(),
    copy: attributeName.optional(),
    when: conditionText.optional(),
    rename: renameRule.optional(),
    drop: attributeList.optional(),
    keep: attributeList.optional(),
    lookup: lookupRule.optional(),
    ipGroup: ipGroupRule.optional(),
    filter: filterRule.optional(),
    split: splitRule.optional(),
    route: routeRule.optional(),
  })
  .superRefine((rule, ctx) => {
    const kinds = RULE_KINDS.filter((k) => rule[k] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: `exactly one rule kind (${RULE_KINDS.join(', ')})${kinds.length > 1 ? `; this rule has ${kinds.join(' and ')}` : ''}`,
      });
      return;
    }
    if (kinds[0] === 'set') {
      if ((rule.value === undefined) === (rule.copy === undefined))
        ctx.addIssue({ code: 'custom', message: 'a set rule with exactly one of value or copy' });
      return;
    }
    for (const key of SET_ONLY) {
      if (rule[key] !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `${key} only in a set rule, not in ${kinds[0]}`,
        });
    }
  });
export type EnhanceRule = z.output<typeof enhanceRule>;

export const enhanceSettings = z.strictObject({
  /** Tick time between checks of the lookup and range tables for changes; 0 never reloads. */
  reloadCheckMs: z.int().min(0).default(5000),
  rules: z.array(enhanceRule).min(1),
});
export type EnhanceSettings = z.output<typeof enhanceSettings>;
