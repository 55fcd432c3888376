/**
 * Quarantine replay spool of the datagram EIs. `narflow quarantine replay` writes the chosen raws as
 * one spool file into `<actor dir>/replay-in/`; the node's ingest picks it up with the file EI's
 * pick-up (logged first, staged by log position, deleted once a checkpoint covers it, so a crash
 * neither loses nor repeats it) and the handler takes each raw again (what a raw is depends on the
 * node: GTP' messages or CDRs, RADIUS or NetFlow datagrams with where they came from). Spool file:
 * per raw, u32 length + bytes.
 */
import { readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FilePickup, stagedName, stagingDir, type FileEntry } from '../file-pickup.js';

export const REPLAY_PATTERN = '*.replay';

export function replayDir(actorDir: string): string {
  return join(actorDir, 'replay-in');
}

export function replayPickup(actorDir: string): FilePickup {
  return new FilePickup(
    {
      inputDir: replayDir(actorDir),
      pattern: REPLAY_PATTERN,
      pollMs: 1000,
      afterRead: 'delete',
      settleMs: 0, // written aside and renamed in whole
    },
    actorDir,
  );
}

export function encodeReplayFile(raws: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const r of raws) n += 4 + r.length;
  const out = new Uint8Array(n);
  const view = new DataView(out.buffer);
  let o = 0;
  for (const r of raws) {
    view.setUint32(o, r.length);
    out.set(r, o + 4);
    o += 4 + r.length;
  }
  return out;
}

export function decodeReplayFile(bytes: Uint8Array): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Uint8Array[] = [];
  for (let o = 0; o < bytes.length;) {
    const len = o + 4 <= bytes.length ? view.getUint32(o) : Infinity;
    if (o + 4 + len > bytes.length) throw new Error(`replay spool file is cut inside raw ${out.length + 1}`);
    out.push(bytes.subarray(o + 4, o + 4 + len));
    o += 4 + len;
  }
  return out;
}

/** Writes the spool file aside, then renames it in; returns where it went. */
export async function writeReplay(actorDir: string, raws: readonly Uint8Array[]): Promise<string> {
  const dir = replayDir(actorDir);
  await mkdir(dir, { recursive: true });
  const name = `replay-${new Date().toISOString().replace(/[:.]/g, '')}.replay`;
  const tmp = join(dir, `.${name}.part`);
  await writeFile(tmp, encodeReplayFile(raws));
  await rename(tmp, join(dir, name));
  return join(dir, name);
}

/** The raws of a logged spool file: staged under its log position, or still in the spool directory. */
export function readLoggedReplay(actorDir: string, entry: FileEntry, lsn: number): Uint8Array[] | undefined {
  for (const path of [
    join(stagingDir(actorDir), stagedName(lsn, entry.name)),
    join(replayDir(actorDir), entry.name),
    join(stagingDir(actorDir), stagedName(lsn, entry.name)),
  ]) {
    try {
      return decodeReplayFile(new Uint8Array(readFileSync(path)));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return undefined;
}
