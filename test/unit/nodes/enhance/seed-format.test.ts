import { describe, expect, it } from 'vitest';
import { parseSeedRulesFile } from '../../../../src/actors/nodes/ep/rules/seed-format.js';
import { enhanceSettings } from '../../../../src/actors/nodes/ep/rules/schema.js';
import { RulesFileError } from '../../../../src/actors/nodes/rules-errors.js';

function problems(text: string): string[] {
  try {
    parseSeedRulesFile(text, 'ipgroup.conf');
  } catch (err) {
    if (err instanceof RulesFileError) return err.message.split('\n');
    throw err;
  }
  throw new Error('accepted');
}

describe("the seed's IP-to-group rules file", () => {
  it('ensures the four keys become one ipGroup rule the settings schema accepts', () => {
    const rules = parseSeedRulesFile(
      '# IP to group\nSourceFieldId\tsrcIp\n\nDestinationFieldId   group   # the group id\r\nDestinationFieldType string\nTableFile tables/ipgroups.txt\n',
      'ipgroup.conf',
    );
    expect(rules).toEqual([
      { ipGroup: { table: 'tables/ipgroups.txt', source: 'srcIp', destination: 'group', type: 'string' } },
    ]);
    expect(enhanceSettings.parse({ rules }).rules[0]?.ipGroup?.onMissing).toBe('keep');
  });

  it('ensures unknown keys, repeated keys, missing values and bad values are reported by line', () => {
    expect(
      problems(
        [
          'SourceFieldId srcIp',
          'sourcefieldid srcIp',
          'SourceFieldId dstIp',
          'DestinationFieldId',
          'DestinationFieldType float',
          'TableFile a b',
          'DestinationFieldId 9group',
        ].join('\n'),
      ),
    ).toEqual([
      'ipgroup.conf:2: unknown key "sourcefieldid" (expected one of: SourceFieldId, DestinationFieldId, DestinationFieldType, TableFile)',
      'ipgroup.conf:3: SourceFieldId is given twice (also on line 1)',
      'ipgroup.conf:4: DestinationFieldId: expected one value, got 0',
      'ipgroup.conf:5: DestinationFieldType: expected integer or string, got "float"',
      'ipgroup.conf:6: TableFile: expected one value, got 2',
      'ipgroup.conf:7: DestinationFieldId: expected an attribute name (letters, digits, _), got "9group"',
      'ipgroup.conf: TableFile is missing',
    ]);
  });

  it('ensures an empty file names every missing key', () => {
    expect(problems('# nothing\n')).toEqual([
      'ipgroup.conf: SourceFieldId is missing',
      'ipgroup.conf: DestinationFieldId is missing',
      'ipgroup.conf: DestinationFieldType is missing',
      'ipgroup.conf: TableFile is missing',
    ]);
  });
});
