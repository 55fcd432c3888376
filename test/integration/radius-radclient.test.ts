/**
 * Interoperability with FreeRADIUS' `radclient` (Debian freeradius-utils): it sends Start,
 * Interim-Update and Stop for a session to `narflow run config/radius-accounting.yaml` and accepts
 * narflow's Accounting-Responses (it checks their Response Authenticators). Through a relay that loses
 * narflow's first answer to the Stop, radclient retransmits it (same Identifier and authenticator), and
 * a second radclient run re-sends the Stop with a new Identifier, as a NAS after a fail-over: the
 * records and sessions outputs still hold each record once and the session once. A radclient with a
 * wrong secret gets no answer.
 */
import { execFile } from 'node:child_process';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { QuarantineReader } from '../../src/actors/quarantine/store.js';
import { parseCsvLine } from '../../src/protocols/csv/csv.js';
import { debianTool } from '../helpers/debian-tool.js';
import { csvRows, ROOT, sleep, startNarflow } from '../helpers/narflow-process.js';

const radclient = debianTool('/usr/bin/radclient', 'freeradius-utils');
const SECRET = 'narflow-demo-secret';
const dirs: string[] = [];
afterAll(async () => {
  if (process.env['NARFLOW_KEEP_TEST_DIRS'] === undefined)
    for (const d of dirs) await rm(d, { recursive: true, force: true });
});

function run(file: string, port: number, secret: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      radclient.path,
      ['-x', '-r', '4', '-t', '1', '-f', file, `127.0.0.1:${port}`, 'acct', secret],
      { timeout: 60_000 },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
        resolve({ code, out: `${stdout}${stderr}` });
      },
    );
  });
}

/** Relays datagrams between radclient and narflow; loses narflow's answers while `loseAnswers` > 0. */
class LossyRelay {
  loseAnswers = 0;
  lost = 0;
  forwarded = 0;
  #client: RemoteInfo | undefined;
  private constructor(
    readonly front: Socket,
    readonly back: Socket,
  ) {}

  static async open(target: number): Promise<LossyRelay> {
    const front = createSocket('udp4');
    const back = createSocket('udp4');
    await new Promise<void>((r) => front.bind(0, '127.0.0.1', r));
    await new Promise<void>((r) => back.bind(0, '127.0.0.1', r));
    const relay = new LossyRelay(front, back);
    front.on('message', (m, rinfo) => {
      relay.#client = rinfo;
      relay.forwarded++;
      back.send(m, target, '127.0.0.1');
    });
    back.on('message', (m) => {
      if (relay.loseAnswers > 0) {
        relay.loseAnswers--;
        relay.lost++;
        return;
      }
      const c = relay.#client;
      if (c !== undefined) front.send(m, c.port, c.address);
    });
    return relay;
  }

  get port(): number {
    return this.front.address().port;
  }

  close(): void {
    this.front.close();
    this.back.close();
  }
}

const packet = (lines: string[]): string => `${lines.join('\n')}\n`;
const common = [
  'Acct-Session-Id = "rc-0001"',
  'NAS-IP-Address = 127.0.0.1',
  'User-Name = "alice@example.net"',
  'Calling-Station-Id = "491701234567"',
  'Framed-IP-Address = 100.64.0.7',
];

