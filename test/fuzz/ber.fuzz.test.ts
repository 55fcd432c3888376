/**
 * Seeded property for the BER reader: random element trees (every length form, high tag numbers,
 * indefinite lengths) and mutations of them either read into a tree that re-encodes (definite,
 * minimal) and reads back to the same tree, or raise a DecodeError. Anything else fails with the
 * seed and the input.
 */
import { describe, expect, it } from 'vitest';
import { BerBudget, readTlv, Tlv } from '../../src/protocols/ber/reader.js';
import { concat, tlv } from '../../src/protocols/ber/writer.js';
import { DecodeError } from '../../src/protocols/errors.js';
import { prng } from '../helpers/narflow-process.js';

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);

interface Node {
  cls: number;
  constructed: boolean;
  tag: number;
  content?: number[];
  children?: Node[];
}

/** Reads every element of buf[pos, limit) recursively. */
function parse(buf: Uint8Array, pos: number, limit: number, depth: number, budget: BerBudget): Node[] {
  const out: Node[] = [];
  while (pos < limit) {
    const t = new Tlv();
    readTlv(buf, pos, limit, t, depth, budget);
    const node: Node = { cls: t.cls, constructed: t.constructed, tag: t.tag };
    if (t.constructed) node.children = parse(buf, t.contentStart, t.contentEnd, depth + 1, budget);
    else node.content = [...buf.subarray(t.contentStart, t.contentEnd)];
    out.push(node);
    pos = t.end;
  }
  return out;
}

function encode(nodes: readonly Node[]): Uint8Array {
  return concat(
    nodes.map((n) =>
      tlv(
        n.cls,
        n.constructed,
        n.tag,
        n.constructed ? encode(n.children ?? []) : Uint8Array.from(n.content ?? []),
      ),
    ),
  );
}

/** A random element in any of the encodings X.690 allows. */
function element(rnd: () => number, depth: number): number[] {
  const int = (n: number): number => Math.floor(rnd() * n);
  const cls = int(4);
  const constructed = depth < 4 && rnd() < 0.4;
  const tag = rnd() < 0.7 ? int(31) : [31, 79, 127, 128, 300, 16_384][int(6)]!;
  const id: number[] = [];
  const first = (cls << 6) | (constructed ? 0x20 : 0);
  if (tag < 31) id.push(first | tag);
  else {
    const rest = [tag & 0x7f];
    for (let t = Math.floor(tag / 128); t > 0; t = Math.floor(t / 128)) rest.unshift((t & 0x7f) | 0x80);
    id.push(first | 0x1f, ...rest);
  }
  let content: number[] = [];
  if (constructed) {
    const n = int(4);
    for (let i = 0; i < n; i++) content.push(...element(rnd, depth + 1));
  } else {
    content = Array.from({ length: int(rnd() < 0.1 ? 300 : 8) }, () => int(256));
  }
  if (constructed && rnd() < 0.3) return [...id, 0x80, ...content, 0x00, 0x00];
  const len = content.length;
  const form = int(3);
  if (form === 0 && len < 128) return [...id, len, ...content];
  const octets = form === 2 ? 4 : len < 256 ? 1 : 2;
  const lo: number[] = [];
  for (let i = octets - 1; i >= 0; i--) lo.push(Math.floor(len / 256 ** i) & 0xff);
  return [...id, 0x80 | octets, ...lo, ...content];
}

function mutate(rnd: () => number, base: number[]): number[] {
  const b = base.slice();
  const n = 1 + Math.floor(rnd() * 3);
  for (let i = 0; i < n && b.length > 0; i++) {
    const at = Math.floor(rnd() * b.length);
    const op = rnd();
    if (op < 0.5) b[at] = Math.floor(rnd() * 256);
    else if (op < 0.7) b.splice(at, 1);
    else if (op < 0.85) b.splice(at, 0, [0x00, 0x80, 0x84, 0xff, 0x1f][Math.floor(rnd() * 5)]!);
    else b.length = at;
  }
  return b;
}

describe(`ber fuzz (seed ${SEED})`, () => {
  it('ensures random and mutated element trees read consistently or raise DecodeError', () => {
    const rnd = prng(SEED);
    let read = 0;
    for (let i = 0; i < 10_000; i++) {
      const valid = element(rnd, 0);
      const bytes = Uint8Array.from(i % 3 === 0 ? valid : mutate(rnd, valid));
      const input = Buffer.from(bytes).toString('hex');
      let tree: Node[];
      try {
        tree = parse(bytes, 0, bytes.length, 0, new BerBudget({ maxDepth: 8, maxElements: 5_000 }));
      } catch (err) {
        if (err instanceof DecodeError) {
          if (i % 3 === 0) {
            throw new Error(`seed ${SEED} valid input ${input} refused: ${String(err)}`, { cause: err });
          }
          continue;
        }
        throw new Error(`seed ${SEED} input ${input}: ${String(err)}`, { cause: err });
      }
      read++;
      const again = encode(tree);
      expect(parse(again, 0, again.length, 0, new BerBudget()), `seed ${SEED} input ${input}`).toEqual(tree);
    }
    expect(read).toBeGreaterThan(3_000);
  });
});
