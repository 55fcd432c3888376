import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { cdrFileEi, cdrFileEiSettings } from '../../../src/actors/nodes/ei/cdr-file/index.js';
import { planReplay, REPLAY_CDR_HEADER } from '../../../src/actors/nodes/ei/cdr-file/replay.js';
import { WINDOW_BYTES } from '../../../src/actors/nodes/ei/cdr-file/window.js';
import { encodeFileEntry, stagedName, stagingDir } from '../../../src/actors/nodes/ei/file-pickup.js';
import type { NodeHandler } from '../../../src/actors/runtime/actor.js';
import { cdrToNar, decodeCdr } from '../../../src/protocols/cdr/index.js';
import {
  decodeCdrFile,
  encodeCdrFile,
  type CdrFileHeaderInput,
  type CdrHeader,
} from '../../../src/protocols/cdr/file.js';
import { nodeEnv, recorded, recordingContext, type Recorded } from '../../helpers/handler-context.js';
import { vector } from '../../helpers/vectors.js';

const LSN = 9;
const G_CDR = vector('cdr/ggsn-pdp-record.hex');
const SGW_CDR = vector('cdr/sgw-record.hex');
const FILE = vector('cdr-file/two-cdrs-rel15.hex');
const BER: CdrHeader = { releaseIdentifier: 5, versionIdentifier: 3, dataRecordFormat: 1, tsNumber: 7 };
const XER: CdrHeader = { ...BER, dataRecordFormat: 4 };

const HEADER: CdrFileHeaderInput = {
  highRelease: { releaseIdentifier: 5, versionIdentifier: 3 },
  lowRelease: { releaseIdentifier: 5, versionIdentifier: 3 },
  openingTime: { month: 3, day: 14, hour: 9, minute: 26, utcOffset: '+01:00' },
  lastCdrAppendTime: { month: 3, day: 14, hour: 9, minute: 30, utcOffset: '+01:00' },
  fileSequenceNumber: 1,
  closureTriggerReason: 0,
  nodeAddress: new Uint8Array(20).fill(0xff),
  lostCdrIndicator: 0,
  routingFilter: new Uint8Array(0),
  privateExtension: new Uint8Array(0),
};

const nar = (bytes: Uint8Array, file: string, index: number): Record<string, unknown> => ({
  ...cdrToNar(decodeCdr(bytes)),
  cdrFile: file,
  cdrIndex: index,
});

interface Quarantined {
  raw: Uint8Array;
  reason: string;
  detail: Readonly<Record<string, unknown>> | undefined;
}

interface Staged {
  readonly dir: string;
  readonly inputDir: string;
  handler(): NodeHandler;
  /** Calls the handler for the entry until it is done (or `stopAfter` calls); true when done. */
  run(h: NodeHandler, out: Recorded, q?: Quarantined[], stopAfter?: number): Promise<boolean>;
}

