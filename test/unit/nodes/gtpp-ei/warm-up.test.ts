/**
 * The gateway's warm-up: sample CDRs through the request path before the sockets open, touching
 * nothing the gateway keeps (no log entry, no event, no answer).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { GtppIngest } from '../../../../src/actors/nodes/ei/gtpp/ingest.js';
import { gtppEiSettings } from '../../../../src/actors/nodes/ei/gtpp/settings.js';
import { warmUp } from '../../../../src/actors/nodes/ei/gtpp/warm-up.js';
import { CDR_RECORD_TYPES, decodeCdr, encodeCdr } from '../../../../src/protocols/cdr/index.js';
import { sampleCdr } from '../../../../src/protocols/cdr/samples.js';
import { FakeLog } from '../../../helpers/fake-ingest-log.js';

describe('gtpp-ei warm-up', () => {
  it('ensures sample CDRs cover the five record types, IPv6 addresses and service-data containers, and decode to what was encoded', () => {
    const samples = Array.from({ length: 84 }, (_, i) => sampleCdr(i));
    expect(new Set(samples.map((s) => s.recordType))).toEqual(new Set(CDR_RECORD_TYPES));
    expect(samples.some((s) => s.ggsnAddress?.includes(':'))).toBe(true);
    expect(samples.some((s) => (s.listOfServiceData?.length ?? 0) > 0)).toBe(true);
    for (const s of samples) expect(decodeCdr(encodeCdr(s))).toEqual(s);
  });

  it('ensures at least the asked number of CDRs go through, in whole requests, and 0 runs none', () => {
    expect(warmUp(0)).toEqual({ cdrs: 0, ms: 0 });
    expect(warmUp(25).cdrs).toBe(30);
    expect(warmUp(120).cdrs).toBe(120);
  });

  it('ensures a gateway warms up before it listens, says so, and has logged, counted and answered nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'narflow-gtpp-warm-'));
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = new FakeLog();
    const ingest = new GtppIngest(
      gtppEiSettings.parse({ listen: { address: '127.0.0.1', port: 0, tcp: false }, warmUpCdrs: 200 }),
    );
    try {
      await ingest.start({ ...log.context(dir), log: pino({ level: 'info' }, sink) });
      const listening = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l['warmUp']);
      expect(listening?.['msg']).toBe("GTP' charging gateway listening");
      expect(listening?.['warmUp']).toMatchObject({ cdrs: 200 });
      expect(log.entries).toHaveLength(0);
      expect(ingest.stats().events).toEqual({});
      expect(ingest.stats().gauges?.['peers']).toBe(0);
    } finally {
      await ingest.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
