/** The datagram EIs' UDP socket: kernel drop counts read from /proc/net/udp. */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseUdpDrops, UdpListener } from '../../../../src/actors/nodes/ei/datagram/udp.js';

const TABLE = [
  '   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops            ',
  ' 3554: 0D00007F:0D39 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 30600 2 00000000720d694e 17         ',
  ' 5578: 0A00007F:A371 0100007F:5A0A 01 00000000:00000000 00:00000000 00000000     0        0 30597 2 00000000c1bd1571 0         ',
  ' 5579: 00000000:0D39 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 30598 2 00000000c1bd1572 3         ',
].join('\n');

describe('UDP kernel drops', () => {
  it('ensures the drops column of the sockets on a port is read and summed', () => {
    expect(parseUdpDrops(TABLE, 3385)).toBe(20);
    expect(parseUdpDrops(TABLE, 0xa371)).toBe(0);
    expect(parseUdpDrops(TABLE, 9)).toBeUndefined();
    expect(parseUdpDrops('sl local_address\n', 3385)).toBeUndefined();
  });

  it('ensures a real socket is found in /proc/net/udp with its drop count', async () => {
    const l = await UdpListener.open(
      { address: '127.0.0.1', port: 0, receiveBufferBytes: 65536 },
      () => {},
      () => {},
    );
    try {
      expect(await l.kernelDrops()).toBe(0);
      expect(l.kernelDropsGauge()).toBe(0);
      // While this thread is blocked (execFileSync), a child floods the socket past its small
      // buffer: the kernel drops what does not fit, and the count shows it.
      const flood = `const s=require('dgram').createSocket('udp4');let n=0;const b=Buffer.alloc(1200);
        (function go(){for(let i=0;i<100;i++)s.send(b,${l.port},'127.0.0.1');if((n+=100)<3000)setImmediate(go);else setTimeout(()=>s.close(),50);})();`;
      execFileSync(process.execPath, ['-e', flood]);
      expect(await l.kernelDrops()).toBeGreaterThan(0);
    } finally {
      await l.close();
    }
  });
});
