/**
 * Address IE values as text: IPv4 as a dotted quad, IPv6 in RFC 5952 canonical form (lowercase, no
 * leading zeros, the longest run of two or more zero groups as "::", the first on ties, and
 * `::ffff:a.b.c.d` for IPv4-mapped addresses). Parsing accepts the RFC 4291 §2.2 text forms.
 */

/** Formats the 4 or 16 octets at `offset`. */
export function formatAddress(buf: Uint8Array, offset: number, length: 4 | 16): string {
  if (length === 4) return formatV4(buf, offset);
  const groups = new Array<number>(8);
  for (let i = 0; i < 8; i++)
    groups[i] = ((buf[offset + 2 * i] as number) << 8) | (buf[offset + 2 * i + 1] as number);
  if (
    groups[0] === 0 &&
    groups[1] === 0 &&
    groups[2] === 0 &&
    groups[3] === 0 &&
    groups[4] === 0 &&
    groups[5] === 0xffff
  ) {
    return `::ffff:${formatV4(buf, offset + 12)}`;
  }
  let bestStart = -1;
  let bestLen = 1; // a single zero group is written out
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (from: number, to: number): string =>
    groups
      .slice(from, to)
      .map((g) => g.toString(16))
      .join(':');
  if (bestStart === -1) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLen, 8)}`;
}

function formatV4(buf: Uint8Array, offset: number): string {
  return `${buf[offset] as number}.${buf[offset + 1] as number}.${buf[offset + 2] as number}.${buf[offset + 3] as number}`;
}

/** 4 octets for a dotted quad, 16 for IPv6 text; `undefined` when the text is neither. */
export function parseAddress(text: string): Uint8Array | undefined {
  if (text.indexOf(':') === -1) {
    const out = new Uint8Array(4);
    return parseV4(text, out, 0) ? out : undefined;
  }
  return parseV6(text);
}

/** Strict dotted quad: four decimal octets 0–255, no leading zeros, nothing else. */
function parseV4(text: string, out: Uint8Array, at: number): boolean {
  const parts = text.split('.');
  if (parts.length !== 4) return false;
  for (let i = 0; i < 4; i++) {
    const p = parts[i] as string;
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return false;
    const v = Number(p);
    if (v > 255) return false;
    out[at + i] = v;
  }
  return true;
}

function parseV6(text: string): Uint8Array | undefined {
  if (text.length > 45) return undefined;
  const gap = text.indexOf('::');
  if (gap !== -1 && text.indexOf('::', gap + 1) !== -1) return undefined;
  const head = gap === -1 ? text : text.slice(0, gap);
  const tail = gap === -1 ? '' : text.slice(gap + 2);
  const out = new Uint8Array(16);
  const headGroups: number[] = [];
  const tailGroups: number[] = [];
  if (!parseGroups(head, gap === -1, headGroups) || !parseGroups(tail, true, tailGroups)) return undefined;
  const total = headGroups.length + tailGroups.length;
  if (gap === -1 ? total !== 8 : total > 7) return undefined;
  headGroups.forEach((g, i) => {
    out[2 * i] = g >>> 8;
    out[2 * i + 1] = g & 0xff;
  });
  const tailStart = 8 - tailGroups.length;
  tailGroups.forEach((g, i) => {
    out[2 * (tailStart + i)] = g >>> 8;
    out[2 * (tailStart + i) + 1] = g & 0xff;
  });
  return out;
}

/** Colon-separated hex groups; the last may be a dotted quad (two groups) when `v4Tail`. */
function parseGroups(text: string, v4Tail: boolean, out: number[]): boolean {
  if (text === '') return true;
  const pieces = text.split(':');
  for (let i = 0; i < pieces.length; i++) {
    const p = pieces[i] as string;
    if (v4Tail && i === pieces.length - 1 && p.indexOf('.') !== -1) {
      const v4 = new Uint8Array(4);
      if (!parseV4(p, v4, 0)) return false;
      out.push(((v4[0] as number) << 8) | (v4[1] as number), ((v4[2] as number) << 8) | (v4[3] as number));
      return true;
    }
    if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return false;
    out.push(parseInt(p, 16));
  }
  return true;
}
