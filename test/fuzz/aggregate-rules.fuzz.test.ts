/**
 * Seeded property of the seed's aggregation rule syntax: any text either parses into a rule the
 * rules schema accepts (and that formats back to the same rule), or throws RulesFileError whose
 * problems name the file and a line that exists. Anything else fails, with the seed and the text.
 */
import { describe, expect, it } from 'vitest';
import { aggregateRules, parseRulesFile, type AggregateRules } from '../../src/actors/nodes/ap/rules.js';
import { RulesFileError } from '../../src/actors/nodes/rules-errors.js';
import { prng } from '../helpers/narflow-process.js';

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
const SEED_RULE = 'srcIp,srcPort,dstIp,dstPort,protocol bytes,accumulate;packets,accumulate;lastSeen,maximum';
const TOKENS = [
  'srcIp',
  'bytes',
  'b',
  '_x1',
  'sum',
  'MAX',
  'average',
  'count',
  'first',
  'last',
  'total',
  '__proto__',
  'toString',
  ',',
  ',',
  ';',
  ';',
  ' ',
  ' ',
  '\t',
  '\n',
  '\r\n',
  '\r',
  '#',
  '# c\n',
  '',
  '\uFEFF',
  'é',
  '-',
  '9',
  '"',
  '\u00a0',
  '\0',
];

function format(rule: AggregateRules): string {
  return `${rule.key.join(',')} ${rule.actions.map((a) => `${a.field},${a.action}`).join(';')}`;
}

function randomText(rnd: () => number): string {
  let text = '';
  const n = Math.floor(rnd() * 20);
  for (let i = 0; i < n; i++) text += TOKENS[Math.floor(rnd() * TOKENS.length)];
  return text;
}

function mutated(rnd: () => number): string {
  let text = rnd() < 0.5 ? SEED_RULE : `# flows\n\n${SEED_RULE}\n`;
  const edits = 1 + Math.floor(rnd() * 4);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(rnd() * (text.length + 1));
    const op = rnd();
    const token = TOKENS[Math.floor(rnd() * TOKENS.length)] as string;
    if (op < 0.4) text = text.slice(0, at) + token + text.slice(at);
    else if (op < 0.8) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(rnd() * 6));
    else text = text.slice(0, at) + String.fromCharCode(Math.floor(rnd() * 0x3000)) + text.slice(at + 1);
  }
  return text;
}

function check(text: string): 'rule' | 'error' {
  const where = `seed ${SEED} text ${JSON.stringify(text)}`;
  let rule: AggregateRules;
  try {
    rule = parseRulesFile(text, 'fuzz.rules');
  } catch (err) {
    if (!(err instanceof RulesFileError)) throw new Error(`${where}: ${String(err)}`, { cause: err });
    const lines = text.split(/\r\n|\r|\n/).length;
    expect(err.problems.length, where).toBeGreaterThan(0);
    for (const p of err.problems) {
      expect(p.file, where).toBe('fuzz.rules');
      expect(p.message, where).toMatch(/^expected /);
      if (p.line !== undefined) expect(p.line >= 1 && p.line <= lines, where).toBe(true);
    }
    return 'error';
  }
  const parsed = aggregateRules.safeParse(rule);
  expect(parsed.success, `${where}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
  expect(parsed.data, where).toEqual(rule);
  expect(parseRulesFile(format(rule), 'again.rules'), where).toEqual(rule);
  return 'rule';
}

describe(`aggregate rules fuzz (seed ${SEED})`, () => {
  it('ensures random and mutated rule files give a valid rule or a RulesFileError, nothing else', () => {
    const rnd = prng(SEED);
    const outcomes = { rule: 0, error: 0 };
    for (let i = 0; i < 10_000; i++) outcomes[check(i % 2 === 0 ? randomText(rnd) : mutated(rnd))]++;
    // Both outcomes must occur, or the generator is not exercising the parser.
    expect(outcomes.rule, `seed ${SEED}`).toBeGreaterThan(100);
    expect(outcomes.error, `seed ${SEED}`).toBeGreaterThan(100);
  });
});
