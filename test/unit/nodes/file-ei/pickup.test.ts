/**
 * Ensures the file pick-up takes a file only once it has been left alone for `settleMs`, keeps name
 * order while one is settling, takes a file dated in the future once it is seen unchanged twice, and
 * with `settleMs: 0` takes files at once.
 */
import { mkdir, mkdtemp, rename, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  decodeFileEntry,
  FilePickup,
  type PickupSettings,
} from '../../../../src/actors/nodes/ei/file-pickup.js';
import { FakeLog } from '../../../helpers/fake-ingest-log.js';

const T0 = 1_800_000_000_000;

let dir: string;
let input: string;
let pickup: FilePickup | undefined;
let now = T0;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'narflow-pickup-'));
  input = join(dir, 'in');
  await mkdir(input);
  now = T0;
});
afterEach(async () => {
  await pickup?.stop();
  pickup = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** A file with that modification time, in place at once (made aside, dated, renamed in). */
async function put(name: string, text: string, mtimeMs: number): Promise<void> {
  const aside = join(input, `.${name}`);
  await writeFile(aside, text);
  await utimes(aside, mtimeMs / 1000, mtimeMs / 1000);
  await rename(aside, join(input, name));
}

async function start(settleMs: number, pollMs = 10): Promise<FakeLog> {
  const settings: PickupSettings = {
    inputDir: input,
    pattern: '*.csv',
    pollMs,
    afterRead: 'delete',
    settleMs,
  };
  const log = new FakeLog('files');
  log.autoDurable = true;
  pickup = new FilePickup(settings, join(dir, 'actor'), () => now);
  await pickup.start(log.context(join(dir, 'actor')));
  return log;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** Long enough for several polls 10 ms apart. */
const polls = (): Promise<void> => sleep(100);

async function until(done: () => boolean, ms: number): Promise<void> {
  for (const end = Date.now() + ms; !done() && Date.now() < end;) await sleep(20);
}
const taken = (log: FakeLog): string[] => log.entries.map((e) => decodeFileEntry(e).name);

describe('file pick-up', () => {
  it('ensures a file is taken once left alone for settleMs, and later names wait for it', async () => {
    await put('a.csv', 'x,1\n', T0 - 100);
    await put('b.csv', 'x,2\n', T0 - 60_000);
    const log = await start(1000);
    await polls();
    expect(taken(log)).toEqual([]); // a.csv settling; b.csv, though old, is after it
    await put('a.csv', 'x,1\nx,3\n', T0 - 50); // written to again
    now = T0 + 949;
    await polls();
    expect(taken(log)).toEqual([]);
    now = T0 + 950;
    await polls();
    expect(taken(log)).toEqual(['a.csv', 'b.csv']);
    expect(log.entries.map((e) => decodeFileEntry(e).size)).toEqual([8, 4]); // a.csv whole
  });

  it('ensures a file dated in the future is taken once two polls see it unchanged, not while it changes', async () => {
    await put('f.csv', 'x,1\n', T0 + 3_600_000);
    const log = await start(1000, 1000); // polls at 0, 1 s, 2 s, …
    await sleep(200);
    await put('f.csv', 'x,1\nx,2\n', T0 + 3_600_001); // changed between the first and second poll
    await sleep(1000);
    expect(taken(log)).toEqual([]); // the second poll saw a different version
    await until(() => log.entries.length > 0, 5000);
    expect(taken(log)).toEqual(['f.csv']);
    expect(decodeFileEntry(log.entries[0] as Uint8Array).size).toBe(8);
  });

  it('ensures settleMs 0 takes a file at once', async () => {
    await put('n.csv', 'x,1\n', T0);
    const log = await start(0);
    await polls();
    expect(taken(log)).toEqual(['n.csv']);
  });
});
