/**
 * Quarantine replay for the file EI: the quarantined lines go back as a new file in the input
 * directory (written aside as a hidden file, then renamed in), named so that `pattern` picks it up,
 * with the header line first when the files have one.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatCsvLine } from '../../../protocols/csv/csv.js';
import { FileEiError } from './errors.js';
import { delimiterOf, hasHeader, type FileEiSettings } from './file-ei-settings.js';

/** A file name `pattern` matches: its first `*` becomes `stem`, other `*` nothing, each `?` a 0. */
export function replayFileName(pattern: string, stem: string): string {
  const star = pattern.indexOf('*');
  if (star < 0) {
    throw new FileEiError(
      'replay_pattern',
      `quarantine replay needs a pattern with "*" to name a new input file, got ${JSON.stringify(pattern)}`,
    );
  }
  const fill = (part: string): string => part.replaceAll('*', '').replaceAll('?', '0');
  return fill(pattern.slice(0, star)) + stem + fill(pattern.slice(star + 1));
}

export async function replayLines(s: FileEiSettings, raws: readonly Uint8Array[]): Promise<string> {
  const decoder = new TextDecoder();
  const lines = raws.map((r) => decoder.decode(r));
  if (hasHeader(s)) {
    lines.unshift(
      formatCsvLine(
        s.rules.map((r) => r.field ?? r.name),
        delimiterOf(s),
      ),
    );
  }
  const name = replayFileName(s.pattern, `replay-${new Date().toISOString().replace(/[:.]/g, '')}`);
  const tmp = join(s.inputDir, `.${name}.part`);
  await mkdir(s.inputDir, { recursive: true });
  await writeFile(tmp, `${lines.join('\n')}\n`);
  await rename(tmp, join(s.inputDir, name));
  return join(s.inputDir, name);
}
