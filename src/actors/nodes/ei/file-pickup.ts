/**
 * The file EI's ingest: picks files from the input directory, one at a time in name order.
 * For each: append a reference entry to the input log and wait until it is durable, then move the
 * file into `staging/<lsn>-<name>` (the handler reads it there, or from the input directory if the
 * move has not happened yet — the bytes are the same). Once a checkpoint covers the entry, the file
 * is moved to the done directory or deleted. On start, half-finished moves are completed.
 *
 * A file is taken only once it has been left alone for `settleMs` (by its modification time), so a
 * file still being written into the directory (an FTP upload, a copy) is not taken half-written:
 * what was appended after the pick-up would be lost. Name order is kept: a poll stops at the first
 * file still settling. A modification time in the future (another clock) is taken once two polls in
 * a row see the file unchanged.
 */
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { packValue, unpackValue } from '../../../protocols/nar/batch.js';
import { fsyncDir } from '../../durability/fs-util.js';
import { isSettled, type FileVersion } from '../file-settle.js';
import type { IngestContext, IngestSource } from '../../runtime/actor.js';

export interface PickupSettings {
  readonly inputDir: string;
  readonly pattern: string;
  readonly pollMs: number;
  readonly afterRead: 'move' | 'delete';
  readonly doneDir?: string | undefined;
  /** How long a file must be left alone before it is taken; 0: at once (files renamed in whole). */
  readonly settleMs: number;
}

interface Seen extends FileVersion {
  readonly name: string;
}

export interface FileEntry {
  readonly name: string;
  readonly size: number;
}

export function encodeFileEntry(e: FileEntry): Uint8Array {
  return packValue(e);
}

export function decodeFileEntry(payload: Uint8Array): FileEntry {
  return unpackValue(payload) as FileEntry;
}

export function stagingDir(actorDir: string): string {
  return join(actorDir, 'staging');
}

export function stagedName(lsn: number, name: string): string {
  return `${String(lsn).padStart(12, '0')}-${name}`;
}

/** `*` and `?` globbing over a plain file name. */
export function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

export class FilePickup implements IngestSource {
  readonly #match: RegExp;
  readonly #staging: string;
  readonly #done: string;
  #ctx: IngestContext | undefined;
  #timer: NodeJS.Timeout | undefined;
  #busy: Promise<void> | undefined;
  #lastPollFound = true;
  #stopped = false;
  /** The file the last poll stopped at because it was still settling. */
  #settling: Seen | undefined;

  constructor(
    private readonly settings: PickupSettings,
    actorDir: string,
    private readonly now: () => number = Date.now,
  ) {
    this.#match = globToRegExp(settings.pattern);
    this.#staging = stagingDir(actorDir);
    this.#done = settings.doneDir ?? join(actorDir, 'done');
  }

  async start(ctx: IngestContext): Promise<void> {
    this.#ctx = ctx;
    await mkdir(this.settings.inputDir, { recursive: true });
    await mkdir(this.#staging, { recursive: true });
    await mkdir(this.#done, { recursive: true });
    await this.#reconcile(ctx);
    this.#schedule(0);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    await this.#busy;
  }

  idle(): boolean {
    return this.#busy === undefined && !this.#lastPollFound;
  }

  async checkpointCommitted(position: number): Promise<void> {
    for (const f of await readdir(this.#staging)) {
      const lsn = Number(f.slice(0, 12));
      if (!Number.isSafeInteger(lsn) || lsn >= position) continue;
      const from = join(this.#staging, f);
      if (this.settings.afterRead === 'delete') await rm(from, { force: true });
      else await rename(from, join(this.#done, f));
    }
  }

  async #reconcile(ctx: IngestContext): Promise<void> {
    const pending = new Map<number, FileEntry>();
    for (const e of await ctx.pendingEntries()) pending.set(e.lsn, decodeFileEntry(e.payload));
    const staged = new Set(await readdir(this.#staging));
    for (const [lsn, entry] of pending) {
      const name = stagedName(lsn, entry.name);
      if (staged.has(name)) continue;
      try {
        await rename(join(this.settings.inputDir, entry.name), join(this.#staging, name));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        ctx.log.warn({ file: entry.name, lsn }, 'logged input file is gone from the input directory');
      }
    }
    for (const f of staged) {
      const lsn = Number(f.slice(0, 12));
      if (lsn >= ctx.checkpointPosition && !pending.has(lsn)) {
        // Staged without a durable entry: give it back to the input directory to be picked up again.
        await rename(join(this.#staging, f), join(this.settings.inputDir, f.slice(13)));
      }
    }
    await fsyncDir(this.#staging);
    await fsyncDir(this.settings.inputDir);
    await this.checkpointCommitted(ctx.checkpointPosition);
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#busy = this.#poll()
        .catch((err: Error) => this.#ctx?.log.error({ err }, 'file pick-up failed; retrying'))
        .finally(() => {
          this.#busy = undefined;
          this.#schedule(this.settings.pollMs);
        });
    }, ms);
  }

  async #poll(): Promise<void> {
    const ctx = this.#ctx as IngestContext;
    const names = (await readdir(this.settings.inputDir))
      .filter((n) => this.#match.test(n) && !n.startsWith('.'))
      .sort();
    this.#lastPollFound = names.length > 0;
    for (const name of names) {
      if (this.#stopped) return;
      const from = join(this.settings.inputDir, name);
      const st = await stat(from);
      if (!st.isFile()) continue;
      const seen: Seen = { name, size: st.size, mtimeMs: st.mtimeMs };
      if (!this.#settled(seen)) {
        this.#settling = seen;
        return;
      }
      this.#settling = undefined;
      const lsn = await ctx.append(encodeFileEntry({ name, size: st.size }));
      await rename(from, join(this.#staging, stagedName(lsn, name)));
      await fsyncDir(this.#staging);
      await fsyncDir(this.settings.inputDir);
    }
  }

  #settled(f: Seen): boolean {
    if (this.settings.settleMs <= 0) return true;
    const was = this.#settling?.name === f.name ? this.#settling : undefined;
    return isSettled(f, was, this.settings.settleMs, this.now());
  }
}
