import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadgenCommand } from '../../../src/cluster/cli/loadgen.js';
import { UsageError } from '../../../src/cluster/cli/usage-error.js';
import { Responder } from './responder.js';

afterEach(() => vi.restoreAllMocks());

describe('narflow loadgen', () => {
  it('ensures a missing or unknown generator is a usage error that lists the options', async () => {
    await expect(loadgenCommand([])).rejects.toThrow(UsageError);
    await expect(loadgenCommand(['snmp'])).rejects.toThrow(
      /expected a generator \(gtpp, radius, netflow\), got "snmp"[\s\S]*--cdrs-per-message/,
    );
    await expect(loadgenCommand(['gtpp', '--target', '10.0.0.1'])).rejects.toThrow(/not a loopback address/);
  });

  it('ensures --help prints every option', async () => {
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    expect(await loadgenCommand(['gtpp', '--help'])).toBe(0);
    const text = out.mock.calls.map((c) => String(c[0])).join('');
    for (const o of [
      '--target',
      '--secondary',
      '--transport',
      '--gsns',
      '--mix',
      '--sessions',
      '--records',
      '--cdrs-per-message',
      '--gtpp-version',
      '--window',
      '--timeout-ms',
      '--retries',
      '--dup-rate',
      '--rate',
      '--shape',
      '--duration',
      '--count',
      '--max-seconds',
      '--seed',
      '--out',
      '--pcap',
      '--prepare',
      '--first-gsn',
    ]) {
      expect(text).toContain(o);
    }
  });

  it('ensures a run prints the summary on stdout and writes report and truth under --out', async () => {
    const r = await new Responder().listenUdp();
    const dir = mkdtempSync(join(tmpdir(), 'narflow-loadgen-cli-'));
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const code = await loadgenCommand([
        'gtpp',
        `--target=127.0.0.1:${r.port}`,
        '--sessions',
        '10',
        '--out',
        dir,
        '--progress',
        'off',
      ]);
      expect(code).toBe(0);
      const text = out.mock.calls.map((c) => String(c[0])).join('');
      expect(text).toMatch(/^sent\s+30 CDRs$/m);
      expect(text).toMatch(/^accepted\s+30 CDRs$/m);
      expect(text).toMatch(/^latency\s+p50 [\d.]+ ms, p99 [\d.]+ ms, max [\d.]+ ms$/m);
      expect(text).toMatch(/^generator\s+peak RSS \d+ MiB, CPU [\d.]+ s$/m);
      expect(readFileSync(join(dir, 'truth/cdr.csv'), 'utf8').trim().split('\n')).toHaveLength(31);
      expect(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'))).toMatchObject({
        summary: { accepted: 30 },
      });
      // With progress on, a run prepared ahead says so before it starts; a streamed one starts at once.
      const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
      const said = async (prepare: string): Promise<string> => {
        err.mockClear();
        const args = ['gtpp', `--target=127.0.0.1:${r.port}`, '--sessions', '10', '--prepare', prepare];
        expect(await loadgenCommand([...args, '--out', dir, '--progress', 'auto'])).toBe(0);
        return err.mock.calls.map((c) => String(c[0])).join('');
      };
      expect(await said('ahead')).toContain('generating and encoding the CDRs before sending');
      expect(await said('stream')).not.toContain('generating and encoding');
    } finally {
      await r.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
