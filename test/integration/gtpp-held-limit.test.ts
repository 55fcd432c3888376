/**
 * The GTP' gateway's bound on possibly duplicated packets, in a running narflow: past `maxHeldCdrs`
 * CDRs held, a new possibly duplicated packet is answered "No resources available" and not taken,
 * with the alarm up; once the GSN releases what is held, the packet sent again is taken and every
 * released CDR reaches the output once.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hostEndpoint } from '../../src/cluster/cli/status.js';
import { encodeCdr } from '../../src/protocols/cdr/index.js';
import { sampleCdr } from '../../src/protocols/cdr/samples.js';
import { Cause, type GtppMessage } from '../../src/protocols/gtpp/index.js';
import { TestPeer } from '../helpers/gtpp-peer.js';
import { csvRows, sleep, startNarflow, waitForOutput } from '../helpers/narflow-process.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const possiblyDuplicated = (records: Uint8Array[]): GtppMessage => ({
  type: 'data-record-transfer-request',
  command: 2,
  packet: { format: 1, formatVersion: { application: 1, release: 16, version: 2 }, records },
});

async function metric(dataDir: string, re: RegExp): Promise<number> {
  const text = await (await fetch(`${await hostEndpoint(dataDir)}/metrics`)).text();
  const m = re.exec(text);
  return m === null ? Number.NaN : Number(m[1]);
}

describe("GTP' possibly duplicated packets held", () => {
  it('ensures packets past maxHeldCdrs are refused with "No resources available" and an alarm, and taken once the held ones are released', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'narflow-gtpp-held-'));
    dirs.push(dir);
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const dataDir = join(dir, 'data');
    const config = join(dir, 'narflow.yaml');
    await writeFile(
      config,
      `version: 1
host: { dataDir: ${dataDir}, metrics: { port: 0 } }
nodes:
  - id: gtpp
    type: gtpp-ei
    settings: { listen: { address: 127.0.0.1, port: ${port}, udp: true, tcp: false }, warmUpCdrs: 0, maxHeldCdrs: 3 }
    destinations: [{ to: [cdr] }]
  - id: cdr
    type: file-oi
    settings: { dir: ${join(dir, 'out')}, rollIntervalMs: 200 }
    rules:
      - { attribute: chargingId }
      - { attribute: recordSequenceNumber }
`,
    );
    const narflow = startNarflow(['run', config]);
    const gsn = await TestPeer.udp(port);
    try {
      await waitForOutput(narflow, /GTP' charging gateway listening/, 30_000);
      const cdrs = [0, 1, 2, 3].map((i) => encodeCdr(sampleCdr(i)));
      gsn.send(1, possiblyDuplicated(cdrs.slice(0, 2)));
      expect((await gsn.next())?.message).toMatchObject({
        cause: Cause.RequestAccepted,
        requestsResponded: [1],
      });
      const held = /^narflow_node_records_held\{node="gtpp"[^}]*\} (\S+)$/m;
      const end = Date.now() + 10_000;
      while ((await metric(dataDir, held)) !== 2 && Date.now() < end) await sleep(100);
      expect(await metric(dataDir, held)).toBe(2);

      gsn.send(2, possiblyDuplicated(cdrs.slice(2, 4))); // 2 held + 2 > 3
      expect((await gsn.next())?.message).toMatchObject({
        cause: Cause.NoResourcesAvailable,
        requestsResponded: [2],
      });
      const alarm = /^narflow_alarm\{[^}]*alarm="possibly_duplicated_full"[^}]*\} (\S+)$/m;
      while ((await metric(dataDir, alarm)) !== 1 && Date.now() < end + 5_000) await sleep(100);
      expect(await metric(dataDir, alarm)).toBe(1);

      gsn.send(3, { type: 'data-record-transfer-request', command: 4, released: [1] });
      expect((await gsn.next())?.message).toMatchObject({
        cause: Cause.RequestAccepted,
        requestsResponded: [3],
      });
      while ((await metric(dataDir, held)) !== 0 && Date.now() < end + 10_000) await sleep(100);
      gsn.send(2, possiblyDuplicated(cdrs.slice(2, 4))); // sent again: taken now
      expect((await gsn.next())?.message).toMatchObject({
        cause: Cause.RequestAccepted,
        requestsResponded: [2],
      });
      gsn.send(4, { type: 'data-record-transfer-request', command: 4, released: [2] });
      expect((await gsn.next())?.message).toMatchObject({
        cause: Cause.RequestAccepted,
        requestsResponded: [4],
      });

      const expected = [0, 1, 2, 3].map(
        (i) => `${sampleCdr(i).chargingID},${sampleCdr(i).recordSequenceNumber}`,
      );
      let rows: string[] = [];
      while (rows.length < 4 && Date.now() < end + 20_000) {
        await sleep(200);
        rows = await csvRows(join(dir, 'out')).catch(() => []);
      }
      expect(rows.sort()).toEqual(expected.sort());
      expect(await metric(dataDir, alarm)).toBe(0);
    } finally {
      gsn.close();
      narflow.child.kill('SIGTERM');
      await narflow.exit;
    }
  }, 60_000);
});
