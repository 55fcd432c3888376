/**
 * The RADIUS EI's ingest against a real UDP socket, with an input log whose durability the test
 * controls: responses only after durability, retransmissions answered again without a second entry,
 * unknown clients and wrong authenticators dropped unanswered and counted, malformed requests logged
 * for the quarantine, the clients file reloaded without a restart.
 */
import { createSocket, type Socket } from 'node:dgram';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeEntries, KIND_INVALID, KIND_MESSAGE } from '../../../../src/actors/nodes/ei/datagram/entry.js';
import { TableFile } from '../../../../src/actors/nodes/ep/rules/table-file.js';
import { parseClients } from '../../../../src/actors/nodes/ei/radius/clients.js';
import { RadiusIngest } from '../../../../src/actors/nodes/ei/radius/ingest.js';
import { radiusEiSettings } from '../../../../src/actors/nodes/ei/radius/settings.js';
import {
  accountingRequestAuthenticator,
  encodeAccountingRequest,
  RadiusCode,
  verifyResponse,
  type AttributeInput,
} from '../../../../src/protocols/radius/index.js';
import { FakeLog } from '../../../helpers/fake-ingest-log.js';

const SECRET = 'testing123';
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

class Nas {
  readonly inbox: Uint8Array[] = [];
  #waiters: Array<(m: Uint8Array) => void> = [];
  private constructor(
    readonly socket: Socket,
    readonly port: number,
  ) {}

  static async open(port: number, local = '127.0.0.1'): Promise<Nas> {
    const s = createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, local, r));
    const n = new Nas(s, port);
    s.on('message', (m) => {
      const w = n.#waiters.shift();
      if (w !== undefined) w(new Uint8Array(m));
      else n.inbox.push(new Uint8Array(m));
    });
    cleanup.push(() => new Promise<void>((r) => s.close(() => r())));
    return n;
  }

  send(packet: Uint8Array): void {
    this.socket.send(packet, this.port, '127.0.0.1');
  }

  next(ms = 2000): Promise<Uint8Array | undefined> {
    const m = this.inbox.shift();
    if (m !== undefined) return Promise.resolve(m);
    return new Promise((resolve) => {
      const w = (x: Uint8Array): void => {
        clearTimeout(t);
        resolve(x);
      };
      const t = setTimeout(() => {
        this.#waiters = this.#waiters.filter((x) => x !== w);
        resolve(undefined);
      }, ms);
      this.#waiters.push(w);
    });
  }
}

const start = (id: number, session = 's1', extra: AttributeInput[] = []): AttributeInput[] => [
  { name: 'Acct-Status-Type', value: 'Start' },
  { name: 'Acct-Session-Id', value: session },
  { name: 'NAS-IP-Address', value: '192.0.2.1' },
  { name: 'User-Name', value: `user${id}` },
  ...extra,
];

async function setup(clients = `127.0.0.1 ${SECRET} nas-one\n`, over: Record<string, unknown> = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'narflow-radius-ingest-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'clients.txt');
  await writeFile(file, clients);
  const s = radiusEiSettings.parse({
    listen: { address: '127.0.0.1', port: 0 },
    clientsFile: file,
    clientsReloadMs: 50,
    ...over,
  });
  const ingest = new RadiusIngest(s, new TableFile(file, parseClients));
  const log = new FakeLog('radius');
  await ingest.start(log.context(dir));
  cleanup.push(() => ingest.stop());
  return { ingest, log, file, port: ingest.port as number };
}

