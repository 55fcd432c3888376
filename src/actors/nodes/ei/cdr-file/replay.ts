/**
 * Quarantine replay for the CDR file EI: the quarantined raws go back into the input directory as
 * TS 32.297 files (written aside as hidden files, then renamed in), named so that `pattern` picks
 * them up. What a raw is decides where it goes:
 * - a whole file that now decodes: its CDRs, with their CDR headers, go into the new file;
 * - a raw that can be a BER CDR (at most 65,535 octets, first octet a context-specific constructed
 *   tag, as every GPRSRecord choice is): one CDR of the new file (format BER, TS 32.251);
 * - anything else (a file whose header did not decode): written back unchanged as a file of its own,
 *   to be tried again (a file picked up while it was still being written decodes now).
 * A file of at least 2.5 GiB would start like a BER CDR, so no quarantined file is taken for one.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DATA_RECORD_FORMAT,
  decodeCdrFile,
  encodeCdrFile,
  MAX_CDR_BYTES,
  NODE_ADDRESS_BYTES,
  TS_NUMBER_PS_DOMAIN,
  type CdrHeader,
} from '../../../../protocols/cdr/file.js';
import { DecodeError } from '../../../../protocols/errors.js';
import { replayFileName } from '../file-replay.js';
import type { CdrFileEiSettings } from './settings.js';

/** The CDR header a bare replayed CDR gets: Rel-8 (identifier 5), BER, TS 32.251. */
export const REPLAY_CDR_HEADER: CdrHeader = {
  releaseIdentifier: 5,
  versionIdentifier: 0,
  dataRecordFormat: DATA_RECORD_FORMAT.ber,
  tsNumber: TS_NUMBER_PS_DOMAIN,
};

/** Replayed raws sorted into one new file's CDRs and files written back as they are. */
export interface ReplayPlan {
  readonly cdrs: { header: CdrHeader; bytes: Uint8Array }[];
  readonly files: Uint8Array[];
}

export function planReplay(raws: readonly Uint8Array[]): ReplayPlan {
  const plan: ReplayPlan = { cdrs: [], files: [] };
  for (const raw of raws) {
    let whole: ReturnType<typeof decodeCdrFile> | undefined;
    try {
      whole = decodeCdrFile(raw);
    } catch (err) {
      if (!(err instanceof DecodeError)) throw err;
    }
    if (whole !== undefined) {
      for (const c of whole.cdrs) plan.cdrs.push({ header: c.header, bytes: c.bytes });
    } else if (raw.length > 0 && raw.length <= MAX_CDR_BYTES && ((raw[0] as number) & 0xe0) === 0xa0) {
      plan.cdrs.push({ header: REPLAY_CDR_HEADER, bytes: raw });
    } else {
      plan.files.push(raw);
    }
  }
  return plan;
}

/** The header of a file the replay builds: no timestamps, node address unset (all 0xFF). */
function replayFile(cdrs: ReplayPlan['cdrs']): Uint8Array {
  return encodeCdrFile(
    {
      highRelease: { releaseIdentifier: 5, versionIdentifier: 0 },
      lowRelease: { releaseIdentifier: 5, versionIdentifier: 0 },
      openingTime: null,
      lastCdrAppendTime: null,
      fileSequenceNumber: 0,
      closureTriggerReason: 4, // closed by manual intervention
      nodeAddress: new Uint8Array(NODE_ADDRESS_BYTES).fill(0xff),
      lostCdrIndicator: 0,
      routingFilter: new Uint8Array(0),
      privateExtension: new Uint8Array(0),
    },
    cdrs,
  );
}

/** Writes the replay files into the input directory; returns where they went. */
export async function replayCdrFiles(s: CdrFileEiSettings, raws: readonly Uint8Array[]): Promise<string> {
  const plan = planReplay(raws);
  const stamp = `replay-${new Date().toISOString().replace(/[:.]/g, '')}`;
  const out: Array<[string, Uint8Array]> = [];
  if (plan.cdrs.length > 0) out.push([replayFileName(s.pattern, stamp), replayFile(plan.cdrs)]);
  plan.files.forEach((f, i) => out.push([replayFileName(s.pattern, `${stamp}-${i + 1}`), f]));
  await mkdir(s.inputDir, { recursive: true });
  for (const [name, bytes] of out) {
    const tmp = join(s.inputDir, `.${name}.part`);
    await writeFile(tmp, bytes);
    await rename(tmp, join(s.inputDir, name));
  }
  return out.length === 1
    ? join(s.inputDir, (out[0] as [string, Uint8Array])[0])
    : `${out.length} files in ${s.inputDir}`;
}
