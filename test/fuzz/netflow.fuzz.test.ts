/**
 * Seeded property: any bytes given to the NetFlow v5, v9 and IPFIX decoders — random, bit-flipped,
 * truncated, or valid messages with edited lengths — either decode (and every decoded record maps to
 * a NAR, every pending set can be retried) or fail with a DecodeError of protocol 'netflow' (v5, v9)
 * or 'ipfix'. Run with and without the templates of the seeds cached. The seed is printed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../src/protocols/errors.js';
import {
  decodeIpfix,
  decodePendingSet,
  decodeV5,
  decodeV9,
  encodeIpfix,
  encodeV5,
  encodeV9,
  flowToNar,
  TemplateCache,
  type FlowMessage,
  type IpfixHeader,
  type V9Header,
} from '../../src/protocols/netflow/index.js';
import { mutateBytes, type Edit } from '../helpers/fuzz-bytes.js';
import { prng } from '../helpers/narflow-process.js';

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
const VECTORS = join(import.meta.dirname, '../vectors/netflow');

function lines(file: string): Uint8Array[] {
  const text = readFileSync(join(VECTORS, file), 'utf8');
  if (file.startsWith('softflowd')) {
    return text
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('#'))
      .map((l) => Uint8Array.from(Buffer.from(l, 'hex')));
  }
  const hex = text
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .join('')
    .replace(/\s+/g, '');
  return [Uint8Array.from(Buffer.from(hex, 'hex'))];
}

function seeds(): Record<5 | 9 | 10, Uint8Array[]> {
  const all = readdirSync(VECTORS)
    .filter((f) => f.endsWith('.hex'))
    .flatMap(lines);
  const out: Record<5 | 9 | 10, Uint8Array[]> = { 5: [], 9: [], 10: [] };
  for (const b of all) {
    const v = ((b[0] as number) << 8) | (b[1] as number);
    if (v === 5 || v === 9 || v === 10) out[v].push(b);
  }
  const vt = {
    templateId: 700,
    scopeFieldCount: 0,
    fields: [
      { id: 8, length: 4 },
      { id: 96, length: 65_535 },
      { id: 15, length: 2, enterprise: 9 },
      { id: 154, length: 8 },
    ],
  };
  out[10].push(
    encodeIpfix({
      exportTime: 1_700_000_000,
      sequence: 1,
      observationDomainId: 3,
      sets: [
        { kind: 'templates', templates: [vt] },
        {
          kind: 'data',
          template: vt,
          records: [
            {
              sourceIPv4Address: '10.0.0.1',
              applicationName: 'x'.repeat(300),
              'e9.15': 'beef',
              flowStartMicroseconds: '2024-01-01T00:00:00.000001Z',
            },
          ],
        },
        { kind: 'withdrawals', templateIds: [701] },
      ],
    }),
  );
  out[9].push(
    encodeV9({
      sysUptime: 5,
      unixSecs: 1_700_000_000,
      sequence: 2,
      sourceId: 0,
      sets: [
        {
          kind: 'options-templates',
          templates: [
            {
              templateId: 300,
              scopeFieldCount: 1,
              fields: [
                { id: 1, length: 4 },
                { id: 34, length: 4 },
              ],
            },
          ],
        },
      ],
    }),
  );
  out[5].push(
    encodeV5({
      sysUptime: 1,
      unixSecs: 2,
      flowSequence: 3,
      records: [{ sourceIPv4Address: '1.2.3.4', flowStartSysUpTime: 0xffffffff }],
    }),
  );
  return out;
}

/** Nudges a 16-bit length-looking field past the header near the truth (set lengths, field lengths, counts). */
const nudgeField =
  (headerBytes: number): Edit =>
  (b, _at, rnd) => {
    const p = headerBytes + 2 * Math.floor((rnd() * Math.max(0, b.length - headerBytes)) / 2);
    if (p + 1 < b.length) {
      const v = (((b[p] as number) << 8) | (b[p + 1] as number)) + Math.floor(rnd() * 9) - 4;
      b[p] = (v >> 8) & 0xff;
      b[p + 1] = v & 0xff;
    }
  };

/** Sets the IPFIX message length to the mutated size, so the set walk is reached. */
const fixIpfixLength: Edit = (b) => {
  if (b.length >= 4) {
    b[2] = (b.length >> 8) & 0xff;
    b[3] = b.length & 0xff;
  }
};

