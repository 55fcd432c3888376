/**
 * The RADIUS clients file (the seed's "IP Secrets" file): which NASes may send accounting, with the
 * shared secret of each. One client per line, fields separated by blanks:
 *
 *   # address or CIDR   secret             name (optional)
 *   192.0.2.10          s3cret             nas-fra-1
 *   10.20.0.0/16        "a secret w/ sp"   bras-pool
 *
 * A secret in double quotes may hold blanks, `\"` and `\\`. `#` starts a comment outside quotes.
 * A request's source address picks the client with the longest matching prefix. Errors name the
 * file, the line and what was expected.
 */
import { cidrContains, parseCidr, parseIp, type Cidr, type ParsedIp } from '../../../../protocols/ip.js';
import { RulesFileError, type RulesFileProblem } from '../../rules-errors.js';

export interface RadiusClient {
  readonly cidr: Cidr;
  readonly secret: Uint8Array;
  /** The name from the file, or the address/CIDR text when none is given. */
  readonly name: string;
}

/** Longest secret RFC 2865 implementations are expected to take; longer ones are refused as typos. */
const MAX_SECRET_BYTES = 128;
/** Source addresses remembered per table (a NAS population is small; a flood of others is not kept). */
const MAX_CACHED = 65_536;

export class ClientTable {
  /** Most specific first. */
  readonly #clients: readonly RadiusClient[];
  readonly #cache = new Map<string, RadiusClient | null>();

  constructor(clients: readonly RadiusClient[]) {
    this.#clients = [...clients].sort((a, b) => b.cidr.prefix - a.cidr.prefix);
  }

  get size(): number {
    return this.#clients.length;
  }

  /** The client a source address belongs to, or undefined for an unknown one. */
  lookup(address: string): RadiusClient | undefined {
    const hit = this.#cache.get(address);
    if (hit !== undefined) return hit ?? undefined;
    const ip: ParsedIp | undefined = parseIp(address);
    const found = ip === undefined ? undefined : this.#clients.find((c) => cidrContains(c.cidr, ip));
    if (this.#cache.size >= MAX_CACHED) this.#cache.clear();
    this.#cache.set(address, found ?? null);
    return found;
  }
}

/** Splits a line into fields: blanks separate, "…" quotes (with \" and \\), # outside quotes ends it. */
function fields(line: string): string[] | string {
  const out: string[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i] as string;
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    if (c === '#') break;
    if (c === '"') {
      let v = '';
      i++;
      for (;;) {
        if (i >= line.length) return 'a closing " for the quoted field';
        const d = line[i] as string;
        if (d === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) {
          v += line[i + 1];
          i += 2;
        } else if (d === '"') {
          i++;
          break;
        } else {
          v += d;
          i++;
        }
      }
      if (i < line.length && line[i] !== ' ' && line[i] !== '\t' && line[i] !== '#')
        return 'a blank after the quoted field';
      out.push(v);
      continue;
    }
    let j = i;
    while (j < line.length && line[j] !== ' ' && line[j] !== '\t' && line[j] !== '#') j++;
    out.push(line.slice(i, j));
    i = j;
  }
  return out;
}

/** Parses the clients file; throws RulesFileError listing every bad line. */
export function parseClients(text: string, file: string): ClientTable {
  const problems: RulesFileProblem[] = [];
  const clients: RadiusClient[] = [];
  const seen = new Map<string, number>();
  const encoder = new TextEncoder();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const f = fields(raw);
    if (typeof f === 'string') {
      problems.push({ file, line, message: `expected ${f}` });
      return;
    }
    if (f.length === 0) return;
    if (f.length < 2 || f.length > 3) {
      problems.push({
        file,
        line,
        message: `expected "<address or CIDR> <secret> [name]", got ${f.length} field(s)`,
      });
      return;
    }
    const [where, secret, name] = f as [string, string, string | undefined];
    const cidr = parseCidr(where);
    if (cidr === undefined) {
      problems.push({
        file,
        line,
        message: `expected an IPv4/IPv6 address or CIDR, got ${JSON.stringify(where)}`,
      });
      return;
    }
    const bytes = encoder.encode(secret);
    if (bytes.length === 0 || bytes.length > MAX_SECRET_BYTES) {
      problems.push({
        file,
        line,
        message: `expected a secret of 1–${MAX_SECRET_BYTES} bytes, got ${bytes.length}`,
      });
      return;
    }
    const key = `${cidr.version}/${cidr.base}/${cidr.prefix}`;
    const before = seen.get(key);
    if (before !== undefined) {
      problems.push({
        file,
        line,
        message: `expected each address or CIDR once, ${where} is also on line ${before}`,
      });
      return;
    }
    seen.set(key, line);
    clients.push({ cidr, secret: bytes, name: name ?? where });
  });
  if (problems.length > 0) throw new RulesFileError(problems);
  return new ClientTable(clients);
}
