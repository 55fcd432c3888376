/**
 * End to end: TS 32.297 CDR files dropped into config/gtpp-chain.yaml's `cdr-files` input while the
 * narflow process is SIGKILLed and started again. One file arrives twice (a GSN that re-sent it) and
 * one CDR in a file does not decode. The `cdr` and `sessions` outputs must hold every CDR of the files
 * once and every session once; the bad CDR is in the quarantine with its bytes.
 */
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { QuarantineReader } from '../../src/actors/quarantine/store.js';
import { prepareRun } from '../../src/cluster/loadgen/gtpp/prepare.js';
import { encodeCdrFile, type CdrHeader } from '../../src/protocols/cdr/file.js';
import { decodeFrame } from '../../src/protocols/gtpp/index.js';
import { gtppChainArgs } from '../helpers/gtpp-chain.js';
import { csvRows, drainOutputs, sleep, startNarflow, type Running } from '../helpers/narflow-process.js';

const dirs: string[] = [];
afterAll(async () => {
  if (process.env['NARFLOW_KEEP_TEST_DIRS'] === undefined)
    for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** Rel-15 (release identifier 7, extension 5), BER, TS 32.251. */
const CDR_HEADER: CdrHeader = {
  releaseIdentifier: 7,
  versionIdentifier: 0,
  releaseIdentifierExtension: 5,
  dataRecordFormat: 1,
  tsNumber: 7,
};

function cdrFile(cdrs: readonly Uint8Array[], sequence: number): Uint8Array {
  return encodeCdrFile(
    {
      highRelease: { releaseIdentifier: 7, versionIdentifier: 0, releaseIdentifierExtension: 5 },
      lowRelease: { releaseIdentifier: 7, versionIdentifier: 0, releaseIdentifierExtension: 5 },
      openingTime: { month: 12, day: 4, hour: 10, minute: 0, utcOffset: '+01:00' },
      lastCdrAppendTime: { month: 12, day: 4, hour: 10, minute: 5, utcOffset: '+01:00' },
      fileSequenceNumber: sequence,
      closureTriggerReason: 3,
      nodeAddress: Uint8Array.from([0xff, 0xff, 0xff, 0xff, ...new Array<number>(12).fill(0), 10, 0, 0, 1]),
      lostCdrIndicator: 0,
      routingFilter: new Uint8Array(0),
      privateExtension: new Uint8Array(0),
    },
    cdrs.map((bytes) => ({ header: CDR_HEADER, bytes })),
  );
}

describe('CDR files into the GTP’ chain under kill -9', () => {
  it('ensures every CDR of the files reaches the outputs once, a re-sent file adds nothing and a bad CDR is quarantined', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'narflow-cdrfile-e2e-'));
    dirs.push(dir);
    const input = join(dir, 'in');
    await mkdir(input, { recursive: true });
    // The CDRs of a load-generator run (G-CDRs and PGW-CDRs: their sessions end on a final record).
    const run = prepareRun({
      gsns: 2,
      ipv6: false,
      mix: [
        { recordType: 'pGWRecord', weight: 60 },
        { recordType: 'ggsnPDPRecord', weight: 40 },
      ],
      records: { kind: 'uniform', min: 1, max: 4 },
      limit: { sessions: 6000 },
      cdrsPerMessage: 50,
      gtppVersion: 2,
      dupRate: 0,
      seed: 97,
      nowMs: Date.UTC(2026, 11, 4, 9),
    });
    const perGsn: Uint8Array[][] = run.gsns.map(() => []);
    run.msgFrame.forEach((frame, m) => {
      const f = decodeFrame(frame);
      if (f.message.type !== 'data-record-transfer-request' || f.message.packet === undefined)
        throw new Error('expected a Data Record Transfer Request with records');
      (perGsn[run.msgGsn[m] as number] as Uint8Array[]).push(...f.message.packet.records);
    });
    const files: Array<[string, Uint8Array]> = [];
    let seq = 0;
    perGsn.forEach((cdrs, g) => {
      for (let i = 0; i < cdrs.length; i += 2500) {
        seq++;
        files.push([`GSN${g}_${String(seq).padStart(6, '0')}`, cdrFile(cdrs.slice(i, i + 2500), seq)]);
      }
    });
    const bad = Uint8Array.from([0xbf, 0x4f, 0x03, 0x80, 0x01, 0x02]); // pGWRecord with a cut-off field
    files.push(['GSN0_resent', (files[0] as [string, Uint8Array])[1]]);
    files.push(['GSN1_with_bad_cdr', cdrFile([bad], ++seq)]);

    const args = gtppChainArgs(dir, 0, [
      ['nodes[cdr-files].settings.pollMs', 50],
      ['nodes[cdr-files].settings.cdrsPerSlice', 100],
      ['nodes[cdr].settings.rollIntervalMs', 500],
      ['nodes[sessions].settings.rollIntervalMs', 500],
    ]);
    let narflow: Running = startNarflow(args);
    await sleep(2500);
    for (const [name, bytes] of files) {
      await writeFile(join(input, `.${name}`), bytes);
      await rename(join(input, `.${name}`), join(input, name));
    }
    await sleep(600);
    narflow.child.kill('SIGKILL');
    await narflow.exit;
    // The kill came while the CDRs were on their way: not all of them were out yet.
    const outAtKill = (await csvRows(join(dir, 'out', 'cdr')).catch(() => [])).length;
    narflow = startNarflow(args);

    const cdrTruth = [...run.cdrLine].sort();
    const sessionTruth = run.sessionLine.filter((l) => l !== '').sort();
    expect(cdrTruth.length).toBeGreaterThan(12_000);
    expect(outAtKill).toBeLessThan(cdrTruth.length);
    const [cdr, sessions] = await drainOutputs(narflow, [
      [join(dir, 'out', 'cdr'), cdrTruth.length],
      [join(dir, 'out', 'sessions'), sessionTruth.length],
    ]);
    expect(cdr.length).toBe(cdrTruth.length);
    expect(cdr).toEqual(cdrTruth);
    expect(sessions).toEqual(sessionTruth);
    const quarantined = await new QuarantineReader(join(dir, 'data', 'quarantine')).list({
      node: 'cdr-files',
    });
    expect(quarantined.map((q) => Buffer.from(q.raw).toString('hex'))).toEqual([
      Buffer.from(bad).toString('hex'),
    ]);
    expect(quarantined[0]?.detail).toMatchObject({ file: 'GSN1_with_bad_cdr', index: 0 });
  }, 240_000);
});
