/** The RADIUS EI's handler, clients file and replay: records, quarantine, replayed requests. */
import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  encodeEntries,
  encodeEntry,
  KIND_INVALID,
  KIND_MESSAGE,
} from '../../../../src/actors/nodes/ei/datagram/entry.js';
import { replayDir } from '../../../../src/actors/nodes/ei/datagram/replay-spool.js';
import { encodeFileEntry, stagedName, stagingDir } from '../../../../src/actors/nodes/ei/file-pickup.js';
import { parseClients } from '../../../../src/actors/nodes/ei/radius/clients.js';
import { RadiusEiHandler } from '../../../../src/actors/nodes/ei/radius/handler.js';
import { radiusEi } from '../../../../src/actors/nodes/ei/radius/index.js';
import { radiusEiSettings } from '../../../../src/actors/nodes/ei/radius/settings.js';
import { RulesFileError } from '../../../../src/actors/nodes/rules-errors.js';
import { encodeAccountingRequest } from '../../../../src/protocols/radius/index.js';
import { recorded, recordingContext } from '../../../helpers/handler-context.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

const stop = encodeAccountingRequest(
  {
    identifier: 7,
    attributes: [
      { name: 'Acct-Status-Type', value: 'Stop' },
      { name: 'Acct-Session-Id', value: 'abc' },
      { name: 'NAS-IP-Address', value: '192.0.2.1' },
      { name: 'Acct-Input-Octets', value: 5 },
      { name: 'Acct-Input-Gigawords', value: 2 },
      { name: 'Acct-Terminate-Cause', value: 'User-Request' },
    ],
  },
  's',
);
const noStatus = encodeAccountingRequest(
  { identifier: 8, attributes: [{ name: 'User-Name', value: 'x' }] },
  's',
);
const entry = (message: Uint8Array, kind: 1 | 2 = KIND_MESSAGE) =>
  encodeEntry({
    kind,
    transport: 'udp',
    address: '127.0.0.1',
    port: 4000,
    receivedAtMs: 1_700_000_000_000,
    message,
  });

describe('radius-ei handler', () => {
  it('ensures each logged request becomes a NAR with the client address, and a request that does not decode is quarantined with its code and origin', () => {
    const out = recorded();
    const ctx = recordingContext(out, 1, { nodeId: 'radius' });
    const h = new RadiusEiHandler('/nonexistent');
    h.handleExternal(encodeEntries([entry(stop), entry(noStatus, KIND_INVALID)]), ctx);
    expect(out.emitted).toHaveLength(1);
    expect(out.emitted[0]).toMatchObject({
      acctStatusType: 'Stop',
      acctSessionId: 'abc',
      nasIpAddress: '192.0.2.1',
      inputOctets: 8_589_934_597n,
      clientAddress: '127.0.0.1',
    });
    expect(out.quarantined).toEqual([
      expect.objectContaining({
        reason: 'missing_attribute',
        raw: Buffer.from(noStatus).toString(),
        detail: expect.objectContaining({
          address: '127.0.0.1',
          port: 4000,
          receivedAtMs: 1_700_000_000_000,
        }),
      }),
    ]);
    expect(out.counts.created).toBe(2);
  });

  it('ensures quarantined requests replay through the spool as requests from where they came', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'narflow-radius-replay-'));
    dirs.push(dir);
    const s = radiusEiSettings.parse({ clientsFile: join(dir, 'clients.txt') });
    const where = await radiusEi.replay?.(s, [stop], { actorDir: dir }, [
      { address: '192.0.2.9', port: 1700, receivedAtMs: 5 },
    ]);
    const [name] = await readdir(replayDir(dir));
    expect(where).toBe(join(replayDir(dir), name as string));
    // As the pick-up would: the spool file logged at position 3 and staged under it.
    await mkdir(stagingDir(dir), { recursive: true });
    await rename(join(replayDir(dir), name as string), join(stagingDir(dir), stagedName(3, name as string)));
    const out = recorded();
    const ctx = recordingContext(out, 3, { nodeId: 'radius' });
    new RadiusEiHandler(dir).handleExternal(encodeFileEntry({ name: name as string, size: 0 }), ctx);
    expect(out.emitted).toEqual([
      expect.objectContaining({ acctSessionId: 'abc', clientAddress: '192.0.2.9' }),
    ]);
  });
});

describe('radius clients file', () => {
  it('ensures clients are matched by longest prefix, quoted secrets keep blanks and escapes, comments are skipped', () => {
    const t = parseClients(
      [
        '# NASes',
        '10.0.0.0/8      wide          pool',
        '10.1.2.3        "a \\"b\\" c"  exact   # the BRAS',
        '2001:db8::/32   v6secret',
        '',
      ].join('\n'),
      'clients.txt',
    );
    expect(t.size).toBe(3);
    expect(t.lookup('10.1.2.3')?.name).toBe('exact');
    expect(Buffer.from(t.lookup('10.1.2.3')?.secret ?? []).toString()).toBe('a "b" c');
    expect(t.lookup('10.9.9.9')?.name).toBe('pool');
    expect(t.lookup('2001:db8::5')?.name).toBe('2001:db8::/32');
    expect(t.lookup('192.0.2.1')).toBeUndefined();
  });

  it('ensures every bad line is reported with file, line and what was expected', () => {
    let err: unknown;
    try {
      parseClients(
        '10.0.0.1\nnope secret\n10.0.0.2 "open\n10.0.0.3 a b c\n10.0.0.4 s\n10.0.0.4/32 t\n',
        'c.txt',
      );
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RulesFileError);
    expect((err as RulesFileError).message.split('\n')).toEqual([
      'c.txt:1: expected "<address or CIDR> <secret> [name]", got 1 field(s)',
      'c.txt:2: expected an IPv4/IPv6 address or CIDR, got "nope"',
      'c.txt:3: expected a closing " for the quoted field',
      'c.txt:4: expected "<address or CIDR> <secret> [name]", got 4 field(s)',
      'c.txt:6: expected each address or CIDR once, 10.0.0.4/32 is also on line 5',
    ]);
  });

  it('ensures the config loader resolves the clients file beside the config and reports its mistakes by line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'narflow-radius-clients-'));
    dirs.push(dir);
    await writeFile(join(dir, 'clients.txt'), '127.0.0.1 s nas\n');
    const s = await radiusEi.resolveFiles?.(radiusEiSettings.parse({ clientsFile: 'clients.txt' }), dir);
    expect(s?.clientsFile).toBe(join(dir, 'clients.txt'));
    await writeFile(join(dir, 'clients.txt'), '127.0.0.1\n');
    expect(() =>
      radiusEi.resolveFiles?.(radiusEiSettings.parse({ clientsFile: 'clients.txt' }), dir),
    ).toThrow(`${join(dir, 'clients.txt')}:1: expected`);
  });
});
