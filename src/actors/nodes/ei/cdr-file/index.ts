/**
 * `cdr-file-ei`: collects TS 32.297 CDR files from a directory (picked up like `file-ei` does: logged,
 * staged, released after a checkpoint). Each CDR (TS 32.298, BER) becomes one NAR with `cdrFile` and
 * `cdrIndex`; CDRs that do not decode, and files whose header does not, go to the quarantine. See
 * handler.ts (reading in slices) and replay.ts (quarantine replay).
 */
import type { NodeType } from '../../registry.js';
import { FilePickup } from '../file-pickup.js';
import { CdrFileEiHandler } from './handler.js';
import { replayCdrFiles } from './replay.js';
import { cdrFileEiSettings, type CdrFileEiSettings } from './settings.js';

export { cdrFileEiSettings, type CdrFileEiSettings } from './settings.js';

export const cdrFileEi: NodeType<CdrFileEiSettings> = {
  name: 'cdr-file-ei',
  kind: 'EI',
  description:
    'collects TS 32.297 CDR files from a directory; decodes TS 32.298 CDRs into NARs; bad CDRs and files go to the quarantine',
  settings: cdrFileEiSettings,
  checkpoint: 'periodic',
  create: (s, env) => new CdrFileEiHandler(s, env.actorDir),
  ingest: (s, env) => new FilePickup(s, env.actorDir),
  replay: (s, raws) => replayCdrFiles(s, raws),
};
