/**
 * Output file names from a template: `{node}`, `{partition}`, `{time}` (UTC YYYYMMDDHHmmss of the
 * tick time when the file was opened) and `{seq}` (8 digits, per partition). Everything in a name
 * comes from the checkpointed state, so a replay after a crash names a file as the first run did.
 */

const TOKENS = ['node', 'partition', 'time', 'seq'] as const;
type Token = (typeof TOKENS)[number];
type Part = { readonly token: Token } | { readonly text: string };

/** Literal characters a template may hold (no path separators, nothing a shell must quote). */
function isNameChar(c: number): boolean {
  return (
    (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 46 || c === 95 || c === 45
  );
}

function split(template: string): Part[] | string {
  const parts: Part[] = [];
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{', i);
    const literalEnd = open < 0 ? template.length : open;
    for (let j = i; j < literalEnd; j++) {
      if (!isNameChar(template.charCodeAt(j))) {
        return `${JSON.stringify(template[j])} at position ${j + 1} is not allowed (letters, digits, . _ - and tokens)`;
      }
    }
    if (literalEnd > i) parts.push({ text: template.slice(i, literalEnd) });
    if (open < 0) break;
    const close = template.indexOf('}', open);
    const name = close < 0 ? '' : template.slice(open + 1, close);
    if (!(TOKENS as readonly string[]).includes(name)) {
      return `"${template.slice(open, close < 0 ? undefined : close + 1)}" is not one of {${TOKENS.join('} {')}}`;
    }
    parts.push({ token: name as Token });
    i = close + 1;
  }
  return parts;
}

/** What is wrong with a template, or undefined when it is usable. */
export function fileNameProblem(template: string): string | undefined {
  const parts = split(template);
  if (typeof parts === 'string') return parts;
  if (!parts.some((p) => 'token' in p && p.token === 'seq'))
    return 'a name with {seq} (it keeps names unique)';
  if (template.startsWith('.')) return 'a name that does not start with "." (hidden names are temp files)';
  return undefined;
}

/** UTC YYYYMMDDHHmmss. */
export function compactUtc(ms: number): string {
  const iso = new Date(ms).toISOString(); // YYYY-MM-DDTHH:mm:ss.sssZ
  return (
    iso.slice(0, 4) +
    iso.slice(5, 7) +
    iso.slice(8, 10) +
    iso.slice(11, 13) +
    iso.slice(14, 16) +
    iso.slice(17, 19)
  );
}

export interface FileNameValues {
  readonly node: string;
  readonly partition: number;
  readonly timeMs: number;
  readonly seq: number;
}

export class FileNameTemplate {
  readonly #parts: readonly Part[];

  /** `template` must have passed fileNameProblem (settings validation checks it). */
  constructor(template: string) {
    const parts = split(template);
    if (typeof parts === 'string') throw new FileNameError(`file name ${JSON.stringify(template)}: ${parts}`);
    this.#parts = parts;
  }

  render(v: FileNameValues): string {
    let name = '';
    for (const p of this.#parts) {
      if ('text' in p) name += p.text;
      else if (p.token === 'node') name += v.node;
      else if (p.token === 'partition') name += String(v.partition);
      else if (p.token === 'time') name += compactUtc(v.timeMs);
      else name += String(v.seq).padStart(8, '0');
    }
    return name;
  }
}

export class FileNameError extends Error {
  override readonly name = 'FileNameError';
  readonly code = 'bad_file_name';
}
