/**
 * Seeded properties of the IP helpers:
 * - parseIp never throws, accepts exactly what node:net accepts (zone ids aside, which we reject),
 *   and every parsed value formats to a canonical text that parses back to the same value;
 * - IPv6 formatting agrees with the WHATWG URL serializer (RFC 5952 compression) outside the
 *   IPv4-mapped range, where we use RFC 5952 §5 mixed notation instead;
 * - CidrSet agrees with cidrContains over every network.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { describe, expect, it } from 'vitest';
import { CidrSet } from '../../src/actors/rules/cidr-set.js';
import {
  cidrContains,
  formatIp,
  parseCidr,
  parseIp,
  parseIpv4,
  type Cidr,
  type ParsedIp,
} from '../../src/protocols/ip.js';
import { prng } from '../helpers/narflow-process.js';

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
const ALPHABET = [...'0123456789abcdefABCDEF::::....', '%', '/', '[', ']', ' ', 'g', '-', '+', 'x', '１'];

function pick<T>(rnd: () => number, items: readonly T[]): T {
  return items[Math.floor(rnd() * items.length)] as T;
}

/** A random 128-bit value built from groups, zero runs likely, so compression paths are exercised. */
function randomV6(rnd: () => number): bigint {
  let value = 0n;
  for (let g = 0; g < 8; g++) {
    const r = rnd();
    const group = r < 0.45 ? 0 : r < 0.55 ? 0xffff : Math.floor(rnd() * 0x10000);
    value = (value << 16n) | BigInt(group);
  }
  return value;
}

function mutate(rnd: () => number, text: string): string {
  let s = text;
  const edits = 1 + Math.floor(rnd() * 3);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(rnd() * (s.length + 1));
    const op = rnd();
    if (op < 0.35) s = s.slice(0, at) + pick(rnd, ALPHABET) + s.slice(at);
    else if (op < 0.7) s = s.slice(0, at) + s.slice(at + 1);
    else s = s.slice(0, at) + pick(rnd, ALPHABET) + s.slice(at + 1);
  }
  return s;
}

function same(a: ParsedIp | undefined, b: ParsedIp | undefined): boolean {
  return a?.version === b?.version && a?.value === b?.value;
}

/** Plain checks (no expect() per case) keep thousands of cases fast; a failure names seed and input. */
function checkText(text: string): void {
  const context = `seed ${SEED} text ${JSON.stringify(text)}`;
  const fail = (problem: string): never => {
    throw new Error(`${context}: ${problem}`);
  };
  let parsed: ParsedIp | undefined;
  try {
    parsed = parseIp(text);
  } catch (err) {
    throw new Error(`${context}: parseIp threw ${String(err)}`, { cause: err });
  }
  const nodeAccepts = !text.includes('%') && (isIPv4(text) || isIPv6(text));
  if ((parsed !== undefined) !== nodeAccepts)
    fail(`parseIp gave ${String(parsed?.value)}, node:net ${nodeAccepts}`);
  if ((parseIpv4(text) !== undefined) !== (parsed?.version === 4)) fail('parseIpv4 disagrees with parseIp');
  if (parsed === undefined) return;
  const max = parsed.version === 4 ? 1n << 32n : 1n << 128n;
  if (parsed.value < 0n || parsed.value >= max) fail(`value ${parsed.value} out of range`);
  const canonical = formatIp(parsed);
  const again = parseIp(canonical);
  if (!same(again, parsed)) fail(`formatted as ${canonical}, which parses to ${String(again?.value)}`);
  if (again !== undefined && formatIp(again) !== canonical)
    fail(`${canonical} is not a fixed point of formatIp`);
}

describe(`ip fuzz (seed ${SEED})`, () => {
  it('ensures random and mutated texts never throw, match node:net acceptance and round-trip when parsed', () => {
    const rnd = prng(SEED);
    for (let i = 0; i < 5_000; i++) {
      const len = Math.floor(rnd() * 46);
      let text = '';
      for (let j = 0; j < len; j++) text += pick(rnd, ALPHABET);
      checkText(text);
    }
    for (let i = 0; i < 4_000; i++) {
      const v6 = rnd() < 0.6;
      const value = v6 ? randomV6(rnd) : BigInt(Math.floor(rnd() * 2 ** 32));
      const valid = formatIp({ version: v6 ? 6 : 4, value });
      checkText(valid);
      checkText(valid.toUpperCase());
      checkText(mutate(rnd, valid));
    }
  });

  it('ensures IPv6 formatting matches the WHATWG URL serializer outside ::ffff:0:0/96', () => {
    const rnd = prng(SEED + 1);
    for (let i = 0; i < 3_000; i++) {
      const value = randomV6(rnd);
      if (value >> 32n === 0xffffn) continue;
      const text = formatIp({ version: 6, value });
      expect(`[${text}]`, `seed ${SEED + 1} value ${value.toString(16)}`).toBe(
        new URL(
          `http://[${value
            .toString(16)
            .padStart(32, '0')
            .replace(/(.{4})(?!$)/g, '$1:')}]/`,
        ).hostname,
      );
    }
  });

  it('ensures CidrSet membership equals "some network contains it" for random networks and addresses', () => {
    const rnd = prng(SEED + 2);
    for (let round = 0; round < 40; round++) {
      const anchors = Array.from({ length: 4 }, () =>
        rnd() < 0.5
          ? { version: 4 as const, value: BigInt(Math.floor(rnd() * 2 ** 32)) }
          : { version: 6 as const, value: randomV6(rnd) },
      );
      const cidrs: Cidr[] = [];
      for (let n = 0; n < 1 + Math.floor(rnd() * 12); n++) {
        const anchor = pick(rnd, anchors);
        const prefix = Math.floor(rnd() * ((anchor.version === 4 ? 32 : 128) + 1));
        const parsed = parseCidr(`${formatIp(anchor)}/${prefix}`);
        if (parsed === undefined)
          throw new Error(`seed ${SEED + 2}: ${formatIp(anchor)}/${prefix} did not parse`);
        cidrs.push(parsed);
      }
      const set = new CidrSet(cidrs);
      for (let k = 0; k < 50; k++) {
        const anchor = pick(rnd, anchors);
        const bits = anchor.version === 4 ? 32 : 128;
        // flip one random low bit of an anchor, so addresses land on both sides of network edges
        const flip = 1n << BigInt(Math.floor(rnd() * bits));
        const ip = { version: anchor.version, value: rnd() < 0.3 ? anchor.value : anchor.value ^ flip };
        const expected = cidrs.some((c) => cidrContains(c, ip));
        const context = `seed ${SEED + 2} round ${round} ip ${formatIp(ip)} in ${cidrs.length} networks`;
        expect(set.contains(ip), context).toBe(expected);
        expect(set.containsText(formatIp(ip)), context).toBe(expected);
      }
    }
  });
});
