import { afterEach, describe, expect, it } from 'vitest';
import { recorded, type Recorded } from '../../../helpers/handler-context.js';
import { reasons, runAll, stage, type Staged } from './harness.js';

const staged: Staged[] = [];
afterEach(async () => {
  for (const s of staged.splice(0)) await s.cleanup();
});

async function setup(
  content: string,
  settings: Record<string, unknown>,
  opts: { poolThreads?: number; name?: string } = {},
): Promise<Staged> {
  const s = await stage(content, settings, opts);
  staged.push(s);
  return s;
}

const CSV_RULES = {
  rules: [
    { name: 'imsi', required: true },
    { name: 'chargingId', type: 'integer', required: true },
    { name: 'bytes', type: 'bigint' },
  ],
};

const CSV =
  'imsi,chargingId,bytes\r\n' +
  '001,1,10\r\n' +
  '002,x2,20\n' +
  '003,3,\n' +
  `004,${'9'.repeat(1_200_000)},1\n` +
  '"005",5,50\n' +
  '006,6,"60\n' +
  ',7,70\n' +
  '008,8,80';

const FIXED_RULES = {
  format: 'fixed-width',
  rules: [
    { name: 'imsi', start: 1, width: 15, required: true },
    { name: 'chargingId', start: 16, width: 7, type: 'integer', required: true },
    { name: 'ratType', start: 23, width: 1, type: 'enum', values: { '1': 'utran', '6': 'eutran' } },
    { name: 'apn', start: 24, width: 10 },
  ],
};

//                 imsi(15)       id(7)  r apn(10)
const FIXED =
  '262010000000001     1 6internet  \r\n' +
  '262010000000002    x2 6internet  \n' +
  '262010000000003     3 1\n' + // ends before the optional apn: null
  '26201000000\n' + // ends inside the required imsi: short_line
  '\n' + // empty lines are skipped
  `262010000000005${' '.repeat(1_200_000)}\n` +
  '262010000000006     6 9ims       \n' +
  '262010000000007     7 6 ims  x   \n' +
  '262010000000008      8';

const FORMATS = [
  {
    format: 'delimited',
    content: CSV,
    settings: CSV_RULES,
    emitted: [
      { imsi: '001', chargingId: 1, bytes: 10n },
      { imsi: '003', chargingId: 3, bytes: null },
      { imsi: '005', chargingId: 5, bytes: 50n },
      { imsi: '008', chargingId: 8, bytes: 80n },
    ],
    quarantined: [
      ['bad_integer', 3],
      ['line_too_long', 5],
      ['unterminated_quote', 7],
      ['missing_value', 8],
    ],
    created: 8,
  },
  {
    format: 'fixed-width',
    content: FIXED,
    settings: FIXED_RULES,
    emitted: [
      { imsi: '262010000000001', chargingId: 1, ratType: 'eutran', apn: 'internet' },
      { imsi: '262010000000003', chargingId: 3, ratType: 'utran', apn: '' },
      { imsi: '262010000000007', chargingId: 7, ratType: 'eutran', apn: 'ims  x' },
      { imsi: '262010000000008', chargingId: 8, ratType: null, apn: '' },
    ],
    quarantined: [
      ['bad_integer', 2],
      ['short_line', 4],
      ['line_too_long', 6],
      ['bad_enum', 7],
    ],
    created: 8,
  },
] as const;

describe.each([
  { mode: 'inline', threads: 0 },
  { mode: 'with a piscina thread', threads: 1 },
])('file-ei handler ($mode)', ({ threads }) => {
  describe.each(FORMATS)('$format lines', (f) => {
    it('ensures every line is either emitted typed or quarantined with file, line and reason, and the file is read in slices', async () => {
      const s = await setup(f.content, { ...f.settings, linesPerSlice: 2 }, { poolThreads: threads });
      const out: Recorded = recorded();
      expect(await runAll(s, s.handler(), out, 3)).toBe(false);
      expect(await runAll(s, s.handler(), recorded())).toBe(true);
      const full: Recorded = recorded();
      await runAll(s, s.handler(), full);
      expect(full.emitted).toEqual(f.emitted);
      expect(reasons(full)).toEqual(f.quarantined);
      expect(full.quarantined.every((q) => q.detail?.['file'] === 'a.csv')).toBe(true);
      expect(full.counts.created).toBe(f.created);
    });

    it('ensures a handler restored from a snapshot taken between slices produces exactly the rest of the output', async () => {
      const s = await setup(f.content, { ...f.settings, linesPerSlice: 2 }, { poolThreads: threads });
      const full: Recorded = recorded();
      await runAll(s, s.handler(), full);
      let cuts = 0;
      for (let cut = 1; ; cut++) {
        const first: Recorded = recorded();
        const h1 = s.handler();
        if (await runAll(s, h1, first, cut)) break; // the entry was done: the runtime moves on
        cuts++;
        const h2 = s.handler();
        await h2.init(structuredClone(h1.snapshot()));
        const rest: Recorded = recorded();
        await runAll(s, h2, rest);
        expect([...first.emitted, ...rest.emitted], `cut after ${cut} slices`).toEqual(full.emitted);
        expect([...reasons(first), ...reasons(rest)]).toEqual(reasons(full));
      }
      expect(cuts).toBeGreaterThanOrEqual(3);
    });
  });
});