describe('radius-ei ingest', () => {
  it('ensures an Accounting-Request is answered only once durable, with a valid Response Authenticator and its Proxy-State, and a retransmission gets the same answer without a second entry', async () => {
    const { log, port, ingest } = await setup();
    const nas = await Nas.open(port);
    const req = encodeAccountingRequest(
      {
        identifier: 42,
        attributes: start(1, 's1', [{ name: 'Proxy-State', value: Uint8Array.from([1, 2, 3]) }]),
      },
      SECRET,
    );
    nas.send(req);
    expect(await nas.next(300)).toBeUndefined();
    expect(log.entries).toHaveLength(1);
    nas.send(req); // retransmitted before the answer
    await new Promise((r) => setTimeout(r, 50));
    log.durable();
    const a = await nas.next();
    const b = await nas.next();
    expect(a).toBeDefined();
    expect(b).toEqual(a);
    const response = a as Uint8Array;
    expect(response[0]).toBe(RadiusCode.AccountingResponse);
    expect(response[1]).toBe(42);
    expect(verifyResponse(response, req.subarray(4, 20), SECRET)).toBe(true);
    expect(verifyResponse(response, req.subarray(4, 20), 'wrong')).toBe(false);
    expect(Buffer.from(response.subarray(20)).toString('hex')).toBe('2105010203');
    nas.send(req); // after the answer: the same answer at once
    expect(await nas.next()).toEqual(response);
    expect(log.entries).toHaveLength(1);
    const [entry] = decodeEntries(log.entries[0] as Uint8Array);
    expect(entry).toMatchObject({
      kind: KIND_MESSAGE,
      address: '127.0.0.1',
      port: nas.socket.address().port,
    });
    expect(entry?.message).toEqual(req);
    expect(ingest.stats().events).toMatchObject({ accepted: 1, retransmission: 2 });
    expect(ingest.stats().peers?.['nas-one']).toMatchObject({ accepted: 1, retransmission: 2 });
  });

  it('ensures a request whose append failed is not answered, nor the copy that waited on it', async () => {
    const { log, port, ingest } = await setup();
    const nas = await Nas.open(port);
    const req = encodeAccountingRequest({ identifier: 43, attributes: start(2, 's2') }, SECRET);
    nas.send(req);
    nas.send(req); // retransmitted before the answer
    await new Promise((r) => setTimeout(r, 100));
    expect(log.entries).toHaveLength(1);
    log.fail();
    expect(await nas.next(300)).toBeUndefined();
    expect(ingest.stats().events).toMatchObject({ append_failed: 1, retransmission: 1 });
    expect(ingest.stats().events['accepted']).toBeUndefined();
    expect(ingest.idle()).toBe(true);
  });

  it('ensures the same record with a new Identifier is a new request (the order enhancer de-duplicates it)', async () => {
    const { log, port } = await setup();
    log.autoDurable = true;
    const nas = await Nas.open(port);
    nas.send(encodeAccountingRequest({ identifier: 1, attributes: start(1) }, SECRET));
    nas.send(encodeAccountingRequest({ identifier: 2, attributes: start(1) }, SECRET));
    expect(await nas.next()).toBeDefined();
    expect(await nas.next()).toBeDefined();
    expect(log.entries.flatMap((e) => decodeEntries(e))).toHaveLength(2);
  });

  it('ensures unknown clients, wrong secrets, wrong Message-Authenticators and other codes are dropped unanswered, unlogged and counted', async () => {
    const { log, port, ingest } = await setup();
    log.autoDurable = true;
    const stranger = await Nas.open(port, '127.0.0.2');
    stranger.send(encodeAccountingRequest({ identifier: 1, attributes: start(1) }, SECRET));
    const nas = await Nas.open(port);
    nas.send(encodeAccountingRequest({ identifier: 2, attributes: start(2) }, 'not-the-secret'));
    const badMa = encodeAccountingRequest(
      { identifier: 3, attributes: start(3), messageAuthenticator: true },
      SECRET,
    );
    badMa[badMa.length - 1] = (badMa[badMa.length - 1] as number) ^ 1;
    // The Request Authenticator covers the Message-Authenticator: re-sign so only the latter is wrong.
    const resigned = Uint8Array.from(badMa);
    resigned.set(accountingRequestAuthenticator(resigned, SECRET), 4);
    nas.send(resigned);
    const accessRequest = Uint8Array.from(
      encodeAccountingRequest({ identifier: 4, attributes: start(4) }, SECRET),
    );
    accessRequest[0] = RadiusCode.AccessRequest;
    nas.send(accessRequest);
    nas.send(Uint8Array.from([4, 1, 0]));
    expect(await stranger.next(400)).toBeUndefined();
    expect(await nas.next(100)).toBeUndefined();
    expect(log.entries).toHaveLength(0);
    expect(ingest.stats().events).toMatchObject({
      unknown_client: 1,
      bad_authenticator: 1,
      unexpected_code: 1,
    });
    const events = ingest.stats().events;
    expect((events['bad_message_authenticator'] ?? 0) + (events['bad_authenticator'] ?? 0)).toBe(2);
    expect(Object.keys(events).some((k) => k.startsWith('invalid_'))).toBe(true);
  });

  it('ensures an authentic request that does not decode is logged as invalid for the quarantine and not answered', async () => {
    const { log, port, ingest } = await setup();
    log.autoDurable = true;
    const nas = await Nas.open(port);
    // No Acct-Status-Type: RFC 2866 requires it.
    nas.send(
      encodeAccountingRequest({ identifier: 9, attributes: [{ name: 'User-Name', value: 'x' }] }, SECRET),
    );
    expect(await nas.next(400)).toBeUndefined();
    expect(log.entries).toHaveLength(1);
    expect(decodeEntries(log.entries[0] as Uint8Array)[0]?.kind).toBe(KIND_INVALID);
    expect(ingest.stats().events).toMatchObject({ invalid_missing_attribute: 1 });
  });

  it('ensures a changed clients file is taken without a restart, and a broken one keeps the old and raises an alarm', async () => {
    const { log, port, file, ingest } = await setup();
    log.autoDurable = true;
    const other = await Nas.open(port, '127.0.0.3');
    other.send(encodeAccountingRequest({ identifier: 1, attributes: start(1) }, 'other-secret'));
    expect(await other.next(200)).toBeUndefined();
    await writeFile(file, `127.0.0.1 ${SECRET} nas-one\n127.0.0.3/32 "other-secret" nas-three\n`);
    // Polled every 50 ms and taken once left alone for a second: ask until the new version is in
    // effect (a busy machine may take a while).
    let answer: Uint8Array | undefined;
    for (let id = 2; answer === undefined && id < 40; id++) {
      other.send(encodeAccountingRequest({ identifier: id, attributes: start(id) }, 'other-secret'));
      answer = await other.next(250);
    }
    expect(answer).toBeDefined();
    await writeFile(file, `127.0.0.1 ${SECRET} nas-one\nnot-an-address secret\n`);
    for (let i = 0; i < 200 && !log.alarms.has('clients_reload_failed'); i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(log.alarms.get('clients_reload_failed')).toContain(
      `${file}:2: expected an IPv4/IPv6 address or CIDR`,
    );
    // The old clients stay in effect: 127.0.0.3 is still answered (asked again while a busy machine
    // is slow to answer; a client dropped would never be).
    let kept: Uint8Array | undefined;
    for (let id = 100; kept === undefined && id < 110; id++) {
      other.send(encodeAccountingRequest({ identifier: id, attributes: start(id) }, 'other-secret'));
      kept = await other.next(1000);
    }
    // Should this fail: whether the ingest dropped the client (unknown_client) or never saw the requests.
    expect(kept, JSON.stringify({ events: ingest.stats().events, alarms: [...log.alarms] })).toBeDefined();
  });
});
