import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseLookupTable } from '../../../../src/actors/nodes/ep/rules/lookup-table.js';
import { RulesFileError } from '../../../../src/actors/nodes/rules-errors.js';
import { enhance, tempDir, type TempDir } from './harness.js';

const APN_TABLE =
  'apn,tariffClass,operator,comment\ninternet,B,telia,"plain, data"\nims,A,telia,\n42,N,num,\n';

let tmp: TempDir;
beforeEach(async () => {
  tmp = await tempDir();
  await tmp.write('apn.csv', APN_TABLE);
});
afterEach(() => tmp.remove());

const lookup = (extra: Record<string, unknown> = {}) => ({
  lookup: { file: 'apn.csv', key: 'apn', keyColumn: 'apn', columns: ['tariffClass', 'operator'], ...extra },
});

function problems(text: string): string[] {
  try {
    parseLookupTable(text, 'apn.csv', { keyColumn: 'apn', columns: ['tariffClass'], delimiter: ',' });
  } catch (err) {
    if (err instanceof RulesFileError) return err.message.split('\n');
    throw err;
  }
  throw new Error('the table was accepted');
}

describe('enhance-ep lookup rule', () => {
  it('ensures a hit copies the listed columns under their names and a miss leaves the record as it is', async () => {
    const out = await enhance([lookup()], [{ apn: 'internet' }, { apn: 'mms' }, { imsi: '1' }], tmp.dir);
    expect(out.emitted).toEqual([
      { apn: 'internet', tariffClass: 'B', operator: 'telia' },
      { apn: 'mms' },
      { imsi: '1' },
    ]);
  });

  it('ensures numeric keys are matched by their text', async () => {
    const out = await enhance([lookup()], [{ apn: 42 }, { apn: 42n }], tmp.dir);
    expect(out.emitted).toEqual([
      { apn: 42, tariffClass: 'N', operator: 'num' },
      { apn: 42n, tariffClass: 'N', operator: 'num' },
    ]);
  });

  it('ensures onMissing filter counts the dropped records and quarantine keeps them with the key', async () => {
    const filtered = await enhance(
      [lookup({ onMissing: 'filter' })],
      [{ apn: 'x' }, { apn: 'ims' }],
      tmp.dir,
    );
    expect(filtered.emitted).toEqual([{ apn: 'ims', tariffClass: 'A', operator: 'telia' }]);
    expect(filtered.counts.filtered).toBe(1);

    const kept = await enhance([lookup({ onMissing: 'quarantine' })], [{ apn: 'x' }, {}], tmp.dir);
    expect(kept.emitted).toEqual([]);
    expect(kept.quarantined.map((q) => [q.reason, q.detail])).toEqual([
      ['lookup_missing', { rule: 0, attribute: 'apn', key: 'x' }],
      ['lookup_missing', { rule: 0, attribute: 'apn', key: null }],
    ]);
  });

  it('ensures another delimiter and a key column other than the first work', async () => {
    await tmp.write('t.csv', 'operator;apn\ntelia;internet\n');
    const out = await enhance(
      [{ lookup: { file: 't.csv', key: 'apn', keyColumn: 'apn', columns: ['operator'], delimiter: ';' } }],
      [{ apn: 'internet' }],
      tmp.dir,
    );
    expect(out.emitted).toEqual([{ apn: 'internet', operator: 'telia' }]);
  });
});

describe('lookup table checks', () => {
  it('ensures an empty file and a header without the named columns are reported', () => {
    expect(problems('\n\n')).toEqual([
      'apn.csv: expected a header row naming the columns, got an empty file',
    ]);
    expect(problems('key,tariff\n')).toEqual([
      'apn.csv:1: header has no column "apn" (columns: key, tariff)',
      'apn.csv:1: header has no column "tariffClass" (columns: key, tariff)',
    ]);
  });

  it('ensures wrong field counts, repeated keys and broken quoting are reported with their lines', () => {
    expect(problems('apn,tariffClass\na,1\nb\na,2\n"c,3\nd,4,5\n')).toEqual([
      'apn.csv:3: expected 2 fields like the header, got 1',
      'apn.csv:4: key "a" repeats the row on line 2',
      expect.stringMatching(/^apn\.csv:5: not a CSV line: .*unterminated_quote/),
      'apn.csv:6: expected 2 fields like the header, got 3',
    ]);
  });
});