const mutate = (rnd: () => number, input: Uint8Array, headerBytes: number): Uint8Array =>
  mutateBytes(
    rnd,
    input,
    headerBytes === 16 ? [nudgeField(headerBytes), fixIpfixLength] : [nudgeField(headerBytes)],
  );

const describeInput = (v: number, input: Uint8Array): string =>
  `seed ${SEED} v${v} input ${Buffer.from(input).toString('hex')}`;

function checkMessage(
  v: number,
  input: Uint8Array,
  m: FlowMessage<V9Header | IpfixHeader>,
  cache: TemplateCache,
): void {
  const protocol = v === 10 ? 'ipfix' : 'netflow';
  for (const e of m.errors) {
    if (!(e instanceof DecodeError) || e.protocol !== protocol)
      throw new Error(`${describeInput(v, input)}: bad collected error ${String(e)}`);
  }
  for (const r of [...m.records, ...m.optionRecords]) {
    for (const value of Object.values(r.fields)) {
      const t = typeof value;
      if (t !== 'number' && t !== 'bigint' && t !== 'string' && t !== 'boolean') {
        throw new Error(`${describeInput(v, input)}: field value of type ${t}`);
      }
    }
    flowToNar(r, { scaleBySampling: true });
  }
  for (const p of m.pending) decodePendingSet(p, cache);
}

function run(v: 5 | 9 | 10, input: Uint8Array, cache: TemplateCache): void {
  try {
    if (v === 5) {
      for (const r of decodeV5(input, 'fuzz').records) flowToNar(r, { scaleBySampling: true });
    } else if (v === 9) {
      checkMessage(v, input, decodeV9(input, 'fuzz', cache), cache);
    } else {
      checkMessage(v, input, decodeIpfix(input, 'fuzz', cache), cache);
    }
  } catch (err) {
    if (err instanceof DecodeError && err.protocol === (v === 10 ? 'ipfix' : 'netflow')) return;
    throw new Error(`${describeInput(v, input)}: ${String(err)}`, { cause: err });
  }
}

/** A cache that already holds the templates and options state of the valid seeds. */
function warmCache(base: Record<5 | 9 | 10, Uint8Array[]>): TemplateCache {
  const cache = new TemplateCache({ maxTemplatesPerExporter: 64, maxTemplates: 256, maxSamplingEntries: 64 });
  for (const b of base[9]) decodeV9(b, 'fuzz', cache);
  for (const b of base[10]) decodeIpfix(b, 'fuzz', cache);
  return cache;
}

describe(`netflow fuzz (seed ${SEED})`, () => {
  const base = seeds();

  it('ensures the seeds decode cleanly before they are mutated', () => {
    expect(base[5].length).toBeGreaterThan(1);
    expect(base[9].length).toBeGreaterThan(1);
    expect(base[10].length).toBeGreaterThan(5);
    const cache = warmCache(base);
    for (const b of base[10]) expect(decodeIpfix(b, 'fuzz', cache).errors).toEqual([]);
  });

  it('ensures mutated v5, v9 and IPFIX messages decode or fail with a DecodeError, with and without templates', () => {
    const rnd = prng(SEED);
    const warm = warmCache(base);
    for (let i = 0; i < 12_000; i++) {
      const v = ([5, 9, 10] as const)[Math.floor(rnd() * 3)] as 5 | 9 | 10;
      const list = base[v];
      const input = mutate(
        rnd,
        list[Math.floor(rnd() * list.length)] as Uint8Array,
        v === 10 ? 16 : v === 9 ? 20 : 24,
      );
      run(v, input, i % 2 === 0 ? warm : new TemplateCache());
    }
  });

  it('ensures random bytes with a plausible header decode or fail with a DecodeError', () => {
    const rnd = prng(SEED + 1);
    const warm = warmCache(base);
    for (let i = 0; i < 8000; i++) {
      const v = ([5, 9, 10] as const)[i % 3] as 5 | 9 | 10;
      const input = Uint8Array.from({ length: Math.floor(rnd() * 160) }, () => Math.floor(rnd() * 256));
      if (input.length >= 4 && rnd() < 0.8) {
        input[0] = 0;
        input[1] = v;
        if (v === 10) {
          input[2] = (input.length >> 8) & 0xff;
          input[3] = input.length & 0xff;
        } else if (v === 5) {
          input[2] = 0;
          input[3] = Math.floor(rnd() * 3);
        }
      }
      run(v, input, rnd() < 0.5 ? warm : new TemplateCache());
    }
  });
});
