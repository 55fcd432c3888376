/** The flow collector's ingest on real UDP sockets: datagrams logged as they came, others refused. */
import { createSocket } from 'node:dgram';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeEntries, KIND_MESSAGE } from '../../../../src/actors/nodes/ei/datagram/entry.js';
import { NetflowIngest } from '../../../../src/actors/nodes/ei/netflow/ingest.js';
import { netflowEiSettings } from '../../../../src/actors/nodes/ei/netflow/settings.js';
import { FakeLog } from '../../../helpers/fake-ingest-log.js';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function send(port: number, from: string, payload: Uint8Array): Promise<void> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, from, r));
  await new Promise<void>((r) => s.send(payload, port, '127.0.0.1', () => r()));
  s.close();
}

describe('netflow-ei ingest', () => {
  it('ensures datagrams from allowed exporters are logged as they came on both ports, and others are refused and counted', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'narflow-netflow-ingest-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const s = netflowEiSettings.parse({
      listen: { address: '127.0.0.1', netflowPort: 0, ipfixPort: 0 },
      allowExporters: ['127.0.0.1', '127.0.0.5/32'],
    });
    const ingest = new NetflowIngest(s);
    const log = new FakeLog('collector');
    log.autoDurable = true;
    await ingest.start(log.context(dir));
    cleanup.push(() => ingest.stop());
    const { netflow, ipfix } = ingest.ports as { netflow: number; ipfix: number };
    await send(netflow, '127.0.0.1', Uint8Array.from([0, 5, 1]));
    await send(ipfix, '127.0.0.5', Uint8Array.from([0, 10, 2]));
    await send(ipfix, '127.0.0.9', Uint8Array.from([0, 10, 3]));
    for (let i = 0; i < 50 && log.entries.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 100));
    const entries = log.entries.flatMap((e) => decodeEntries(e));
    expect(entries.map((e) => [e.kind, e.address, [...e.message]])).toEqual([
      [KIND_MESSAGE, '127.0.0.1', [0, 5, 1]],
      [KIND_MESSAGE, '127.0.0.5', [0, 10, 2]],
    ]);
    const st = ingest.stats();
    expect(st.events).toMatchObject({ datagrams: 2, exporter_refused: 1 });
    expect(st.peers?.['127.0.0.5']).toEqual({ datagrams: 1 });
    expect(st.gauges).toHaveProperty('udp_kernel_drops_netflow');
    expect(st.gauges).toHaveProperty('udp_kernel_drops_ipfix');
    expect(st.gauges).toHaveProperty('udp_receive_queue_bytes_netflow');
    expect(st.gauges).toHaveProperty('udp_receive_queue_bytes_ipfix');
  });

  it('ensures stats can still be read after the sockets closed (the stats timer outlives a stop)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'narflow-netflow-ingest-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const ingest = new NetflowIngest(
      netflowEiSettings.parse({ listen: { address: '127.0.0.1', netflowPort: 0, ipfixPort: 0 } }),
    );
    await ingest.start(new FakeLog('collector').context(dir));
    await ingest.stop();
    expect(ingest.stats().gauges).toHaveProperty('receive_buffer_bytes_netflow');
  });
});
