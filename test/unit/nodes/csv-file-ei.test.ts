import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { csvFileEi, csvFileEiSettings } from '../../../src/actors/nodes/ei/csv-file.js';
import { encodeFileEntry, stagedName, stagingDir } from '../../../src/actors/nodes/ei/file-pickup.js';
import type { HandlerContext, NodeHandler } from '../../../src/actors/runtime/actor.js';
import { nodeEnv, recorded, recordingContext, type Recorded } from '../../helpers/handler-context.js';

let dir = '';
const made: NodeHandler[] = [];
afterEach(async () => {
  for (const h of made.splice(0)) await h.terminate?.('shutdown');
  await rm(dir, { recursive: true, force: true });
});

type Captured = Recorded;

function context(position: number, out: Captured): HandlerContext {
  return recordingContext(out, position, { nodeId: 'collect', actorDir: dir });
}

async function setup(
  content: string,
  linesPerSlice = 2,
  poolThreads = 0,
): Promise<{ handler: () => NodeHandler; payload: Uint8Array }> {
  dir = await mkdtemp(join(tmpdir(), 'narflow-ei-'));
  const input = join(dir, 'in');
  await mkdir(input);
  await mkdir(stagingDir(dir), { recursive: true });
  await writeFile(join(stagingDir(dir), stagedName(5, 'a.csv')), content);
  const settings = csvFileEiSettings.parse({
    inputDir: input,
    linesPerSlice,
    columns: [
      { name: 'imsi', required: true },
      { name: 'chargingId', type: 'integer', required: true },
      { name: 'bytes', type: 'bigint' },
    ],
  });
  const env = nodeEnv(dir, { nodeId: 'collect', poolThreads });
  return {
    handler: () => {
      const h = csvFileEi.create(settings, env);
      made.push(h);
      return h;
    },
    payload: encodeFileEntry({ name: 'a.csv', size: Buffer.byteLength(content) }),
  };
}

/** Calls the handler for the entry until it is done (or `stopAfter` calls); true when done. */
async function runAll(
  h: NodeHandler,
  payload: Uint8Array,
  out: Captured,
  stopAfter = Infinity,
): Promise<boolean> {
  for (let calls = 0; calls < stopAfter; calls++) {
    if ((await h.handleExternal?.(payload, context(5, out))) !== 'more') return true;
  }
  return false;
}

const FILE =
  'imsi,chargingId,bytes\r\n' +
  '001,1,10\r\n' +
  '002,x2,20\n' +
  '003,3,\n' +
  `004,${'9'.repeat(1_200_000)},1\n` +
  '"005",5,50\n' +
  '006,6,"60\n' +
  ',7,70\n' +
  '008,8,80';

describe.each([
  { mode: 'inline', threads: 0 },
  { mode: 'with a piscina thread', threads: 1 },
])('csv-file-ei handler ($mode)', ({ threads }) => {
  it('ensures every line is either emitted typed or quarantined with file, line and reason, and the file is read in slices', async () => {
    const { handler, payload } = await setup(FILE, 2, threads);
    const out: Captured = recorded();
    expect(await runAll(handler(), payload, out, 3)).toBe(false);
    expect(await runAll(handler(), payload, recorded())).toBe(true);
    out.emitted.length = 0;
    out.quarantined.length = 0;
    out.counts.created = 0;
    await runAll(handler(), payload, out);
    expect(out.emitted).toEqual([
      { imsi: '001', chargingId: 1, bytes: 10n },
      { imsi: '003', chargingId: 3, bytes: null },
      { imsi: '005', chargingId: 5, bytes: 50n },
      { imsi: '008', chargingId: 8, bytes: 80n },
    ]);
    expect(out.quarantined.map((q) => [q.reason, q.detail?.['line']])).toEqual([
      ['bad_integer', 3],
      ['line_too_long', 5],
      ['unterminated_quote', 7],
      ['missing_value', 8],
    ]);
    expect(out.counts.created).toBe(8);
  });

  it('ensures a handler restored from a snapshot taken between slices produces exactly the rest of the output', async () => {
    const { handler, payload } = await setup(FILE, 2, threads);
    const full: Captured = recorded();
    await runAll(handler(), payload, full);
    let cuts = 0;
    for (let cut = 1; ; cut++) {
      const first: Captured = recorded();
      const h1 = handler();
      if (await runAll(h1, payload, first, cut)) break; // the entry was done: the runtime moves on
      cuts++;
      const h2 = handler();
      await h2.init(structuredClone(h1.snapshot()));
      const rest: Captured = recorded();
      await runAll(h2, payload, rest);
      expect([...first.emitted, ...rest.emitted], `cut after ${cut} slices`).toEqual(full.emitted);
      expect([...first.quarantined, ...rest.quarantined].map((q) => q.detail?.['line'])).toEqual(
        full.quarantined.map((q) => q.detail?.['line']),
      );
    }
    expect(cuts).toBeGreaterThanOrEqual(3);
  });
});
