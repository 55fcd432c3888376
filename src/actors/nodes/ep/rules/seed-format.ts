/**
 * The seed's IP-to-group configuration file (seed 002): one `<key> <value>` pair per line,
 *
 *   SourceFieldId        srcIp        the attribute holding the IP address
 *   DestinationFieldId   group        the attribute receiving the group
 *   DestinationFieldType integer      integer | string
 *   TableFile            ipgroups.txt the range table (narflow's addition: the seed keeps the
 *                                     table as a separate file; resolved against the config file)
 *
 * each key exactly once; `#` comments and blank lines are allowed. The result is the rules list a
 * `rules:` block would hold: `[{ ipGroup: { table, source, destination, type } }]`.
 */
import { numberedLines, ProblemList } from './problems.js';

const KEYS = ['SourceFieldId', 'DestinationFieldId', 'DestinationFieldType', 'TableFile'] as const;
type Key = (typeof KEYS)[number];

function isKey(text: string): text is Key {
  return (KEYS as readonly string[]).includes(text);
}

const ATTRIBUTE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const BLANKS = /\s+/;

function valueProblem(key: Key, value: string): string | undefined {
  if (key === 'SourceFieldId' || key === 'DestinationFieldId')
    return ATTRIBUTE.test(value)
      ? undefined
      : `${key}: expected an attribute name (letters, digits, _), got "${value}"`;
  if (key === 'DestinationFieldType')
    return value === 'integer' || value === 'string'
      ? undefined
      : `${key}: expected integer or string, got "${value}"`;
  return undefined;
}

export interface SeedIpGroupRules {
  readonly ipGroup: {
    readonly table: string;
    readonly source: string;
    readonly destination: string;
    readonly type: 'integer' | 'string';
  };
}

export function parseSeedRulesFile(text: string, file: string): [SeedIpGroupRules] {
  const problems = new ProblemList(file);
  const values = new Map<Key, { value: string; line: number }>();
  for (const { line, text: raw } of numberedLines(text)) {
    const hash = raw.indexOf('#');
    const content = (hash < 0 ? raw : raw.slice(0, hash)).trim();
    if (content === '') continue;
    const [key = '', ...rest] = content.split(BLANKS);
    if (!isKey(key)) {
      problems.add(line, `unknown key "${key}" (expected one of: ${KEYS.join(', ')})`);
      continue;
    }
    const first = values.get(key);
    if (first !== undefined) {
      problems.add(line, `${key} is given twice (also on line ${first.line})`);
      continue;
    }
    const [value] = rest;
    if (value === undefined || rest.length > 1) {
      problems.add(line, `${key}: expected one value, got ${rest.length}`);
      continue;
    }
    const wrong = valueProblem(key, value);
    if (wrong !== undefined) problems.add(line, wrong);
    values.set(key, { value, line });
  }
  for (const key of KEYS) if (!values.has(key)) problems.add(undefined, `${key} is missing`);
  problems.throwIfAny();
  const get = (key: Key): string => values.get(key)?.value ?? '';
  return [
    {
      ipGroup: {
        table: get('TableFile'),
        source: get('SourceFieldId'),
        destination: get('DestinationFieldId'),
        type: get('DestinationFieldType') === 'string' ? 'string' : 'integer',
      },
    },
  ];
}
