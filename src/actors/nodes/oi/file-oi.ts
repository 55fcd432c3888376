/**
 * `file-oi`: writes NARs as CSV or fixed-width rows, columns from the node's rules. Each batch's
 * rows are appended to the current temp file as they are formatted; at the end of a batch the file
 * is committed when it holds `rollRecords` rows or `rollBytes` bytes, on a tick when it is
 * `rollIntervalMs` old in tick time, and on drain: fsynced, renamed into place, the directory
 * fsynced, then a checkpoint is requested (DESIGN rule 6). Uncommitted rows are `held` and are
 * rewritten by replay after a crash. Commits happen only at the end of an entry, so a checkpoint
 * never covers rows that are only in a temp file.
 *
 * File names come from `fileName` with the sequence and the opening tick time, both kept in the
 * snapshot, so a replay after a crash writes the same file under the same name instead of adding one.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Nar } from '../../../protocols/nar/nar.js';
import type { PackedBatch } from '../../../protocols/nar/packed-batch.js';
import type { HandlerContext, NodeHandler } from '../../runtime/actor.js';
import type { NodeType } from '../registry.js';
import { FileNameTemplate } from './file-name.js';
import { fileOiSettings, resolveFileOi, type FileOiSettings } from './file-oi-settings.js';
import { rowFormat, type RowFormat } from './row-format.js';

export { fileOiSettings, type FileOiSettings } from './file-oi-settings.js';

interface State {
  /** Sequence of the next (or the open) file. */
  fileSeq: number;
  lastTick: number;
  /** Tick time the open file was opened at (its `{time}`); null while no file is open. */
  openedAt: number | null;
}

function restore(snapshot: unknown): State {
  const s = snapshot as Partial<State>;
  return { fileSeq: s.fileSeq ?? 1, lastTick: s.lastTick ?? 0, openedAt: s.openedAt ?? null };
}

class FileOiHandler implements NodeHandler {
  #state: State = { fileSeq: 1, lastTick: 0, openedAt: null };
  /** Rows and bytes written to the open temp file and not yet committed. */
  #rows = 0;
  #bytes = 0;
  #fd: number | undefined;
  readonly #format: RowFormat;
  readonly #names: FileNameTemplate;
  /** CSV: a packed batch's rows are written from its bytes, no NAR objects made. */
  readonly handlePackedBatch?: (batch: PackedBatch, ctx: HandlerContext) => void;

  constructor(
    private readonly s: FileOiSettings,
    private readonly nodeId: string,
    private readonly partition: number,
  ) {
    const resolved = resolveFileOi(s);
    this.#format = rowFormat(resolved);
    this.#names = new FileNameTemplate(resolved.fileName);
    mkdirSync(s.dir, { recursive: true });
    const packedRows = this.#format.packedRows;
    if (packedRows !== undefined) {
      this.handlePackedBatch = (batch, ctx) => {
        const count = batch.header.count;
        if (count > 0) this.#append(packedRows(batch), count, ctx);
      };
    }
  }

  init(snapshot: unknown): void {
    if (snapshot !== undefined && snapshot !== null) this.#state = restore(snapshot);
  }

  snapshot(): unknown {
    return { ...this.#state };
  }

  held(): number {
    return this.#rows;
  }

  handleBatch(records: Nar[], ctx: HandlerContext): void {
    if (records.length === 0) return;
    const rows = this.#format.rows(records, ctx);
    if (rows.count > 0) this.#append(Buffer.from(rows.text), rows.count, ctx);
  }

  /** Appends `count` rows (`text`, UTF-8) to the open file; commits it when it is full. */
  #append(text: Uint8Array, count: number, ctx: HandlerContext): void {
    const fd = this.#open();
    for (let at = 0; at < text.length;) at += writeSync(fd, text, at);
    this.#rows += count;
    this.#bytes += text.length;
    if (this.#rows >= this.s.rollRecords || this.#bytes >= this.s.rollBytes) this.#commit(ctx);
  }

  handleTick(nowMs: number, ctx: HandlerContext): void {
    this.#state.lastTick = nowMs;
    const openedAt = this.#state.openedAt;
    if (this.#rows > 0 && openedAt !== null && nowMs - openedAt >= this.s.rollIntervalMs) this.#commit(ctx);
  }

  drain(ctx: HandlerContext): void {
    if (this.#rows > 0) this.#commit(ctx);
  }

  terminate(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }

  #name(): string {
    return this.#names.render({
      node: this.nodeId,
      partition: this.partition,
      timeMs: this.#state.openedAt ?? this.#state.lastTick,
      seq: this.#state.fileSeq,
    });
  }

  /** The temp file of the current sequence; a leftover from before a crash is started over. */
  #open(): number {
    if (this.#fd !== undefined) return this.#fd;
    this.#state.openedAt ??= this.#state.lastTick;
    this.#fd = openSync(join(this.s.dir, `.${this.#name()}.tmp`), 'w');
    const header = this.#format.header;
    if (header !== '') writeSync(this.#fd, header);
    this.#bytes = Buffer.byteLength(header);
    return this.#fd;
  }

  #commit(ctx: HandlerContext): void {
    const fd = this.#open();
    const name = this.#name();
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
      this.#fd = undefined;
    }
    renameSync(join(this.s.dir, `.${name}.tmp`), join(this.s.dir, name));
    const dfd = openSync(this.s.dir, 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
    ctx.count('out', this.#rows);
    this.#rows = 0;
    this.#bytes = 0;
    this.#state.fileSeq++;
    this.#state.openedAt = null;
    ctx.requestCheckpoint();
  }
}

export const fileOi: NodeType<FileOiSettings> = {
  name: 'file-oi',
  kind: 'OI',
  description: 'writes CSV or fixed-width files atomically (temp, fsync, rename, then checkpoint)',
  settings: fileOiSettings,
  checkpoint: 'on-request',
  create: (s, env) => new FileOiHandler(s, env.nodeId, env.partition),
};
