import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fileOi, fileOiSettings } from '../../../../src/actors/nodes/oi/file-oi.js';
import { resolveFileOi } from '../../../../src/actors/nodes/oi/file-oi-settings.js';
import type { NodeHandler } from '../../../../src/actors/runtime/actor.js';
import { encodeBatch } from '../../../../src/protocols/nar/batch.js';
import type { Nar } from '../../../../src/protocols/nar/nar.js';
import { readPackedBatch } from '../../../../src/protocols/nar/packed-batch.js';
import { nodeEnv, recorded, recordingContext, type Recorded } from '../../../helpers/handler-context.js';

const dirs: string[] = [];
const handlers: NodeHandler[] = [];
afterEach(async () => {
  for (const h of handlers.splice(0)) await h.terminate?.('shutdown');
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

/** 2026-11-24T10:15:00Z */
const T0 = Date.UTC(2026, 10, 24, 10, 15, 0);

interface Sink {
  readonly dir: string;
  readonly out: Recorded;
  readonly h: NodeHandler;
  batch(records: Nar[]): Promise<void>;
  tick(ms: number): Promise<void>;
  /** Committed files (name → content), in name order; hidden temp files are left out. */
  files(): Promise<Array<[string, string]>>;
}

/**
 * How batches reach the handler: as NAR objects (`handleBatch`), or as the packed batch the runtime
 * hands a CSV sink (`handlePackedBatch`, the batch encoded and read back in place).
 */
type Delivery = 'objects' | 'packed';

async function sinkOf(
  settings: Record<string, unknown>,
  dir?: string,
  delivery: Delivery = 'objects',
): Promise<Sink> {
  const d = dir ?? (await mkdtemp(join(tmpdir(), 'narflow-oi-')));
  if (dir === undefined) dirs.push(d);
  const s = fileOiSettings.parse({ dir: d, ...settings });
  const h = fileOi.create(s, nodeEnv(d, { nodeId: 'deliver', partition: 3 }));
  handlers.push(h);
  const out = recorded();
  const ctx = recordingContext(out, 1, { nodeId: 'deliver', partition: 3, actorDir: d });
  return {
    dir: d,
    out,
    h,
    batch: async (records) => {
      out.counts.in += records.length;
      if (delivery === 'packed') {
        const packed = readPackedBatch(encodeBatch('test', 1, records));
        if (packed === undefined || h.handlePackedBatch === undefined) throw new Error('no packed delivery');
        await h.handlePackedBatch(packed, ctx);
        return;
      }
      await h.handleBatch(
        records.map((r) => ({ ...r })),
        ctx,
      );
    },
    tick: async (ms) => {
      await h.handleTick(ms, ctx);
    },
    files: async () => {
      const names = (await readdir(d)).filter((n) => !n.startsWith('.')).sort();
      return Promise.all(
        names.map(async (n): Promise<[string, string]> => [n, await readFile(join(d, n), 'utf8')]),
      );
    },
  };
}

const CSV_RULES = [
  { column: 'IMSI', attribute: 'imsi' },
  { column: 'BYTES', attribute: 'uplinkBytes' },
  { attribute: 'apn' },
];

describe.each<Delivery>(['objects', 'packed'])('file-oi csv (%s)', (delivery) => {
  const sink = (settings: Record<string, unknown>): Promise<Sink> => sinkOf(settings, undefined, delivery);

  it('ensures rows are written with a header, quoted where needed, and committed under the templated name', async () => {
    const o = await sink({ rules: CSV_RULES });
    await o.tick(T0);
    await o.batch([
      { imsi: '001', uplinkBytes: 10n, apn: 'internet' },
      { imsi: '002', uplinkBytes: null, apn: 'a,"b"' },
      { imsi: '003', apn: 'line\nbreak' },
    ]);
    expect(await o.files()).toEqual([]);
    expect(o.h.held()).toBe(3);
    await o.h.drain?.(recordingContext(o.out, 1, { nodeId: 'deliver', partition: 3, actorDir: o.dir }));
    expect(await o.files()).toEqual([
      [
        'deliver-3-20261124101500-00000001.csv',
        'IMSI,BYTES,apn\n001,10,internet\n002,,"a,""b"""\n003,,"line\nbreak"\n',
      ],
    ]);
    expect([o.h.held(), o.out.counts.out, o.out.checkpointRequests]).toEqual([0, 3, 1]);
  });

  it('ensures a custom delimiter and no header are honoured', async () => {
    const o = await sink({ rules: CSV_RULES, delimiter: ';', header: false, rollRecords: 1 });
    await o.batch([{ imsi: '001', uplinkBytes: 1n, apn: 'a;b' }]);
    expect(await o.files()).toEqual([['deliver-3-19700101000000-00000001.csv', '001;1;"a;b"\n']]);
  });
});

describe('file-oi fixed-width', () => {
  const sink = (settings: Record<string, unknown>): Promise<Sink> => sinkOf(settings);
  const RULES = [
    { column: 'IMSI', attribute: 'imsi', width: 15 },
    { column: 'BYTES', attribute: 'uplinkBytes', width: 8, align: 'right', pad: '0' },
    { column: 'OK', attribute: 'ok', width: 5 },
  ];

  it('ensures values are padded and aligned to their widths, and null is all padding', async () => {
    const o = await sink({ format: 'fixed-width', rules: RULES, rollRecords: 2 });
    await o.batch([
      { imsi: '262010000000001', uplinkBytes: 1234n, ok: true },
      { imsi: '2620', uplinkBytes: null, ok: null },
    ]);
    expect(await o.files()).toEqual([
      [
        'deliver-3-19700101000000-00000001.dat',
        '26201000000000100001234true \n' + '2620           00000000     \n',
      ],
    ]);
  });

  it('ensures a value wider than its column, or with a line break, sends the record to the quarantine and the rest are written', async () => {
    const o = await sink({ format: 'fixed-width', rules: RULES, rollRecords: 1 });
    await o.batch([
      { imsi: '2620100000000011', uplinkBytes: 1n, ok: true },
      { imsi: '262010000000002', uplinkBytes: 123456789n, ok: true },
      { imsi: 'a\nb', uplinkBytes: 1n, ok: true },
      { imsi: '262010000000004', uplinkBytes: 4n, ok: false },
    ]);
    expect(
      o.out.quarantined.map((q) => [
        q.reason,
        q.detail?.['column'],
        q.detail?.['width'],
        q.detail?.['length'],
      ]),
    ).toEqual([
      ['value_too_wide', 'IMSI', 15, 16],
      ['value_too_wide', 'BYTES', 8, 9],
      ['value_has_line_break', 'IMSI', 15, 3],
    ]);
    expect(o.out.quarantined[1]?.raw).toBe('{"imsi":"262010000000002","uplinkBytes":"123456789","ok":true}');
    expect(await o.files()).toEqual([
      ['deliver-3-19700101000000-00000001.dat', '26201000000000400000004false\n'],
    ]);
    expect(o.out.counts.in).toBe(o.out.counts.out + o.out.counts.quarantined + o.h.held());
  });
});

describe.each<Delivery>(['objects', 'packed'])('file-oi rolling and names (%s)', (delivery) => {
  const sink = (settings: Record<string, unknown>): Promise<Sink> => sinkOf(settings, undefined, delivery);
  const rec = (i: number): Nar => ({ imsi: `00${i}`, uplinkBytes: BigInt(i), apn: 'x' });

  it('ensures a file is committed at the end of the batch that reaches rollRecords', async () => {
    const o = await sink({ rules: CSV_RULES, rollRecords: 3, header: false });
    await o.batch([rec(1), rec(2)]);
    expect(await o.files()).toHaveLength(0);
    await o.batch([rec(3), rec(4)]);
    await o.batch([rec(5)]);
    expect((await o.files()).map(([n, c]) => [n.slice(-12), c.split('\n').length - 1])).toEqual([
      ['00000001.csv', 4],
    ]);
    expect(o.h.held()).toBe(1);
  });

  it('ensures a file is committed at the end of the batch that reaches rollBytes, header included', async () => {
    // Header "IMSI,BYTES,apn\n" is 15 bytes; each row "00i,i,x\n" 8 bytes.
    const o = await sink({ rules: CSV_RULES, rollBytes: 32 });
    await o.batch([rec(1)]);
    await o.batch([rec(2)]);
    expect(await o.files()).toHaveLength(0);
    await o.batch([rec(3)]);
    expect((await o.files()).map(([, c]) => Buffer.byteLength(c))).toEqual([39]);
  });

  it('ensures a file is committed on the first tick rollIntervalMs after it was opened, in tick time', async () => {
    const o = await sink({ rules: CSV_RULES, rollIntervalMs: 1000 });
    await o.tick(T0);
    await o.batch([rec(1)]);
    await o.tick(T0 + 999);
    expect(await o.files()).toHaveLength(0);
    await o.tick(T0 + 1000);
    expect((await o.files()).map(([n]) => n)).toEqual(['deliver-3-20261124101500-00000001.csv']);
    await o.tick(T0 + 5000);
    await o.batch([rec(2)]);
    await o.tick(T0 + 6000);
    expect((await o.files()).map(([n]) => n)).toEqual([
      'deliver-3-20261124101500-00000001.csv',
      'deliver-3-20261124101505-00000002.csv',
    ]);
  });

  it('ensures the file name template takes {node} {partition} {time} {seq} and the open file time is in the snapshot', async () => {
    const o = await sink({
      rules: CSV_RULES,
      fileName: 'usage_{seq}.{node}.p{partition}.{time}.txt',
      rollRecords: 2,
    });
    await o.tick(T0);
    await o.batch([rec(1)]);
    expect(o.h.snapshot()).toEqual({ fileSeq: 1, lastTick: T0, openedAt: T0 });
    await o.tick(T0 + 7000);
    await o.batch([rec(2)]);
    expect(o.h.snapshot()).toEqual({ fileSeq: 2, lastTick: T0 + 7000, openedAt: null });
    expect((await o.files()).map(([n]) => n)).toEqual(['usage_00000001.deliver.p3.20261124101500.txt']);
  });
});

describe('file-oi settings', () => {
  function problems(settings: Record<string, unknown>): string[] {
    const r = fileOiSettings.safeParse({ dir: '/out', ...settings });
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  }

  it('ensures the file name must contain {seq}, only known tokens and file-name characters, and not start with a dot', () => {
    const rules = [{ attribute: 'a' }];
    expect(problems({ rules, fileName: '{node}-{time}.csv' })).toEqual([
      'fileName: a name with {seq} (it keeps names unique)',
    ]);
    expect(problems({ rules, fileName: '{seq}-{date}.csv' })).toEqual([
      'fileName: "{date}" is not one of {node} {partition} {time} {seq}',
    ]);
    expect(problems({ rules, fileName: 'out/{seq}.csv' })).toEqual([
      'fileName: "/" at position 4 is not allowed (letters, digits, . _ - and tokens)',
    ]);
    expect(problems({ rules, fileName: '{seq' })).toEqual([
      'fileName: "{seq" is not one of {node} {partition} {time} {seq}',
    ]);
    expect(problems({ rules, fileName: '.{seq}' })).toEqual([
      'fileName: a name that does not start with "." (hidden names are temp files)',
    ]);
  });

  it('ensures csv rules take no width, align or pad, and fixed-width rules need a width and take no delimiter or header', () => {
    expect(problems({ rules: [{ attribute: 'a', width: 3, align: 'right', pad: '0' }] })).toEqual([
      'rules.0.width: no width in a csv file',
      'rules.0.align: no align in a csv file',
      'rules.0.pad: no pad in a csv file',
    ]);
    expect(
      problems({ format: 'fixed-width', delimiter: ';', header: true, rules: [{ attribute: 'a' }] }),
    ).toEqual([
      'delimiter: no delimiter in a fixed-width file',
      'header: no header in a fixed-width file',
      'rules.0.width: width on every fixed-width rule',
    ]);
  });

  it('ensures defaults: csv with a comma and a header, .dat names for fixed-width, column names from attributes', () => {
    const c = fileOiSettings.parse({ dir: '/o', rules: [{ attribute: 'imsi' }] });
    expect([c.rollRecords, c.rollBytes, c.rollIntervalMs]).toEqual([100_000, 67_108_864, 60_000]);
    expect(resolveFileOi(c)).toEqual({
      format: 'csv',
      fileName: '{node}-{partition}-{time}-{seq}.csv',
      delimiter: ',',
      header: true,
      columns: [{ column: 'imsi', attribute: 'imsi' }],
    });
    const f = fileOiSettings.parse({
      dir: '/o',
      format: 'fixed-width',
      rules: [{ attribute: 'imsi', width: 15 }],
    });
    expect(resolveFileOi(f)).toEqual({
      format: 'fixed-width',
      fileName: '{node}-{partition}-{time}-{seq}.dat',
      columns: [{ column: 'imsi', attribute: 'imsi', width: 15, align: 'left', pad: ' ' }],
    });
  });

  it('ensures parsed settings are JSON that parses again to the same text (a stored map is validated again)', () => {
    for (const input of [
      { dir: '/o', rules: [{ attribute: 'imsi' }, { column: 'B', attribute: 'bytes' }] },
      {
        dir: '/o',
        format: 'csv',
        delimiter: ';',
        header: false,
        fileName: 'x-{seq}',
        rules: [{ attribute: 'a' }],
      },
      {
        dir: '/o',
        format: 'fixed-width',
        rules: [{ attribute: 'imsi', width: 15, align: 'right', pad: '0' }],
      },
    ]) {
      const once = fileOiSettings.parse(input);
      const json: unknown = JSON.parse(JSON.stringify(once));
      expect(json).toEqual(once);
      // Same keys in the same order: the host compares stored settings as JSON text.
      expect(JSON.stringify(fileOiSettings.parse(json))).toBe(JSON.stringify(once));
    }
  });
});
