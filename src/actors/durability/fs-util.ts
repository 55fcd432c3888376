/** Small file-system helpers shared by the input log and the checkpoint store. All async. */
import { open, type FileHandle } from 'node:fs/promises';

/** Makes creations, renames and removals of entries in `dir` durable. */
export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Creates or truncates `file`, writes `bytes` and makes them durable (fdatasync) before resolving. */
export async function writeFileDurably(file: string, bytes: Uint8Array): Promise<void> {
  const fh = await open(file, 'w');
  try {
    await writeAll(fh, [bytes], 0);
    await fh.datasync();
  } finally {
    await fh.close();
  }
}

/** Writes every byte of `chunks` starting at `position`, continuing after short writes. */
export async function writeAll(
  fh: FileHandle,
  chunks: readonly Uint8Array[],
  position: number,
): Promise<void> {
  let pos = position;
  let rest: Uint8Array[] = chunks.filter((c) => c.length > 0);
  while (rest.length > 0) {
    const { bytesWritten } = await fh.writev(rest, pos);
    if (bytesWritten <= 0) throw new Error(`write at offset ${pos} made no progress; expected bytes written`);
    pos += bytesWritten;
    let skip = bytesWritten;
    let i = 0;
    while (i < rest.length && skip >= (rest[i]?.length ?? 0)) {
      skip -= rest[i]?.length ?? 0;
      i += 1;
    }
    rest = rest.slice(i);
    const head = rest[0];
    if (head !== undefined && skip > 0) rest[0] = head.subarray(skip);
  }
}

/** Fills `target[0, length)` from `position`; throws when the file ends first. */
export async function readFully(
  fh: FileHandle,
  target: Uint8Array,
  length: number,
  position: number,
  file: string,
): Promise<void> {
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(target, got, length - got, position + got);
    if (bytesRead === 0) {
      throw new Error(`${file} ended at offset ${position + got}; expected ${length - got} more bytes`);
    }
    got += bytesRead;
  }
}

export function isErrno(err: unknown, code: string): boolean {
  return err instanceof Error && (err as NodeJS.ErrnoException).code === code;
}
