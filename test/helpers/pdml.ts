/**
 * Reading tshark's PDML (`tshark -T pdml`): one element per line, so a line reader builds the tree of
 * each packet — protocols and fields with their `name`, `show` (the value as tshark displays it) and
 * `showname` (the whole line of the detail view).
 */

export interface PdmlNode {
  readonly name: string;
  readonly show: string;
  readonly showname: string;
  readonly children: PdmlNode[];
}

const ELEMENT = /^\s*<(\/?)(packet|proto|field)\b([^>]*?)(\/?)>\s*$/;
const ATTRIBUTE = /([\w.-]+)="([^"]*)"/g;
const ENTITIES: Readonly<Record<string, string>> = { quot: '"', amp: '&', lt: '<', gt: '>', apos: "'" };

function unescape(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (whole, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(Number(e.slice(1)));
    return ENTITIES[e] ?? whole;
  });
}

/** The packets of a PDML document, each a node named `packet` whose children are its protocols. */
export function parsePdml(text: string): PdmlNode[] {
  const packets: PdmlNode[] = [];
  const stack: PdmlNode[] = [];
  for (const line of text.split('\n')) {
    const m = ELEMENT.exec(line);
    if (m === null) continue;
    const [, closing, tag, attributes, selfClosing] = m;
    if (closing === '/') {
      stack.pop();
      continue;
    }
    const attrs = new Map<string, string>();
    for (const a of (attributes ?? '').matchAll(ATTRIBUTE))
      attrs.set(a[1] as string, unescape(a[2] as string));
    const node: PdmlNode = {
      name: tag === 'packet' ? 'packet' : (attrs.get('name') ?? ''),
      show: attrs.get('show') ?? '',
      showname: attrs.get('showname') ?? '',
      children: [],
    };
    const parent = stack[stack.length - 1];
    if (parent === undefined) packets.push(node);
    else parent.children.push(node);
    if (selfClosing !== '/') stack.push(node);
  }
  if (stack.length !== 0) throw new Error(`PDML ends inside an element (${stack.length} open)`);
  return packets;
}

/** Every node below `node` (depth first), `node` excluded. */
export function* descendants(node: PdmlNode): Generator<PdmlNode> {
  for (const c of node.children) {
    yield c;
    yield* descendants(c);
  }
}

/** The first node below `node` named `name`. */
export function find(node: PdmlNode, name: string): PdmlNode | undefined {
  for (const d of descendants(node)) if (d.name === name) return d;
  return undefined;
}

/** Every node below `node` named `name`. */
export function findAll(node: PdmlNode, name: string): PdmlNode[] {
  return [...descendants(node)].filter((d) => d.name === name);
}