describe('RADIUS accounting with radclient', () => {
  radclient.require('RADIUS interoperability with radclient');
  it.runIf(radclient.present)(
    'ensures radclient accepts the responses, its retransmission and a re-sent Stop are billed once, and a wrong secret gets no answer',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'narflow-radclient-'));
      dirs.push(dir);
      const port = 20_000 + Math.floor(Math.random() * 20_000);
      const narflow = startNarflow([
        'run',
        join(ROOT, 'config', 'radius-accounting.yaml'),
        '--data-dir',
        join(dir, 'data'),
        '--set',
        `nodes[radius].settings.listen.address=127.0.0.1`,
        '--set',
        `nodes[radius].settings.listen.port=${port}`,
        '--set',
        'host.metrics.port=0',
        '--set',
        `nodes[records].settings.dir=${join(dir, 'out', 'records')}`,
        '--set',
        `nodes[sessions].settings.dir=${join(dir, 'out', 'sessions')}`,
        '--set',
        'nodes[records].settings.rollIntervalMs=500',
        '--set',
        'nodes[sessions].settings.rollIntervalMs=500',
      ]);
      try {
        await sleep(2500);
        const t0 = 1_764_840_000;
        const session = join(dir, 'session.txt');
        await writeFile(
          session,
          [
            packet(['Acct-Status-Type = Start', ...common, `Event-Timestamp = ${t0}`]),
            packet([
              'Acct-Status-Type = Interim-Update',
              ...common,
              `Event-Timestamp = ${t0 + 300}`,
              'Acct-Session-Time = 300',
              'Acct-Input-Octets = 1000',
              'Acct-Output-Octets = 50000',
            ]),
          ].join('\n'),
        );
        const on = join(dir, 'on.txt');
        await writeFile(on, packet(['Acct-Status-Type = Accounting-On', 'NAS-IP-Address = 127.0.0.1']));
        const nasOn = await run(on, port, SECRET);
        expect(nasOn.code, nasOn.out).toBe(0);
        const started = await run(session, port, SECRET);
        expect(started.code, started.out).toBe(0);
        expect(started.out.match(/Received Accounting-Response/g)).toHaveLength(2);

        const stop = join(dir, 'stop.txt');
        await writeFile(
          stop,
          packet([
            'Acct-Status-Type = Stop',
            ...common,
            `Event-Timestamp = ${t0 + 600}`,
            'Acct-Session-Time = 600',
            'Acct-Input-Octets = 5',
            'Acct-Input-Gigawords = 1',
            'Acct-Output-Octets = 90000',
            'Acct-Terminate-Cause = User-Request',
          ]),
        );
        const relay = await LossyRelay.open(port);
        relay.loseAnswers = 1;
        const stopped = await run(stop, relay.port, SECRET);
        relay.close();
        expect(stopped.code, stopped.out).toBe(0);
        expect(relay.lost).toBe(1);
        expect(relay.forwarded).toBe(2); // the Stop and radclient's retransmission of it
        // The NAS fails over and sends the Stop again, with a new Identifier.
        const again = await run(stop, port, SECRET);
        expect(again.code, again.out).toBe(0);
        const wrong = await run(stop, port, 'not-the-secret');
        expect(wrong.code).not.toBe(0);
        expect(wrong.out).not.toMatch(/Received Accounting-Response/);

        for (let i = 0; i < 60; i++) {
          if ((await csvRows(join(dir, 'out', 'sessions')).catch(() => [])).length > 0) break;
          await sleep(500);
        }
        await sleep(1000);
      } finally {
        narflow.child.kill('SIGTERM');
      }
      const ended = await narflow.exit;
      expect(ended.code, narflow.output().slice(-3000)).toBe(0);
      const records = (await csvRows(join(dir, 'out', 'records'))).map((l) =>
        parseCsvLine(l, { delimiter: ',' }),
      );
      expect(records.map((r) => r.slice(0, 3))).toEqual([
        ['127.0.0.1', '', 'Accounting-On'],
        ['127.0.0.1', 'rc-0001', 'Start'],
        ['127.0.0.1', 'rc-0001', 'Interim-Update'],
        ['127.0.0.1', 'rc-0001', 'Stop'],
      ]);
      expect(records[3]?.slice(3)).toEqual([
        'alice@example.net',
        '491701234567',
        '100.64.0.7',
        new Date((1_764_840_000 + 600) * 1000).toISOString().replace('.000', ''),
        '600',
        String(2 ** 32 + 5),
        '90000',
        'User-Request',
      ]);
      const quarantined = await new QuarantineReader(join(dir, 'data', 'quarantine')).list({});
      expect(quarantined).toEqual([]);
      const sessions = (await csvRows(join(dir, 'out', 'sessions'))).map((l) =>
        parseCsvLine(l, { delimiter: ',' }),
      );
      expect(sessions).toHaveLength(1);
      expect(sessions[0]).toEqual([
        '127.0.0.1',
        'rc-0001',
        'alice@example.net',
        new Date(1_764_840_000 * 1000).toISOString().replace('.000', ''),
        '3',
        String(2 ** 32 + 5),
        '90000',
        '600',
        'Stop',
        'User-Request',
      ]);
    },
    120_000,
  );
});
