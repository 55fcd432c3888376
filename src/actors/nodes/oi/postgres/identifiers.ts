/**
 * SQL identifiers as the config names them: `usage_records`, `public.usage_records`,
 * `"Usage ""Records"""`. Unquoted parts are folded to lower case the way PostgreSQL folds them;
 * every identifier narflow sends is quoted again, so what the config means is what the server sees.
 */

/** PostgreSQL truncates longer names (NAMEDATALEN - 1); narflow rejects them instead. */
export const MAX_IDENTIFIER_BYTES = 63;

const UNQUOTED = /^[A-Za-z_][A-Za-z0-9_$]*/;

/**
 * Parses an identifier of 1..maxParts dot-separated parts, each unquoted (letters, digits, `_`,
 * `$`, not starting with a digit) or double-quoted (`""` stands for one `"`). Returns the parts as
 * PostgreSQL sees them, or undefined when the text is not such a name.
 */
export function parseQualifiedName(text: string, maxParts: number): string[] | undefined {
  const parts: string[] = [];
  let i = 0;
  for (;;) {
    let part: string;
    if (text.charCodeAt(i) === 0x22) {
      part = '';
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q === -1) return undefined;
        part += text.slice(j, q);
        if (text.charCodeAt(q + 1) === 0x22) {
          part += '"';
          j = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      if (part.length === 0 || part.includes('\u0000')) return undefined;
    } else {
      const m = UNQUOTED.exec(text.slice(i));
      if (m === null) return undefined;
      part = m[0].toLowerCase();
      i += m[0].length;
    }
    if (Buffer.byteLength(part) > MAX_IDENTIFIER_BYTES) return undefined;
    parts.push(part);
    if (i === text.length) return parts.length <= maxParts ? parts : undefined;
    if (text.charCodeAt(i) !== 0x2e) return undefined;
    i++;
  }
}

/** `"name"` with embedded quotes doubled. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quoted, dot-joined parts: safe to paste into SQL. */
export function quoteQualifiedName(parts: readonly string[]): string {
  return parts.map(quoteIdentifier).join('.');
}

export const IDENTIFIER_EXPECTATION =
  'an SQL identifier: letters, digits, _ or $ (not starting with a digit), or a "double-quoted" name, ' +
  `at most ${MAX_IDENTIFIER_BYTES} bytes`;