const dirs: string[] = [];
const made: NodeHandler[] = [];
afterEach(async () => {
  for (const h of made.splice(0)) await h.terminate?.('shutdown');
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

/** Stages `content` as input file `name` logged at LSN 9 (nothing staged when `content` is undefined). */
async function stage(
  content: Uint8Array | undefined,
  settings: Record<string, unknown> = {},
  name = 'PGW01_-_0042.20260314_-_0926+0100',
): Promise<Staged> {
  const dir = await mkdtemp(join(tmpdir(), 'narflow-cdr-file-'));
  dirs.push(dir);
  const inputDir = join(dir, 'in');
  await mkdir(inputDir);
  await mkdir(stagingDir(dir), { recursive: true });
  if (content !== undefined) await writeFile(join(stagingDir(dir), stagedName(LSN, name)), content);
  const s = cdrFileEiSettings.parse({ inputDir, ...settings });
  const env = nodeEnv(dir, { nodeId: 'cdr-files' });
  const payload = encodeFileEntry({ name, size: content?.length ?? 0 });
  return {
    dir,
    inputDir,
    handler: () => {
      const h = cdrFileEi.create(s, env);
      made.push(h);
      return h;
    },
    run: async (h, out, q = [], stopAfter = Infinity) => {
      for (let calls = 0; calls < stopAfter; calls++) {
        const ctx = recordingContext(out, LSN, { nodeId: 'cdr-files', actorDir: dir });
        const record = ctx.quarantine;
        ctx.quarantine = (raw, reason, detail) => {
          q.push({ raw: typeof raw === 'string' ? Buffer.from(raw) : raw.slice(), reason, detail });
          record(raw, reason, detail);
        };
        if ((await h.handleExternal?.(payload, ctx)) !== 'more') return true;
      }
      return false;
    },
  };
}

const file = (cdrs: { header: CdrHeader; bytes: Uint8Array }[], over: Partial<CdrFileHeaderInput> = {}) =>
  encodeCdrFile({ ...HEADER, ...over }, cdrs);

describe('cdr-file-ei handler', () => {
  it('ensures every CDR of a good file becomes a NAR naming its file and index', async () => {
    const s = await stage(FILE, {}, 'a.dat');
    const out = recorded();
    expect(await s.run(s.handler(), out)).toBe(true);
    expect(out.emitted).toEqual([nar(G_CDR, 'a.dat', 0), nar(SGW_CDR, 'a.dat', 1)]);
    expect(out.quarantined).toEqual([]);
    expect(out.counts.created).toBe(2);
  });

  it('ensures undecodable CDRs and CDRs in formats not decoded are quarantined with their bytes, the others emitted', async () => {
    const broken = G_CDR.subarray(0, 40);
    const s = await stage(
      file([
        { header: BER, bytes: G_CDR },
        { header: BER, bytes: broken },
        { header: XER, bytes: SGW_CDR },
        { header: BER, bytes: SGW_CDR },
      ]),
      { acceptFormats: [1, 4] },
      'b.dat',
    );
    const out = recorded();
    const q: Quarantined[] = [];
    await s.run(s.handler(), out, q);
    expect(out.emitted).toEqual([nar(G_CDR, 'b.dat', 0), nar(SGW_CDR, 'b.dat', 3)]);
    expect(q.map((e) => [e.reason, e.detail?.['file'], e.detail?.['index'], e.detail?.['offset']])).toEqual([
      ['length_exceeds_frame', 'b.dat', 1, 52 + 4 + G_CDR.length],
      ['unsupported_record_format', 'b.dat', 2, 52 + 8 + G_CDR.length + 40],
    ]);
    expect(q[0]?.raw).toEqual(broken);
    expect(q[1]?.raw).toEqual(SGW_CDR);
    expect(out.counts).toMatchObject({ created: 4, quarantined: 2 });
  });

  it('ensures a format that acceptFormats leaves out is quarantined even when it is BER-decodable', async () => {
    const s = await stage(file([{ header: BER, bytes: G_CDR }]), { acceptFormats: [4] });
    const out = recorded();
    await s.run(s.handler(), out);
    expect(out.emitted).toEqual([]);
    expect(out.quarantined.map((e) => e.reason)).toEqual(['unsupported_record_format']);
  });

  it('ensures a file whose header does not decode is quarantined whole, with the decoder code', async () => {
    const good = file([{ header: BER, bytes: G_CDR }]);
    const cases: Array<[Uint8Array, string]> = [
      [file([{ header: BER, bytes: G_CDR }], { fileLength: good.length + 1 }), 'file_length_mismatch'],
      [file([{ header: BER, bytes: G_CDR }], { headerLength: 51 }), 'header_length_mismatch'],
      [good.subarray(0, 30), 'truncated_header'],
    ];
    for (const [bytes, code] of cases) {
      const s = await stage(bytes, {}, 'c.dat');
      const out = recorded();
      const q: Quarantined[] = [];
      expect(await s.run(s.handler(), out, q)).toBe(true);
      expect(out.emitted).toEqual([]);
      expect(q.map((e) => [e.reason, e.detail?.['file']])).toEqual([[code, 'c.dat']]);
      expect(q[0]?.raw).toEqual(bytes);
      expect(out.counts.created).toBe(1);
    }
  });

  it('ensures a last CDR cut off by the end of the file is quarantined with the rest of the file', async () => {
    const whole = file([
      { header: BER, bytes: G_CDR },
      { header: BER, bytes: SGW_CDR },
    ]);
    const cut = whole.slice(0, whole.length - 100);
    new DataView(cut.buffer).setUint32(0, cut.length);
    const s = await stage(cut, {}, 'd.dat');
    const out = recorded();
    const q: Quarantined[] = [];
    await s.run(s.handler(), out, q);
    expect(out.emitted).toEqual([nar(G_CDR, 'd.dat', 0)]);
    expect(q.map((e) => [e.reason, e.detail?.['index'], e.detail?.['offset']])).toEqual([
      ['truncated_cdr', 1, 52 + 4 + G_CDR.length],
    ]);
    expect(q[0]?.raw).toEqual(cut.subarray(52 + 4 + G_CDR.length));
  });

  it('ensures a header stating another number of CDRs is logged as cdr_count_mismatch and its CDRs still emitted', async () => {
    const bytes = file([{ header: BER, bytes: G_CDR }], { numberOfCdrs: 3 });
    const s = await stage(bytes, {}, 'e.dat');
    const lines: string[] = [];
    const log = pino({ level: 'warn' }, { write: (l: string) => void lines.push(l) });
    const out = recorded();
    const ctx = { ...recordingContext(out, LSN, { nodeId: 'cdr-files', actorDir: s.dir }), log };
    expect(
      await s.handler().handleExternal?.(encodeFileEntry({ name: 'e.dat', size: bytes.length }), ctx),
    ).toBe(undefined);
    expect(out.emitted).toEqual([nar(G_CDR, 'e.dat', 0)]);
    expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toMatchObject([
      { file: 'e.dat', stated: 3, found: 1 },
    ]);
  });

  it('ensures a logged file that is gone is quarantined by name as file_vanished', async () => {
    const s = await stage(undefined, {}, 'gone.dat');
    const out = recorded();
    await s.run(s.handler(), out);
    expect(out.quarantined.map((e) => [e.raw, e.reason])).toEqual([['gone.dat', 'file_vanished']]);
  });

  it('ensures a handler restored from a snapshot taken between slices produces exactly the rest of the output', async () => {
    const cdrs = Array.from({ length: 9 }, (_, i) => ({
      header: BER,
      bytes: i === 4 ? G_CDR.subarray(0, 40) : i % 2 === 0 ? G_CDR : SGW_CDR,
    }));
    const s = await stage(file(cdrs), { cdrsPerSlice: 2 });
    const full = recorded();
    expect(await s.run(s.handler(), full)).toBe(true);
    expect(full.emitted.map((n) => n['cdrIndex'])).toEqual([0, 1, 2, 3, 5, 6, 7, 8]);
    let cuts = 0;
    for (let cut = 1; ; cut++) {
      const first = recorded();
      const h1 = s.handler();
      if (await s.run(h1, first, [], cut)) break;
      cuts++;
      const h2 = s.handler();
      await h2.init(structuredClone(h1.snapshot()));
      const rest = recorded();
      expect(await s.run(h2, rest)).toBe(true);
      expect([...first.emitted, ...rest.emitted], `cut after ${cut} slices`).toEqual(full.emitted);
      expect([...first.quarantined, ...rest.quarantined]).toEqual(full.quarantined);
      expect(first.counts.created + rest.counts.created).toBe(9);
    }
    expect(cuts).toBe(4);
  });

  it('ensures a file larger than the read window is read whole, CDRs across window ends included', async () => {
    const n = Math.ceil((2.5 * WINDOW_BYTES) / (4 + SGW_CDR.length));
    const s = await stage(file(Array.from({ length: n }, () => ({ header: BER, bytes: SGW_CDR }))), {
      cdrsPerSlice: 5000,
    });
    const out = recorded();
    let calls = 0;
    const h = s.handler();
    while (!(await s.run(h, out, [], 1))) calls++;
    expect(calls).toBe(Math.ceil(n / 5000) - 1);
    expect(out.emitted).toHaveLength(n);
    expect(out.emitted.every((r, i) => r['cdrIndex'] === i && r['imsi'] === out.emitted[0]?.['imsi'])).toBe(
      true,
    );
    expect(out.quarantined).toEqual([]);
  });
});

describe('cdr-file-ei settings and replay', () => {
  it('ensures settings are strict and defaulted', () => {
    expect(cdrFileEiSettings.parse({ inputDir: '/in' })).toEqual({
      inputDir: '/in',
      pattern: '*',
      pollMs: 500,
      settleMs: 1000,
      cdrsPerSlice: 1000,
      afterRead: 'move',
      acceptFormats: [1],
    });
    expect(cdrFileEiSettings.safeParse({ inputDir: '/in', linesPerSlice: 5 }).success).toBe(false);
    expect(cdrFileEiSettings.safeParse({ inputDir: '/in', acceptFormats: [] }).success).toBe(false);
    expect(cdrFileEiSettings.safeParse({ inputDir: '/in', acceptFormats: [8] }).success).toBe(false);
    expect(cdrFileEiSettings.safeParse({ inputDir: '/in', settleMs: -1 }).success).toBe(false);
  });

  it('ensures quarantined CDRs and files are sorted into one new file of CDRs and files written back unchanged', () => {
    const badHeader = file([{ header: BER, bytes: G_CDR }], { fileLength: 1 });
    const xml = new TextEncoder().encode('<cdr/>');
    const plan = planReplay([badHeader, G_CDR, FILE, xml]);
    expect(plan.cdrs.map((c) => [c.header, c.bytes])).toEqual([
      [REPLAY_CDR_HEADER, G_CDR],
      [decodeCdrFile(FILE).cdrs[0]?.header, G_CDR],
      [decodeCdrFile(FILE).cdrs[1]?.header, SGW_CDR],
    ]);
    expect(plan.files).toEqual([badHeader, xml]);
  });

  it('ensures replayed raws land in the input directory under the pattern and are collected again', async () => {
    const s = await stage(undefined, { pattern: 'PGW*.dat' });
    const badHeader = file([{ header: BER, bytes: G_CDR }], { fileLength: 1 });
    const where = await cdrFileEi.replay?.(
      cdrFileEiSettings.parse({ inputDir: s.inputDir, pattern: 'PGW*.dat' }),
      [G_CDR, badHeader, SGW_CDR],
      { actorDir: s.dir },
      [undefined, undefined, undefined],
    );
    expect(where).toBe(`2 files in ${s.inputDir}`);
    const names = await readdir(s.inputDir);
    expect(names.map((n) => /^PGWreplay-\d{4}-\d\d-\d\dT\d{9}Z(-1)?\.dat$/.test(n))).toEqual([true, true]);
    const asIs = join(s.inputDir, names.find((n) => n.endsWith('-1.dat')) ?? 'none');
    const cdrFile = join(s.inputDir, names.find((n) => !n.endsWith('-1.dat')) ?? 'none');
    expect(new Uint8Array(await readFile(asIs))).toEqual(badHeader);
    const replayed = new Uint8Array(await readFile(cdrFile));
    const again = await stage(replayed, {}, 'r.dat');
    const out = recorded();
    await again.run(again.handler(), out);
    expect(out.emitted).toEqual([nar(G_CDR, 'r.dat', 0), nar(SGW_CDR, 'r.dat', 1)]);
  });
});
