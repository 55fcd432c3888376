/**
 * Aggregation rules: the matching key (a list of NAR attributes) and the field-id, action pairs.
 * As a YAML `rules:` block:
 *   key: [srcIp, srcPort, dstIp, dstPort, protocol]
 *   actions: [{ field: bytes, action: sum }, { field: lastSeen, action: max }]
 * or as a rules file in the seed's syntax, one rule (an aggregation node has a single matching key):
 *   # IP flow
 *   srcIp,srcPort,dstIp,dstPort,protocol bytes,accumulate;packets,accumulate;lastSeen,maximum
 * key fields separated by commas, then one or more spaces, then `field,action` pairs separated by
 * semicolons; `#` starts a comment; blank lines are ignored.
 */
import { z } from 'zod';
import { RulesFileError, type RulesFileProblem } from '../rules-errors.js';
import { ACTION_WORDS, actionName, type ActionName } from './actions.js';

const ATTRIBUTE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ATTRIBUTE_TEXT = 'an attribute name (letters, digits, _)';

/** Letters, digits and `_`, and not a member every object inherits (`__proto__`, `toString`, …). */
export function isAttributeName(s: string): boolean {
  return ATTRIBUTE.test(s) && !(s in Object.prototype);
}

export const attributeName = z
  .string()
  .regex(ATTRIBUTE, ATTRIBUTE_TEXT)
  .refine((s) => !(s in Object.prototype), 'an attribute name that is not a member of every object');

const actionText = z
  .string()
  .describe(`one of (any case): ${ACTION_WORDS}`)
  .refine((s) => actionName(s) !== undefined, `an action: ${ACTION_WORDS}`)
  .transform((s) => actionName(s) as ActionName);

/**
 * Problems of a rule's field lists: a field twice in the key, two actions for one field, a field
 * both in the key and in an action. Each entry: where (`key` or `actions`, index) and the text.
 * Entries that are not names (undefined) are skipped: they are reported elsewhere.
 */
export function fieldProblems(
  key: readonly (string | undefined)[],
  fields: readonly (string | undefined)[],
): Array<{ list: 'key' | 'actions'; index: number; message: string }> {
  const out: Array<{ list: 'key' | 'actions'; index: number; message: string }> = [];
  const keys = new Set<string>();
  key.forEach((k, index) => {
    if (k === undefined) return;
    if (keys.has(k))
      out.push({ list: 'key', index, message: `each key attribute once ("${k}" is listed twice)` });
    keys.add(k);
  });
  const seen = new Set<string>();
  fields.forEach((f, index) => {
    if (f === undefined) return;
    if (seen.has(f)) out.push({ list: 'actions', index, message: `one action per field ("${f}" has two)` });
    else if (keys.has(f))
      out.push({
        list: 'actions',
        index,
        message: `a field that is not also a key attribute ("${f}" is in the key)`,
      });
    seen.add(f);
  });
  return out;
}

/** The strings of a list that may hold anything (the refinement also runs on invalid input). */
function stringsIn(list: unknown, pick: (item: unknown) => unknown = (x) => x): Array<string | undefined> {
  if (!Array.isArray(list)) return [];
  return list.map((item) => {
    const v = pick(item);
    return typeof v === 'string' ? v : undefined;
  });
}

const fieldOf = (item: unknown): unknown =>
  typeof item === 'object' && item !== null ? (item as { field?: unknown }).field : undefined;

/** Every attribute name a rules value (valid or not) mentions, in the key or as an action field. */
export function ruleAttributes(rules: unknown): string[] {
  if (typeof rules !== 'object' || rules === null) return [];
  const r = rules as { key?: unknown; actions?: unknown };
  return [...stringsIn(r.key), ...stringsIn(r.actions, fieldOf)].filter((n) => n !== undefined);
}

export const aggregateRules = z
  .strictObject({
    key: z.array(attributeName).min(1),
    actions: z.array(z.strictObject({ field: attributeName, action: actionText })).min(1),
  })
  .superRefine(
    (r, ctx) => {
      // Runs on invalid input too, so duplicates are reported with the other mistakes.
      const raw = r as { key?: unknown; actions?: unknown };
      for (const p of fieldProblems(stringsIn(raw.key), stringsIn(raw.actions, fieldOf))) {
        const path = p.list === 'key' ? ['key', p.index] : ['actions', p.index, 'field'];
        ctx.addIssue({ code: 'custom', path, message: p.message });
      }
    },
    { when: (payload) => typeof payload.value === 'object' && payload.value !== null },
  );
export type AggregateRules = z.output<typeof aggregateRules>;

/** Expected form of a rule line, for messages. */
const RULE_FORM = '"<key,fields> <field,action>[;<field,action>…]"';

function show(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);
}

/** One rule line → its key and actions, or the problems on that line. */
function parseRuleLine(
  text: string,
  file: string,
  line: number,
  problems: RulesFileProblem[],
): AggregateRules {
  const at = (message: string) => problems.push({ file, line, message });
  const parts = text.split(/[ \t]+/);
  if (parts.length !== 2) {
    at(`expected ${RULE_FORM} (key and actions separated by spaces), got ${show(text)}`);
    return { key: [], actions: [] };
  }
  const [keyText, actionsText] = parts as [string, string];
  const key: string[] = [];
  for (const k of keyText.split(',')) {
    if (k === '')
      at(`expected key attribute names separated by commas, got an empty name in ${show(keyText)}`);
    else if (!isAttributeName(k)) at(`expected ${ATTRIBUTE_TEXT} in the key, got ${show(k)}`);
    else key.push(k);
  }
  const actions: Array<{ field: string; action: ActionName }> = [];
  for (const pair of actionsText.split(';')) {
    const items = pair.split(',');
    if (items.length !== 2) {
      at(`expected "field,action" pairs separated by ";", got ${show(pair)}`);
      continue;
    }
    const [field, word] = items as [string, string];
    const action = actionName(word);
    if (!isAttributeName(field))
      at(`expected ${ATTRIBUTE_TEXT} as the field of ${show(pair)}, got ${show(field)}`);
    else if (action === undefined)
      at(`expected an action (${ACTION_WORDS}) for "${field}", got ${show(word)}`);
    else actions.push({ field, action });
  }
  for (const p of fieldProblems(
    key,
    actions.map((a) => a.field),
  ))
    at(`expected ${p.message}`);
  return { key, actions };
}

/**
 * The seed's aggregation rule file → the value a YAML `rules:` block would hold (action names in
 * their canonical spelling). Throws RulesFileError listing every problem with its line.
 */
export function parseRulesFile(text: string, file: string): AggregateRules {
  const problems: RulesFileProblem[] = [];
  let rule: AggregateRules | undefined;
  let ruleLine = 0;
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  lines.forEach((raw, i) => {
    const hash = raw.indexOf('#');
    const content = (hash === -1 ? raw : raw.slice(0, hash)).trim();
    if (content === '') return;
    if (ruleLine !== 0) {
      problems.push({
        file,
        line: i + 1,
        message: `expected a single rule (an aggregation node has one matching key; the rule is on line ${ruleLine}), got another: ${show(content)}`,
      });
      return;
    }
    ruleLine = i + 1;
    rule = parseRuleLine(content, file, i + 1, problems);
  });
  if (rule === undefined) problems.push({ file, message: `expected one rule ${RULE_FORM}, got none` });
  if (problems.length > 0 || rule === undefined) throw new RulesFileError(problems);
  return rule;
}