describe('file-ei field mapping', () => {
  it('ensures header fields are found by their names whatever their order, and unnamed ones are ignored', async () => {
    const s = await setup('X,BYTES,IMSI\nq,10,001\nr,20,002\n', {
      rules: [
        { name: 'imsi', field: 'IMSI', required: true },
        { name: 'uplinkBytes', field: 'BYTES', type: 'bigint' },
      ],
    });
    const out = recorded();
    await runAll(s, s.handler(), out);
    expect(out.emitted).toEqual([
      { imsi: '001', uplinkBytes: 10n },
      { imsi: '002', uplinkBytes: 20n },
    ]);
  });

  it('ensures a header without a configured field quarantines every line of that file as header_mismatch', async () => {
    const s = await setup('imsi,other\n001,1\n002,2\n', CSV_RULES);
    const out = recorded();
    await runAll(s, s.handler(), out);
    expect(out.emitted).toEqual([]);
    expect(reasons(out)).toEqual([
      ['header_mismatch', 2],
      ['header_mismatch', 3],
    ]);
  });

  it('ensures headerless delimited lines take fields in rule order and a wrong field count is quarantined', async () => {
    const s = await setup('001;1;10\n002;2\n003;3;30;x\n004;4;40\n', {
      ...CSV_RULES,
      header: false,
      delimiter: ';',
    });
    const out = recorded();
    await runAll(s, s.handler(), out);
    expect(out.emitted).toEqual([
      { imsi: '001', chargingId: 1, bytes: 10n },
      { imsi: '004', chargingId: 4, bytes: 40n },
    ]);
    expect(out.quarantined.map((q) => [q.reason, q.detail?.['line'], q.detail?.['error']])).toEqual([
      ['field_count', 2, 'expected 3 fields, got 2'],
      ['field_count', 3, 'expected 3 fields, got 4'],
    ]);
  });

  it('ensures ip, timestamp and enum fields are normalised, and bad ones are quarantined with their reason code', async () => {
    const s = await setup(
      'ip,t,rat\n' +
        '10.1.2.3,20261124101500,6\n' +
        '2001:DB8:0:0:0:0:0:1,20261124101500,1\n' +
        '10.1.2.300,20261124101500,1\n' +
        '10.1.2.3,20260230101500,1\n' +
        '10.1.2.3,20261124101500,7\n',
      {
        rules: [
          { name: 'servedPdpAddress', field: 'ip', type: 'ip' },
          {
            name: 'recordOpeningTime',
            field: 't',
            type: 'timestamp',
            format: 'YYYYMMDDHHmmss',
            timezone: '+02:00',
          },
          { name: 'ratType', field: 'rat', type: 'enum', values: { '1': 'utran', '6': 'eutran' } },
        ],
      },
    );
    const out = recorded();
    await runAll(s, s.handler(), out);
    expect(out.emitted).toEqual([
      { servedPdpAddress: '10.1.2.3', recordOpeningTime: '2026-11-24T10:15:00+02:00', ratType: 'eutran' },
      { servedPdpAddress: '2001:db8::1', recordOpeningTime: '2026-11-24T10:15:00+02:00', ratType: 'utran' },
    ]);
    expect(reasons(out)).toEqual([
      ['bad_ip', 4],
      ['bad_timestamp', 5],
      ['bad_enum', 6],
    ]);
    expect(out.quarantined[0]?.raw).toBe('10.1.2.300,20261124101500,1');
    expect(out.counts.created).toBe(5);
  });
});
