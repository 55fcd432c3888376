import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadgenCommand } from '../../../../src/cluster/cli/loadgen.js';
import { runRadiusLoad } from '../../../../src/cluster/loadgen/radius/index.js';
import { RadiusResponder } from './responder.js';

const SECRET = 'narflow-demo-secret';
afterEach(() => vi.restoreAllMocks());

describe('loadgen radius run', () => {
  it('ensures every request is answered across lost answers, and the truth holds each record once', async () => {
    // Every 25th answer is lost: the NAS retransmits the same request and the server answers again.
    const r = await new RadiusResponder(SECRET, (n) => n % 25 === 0).listen();
    const dir = mkdtempSync(join(tmpdir(), 'narflow-radius-run-'));
    try {
      const report = await runRadiusLoad({
        target: { host: '127.0.0.1', port: r.port },
        nases: 3,
        sessions: 60,
        interims: { min: 0, max: 2 },
        dupRate: 0.1,
        window: 4,
        timeoutMs: 100,
        retries: 5,
        out: dir,
        maxSeconds: 30,
      });
      const s = report.summary;
      expect(report.ended).toBe('done');
      expect(s.sent).toBe(report.prepared.requests);
      expect(s.accepted).toBe(s.sent);
      expect(s.unanswered).toBe(0);
      expect(s.retransmitted).toBeGreaterThan(0);
      expect(s.duplicatesSent).toBe(report.prepared.duplicates);
      expect(s.badResponses).toBe(0);
      expect(r.bad).toBe(0);
      expect([...r.peers].sort()).toEqual(['127.0.0.10', '127.0.0.11', '127.0.0.12']);
      expect(report.truth).toEqual({ records: report.prepared.records, sessions: 60, unconfirmed: 0 });
      // The server saw every record at least once: originals, re-sent copies and retransmissions.
      const keys = new Set(
        r.received.map((q) => `${q.acctSessionId}|${q.acctStatusTypeName}|${q.eventTimestamp}`),
      );
      expect(keys.size).toBe(report.prepared.records);
      expect(r.received.length).toBe(s.sent + s.retransmitted);
      const records = readFileSync(join(dir, 'truth', 'records.csv'), 'utf8')
        .trim()
        .split('\n');
      expect(records).toHaveLength(report.prepared.records + 1);
      expect(
        readFileSync(join(dir, 'truth', 'sessions.csv'), 'utf8')
          .trim()
          .split('\n'),
      ).toHaveLength(61);
      const json = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as {
        options: Record<string, unknown>;
      };
      expect(json.options['secret']).toBeUndefined();
      expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('requests per second');
    } finally {
      await r.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ensures requests nobody answers are given up and listed as unconfirmed', async () => {
    const r = await new RadiusResponder('another-secret').listen();
    try {
      const report = await runRadiusLoad({
        target: { host: '127.0.0.1', port: r.port },
        sessions: 3,
        interims: { min: 0, max: 0 },
        timeoutMs: 20,
        retries: 1,
        maxSeconds: 10,
      });
      // A lane gives up on the Start and goes on with the Stop.
      expect(report.summary).toMatchObject({ sent: 6, accepted: 0, unanswered: 6, retransmitted: 6 });
      expect(report.truth).toEqual({ records: 0, sessions: 0, unconfirmed: 6 });
      expect(r.bad).toBe(12);
    } finally {
      await r.close();
    }
  });

  it('ensures the CLI prints the summary on stdout and the usage on --help', async () => {
    const r = await new RadiusResponder(SECRET).listen();
    const dir = mkdtempSync(join(tmpdir(), 'narflow-radius-cli-'));
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const code = await loadgenCommand([
        'radius',
        `--target=127.0.0.1:${r.port}`,
        '--sessions',
        '10',
        '--interims',
        '1',
        '--out',
        dir,
        '--progress',
        'off',
      ]);
      expect(code).toBe(0);
      const text = out.mock.calls.map((c) => String(c[0])).join('');
      expect(text).toMatch(/^sent\s+30 requests$/m);
      expect(text).toMatch(/^accepted\s+30 requests$/m);
      expect(text).toMatch(/^retransmitted\s+0 requests$/m);
      expect(text).toMatch(/^duplicates-sent\s+0 requests/m);
      expect(text).toMatch(/^unanswered\s+0 requests$/m);
      expect(text).toMatch(/^latency\s+p50 [\d.]+ ms, p99 [\d.]+ ms, max [\d.]+ ms$/m);
      expect(text).toMatch(/^rate\s+\d+ requests\/s$/m);
      out.mockClear();
      expect(await loadgenCommand(['radius', '--help'])).toBe(0);
      const help = out.mock.calls.map((c) => String(c[0])).join('');
      for (const o of [
        '--target',
        '--secret',
        '--nases',
        '--sessions',
        '--count',
        '--interims',
        '--dup-rate',
        '--window',
        '--timeout-ms',
        '--retries',
        '--rate',
        '--shape',
        '--max-seconds',
        '--out',
        '--progress',
        '--seed',
      ]) {
        expect(help).toContain(o);
      }
      expect(help).not.toContain('--cdrs-per-message');
      await expect(loadgenCommand(['snmp'])).rejects.toThrow(
        /expected a generator \(gtpp, radius[^)]*\), got "snmp"/,
      );
    } finally {
      await r.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
