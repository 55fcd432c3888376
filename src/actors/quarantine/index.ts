export { QuarantineWriter, type QuarantineRecovery, type QuarantineWriterOptions } from './store.js';
export { QuarantineReader, compareActorIds, type QuarantineEntry, type QuarantineFilter } from './reader.js';
export { compareEntries, selectForReplay, type ReplaySelection } from './replay.js';
export { entryId, parseEntryId, type QuarantineAppend, type StoredEntry } from './entry.js';
export {
  QUARANTINE_SUFFIX,
  REPLAYED_FILE,
  quarantineFile,
  type QuarantineKey,
  type ScanResult,
  type TailDefect,
} from './format.js';
export {
  QuarantineClosedError,
  QuarantineCorruptError,
  QuarantineFailedError,
  QuarantineUsageError,
  type QuarantineCorruptCode,
  type QuarantineUsageCode,
} from './errors.js';
